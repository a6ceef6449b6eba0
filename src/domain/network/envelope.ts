/**
 * The shape check of one message as `GET /api/v0/messages.json` lists it (spec aleph-network §1.3,
 * §3.1): types, sizes, and the item_hash shape that its item_type requires. It trusts nothing and
 * never throws; the CCN's `content`, `size` and `confirmed` fields are ignored (verification reads
 * `item_content` or the storage bytes instead).
 */
import { fromTimestampMicros, isDatetimeMicros } from "./cursor.ts";

/** aleph-message's `Chain` values. */
export const CHAINS = [
	"ARB",
	"AURORA",
	"AVAX",
	"BASE",
	"BLAST",
	"BOB",
	"BSC",
	"CSDK",
	"CYBER",
	"DOT",
	"ES",
	"ETH",
	"ETHERLINK",
	"FRAX",
	"HYPE",
	"INK",
	"LENS",
	"LINEA",
	"LISK",
	"METIS",
	"MODE",
	"NEO",
	"NULS",
	"NULS2",
	"OP",
	"POL",
	"SOL",
	"STT",
	"SONIC",
	"TEZOS",
	"UNICHAIN",
	"WLD",
	"ZORA",
] as const;
export type Chain = (typeof CHAINS)[number];

export const MESSAGE_TYPES = ["POST", "AGGREGATE", "STORE", "PROGRAM", "INSTANCE", "FORGET", "V-PROGRAM"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const ITEM_TYPES = ["inline", "storage", "ipfs"] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** pyaleph's `MAX_INLINE_SIZE`, counted as Python counts `len(str)`: code points. */
export const MAX_INLINE_SIZE = 200_000;
/** aleph-message's `MAX_CHANNEL_LENGTH`. */
export const MAX_CHANNEL_LENGTH = 128;
/** Our own bounds on fields pyaleph leaves unbounded: far above any real value, far below harm. */
const MAX_SENDER_LENGTH = 256;
const MAX_SIGNATURE_LENGTH = 4096;
const MAX_CONFIRMATIONS = 64;
const MAX_TX_HASH_LENGTH = 256;

export type Confirmation = { chain: string; hash: string; height: number };

export type Envelope = {
	chain: Chain;
	sender: string;
	type: MessageType;
	itemType: ItemType;
	itemHash: string;
	/** The exact signed string of an inline message; null for storage and ipfs items. */
	itemContent: string | null;
	/** Null only for messages a smart contract emitted (they carry no signature). */
	signature: string | null;
	/** Envelope time, float epoch seconds as listed. */
	time: number;
	/** The same time as pyaleph stores it: `datetime.fromtimestamp(time, utc)` in microseconds. */
	timeMicros: bigint;
	channel: string | null;
	confirmations: Confirmation[];
};

export type EnvelopeResult = { ok: true; envelope: Envelope } | { ok: false; reason: "invalid_envelope"; field: string; message: string };

const HEX64 = /^[0-9a-f]{64}$/;
const CID_V0 = /^Qm[1-9A-HJ-NP-Za-km-z]{42,44}$/;
const CID_V1 = /^bafy[a-z2-7]{55}$/;

/** aleph-message's `ItemType.from_hash`: which item type a hash's shape belongs to, or null. */
export function itemTypeFromHash(hash: string): "storage" | "ipfs" | null {
	if (HEX64.test(hash)) return "storage";
	if (CID_V0.test(hash) || CID_V1.test(hash)) return "ipfs";
	return null;
}

/** Python's `len()` of a string, and whether UTF-8 can encode it (no lone surrogate). */
function codePoints(text: string): { length: number; wellFormed: boolean } {
	let length = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c >= 0xd800 && c <= 0xdfff) {
			const next = text.charCodeAt(i + 1);
			if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return { length, wellFormed: false };
			i++;
		}
		length++;
	}
	return { length, wellFormed: true };
}

class Invalid extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

function oneOf<T extends string>(values: readonly T[], value: unknown, field: string): T {
	if (typeof value !== "string" || !(values as readonly string[]).includes(value))
		throw new Invalid(field, `${field} is not a known value`);
	return value as T;
}

function text(value: unknown, field: string, max: number, { nullable }: { nullable: boolean }): string | null {
	if (value === undefined || value === null) {
		if (nullable) return null;
		throw new Invalid(field, `${field} is missing`);
	}
	if (typeof value !== "string") throw new Invalid(field, `${field} is not a string`);
	if (value.length > max) throw new Invalid(field, `${field} is longer than ${max} characters`);
	return value;
}

function confirmations(value: unknown): Confirmation[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw new Invalid("confirmations", "confirmations is not a list");
	if (value.length > MAX_CONFIRMATIONS) throw new Invalid("confirmations", `more than ${MAX_CONFIRMATIONS} confirmations`);
	return value.map((c, i) => {
		const field = `confirmations[${i}]`;
		if (typeof c !== "object" || c === null || Array.isArray(c)) throw new Invalid(field, `${field} is not an object`);
		const chain = text(c.chain, `${field}.chain`, 32, { nullable: false }) as string;
		const hash = text(c.hash, `${field}.hash`, MAX_TX_HASH_LENGTH, { nullable: false }) as string;
		const height = typeof c.height === "bigint" ? Number(c.height) : c.height;
		if (!Number.isSafeInteger(height) || height < 0) throw new Invalid(`${field}.height`, `${field}.height is not a block height`);
		return { chain, hash, height };
	});
}

function build(input: unknown): Envelope {
	if (typeof input !== "object" || input === null || Array.isArray(input)) throw new Invalid("", "a message is not an object");
	const m = input as Record<string, unknown>;
	const chain = oneOf(CHAINS, m.chain, "chain");
	const sender = text(m.sender, "sender", MAX_SENDER_LENGTH, { nullable: false }) as string;
	if (sender.length === 0) throw new Invalid("sender", "sender is empty");
	const type = oneOf(MESSAGE_TYPES, m.type, "type");
	const itemType = oneOf(ITEM_TYPES, m.item_type, "item_type");
	const itemHash = text(m.item_hash, "item_hash", 64, { nullable: false }) as string;

	let itemContent: string | null = null;
	if (itemType === "inline") {
		if (!HEX64.test(itemHash)) throw new Invalid("item_hash", "an inline item_hash is 64 lowercase hex digits");
		if (typeof m.item_content !== "string") throw new Invalid("item_content", "an inline message needs item_content");
		const { length, wellFormed } = codePoints(m.item_content);
		if (!wellFormed) throw new Invalid("item_content", "item_content is not valid Unicode (lone surrogate)");
		if (length > MAX_INLINE_SIZE) throw new Invalid("item_content", `item_content is longer than ${MAX_INLINE_SIZE} characters`);
		itemContent = m.item_content;
	} else {
		if (itemTypeFromHash(itemHash) !== itemType) throw new Invalid("item_hash", `item_hash does not have the shape of a ${itemType} hash`);
		if (m.item_content !== undefined && m.item_content !== null)
			throw new Invalid("item_content", `a ${itemType} message has item_content null`);
	}

	const signature = text(m.signature, "signature", MAX_SIGNATURE_LENGTH, { nullable: true });
	const time = typeof m.time === "bigint" ? Number(m.time) : m.time;
	if (typeof time !== "number" || !Number.isFinite(time)) throw new Invalid("time", "time is not a number");
	const timeMicros = fromTimestampMicros(time);
	if (!isDatetimeMicros(timeMicros)) throw new Invalid("time", "time is outside the datetime range");
	const channel = text(m.channel, "channel", MAX_CHANNEL_LENGTH, { nullable: true });
	return {
		chain,
		sender,
		type,
		itemType,
		itemHash,
		itemContent,
		signature,
		time,
		timeMicros,
		channel,
		confirmations: confirmations(m.confirmations),
	};
}

/** Validates one listed message; a rejection names the field at fault. Never throws. */
export function parseEnvelope(input: unknown): EnvelopeResult {
	try {
		return { ok: true, envelope: build(input) };
	} catch (error) {
		if (error instanceof Invalid) return { ok: false, reason: "invalid_envelope", field: error.field, message: error.message };
		return { ok: false, reason: "invalid_envelope", field: "", message: "the message could not be read" };
	}
}
