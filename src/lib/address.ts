import { getAddress, isAddress } from "viem";

/** The zero address, lowercase. */
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** True when `value` is a 0x-prefixed 20-byte hex address, in any case. */
export function isEvmAddress(value: string): boolean {
	return isAddress(value, { strict: false });
}

/** Checksums kept (keccak costs ~14 µs each; answers name the same accounts again and again). */
const CHECKSUMS_KEPT = 50_000;
const checksums = new Map<string, string>();

/** EIP-55 checksummed form, for output (memoized). */
export function checksum(address: string): string {
	let known = checksums.get(address);
	if (known === undefined) {
		known = getAddress(address);
		if (checksums.size >= CHECKSUMS_KEPT) checksums.clear();
		checksums.set(address, known);
	}
	return known;
}
