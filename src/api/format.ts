import { checksum, isEvmAddress } from "../lib/address.ts";
import { formatAleph, toAmount } from "../lib/amounts.ts";

/** Largest unix time a JS Date can represent, seconds. */
const MAX_DATE_SECONDS = 8_640_000_000_000n;

/** `{ wei, aleph }`, both exact strings. */
export const amount = toAmount;

/** A flow rate as `{ weiPerSecond, alephPerSecond }`, both exact strings. */
export function flowRate(weiPerSecond: bigint): { weiPerSecond: string; alephPerSecond: string } {
	return { weiPerSecond: weiPerSecond.toString(), alephPerSecond: formatAleph(weiPerSecond) };
}

/** ISO 8601 of a unix time in seconds; null when it lies beyond what a date can hold (e.g. a far-future critical time). */
export function isoFromSeconds(seconds: bigint | number | null): string | null {
	if (seconds === null) return null;
	const s = typeof seconds === "bigint" ? seconds : BigInt(Math.floor(seconds));
	if (s > MAX_DATE_SECONDS || s < -MAX_DATE_SECONDS) return null;
	return new Date(Number(s) * 1000).toISOString();
}

/** EIP-55 form of a stored (lowercase) address; anything that is not an EVM address is returned as is. */
export function display(address: string): string {
	return isEvmAddress(address) ? checksum(address) : address;
}

/** Block numbers fit in a JS number (< 2^53); they are served as numbers. */
export function blockNumber(block: bigint): number;
export function blockNumber(block: bigint | null): number | null;
export function blockNumber(block: bigint | null): number | null {
	return block === null ? null : Number(block);
}

/** A `{ chain: block }` map with number values. */
export function blockMap(asOf: Record<string, bigint>): Record<string, number> {
	return Object.fromEntries(Object.entries(asOf).map(([chain, block]) => [chain, Number(block)]));
}
