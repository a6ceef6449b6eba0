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
	| { kind: "invalid"; reason: string; detail: string }
	| { kind: "ignored"; reason: string };

export type ClassifyOptions = {
	issuers: readonly string[];
	/** Owner of the `pricing` and `settings` aggregates. */
	pricingOwner: string;
};

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
	if (content.kind !== "POST") return { kind: "ignored", reason: "not_followed_type" };
	const result = parseCreditPost(message, { issuers: options.issuers });
	if (result.status === "credit") return { kind: "credit", post: result.post };
	if (result.status === "invalid") return { kind: "invalid", reason: result.reason, detail: result.detail };
	return { kind: "ignored", reason: result.reason };
}
