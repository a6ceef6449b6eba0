/**
 * Verification of one listed message, trusting nothing the CCN says about it (spec aleph-network
 * §3): the item_hash is the sha256 of the exact content (inline `item_content`, or the bytes the
 * follower fetched from `/api/v0/storage/raw/{hash}`), the signature is the sender's, and the
 * content parses and has the shape of its message type. ipfs items cannot be re-hashed here (that
 * needs a UnixFS importer with the CCN's exact options) and are refused as `unverifiable_ipfs`.
 * Permissions (§4) are a separate step: see permissions.ts.
 */
import { createHash } from "node:crypto";
import { type MessageContent, parseMessageContent } from "./content.ts";
import type { Envelope } from "./envelope.ts";
import { verifySignature } from "./signatures.ts";

export type RejectReason =
	| "invalid_item_hash"
	| "invalid_signature"
	| "invalid_content"
	| "unsupported_chain"
	| "unknown_chain"
	| "unverifiable_signature"
	| "unverifiable_ipfs"
	| "content_unavailable";

export type VerifiedMessage = { envelope: Envelope; content: MessageContent };

export type VerifyResult = { ok: true; message: VerifiedMessage } | { ok: false; reason: RejectReason; message: string };

function sha256Hex(data: string | Uint8Array): string {
	return createHash("sha256").update(data).digest("hex");
}

function reject(reason: RejectReason, message: string): VerifyResult {
	return { ok: false, reason, message };
}

/**
 * Verifies a message whose envelope passed `parseEnvelope`. A storage item needs the raw bytes of
 * its content (fetched by the caller); inline items carry theirs. Never throws.
 */
export async function verifyMessage(envelope: Envelope, storageBytes?: Uint8Array): Promise<VerifyResult> {
	let source: string | Uint8Array;
	if (envelope.itemType === "ipfs") return reject("unverifiable_ipfs", "ipfs content cannot be re-hashed here");
	if (envelope.itemType === "inline") {
		source = envelope.itemContent ?? "";
		// Node hashes a string as UTF-8; parseEnvelope already refused lone surrogates.
		if (sha256Hex(source) !== envelope.itemHash) return reject("invalid_item_hash", "item_hash is not the sha256 of item_content");
	} else {
		if (storageBytes === undefined) return reject("content_unavailable", "the storage content was not provided");
		source = storageBytes;
		if (sha256Hex(source) !== envelope.itemHash) return reject("invalid_item_hash", "item_hash is not the sha256 of the stored bytes");
	}
	const verdict = await verifySignature(envelope);
	if (verdict !== "valid") {
		const reason = verdict === "invalid" ? "invalid_signature" : verdict;
		return reject(reason, `signature check of chain ${envelope.chain}: ${reason}`);
	}
	const content = parseMessageContent(envelope, source);
	if (!content.ok) return reject("invalid_content", content.message);
	return { ok: true, message: { envelope, content: content.content } };
}
