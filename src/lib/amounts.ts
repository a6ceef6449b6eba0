/** Number of decimals of ALEPH on every chain. */
export const ALEPH_DECIMALS = 18;
const ONE = 10n ** 18n;

/**
 * Formats a wei amount as an exact decimal string of ALEPH, without trailing zeros:
 * `1500000000000000000n` → `"1.5"`, `-1n` → `"-0.000000000000000001"`.
 */
export function formatAleph(wei: bigint): string {
	const negative = wei < 0n;
	const abs = negative ? -wei : wei;
	const whole = abs / ONE;
	const fraction = (abs % ONE).toString().padStart(ALEPH_DECIMALS, "0").replace(/0+$/, "");
	return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * Parses an exact decimal string of ALEPH into wei; more than 18 decimals is an error,
 * never a silent rounding.
 */
export function parseAleph(value: string): bigint {
	const match = /^(-)?(\d+)(?:\.(\d{1,18}))?$/.exec(value.trim());
	if (!match) throw new RangeError(`not an exact ALEPH amount with at most 18 decimals: "${value}"`);
	const [, sign, whole = "0", fraction = ""] = match;
	const wei = BigInt(whole) * ONE + BigInt(fraction.padEnd(ALEPH_DECIMALS, "0"));
	return sign ? -wei : wei;
}

/** The API's amount shape: `{ wei, aleph }`, both exact strings. */
export function toAmount(wei: bigint): { wei: string; aleph: string } {
	return { wei: wei.toString(), aleph: formatAleph(wei) };
}
