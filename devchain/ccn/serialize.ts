import { dumpsCompact, formatFloat, fromJs, type PyObject, type PyValue } from "./python-json.ts";
import type { Skeleton, StatusEntry, StoredMessage, Unlisted } from "./store.ts";
import { isoZ, toMicros, toSeconds } from "./time.ts";

/**
 * pyaleph's two message serialisers: `messages.json` is orjson with sorted keys over the DB row
 * (`message_to_dict`); `GET /api/v0/messages/{h}` is pydantic's `model_dump_json`, fields in
 * declaration order (`schemas/api/messages.py`), datetimes as `…Z`, no `size`.
 */

export type ContentFormat = "full" | "headers" | "none";

const object = (entries: [string, PyValue][]): PyObject => new Map(entries);
const int = (value: number | null): PyValue => (value === null ? null : BigInt(value));

/** `_HEADERS_FIELDS`: what `contentFormat=headers` keeps besides the address, per type. */
const HEADER_FIELDS: Record<string, [string, "contentType" | "contentRef" | "contentKey" | "contentItemHash"][]> = {
	POST: [
		["type", "contentType"],
		["ref", "contentRef"],
	],
	AGGREGATE: [["key", "contentKey"]],
	STORE: [
		["item_hash", "contentItemHash"],
		["ref", "contentRef"],
	],
};

/** `build_headers_content`: the owner, and the type's fields that are not null. */
function headers(m: StoredMessage): PyObject {
	const fields = (HEADER_FIELDS[m.type] ?? []).flatMap(([key, column]): [string, PyValue][] =>
		m[column] === null ? [] : [[key, m[column]]],
	);
	return object([["address", m.owner], ...fields]);
}

const str = (value: string | null) => (value === null ? "null" : JSON.stringify(value));

/**
 * One message of `messages.json` (`message_to_dict`), keys sorted (written in that order here, as
 * this runs for every message of a backfill). The full form is cached on the message.
 */
export function listMessage(m: StoredMessage, format: ContentFormat = "full"): string {
	if (format === "full" && m.listed !== undefined) return m.listed;
	const confirmations = m.confirmations.map((c) => `{"chain":${str(c.chain)},"hash":${str(c.hash)},"height":${c.height}}`).join(",");
	const content = format === "full" ? m.tree() : format === "headers" ? headers(m) : undefined;
	const text =
		`{"chain":${str(m.chain)},"channel":${str(m.channel)},"confirmations":[${confirmations}],"confirmed":${m.confirmations.length > 0},` +
		(content === undefined ? "" : `"content":${dumpsCompact(content, { sortKeys: true })},`) +
		`"item_content":${str(m.itemContent)},"item_hash":${str(m.itemHash)},"item_type":${str(m.itemType)},"sender":${str(m.sender)},` +
		`"signature":${str(m.signature)},"size":${m.size},"time":${formatFloat(toSeconds(m.timeUs))},"type":${str(m.type)}}`;
	if (format === "full") m.listed = text;
	return text;
}

/** Top-level fields of aleph-message's content models, in declaration order, with their defaults. */
const CONTENT_FIELDS: Record<string, [string, PyValue][]> = {
	POST: [
		["address", null],
		["time", null],
		["content", null],
		["ref", null],
		["type", null],
	],
	AGGREGATE: [
		["address", null],
		["time", null],
		["key", null],
		["content", null],
	],
	FORGET: [
		["address", null],
		["time", null],
		["hashes", null],
		["aggregates", []],
		["reason", null],
	],
	STORE: [
		["address", null],
		["time", null],
		["item_type", null],
		["item_hash", null],
		["size", null],
		["content_type", null],
		["ref", null],
		["metadata", null],
		["payment", null],
	],
};

const floatTime = (value: PyValue | undefined): PyValue => (typeof value === "bigint" ? Number(value) : (value ?? null));

/**
 * The parsed content as pydantic dumps it: for the models with a flat schema (POST, AGGREGATE,
 * FORGET, STORE) their fields in order with defaults, `time` a float, a STORE's unknown keys
 * dropped; for VMs the JSONB order as stored (their nested models are not rebuilt here).
 */
export function modelContent(m: StoredMessage): PyValue {
	const tree = m.tree();
	const fields = CONTENT_FIELDS[m.type];
	if (!(tree instanceof Map) || !fields) return tree;
	const dumped = object(fields.map(([key, fallback]) => [key, tree.has(key) ? (tree.get(key) as PyValue) : fallback]));
	dumped.set("time", floatTime(tree.get("time")));
	const payment = dumped.get("payment");
	if (payment instanceof Map) {
		dumped.set(
			"payment",
			object([
				["chain", payment.get("chain") ?? null],
				["receiver", payment.get("receiver") ?? null],
				["type", payment.get("type") ?? null],
			]),
		);
	}
	return dumped;
}

/** `format_message(message_db)`: the `message` of a processed or removing status. */
function pydanticMessage(m: StoredMessage): PyObject {
	return object([
		["sender", m.sender],
		["chain", m.chain],
		["signature", m.signature],
		["type", m.type],
		["item_content", m.itemContent],
		["item_type", m.itemType],
		["item_hash", m.itemHash],
		["time", toSeconds(m.timeUs)],
		["channel", m.channel],
		["content", modelContent(m)],
		["confirmed", m.confirmations.length > 0],
		[
			"confirmations",
			m.confirmations.map((c) =>
				object([
					["chain", c.chain],
					["height", int(c.height)],
					["hash", c.hash],
				]),
			),
		],
	]);
}

const terminalTime = (s: Skeleton): PyValue => (s.terminalUs === null ? null : toSeconds(s.terminalUs));

/** `ForgottenMessage` / `RemovedMessage` fields, in declaration order. */
function skeletonFields(s: Skeleton): [string, PyValue][] {
	return [
		["sender", s.sender],
		["chain", s.chain],
		["signature", s.signature],
		["type", s.type],
		["item_type", s.itemType],
		["item_hash", s.itemHash],
		["time", toSeconds(s.timeUs)],
		["channel", s.channel],
		["owner", s.owner],
		["payment_type", s.paymentType],
		["size", int(s.size)],
		[s.status === "forgotten" ? "forgotten_at" : "removed_at", terminalTime(s)],
	];
}

/** A skeleton of the `msgStatuses=forgotten|removed` list (orjson, sorted keys). */
export function listSkeleton(s: Skeleton): string {
	const fields = skeletonFields(s);
	fields.push(["status", s.status]);
	if (s.status === "forgotten") fields.push(["forgotten_by", s.forgottenBy]);
	return dumpsCompact(object(fields), { sortKeys: true });
}

/** The reason pyaleph derives from the payment type (`_removal_reason`). */
export function removalReason(paymentType: string | null): string {
	return paymentType === "credit" ? "credit_insufficient" : "balance_insufficient";
}

/** `GET /api/v0/messages/{item_hash}` body for any status (pydantic `MessageWithStatus`). */
export function messageWithStatus(entry: StatusEntry): string {
	const head: [string, PyValue][] = [
		["status", entry.status],
		["item_hash", entry.itemHash],
		["reception_time", isoZ(entry.receptionUs)],
	];
	if (entry.status === "processed" || entry.status === "removing") {
		const m = entry as StoredMessage;
		head.push(["message", pydanticMessage(m)]);
		if (entry.status === "removing") head.push(["reason", removalReason(m.paymentType)]);
	} else if (entry.status === "forgotten" || entry.status === "removed") {
		const s = entry as Skeleton;
		head.push(["message", object(skeletonFields(s))]);
		if (s.status === "forgotten") head.push(["forgotten_by", s.forgottenBy]);
		else head.push(["reason", removalReason(s.paymentType)], ["removed_at", terminalTime(s)], ["size", int(s.size)]);
	} else if (entry.status === "rejected") {
		const u = entry as Unlisted;
		head.push(["message", fromJs(u.envelope)], ["error_code", BigInt(u.errorCode)], ["details", fromJs(u.details)]);
	} else {
		const e = (entry as Unlisted).envelope;
		let content: PyValue = null;
		try {
			content = e.item_content ? fromJs(JSON.parse(e.item_content)) : null;
		} catch {}
		const pending = object([
			["sender", e.sender],
			["chain", e.chain],
			["signature", e.signature ?? null],
			["type", e.type],
			["item_content", e.item_content ?? null],
			["item_type", e.item_type ?? (e.item_content ? "inline" : "storage")],
			["item_hash", e.item_hash],
			["time", isoZ(toMicros(e.time))],
			["channel", e.channel ?? null],
			["content", content],
			["reception_time", isoZ(entry.receptionUs)],
		]);
		head.push(["messages", [pending]]);
	}
	return dumpsCompact(object(head));
}

/** `GET /api/v0/messages/{item_hash}/status`. */
export function messageStatus(entry: StatusEntry): string {
	return dumpsCompact(
		object([
			["status", entry.status],
			["item_hash", entry.itemHash],
			["reception_time", isoZ(entry.receptionUs)],
		]),
	);
}
