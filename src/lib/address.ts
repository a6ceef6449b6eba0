import { getAddress, isAddress } from "viem";

/** The zero address, lowercase. */
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** True when `value` is a 0x-prefixed 20-byte hex address, in any case. */
export function isEvmAddress(value: string): boolean {
	return isAddress(value, { strict: false });
}

/** EIP-55 checksummed form, for output. */
export function checksum(address: string): string {
	return getAddress(address);
}
