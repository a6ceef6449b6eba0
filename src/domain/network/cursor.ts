/**
 * Time as pyaleph stores it (integer microseconds of a UTC datetime) and pyaleph's opaque cursors
 * (`aleph/toolkit/cursor.py`): base64url without padding of `json.dumps(values, sort_keys=True,
 * separators=(",", ":"))`, where a message cursor is `{"h": item_hash, "t": time.isoformat()}`.
 */
import { type JsonObject, parseJson } from "./json.ts";

/** `datetime.min` and `datetime.max` (UTC) in microseconds: Python refuses anything outside. */
export const MIN_DATETIME_MICROS = -62_135_596_800_000_000n;
export const MAX_DATETIME_MICROS = 253_402_300_799_999_999n;

/** C's round(): half away from zero (x - trunc(x) is exact, so no double rounding). */
function roundHalfAway(x: number): number {
	const whole = Math.trunc(x);
	return Math.abs(x - whole) >= 0.5 ? whole + Math.sign(x) : whole;
}

/**
 * `datetime.fromtimestamp(t, timezone.utc)` as integer microseconds: the fraction times 10^6
 * (a float product), rounded half to even, exactly as CPython's `_PyTime_DoubleToDenominator`.
 */
export function fromTimestampMicros(t: number): bigint {
	if (!Number.isFinite(t)) throw new RangeError(`not a finite timestamp: ${t}`);
	let whole = Math.trunc(t);
	let fraction = (t - whole) * 1e6;
	const rounded = roundHalfAway(fraction);
	fraction = Math.abs(fraction - rounded) === 0.5 ? 2 * roundHalfAway(fraction / 2) : rounded;
	if (fraction >= 1e6) {
		fraction -= 1e6;
		whole += 1;
	} else if (fraction < 0) {
		fraction += 1e6;
		whole -= 1;
	}
	return BigInt(whole) * 1_000_000n + BigInt(fraction);
}

/** True when Python can hold these microseconds in a `datetime` (years 1 to 9999). */
export function isDatetimeMicros(micros: bigint): boolean {
	return micros >= MIN_DATETIME_MICROS && micros <= MAX_DATETIME_MICROS;
}

/** `datetime.timestamp()`: microseconds divided by 10^6, correctly rounded to a float. */
export function microsToTimestamp(micros: bigint): number {
	return Number(micros) / 1e6;
}

/** `datetime.isoformat()` of an aware UTC datetime: `2026-05-06T09:43:53.717000+00:00`, no fraction when 0. */
export function isoformat(micros: bigint): string {
	if (!isDatetimeMicros(micros)) throw new RangeError(`outside Python's datetime range: ${micros}`);
	let ms = micros / 1000n;
	let sub = micros % 1000n;
	if (sub < 0n) {
		sub += 1000n;
		ms -= 1n;
	}
	const date = new Date(Number(ms));
	const base = date.toISOString().slice(0, 19);
	const us = BigInt(date.getUTCMilliseconds()) * 1000n + sub;
	return `${base}${us === 0n ? "" : `.${us.toString().padStart(6, "0")}`}+00:00`;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses the isoformat strings pyaleph writes (an offset is required); null for anything else. */
export function parseIsoformat(text: string): bigint | null {
	const m = ISO.exec(text);
	if (!m) return null;
	const [, y, mo, d, h, mi, s, frac = "", offset = "Z"] = m;
	// setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
	const check = new Date(0);
	check.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
	check.setUTCHours(Number(h), Number(mi), Number(s));
	const ms = check.getTime();
	if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
	if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
	let micros = BigInt(ms) * 1000n + BigInt(frac.padEnd(6, "0"));
	if (offset !== "Z") {
		const sign = offset.startsWith("-") ? -1n : 1n;
		const minutes = BigInt(Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
		micros -= sign * minutes * 60_000_000n;
	}
	return isDatetimeMicros(micros) ? micros : null;
}

export type CursorValue = string | bigint | boolean | null;

/** Python's `json.dumps` (ensure_ascii) of a string. */
function pythonJsonString(value: string): string {
	return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function pythonJsonValue(value: CursorValue): string {
	if (value === null) return "null";
	if (typeof value === "boolean") return value ? "true" : "false";
	if (typeof value === "bigint") return value.toString();
	return pythonJsonString(value);
}

/** pyaleph's `encode_cursor`: sorted keys, no spaces, base64url without padding. */
export function encodeCursor(values: Readonly<Record<string, CursorValue>>): string {
	const keys = Object.keys(values).sort();
	const body = keys.map((k) => `${pythonJsonString(k)}:${pythonJsonValue(values[k] ?? null)}`).join(",");
	return Buffer.from(`{${body}}`, "utf8").toString("base64url");
}

/** pyaleph's `decode_cursor`: the JSON object inside, or null when the cursor is not one. */
export function decodeCursor(cursor: string): JsonObject | null {
	if (cursor.length === 0 || !/^[A-Za-z0-9_-]*$/.test(cursor) || cursor.length % 4 === 1) return null;
	const parsed = parseJson(Buffer.from(cursor, "base64url").toString("utf8"));
	if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) return null;
	return parsed.value;
}

/** A messages.json cursor: the message's item_hash and its time in microseconds. */
export type MessageCursor = { h: string; t: bigint };

export function encodeMessageCursor(cursor: MessageCursor): string {
	return encodeCursor({ h: cursor.h, t: isoformat(cursor.t) });
}

export function decodeMessageCursor(cursor: string): MessageCursor | null {
	const values = decodeCursor(cursor);
	if (values === null || typeof values.h !== "string" || typeof values.t !== "string") return null;
	const t = parseIsoformat(values.t);
	return t === null ? null : { h: values.h, t };
}
