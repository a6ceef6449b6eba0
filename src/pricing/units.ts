/**
 * @module pricing/units
 * Conversions between the exact decimal strings pyaleph prints (18 decimals)
 * and integer "wei" amounts (value × 10^18). Every cost is floored to 18
 * decimals, so the wei form is exact.
 *
 * Units by column: hold → ALEPH; stream → ALEPH per second; credit → credits per second.
 * In wei form: ALEPH-wei, ALEPH-wei per second, credit units × 10^18 per second.
 */

/** 10^18: one unit (ALEPH, or one credit) in wei. */
export const WEI_PER_UNIT = 10n ** 18n;

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d*))?$/;

/**
 * Parses an exact decimal string (`"1000"`, `"0.000015277777777777"`,
 * `"-102.400000000000000000"`) into wei (× 10^18).
 * @throws RangeError when the string is not a plain decimal or has more than 18 decimals
 *   (such a value cannot be represented exactly in wei).
 * @example toWei("1.5") === 1_500_000_000_000_000_000n
 */
export function toWei(value: string): bigint {
	const match = DECIMAL_RE.exec(value.trim());
	if (match === null) throw new RangeError(`not a decimal amount: "${value}"`);
	const sign = match[1] === "-" ? -1n : 1n;
	const intPart = match[2] ?? "0";
	const fraction = (match[3] ?? "").replace(/0+$/, "");
	if (fraction.length > 18) {
		throw new RangeError(`more than 18 decimals: "${value}"`);
	}
	return sign * BigInt(intPart + fraction.padEnd(18, "0"));
}

/**
 * Formats wei as a decimal string with exactly 18 decimals, like pyaleph's
 * `format_cost_str` (`"{:.18f}"`).
 * @example fromWei(1_000n * 10n ** 18n) === "1000.000000000000000000"
 */
export function fromWei(wei: bigint): string {
	const negative = wei < 0n;
	const digits = (negative ? -wei : wei).toString().padStart(19, "0");
	const formatted = `${digits.slice(0, -18)}.${digits.slice(-18)}`;
	return negative ? `-${formatted}` : formatted;
}
