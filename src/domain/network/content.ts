/**
 * A message's content as pyaleph reads it (spec aleph-network §3.1): the exact signed text (inline
 * `item_content` or the storage bytes; never the API's `content`), refused when it contains the
 * escape `\u0000`, parsed like orjson, then `address ??= sender` and `time ??= envelope time`,
 * then checked against aleph-message's content models at the level the oracle needs.
 */
import { fromTimestampMicros, microsToTimestamp } from "./cursor.ts";
import { CHAINS, type Envelope, ITEM_TYPES, itemTypeFromHash, MAX_CHANNEL_LENGTH } from "./envelope.ts";
import { isJsonObject, type JsonObject, type JsonValue, parseJson, parseJsonBytes } from "./json.ts";
import { laxFloat, pythonTruthy } from "./python.ts";

/** aleph-message's `MAX_CONTENT_TIME` (year 2262). */
const MAX_CONTENT_TIME = 9_223_372_036;
const MAX_FORGET_TARGETS = 1000;
const MAX_FORGET_REASON_LENGTH = 1000;

type BaseContent = {
	address: string;
	/** `content.time`, float epoch seconds. */
	time: number;
	/** `content.time` as pyaleph stores it (`timestamp_to_datetime`), in microseconds. */
	timeMicros: bigint;
	/** The whole parsed content after the address/time coercion, as pyaleph stores it. */
	raw: JsonObject;
};

export type PostContent = BaseContent & {
	kind: "POST";
	/** The post type (`content.type`), e.g. `aleph_credit_transfer` or `amend`. */
	type: string;
	/** The user payload (`content.content`); null when absent. */
	content: JsonValue;
	/** `content.ref`: the string, or the `item_hash` of a ChainRef object; null when absent. */
	ref: string | null;
};

/** An aggregate key is a string or `{ name }`; pyaleph stores the element under `str(key)`. */
export type AggregateKey = string | { name: string };

export type AggregateContent = BaseContent & { kind: "AGGREGATE"; key: AggregateKey; content: JsonObject };

export type ForgetContent = BaseContent & { kind: "FORGET"; hashes: string[]; aggregates: string[]; reason: string | null };

/** STORE, PROGRAM, INSTANCE and V-PROGRAM: only address and time are checked here; pricing reads `raw`. */
export type ResourceContent = BaseContent & { kind: "STORE" | "PROGRAM" | "INSTANCE" | "V-PROGRAM" };

export type MessageContent = PostContent | AggregateContent | ForgetContent | ResourceContent;

export type ContentResult = { ok: true; content: MessageContent } | { ok: false; reason: "invalid_content"; message: string };

const U0000 = "\\u0000";

class Invalid extends Error {}

function fail(message: string): never {
	throw new Invalid(message);
}

function allowOnly(content: JsonObject, keys: readonly string[]): void {
	for (const key of Object.keys(content)) if (!keys.includes(key)) fail(`unknown field ${JSON.stringify(key)}`);
}

function optionalString(value: JsonValue | undefined, field: string, max = Number.POSITIVE_INFINITY): string | null {
	if (value === undefined || value === null) return null;
	if (typeof value !== "string") fail(`${field} is not a string`);
	if (max !== Number.POSITIVE_INFINITY && [...value].length > max) fail(`${field} is longer than ${max} characters`);
	return value;
}

function requiredString(value: JsonValue | undefined, field: string): string {
	return optionalString(value, field) ?? fail(`${field} is missing`);
}

function itemHash(value: JsonValue, field: string): string {
	if (typeof value !== "string" || itemTypeFromHash(value) === null) fail(`${field} is not an item hash`);
	return value;
}

function itemHashList(value: JsonValue | undefined, field: string): string[] {
	if (!Array.isArray(value)) fail(`${field} is not a list`);
	if (value.length > MAX_FORGET_TARGETS) fail(`${field} has more than ${MAX_FORGET_TARGETS} entries`);
	return value.map((v, i) => itemHash(v, `${field}[${i}]`));
}

/** aleph-message's `ChainRef`: a POST reference given as a whole message; we keep its item_hash. */
function chainRefHash(ref: JsonObject): string {
	if (!(CHAINS as readonly string[]).includes(ref.chain as string)) fail("ref.chain is not a chain");
	optionalString(ref.channel, "ref.channel", MAX_CHANNEL_LENGTH);
	requiredString(ref.item_content, "ref.item_content");
	if (!(ITEM_TYPES as readonly string[]).includes(ref.item_type as string)) fail("ref.item_type is not an item type");
	requiredString(ref.sender, "ref.sender");
	requiredString(ref.signature, "ref.signature");
	if (laxFloat(ref.time) === null) fail("ref.time is not a number");
	if (ref.type !== undefined && ref.type !== "POST") fail('ref.type is not "POST"');
	return itemHash(ref.item_hash ?? null, "ref.item_hash");
}

function post(content: JsonObject, base: BaseContent): PostContent {
	allowOnly(content, ["address", "time", "content", "ref", "type"]);
	const ref = isJsonObject(content.ref) ? chainRefHash(content.ref) : optionalString(content.ref, "ref");
	const type = requiredString(content.type, "type");
	if (type === "amend" && !pythonTruthy(content.ref)) fail("an amend needs a ref");
	return { ...base, kind: "POST", type, content: content.content ?? null, ref };
}

function aggregate(content: JsonObject, base: BaseContent): AggregateContent {
	allowOnly(content, ["address", "time", "key", "content"]);
	let key: AggregateKey;
	if (isJsonObject(content.key)) {
		allowOnly(content.key, ["name"]);
		key = { name: requiredString(content.key.name, "key.name") };
	} else {
		key = requiredString(content.key, "key");
	}
	if (!isJsonObject(content.content)) fail("the content of an aggregate is not an object");
	return { ...base, kind: "AGGREGATE", key, content: content.content };
}

function forget(content: JsonObject, base: BaseContent): ForgetContent {
	allowOnly(content, ["address", "time", "hashes", "aggregates", "reason"]);
	const hashes = itemHashList(content.hashes, "hashes");
	const aggregates = content.aggregates === undefined ? [] : itemHashList(content.aggregates, "aggregates");
	const reason = optionalString(content.reason, "reason", MAX_FORGET_REASON_LENGTH);
	// pyaleph's ForgetMessageHandler rejects a FORGET with nothing to forget (NoForgetTarget).
	if (hashes.length === 0 && aggregates.length === 0) fail("a FORGET names no target");
	return { ...base, kind: "FORGET", hashes, aggregates, reason };
}

function contentTime(value: JsonValue | undefined): number {
	// pydantic accepts numeric strings too, but pyaleph then calls datetime.fromtimestamp on the raw
	// value, which raises TypeError for a string: such a message never gets processed.
	let time: number;
	if (typeof value === "boolean") time = value ? 1 : 0;
	else if (typeof value === "bigint") time = Number(value);
	else if (typeof value === "number") time = value;
	else fail("time is not a number");
	if (!(time >= 0 && time <= MAX_CONTENT_TIME)) fail(`time is outside [0, ${MAX_CONTENT_TIME}]`);
	return time;
}

function build(envelope: Envelope, source: string | Uint8Array): MessageContent {
	if (typeof source === "string" ? source.includes(U0000) : Buffer.from(source).includes(U0000)) fail("content contains \\u0000");
	const parsed = typeof source === "string" ? parseJson(source) : parseJsonBytes(source);
	if (!parsed.ok) fail(`content is not valid JSON: ${parsed.error} at ${parsed.offset}`);
	if (!isJsonObject(parsed.value)) fail("content is not a JSON object");
	const raw = parsed.value;
	// pyaleph's MessageDb._coerce_content.
	if (raw.address === undefined || raw.address === null) raw.address = envelope.sender;
	if (raw.time === undefined || raw.time === null) raw.time = microsToTimestamp(envelope.timeMicros);
	const address = requiredString(raw.address, "address");
	const time = contentTime(raw.time);
	const base: BaseContent = { address, time, timeMicros: fromTimestampMicros(time), raw };
	switch (envelope.type) {
		case "POST":
			return post(raw, base);
		case "AGGREGATE":
			return aggregate(raw, base);
		case "FORGET":
			return forget(raw, base);
		default:
			return { ...base, kind: envelope.type };
	}
}

/** Reads and checks the content of an envelope from its exact signed text or bytes. Never throws. */
export function parseMessageContent(envelope: Envelope, source: string | Uint8Array): ContentResult {
	try {
		return { ok: true, content: build(envelope, source) };
	} catch (error) {
		if (error instanceof Invalid) return { ok: false, reason: "invalid_content", message: error.message };
		return { ok: false, reason: "invalid_content", message: "the content could not be read" };
	}
}
