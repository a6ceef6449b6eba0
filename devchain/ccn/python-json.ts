/**
 * JSON as pyaleph reads and writes it. Python keeps ints and floats apart (`1` vs `1.0`) and
 * pyaleph's serialisers print them differently from `JSON.stringify`, so a CCN answer is rebuilt
 * from a tree where an int is a `bigint` and a float is a `number`:
 *
 * - `parsePython` reads JSON text as Python's `json.loads` does (int when the literal has no `.`,
 *   `e` or `E`; a repeated key keeps its first position and its last value).
 * - `throughJsonb` is what a round trip through a Postgres JSONB column does to that tree: keys
 *   ordered by (UTF-8 length, bytes), floats ≥ 1e16 turned into ints (Python writes them as
 *   `1e+16`, numeric keeps no scale), `-0.0` into `0.0`.
 * - `dumpsCompact` is orjson / pydantic-core: no spaces, floats in the shortest round-trip form of
 *   ryu / zmij (`1778060633.0`, `1e-6`, `0.00001`, `1e+16`); `sortKeys` is orjson's OPT_SORT_KEYS.
 * - `dumpsPython` is the standard library's `json.dumps` (aiohttp's `json_response(data)`):
 *   `", "` and `": "`, ASCII only, floats as Python's `repr` (`1e-06`).
 */

export type PyValue = null | boolean | string | number | bigint | PyValue[] | PyObject;
/** A JSON object: a Map keeps key order, like a Python dict. */
export type PyObject = Map<string, PyValue>;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const SURROGATE = /[\ud800-\udfff]/;

/** Parses JSON text into a Python-like tree; throws a SyntaxError on invalid JSON. */
export function parsePython(text: string): PyValue {
	let at = 0;
	const fail = (what: string): never => {
		throw new SyntaxError(`${what} at position ${at}`);
	};
	const skip = () => {
		WHITESPACE.lastIndex = at;
		WHITESPACE.exec(text);
		at = WHITESPACE.lastIndex;
	};
	const string = (): string => {
		const start = at;
		// A body with no escape and no control character is its own value; else JSON.parse decides.
		let plain = true;
		at++;
		for (;;) {
			const c = text.charCodeAt(at);
			if (Number.isNaN(c)) fail("unterminated string");
			if (c === 0x22) break;
			if (c === 0x5c || c < 0x20) plain = false;
			at += c === 0x5c ? 2 : 1;
		}
		at++;
		return plain ? text.slice(start + 1, at - 1) : (JSON.parse(text.slice(start, at)) as string);
	};
	const value = (): PyValue => {
		skip();
		const c = text[at];
		if (c === "{") {
			at++;
			const object: PyObject = new Map();
			skip();
			if (text[at] === "}") {
				at++;
				return object;
			}
			for (;;) {
				skip();
				if (text[at] !== '"') fail("expected a key");
				const key = string();
				skip();
				if (text[at] !== ":") fail("expected ':'");
				at++;
				object.set(key, value());
				skip();
				if (text[at] === ",") at++;
				else if (text[at] === "}") {
					at++;
					return object;
				} else fail("expected ',' or '}'");
			}
		}
		if (c === "[") {
			at++;
			const array: PyValue[] = [];
			skip();
			if (text[at] === "]") {
				at++;
				return array;
			}
			for (;;) {
				array.push(value());
				skip();
				if (text[at] === ",") at++;
				else if (text[at] === "]") {
					at++;
					return array;
				} else fail("expected ',' or ']'");
			}
		}
		if (c === '"') return string();
		for (const [word, result] of [
			["true", true],
			["false", false],
			["null", null],
		] as const) {
			if (text.startsWith(word, at)) {
				at += word.length;
				return result;
			}
		}
		NUMBER.lastIndex = at;
		const match = NUMBER.exec(text);
		if (!match) return fail("unexpected character");
		at = NUMBER.lastIndex;
		return /[.eE]/.test(match[0]) ? Number(match[0]) : BigInt(match[0]);
	};
	const result = value();
	skip();
	if (at !== text.length) fail("unexpected data after JSON");
	return result;
}

/** Converts a plain JS value (e.g. from JSON.parse) into a tree; integral numbers become ints. */
export function fromJs(value: unknown): PyValue {
	if (value === null || value === undefined) return null;
	if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
	if (typeof value === "boolean" || typeof value === "string" || typeof value === "bigint") return value;
	if (Array.isArray(value)) return value.map(fromJs);
	const object: PyObject = new Map();
	for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
		if (item !== undefined) object.set(key, fromJs(item));
	}
	return object;
}

/** JSONB's key order: shorter keys (in UTF-8 bytes) first, then bytewise. */
function compareJsonbKeys(a: string, b: string): number {
	const left = Buffer.byteLength(a);
	const right = Buffer.byteLength(b);
	if (left !== right) return left - right;
	// All ASCII (as many bytes as units): bytewise is unit order.
	if (left === a.length && right === b.length) return a < b ? -1 : a > b ? 1 : 0;
	return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The tree as it comes back out of a Postgres JSONB column (see the module comment). */
export function throughJsonb(value: PyValue): PyValue {
	if (typeof value === "number") {
		if (Object.is(value, -0)) return 0;
		return Math.abs(value) >= 1e16 ? BigInt(integerDigits(value)) : value;
	}
	if (Array.isArray(value)) return value.map(throughJsonb);
	if (value instanceof Map) {
		const keys = [...value.keys()].sort(compareJsonbKeys);
		return new Map(keys.map((key) => [key, throughJsonb(value.get(key) as PyValue)]));
	}
	return value;
}

/** Shortest round-trip digits and decimal exponent of a finite, non-zero float. */
function shortest(value: number): { digits: string; exponent: number } {
	const [mantissa = "", exponent = "0"] = Math.abs(value).toExponential().split("e");
	return { digits: mantissa.replace(".", ""), exponent: Number(exponent) };
}

/** The exact integer a float ≥ 1e16 stands for, from its shortest digits. */
function integerDigits(value: number): string {
	const { digits, exponent } = shortest(value);
	return `${value < 0 ? "-" : ""}${digits.padEnd(exponent + 1, "0")}`;
}

/** A float as orjson and pydantic print it (ryu layout, `e+` for positive exponents as zmij). */
export function formatFloat(value: number): string {
	if (!Number.isFinite(value)) return "null";
	const sign = value < 0 || Object.is(value, -0) ? "-" : "";
	if (value === 0) return `${sign}0.0`;
	const { digits, exponent } = shortest(value);
	const point = exponent + 1;
	const zeros = point - digits.length;
	if (zeros >= 0 && point <= 16) return `${sign}${digits}${"0".repeat(zeros)}.0`;
	if (point > 0 && point <= 16) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
	if (point > -5 && point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
	const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
	return `${sign}${mantissa}e${exponent >= 0 ? "+" : "-"}${Math.abs(exponent)}`;
}

/** A float as Python's `repr` prints it (`1e-06`, `100.0`, `1e+16`). */
export function pythonRepr(value: number): string {
	if (Number.isNaN(value)) return "NaN";
	if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
	const sign = value < 0 || Object.is(value, -0) ? "-" : "";
	if (value === 0) return `${sign}0.0`;
	const { digits, exponent } = shortest(value);
	if (exponent >= -4 && exponent < 16) {
		if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
		const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
		return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
	}
	const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
	return `${sign}${mantissa}e${exponent >= 0 ? "+" : "-"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** Code point order (what Python and orjson sort str keys by), not UTF-16 unit order. */
function compareCodePoints(a: string, b: string): number {
	// Without surrogates, UTF-16 unit order is code point order.
	if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
	const left = [...a];
	const right = [...b];
	for (let i = 0; i < Math.min(left.length, right.length); i++) {
		const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
		if (diff !== 0) return diff;
	}
	return left.length - right.length;
}

/** orjson / pydantic-core output: compact, non-ASCII kept, keys sorted when asked. */
export function dumpsCompact(value: PyValue, options: { sortKeys?: boolean } = {}): string {
	const dump = (v: PyValue): string => {
		if (v === null) return "null";
		if (typeof v === "boolean") return v ? "true" : "false";
		if (typeof v === "string") return JSON.stringify(v);
		if (typeof v === "bigint") return v.toString();
		if (typeof v === "number") return formatFloat(v);
		if (Array.isArray(v)) return `[${v.map(dump).join(",")}]`;
		const keys = [...v.keys()];
		if (options.sortKeys) keys.sort(compareCodePoints);
		return `{${keys.map((k) => `${JSON.stringify(k)}:${dump(v.get(k) as PyValue)}`).join(",")}}`;
	};
	return dump(value);
}

/** `str` escaped as Python's json.dumps does with ensure_ascii=True. */
function asciiString(s: string): string {
	return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The standard library's `json.dumps(value)`: `", "` / `": "`, ASCII only, Python float repr. */
export function dumpsPython(value: PyValue): string {
	if (value === null) return "null";
	if (typeof value === "boolean") return value ? "true" : "false";
	if (typeof value === "string") return asciiString(value);
	if (typeof value === "bigint") return value.toString();
	if (typeof value === "number") return pythonRepr(value);
	if (Array.isArray(value)) return `[${value.map(dumpsPython).join(", ")}]`;
	return `{${[...value].map(([k, v]) => `${asciiString(k)}: ${dumpsPython(v)}`).join(", ")}}`;
}
