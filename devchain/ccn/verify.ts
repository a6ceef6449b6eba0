import { recoverMessageAddress } from "viem";
import { isItemHash, itemTypeOf, sha256Hex } from "./item-hash.ts";
import { CHAINS, MESSAGE_TYPES } from "./query.ts";
import type { Envelope } from "./store.ts";

/**
 * The checks pyaleph makes on a message a client posts: the envelope and inline content as
 * `schemas/pending_messages.py` parses them (a failure is answered 422 "InvalidMessageFormat"),
 * then the signature (`chains/evm.py`). Only what the oracle and the SDK exercise is modelled:
 * the content schemas are checked at their top level (aleph-message's nested VM models are not).
 */

/** Chains whose messages are signed with EIP-191 (`chains/signature_verifier.py`). */
export const EVM_CHAINS = new Set([
	"ETH",
	"ETHERLINK",
	"ARB",
	"BASE",
	"BLAST",
	"BOB",
	"BSC",
	"CYBER",
	"FRAX",
	"HYPE",
	"INK",
	"LENS",
	"LINEA",
	"LISK",
	"METIS",
	"MODE",
	"NEO",
	"OP",
	"POL",
	"SONIC",
	"UNICHAIN",
	"WLD",
	"ZORA",
]);

const MAX_INLINE_SIZE = 200_000;
const MAX_CONTENT_TIME = 9_223_372_036;
const MAX_FORGET_TARGETS = 1000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === "string";
const onlyKeys = (content: Json, keys: string[]) => Object.keys(content).every((k) => keys.includes(k));

function validPayment(payment: unknown, allowed: string[]): boolean {
	if (payment === undefined || payment === null) return true;
	if (!isObject(payment) || !allowed.includes(payment.type as string)) return false;
	return (
		(payment.chain === undefined || payment.chain === null || CHAINS.includes(payment.chain as never)) && optionalString(payment.receiver)
	);
}

/** aleph-message's content models, at their top level (`extra="forbid"` where they forbid). */
export function validContent(type: string, content: unknown): boolean {
	if (!isObject(content)) return false;
	if (typeof content.address !== "string") return false;
	if (typeof content.time !== "number" || content.time < 0 || content.time > MAX_CONTENT_TIME) return false;
	switch (type) {
		case "POST":
			return (
				onlyKeys(content, ["address", "time", "content", "ref", "type"]) &&
				typeof content.type === "string" &&
				(optionalString(content.ref) || isObject(content.ref)) &&
				(content.type !== "amend" || Boolean(content.ref))
			);
		case "AGGREGATE":
			return (
				onlyKeys(content, ["address", "time", "key", "content"]) &&
				(typeof content.key === "string" || (isObject(content.key) && typeof content.key.name === "string")) &&
				isObject(content.content)
			);
		case "STORE":
			return (
				["inline", "storage", "ipfs"].includes(content.item_type as string) &&
				typeof content.item_hash === "string" &&
				isItemHash(content.item_hash) &&
				(content.size === undefined || content.size === null || Number.isInteger(content.size)) &&
				optionalString(content.content_type) &&
				optionalString(content.ref) &&
				(content.metadata === undefined || content.metadata === null || isObject(content.metadata)) &&
				validPayment(content.payment, ["hold", "credit"])
			);
		case "FORGET": {
			const hashes = content.hashes;
			const aggregates = content.aggregates ?? [];
			const hashList = (list: unknown) =>
				Array.isArray(list) && list.length <= MAX_FORGET_TARGETS && list.every((h) => typeof h === "string" && isItemHash(h));
			return (
				onlyKeys(content, ["address", "time", "hashes", "aggregates", "reason"]) &&
				hashList(hashes) &&
				hashList(aggregates) &&
				optionalString(content.reason) &&
				String(content.reason ?? "").length <= 1000
			);
		}
		default:
			return validPayment(content.payment, ["hold", "superfluid", "credit"]);
	}
}

export type ParsedEnvelope = { envelope: Envelope; itemType: "inline" | "storage" | "ipfs"; content?: Json };

/**
 * `parse_message`: the envelope fields, the item type (inferred from the hash when absent), the
 * inline content (≤ 200 000 characters, JSON, valid for its type) and `item_hash` =
 * sha256(item_content). Undefined when pyaleph would answer 422.
 */
export function parseEnvelope(raw: unknown): ParsedEnvelope | undefined {
	if (!isObject(raw)) return undefined;
	const { type, chain, sender, time, item_hash: hash, item_content: itemContent, channel, signature } = raw;
	if (!MESSAGE_TYPES.includes(type as never) || !CHAINS.includes(chain as never)) return undefined;
	if (typeof sender !== "string" || typeof hash !== "string" || typeof time !== "number" || !Number.isFinite(time)) return undefined;
	if (!optionalString(itemContent) || !optionalString(channel) || !optionalString(signature)) return undefined;
	const inferred = itemContent === undefined || itemContent === null ? itemTypeOf(hash) : "inline";
	if (inferred === undefined) return undefined;
	const itemType = (raw.item_type ?? inferred) as string;
	if (!["inline", "storage", "ipfs"].includes(itemType)) return undefined;
	const envelope: Envelope = {
		chain: chain as string,
		sender,
		type: type as string,
		channel: (channel as string | undefined) ?? null,
		time,
		item_type: itemType,
		item_hash: hash,
		item_content: (itemContent as string | undefined) ?? null,
		signature: (signature as string | undefined) ?? null,
	};
	if (itemType !== "inline") {
		if (envelope.item_content !== null || itemTypeOf(hash) !== itemType) return undefined;
		return { envelope, itemType };
	}
	const text = envelope.item_content ?? null;
	if (text === null || [...text].length > MAX_INLINE_SIZE) return undefined;
	let content: unknown;
	try {
		content = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (!validContent(envelope.type, content) || sha256Hex(text) !== hash) return undefined;
	return { envelope, itemType, content: content as Json };
}

/** The buffer every chain signs: `chain\nsender\ntype\nitem_hash` (`chains/common.py`). */
export function verificationBuffer(message: Pick<Envelope, "chain" | "sender" | "type" | "item_hash">): string {
	return `${message.chain}\n${message.sender}\n${message.type}\n${message.item_hash}`;
}

/** EIP-191 check of an EVM-chain message; false for any other chain (not verifiable here). */
export async function verifySignature(envelope: Envelope): Promise<boolean> {
	if (!EVM_CHAINS.has(envelope.chain) || !envelope.signature) return false;
	try {
		const recovered = await recoverMessageAddress({
			message: verificationBuffer(envelope),
			signature: envelope.signature as `0x${string}`,
		});
		return recovered.toLowerCase() === envelope.sender.toLowerCase();
	} catch {
		return false;
	}
}
