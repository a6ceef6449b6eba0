/**
 * From a message as a CCN listed it to a verified message or a rejection (spec aleph-network §3),
 * trusting nothing the CCN says: the envelope's shape, the item_hash against the exact content
 * (inline, or the raw storage bytes fetched and hashed), the signature, the content's shape. Then
 * what a verified message means to the oracle: a credit post, an aggregate element it follows,
 * a credit post pyaleph would reject, or nothing.
 */
import { createHash } from "node:crypto";
import { type CreditPost, parseCreditPost } from "../domain/credits/posts.ts";
import { aggregateKeyString } from "../domain/network/aggregates.ts";
import { parseMessageContent } from "../domain/network/content.ts";
import { parseEnvelope } from "../domain/network/envelope.ts";
import type { TimelineElement } from "../domain/network/security-timeline.ts";
import { type VerifiedMessage, verifyMessage } from "../domain/network/verify.ts";
import { isEvmAddress } from "../lib/address.ts";
import { type PricedMessage, type Pricing, parseMessage, type Settings } from "../pricing/index.ts";

export type Rejection = { itemHash: string; fingerprint: string; reason: string; detail: string };

/**
 * A rejection is permanent when the listed bytes can never verify (they are stored and never
 * checked again); a storage file the CCN could not serve may come later.
 */
export type Checked = { ok: true; message: VerifiedMessage; fingerprint: string } | { ok: false; rejection: Rejection; permanent: boolean };

export type IntakeOptions = {
	/** The raw bytes of a storage item (from the CCN that listed it); null when it has none. */
	storage: (hash: string) => Promise<Uint8Array | null>;
	/** false: the item_hash and the signature are taken as listed (benchmarks only). Default true. */
	verify?: boolean;
};

const field = (raw: unknown, key: string): unknown =>
	typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>)[key] : undefined;

/**
 * The listed message's item_hash (as listed, at most 64 characters) and a fingerprint of every
 * field verification reads: two CCNs listing different bytes under one hash get two fingerprints.
 */
export function fingerprintOf(raw: unknown): { itemHash: string; fingerprint: string } {
	const hash = field(raw, "item_hash");
	const fields = ["chain", "sender", "type", "item_type", "item_hash", "item_content", "signature", "time", "channel"].map((k) =>
		field(raw, k),
	);
	return {
		itemHash: typeof hash === "string" ? hash.slice(0, 64) : "",
		fingerprint: createHash("sha256").update(JSON.stringify(fields)).digest("hex"),
	};
}

/** Verifies one listed message. Never throws (a failing storage fetch is a non-permanent rejection). */
export async function checkListed(raw: unknown, options: IntakeOptions): Promise<Checked> {
	const id = fingerprintOf(raw);
	const reject = (reason: string, detail: string, permanent = true): Checked => ({
		ok: false,
		rejection: { ...id, reason, detail },
		permanent,
	});
	const parsed = parseEnvelope(raw);
	if (!parsed.ok) return reject(parsed.reason, parsed.message);
	const envelope = parsed.envelope;
	let bytes: Uint8Array | undefined;
	if (envelope.itemType === "storage") {
		try {
			bytes = (await options.storage(envelope.itemHash)) ?? undefined;
		} catch (error) {
			return reject("content_unavailable", `the storage content could not be fetched: ${(error as Error).message}`, false);
		}
		if (bytes === undefined) return reject("content_unavailable", "the CCN does not serve the storage content", false);
	}
	if (options.verify === false && envelope.itemType !== "ipfs") {
		const content = parseMessageContent(envelope, bytes ?? envelope.itemContent ?? "");
		return content.ok
			? { ok: true, message: { envelope, content: content.content }, fingerprint: id.fingerprint }
			: reject(content.reason, content.message);
	}
	const verified = await verifyMessage(envelope, bytes);
	if (verified.ok) return { ok: true, message: verified.message, fingerprint: id.fingerprint };
	return reject(verified.reason, verified.message, verified.reason !== "content_unavailable");
}

/** What a verified message is to the oracle. */
export type Classified =
	| { kind: "credit"; post: CreditPost }
	| { kind: "aggregate"; element: TimelineElement }
	| { kind: "resource"; resource: ResourceMessage }
	| { kind: "forget"; forget: ForgetMessage }
	| { kind: "invalid"; reason: string; detail: string }
	| { kind: "ignored"; reason: string };

export type ClassifyOptions = {
	issuers: readonly string[];
	/** Owner of the `pricing` and `settings` aggregates. */
	pricingOwner: string;
	/** `PRICING_FILE` / `SETTINGS_FILE`: they override the network's aggregates. */
	pricingFile?: Pricing | undefined;
	settingsFile?: Settings | undefined;
};

/** The message types that are resources (spec aleph-network §6.1). */
export const RESOURCE_TYPES = ["INSTANCE", "PROGRAM", "STORE", "V-PROGRAM"] as const;

/** A resource message as the cost engine reads it. */
export type ResourceMessage = {
	itemHash: string;
	/** `{type, sender, time, item_hash, content}`: what `parseMessage` read (bigints as numbers), stored as is. */
	json: Record<string, unknown>;
	parsed: Exclude<PricedMessage, { kind: "unpriced" }>;
	/** The STORE message hashes whose file size prices it (the STORE itself; a VM's code, runtime, data, immutable volumes). */
	sizeRefs: string[];
	/** The STORE message hashes a VM references (a FORGET of one is refused). */
	refs: string[];
};

export type ForgetMessage = { itemHash: string; hashes: string[]; aggregates: string[] };

/** JSON with orjson's big integers as numbers (resource contents hold sizes and counts, far below 2^53). */
function plain(value: unknown): unknown {
	if (typeof value === "bigint") return Number(value);
	if (Array.isArray(value)) return value.map(plain);
	if (value !== null && typeof value === "object") {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value)) out[k] = plain(v);
		return out;
	}
	return value;
}

/** The references of a parsed resource: sized ones (no `estimated_size_mib`) and every STORE it uses. */
export function referencesOf(msg: ResourceMessage["parsed"]): { sizeRefs: string[]; refs: string[] } {
	if (msg.kind === "store") return { sizeRefs: msg.estimatedSizeMib ? [] : [msg.itemHash as string], refs: [] };
	const files = [
		...(msg.kind === "program" ? [msg.code, msg.runtime, ...(msg.data ? [msg.data] : [])] : []),
		...msg.volumes.flatMap((v) => (v.kind === "immutable" ? [v] : [])),
	];
	const refs = [...new Set([...files.map((f) => f.ref), ...msg.volumes.flatMap((v) => (v.kind === "verified" ? [v.ref] : []))])];
	return { sizeRefs: [...new Set(files.filter((f) => !f.estimatedSizeMib).map((f) => f.ref))], refs };
}

function resourceOf(message: VerifiedMessage): Classified {
	const { envelope, content } = message;
	const json = {
		type: envelope.type,
		sender: envelope.sender,
		time: envelope.time,
		item_hash: envelope.itemHash,
		content: plain(content.raw),
	};
	const parsed = parseMessage(json);
	if (!parsed.ok) return { kind: "invalid", reason: "invalid_resource", detail: `${parsed.error.field}: ${parsed.error.message}` };
	const msg = parsed.value;
	if (msg.kind === "unpriced") return { kind: "ignored", reason: "not_followed_type" };
	if (!isEvmAddress(msg.address)) return { kind: "ignored", reason: "non_evm_owner" };
	if (msg.kind === "store" && msg.payment.type === "superfluid")
		return { kind: "invalid", reason: "invalid_resource", detail: "content.payment.type: a STORE is paid by hold or credit" };
	return { kind: "resource", resource: { itemHash: envelope.itemHash, json, parsed: msg, ...referencesOf(msg) } };
}

/** Aggregate keys followed: `security` of any owner (permissions), `pricing`/`settings` of the pricing owner. */
const PRICING_KEYS = ["pricing", "settings"];

export function classify(message: VerifiedMessage, options: ClassifyOptions): Classified {
	const { envelope, content } = message;
	if (content.kind === "AGGREGATE") {
		const key = aggregateKeyString(content.key);
		const followed =
			key === "security" || (PRICING_KEYS.includes(key) && content.address.toLowerCase() === options.pricingOwner.toLowerCase());
		if (!followed) return { kind: "ignored", reason: "aggregate_not_followed" };
		return {
			kind: "aggregate",
			element: {
				itemHash: envelope.itemHash,
				owner: content.address,
				key,
				content: content.content,
				timeMicros: content.timeMicros,
				sender: envelope.sender,
				chain: envelope.chain,
				channel: envelope.channel,
			},
		};
	}
	if (content.kind === "FORGET")
		return { kind: "forget", forget: { itemHash: envelope.itemHash, hashes: content.hashes, aggregates: content.aggregates } };
	if ((RESOURCE_TYPES as readonly string[]).includes(content.kind)) return resourceOf(message);
	if (content.kind !== "POST") return { kind: "ignored", reason: "not_followed_type" };
	const result = parseCreditPost(message, { issuers: options.issuers });
	if (result.status === "credit") return { kind: "credit", post: result.post };
	if (result.status === "invalid") return { kind: "invalid", reason: result.reason, detail: result.detail };
	return { kind: "ignored", reason: result.reason };
}
