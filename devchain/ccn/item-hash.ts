import { createHash } from "node:crypto";

/** aleph-message's ItemHash: a sha256 hex digest, or an IPFS CIDv0 / CIDv1. */
export function isItemHash(value: string): boolean {
	if (/^Qm[1-9A-HJ-NP-Za-km-z]{42,44}$/.test(value)) return true;
	if (/^bafy[a-z2-7]{55}$/.test(value)) return true;
	return /^[0-9a-f]{64}$/.test(value);
}

/** `ItemType.from_hash`, or undefined for an unknown hash shape. */
export function itemTypeOf(hash: string): "storage" | "ipfs" | undefined {
	if (!isItemHash(hash)) return undefined;
	return /^[0-9a-f]{64}$/.test(hash) ? "storage" : "ipfs";
}

export function sha256Hex(bytes: Uint8Array | string): string {
	return createHash("sha256").update(bytes).digest("hex");
}
