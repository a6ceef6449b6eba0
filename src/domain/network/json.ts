/**
 * A strict JSON parser that reads `item_content` the way pyaleph does (`aleph.toolkit.json.loads`,
 * which is orjson): integer literals in the int64/uint64 range become `bigint` (the credit schemas
 * tell an int from a float, and amounts may exceed 2^53), every other number is a `number`; NaN and
 * Infinity literals, lone surrogates (escaped or raw), a BOM, trailing commas and trailing content
 * are errors; duplicate keys keep the last value; nesting deeper than 1024 is an error (orjson 3.12).
 * Iterative, so hostile nesting cannot overflow the stack.
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

export type JsonParseResult = { ok: true; value: JsonValue } | { ok: false; error: string; offset: number };

/** orjson's limit: 1024 nested arrays/objects parse, 1025 do not. */
export const MAX_JSON_DEPTH = 1024;

/** orjson keeps integer literals as Python ints inside [-2^63, 2^64 - 1] and reads wider ones as doubles. */
const INT_MIN = -(2n ** 63n);
const UINT_MAX = 2n ** 64n - 1n;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses raw bytes (a storage item): they must be valid UTF-8. */
export function parseJsonBytes(bytes: Uint8Array): JsonParseResult {
	let text: string;
	try {
		text = utf8.decode(bytes);
	} catch {
		return { ok: false, error: "not valid UTF-8", offset: 0 };
	}
	return parseJson(text);
}

class JsonSyntaxError extends Error {
	constructor(
		message: string,
		readonly offset: number,
	) {
		super(message);
	}
}

type Frame = { container: JsonValue[] } | { container: JsonObject; key: string };

/** Sets an own property even for `__proto__`, so a key never reaches the prototype chain. */
function setKey(object: JsonObject, key: string, value: JsonValue): void {
	if (key === "__proto__") Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
	else object[key] = value;
}

export function parseJson(text: string): JsonParseResult {
	try {
		return { ok: true, value: new Parser(text).document() };
	} catch (error) {
		if (error instanceof JsonSyntaxError) return { ok: false, error: error.message, offset: error.offset };
		throw error;
	}
}

class Parser {
	private i = 0;
	private readonly stack: Frame[] = [];

	constructor(private readonly s: string) {}

	document(): JsonValue {
		if (this.s.length === 0) throw new JsonSyntaxError("empty document", 0);
		if (this.s.charCodeAt(0) === 0xfeff) throw new JsonSyntaxError("byte order mark is not supported", 0);
		let value = this.value();
		for (;;) {
			const frame = this.stack.at(-1);
			if (frame === undefined) break;
			this.skipWhitespace();
			const c = this.s.charCodeAt(this.i);
			if ("key" in frame) {
				setKey(frame.container, frame.key, value);
				if (c === 0x2c /* , */) {
					this.i++;
					this.skipWhitespace();
					frame.key = this.key();
					value = this.value();
					continue;
				}
				if (c !== 0x7d /* } */) throw this.error("expected ',' or '}'");
			} else {
				frame.container.push(value);
				if (c === 0x2c) {
					this.i++;
					value = this.value();
					continue;
				}
				if (c !== 0x5d /* ] */) throw this.error("expected ',' or ']'");
			}
			this.i++;
			this.stack.pop();
			value = frame.container;
		}
		this.skipWhitespace();
		if (this.i < this.s.length) throw this.error("unexpected content after document");
		return value;
	}

	/** Reads a scalar, or opens containers until it reads a scalar or an empty container. */
	private value(): JsonValue {
		for (;;) {
			this.skipWhitespace();
			const c = this.s.charCodeAt(this.i);
			if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
				if (this.stack.length >= MAX_JSON_DEPTH) throw this.error(`nesting deeper than ${MAX_JSON_DEPTH}`);
				this.i++;
				this.skipWhitespace();
				if (c === 0x5b) {
					if (this.s.charCodeAt(this.i) === 0x5d) {
						this.i++;
						return [];
					}
					this.stack.push({ container: [] });
				} else {
					if (this.s.charCodeAt(this.i) === 0x7d) {
						this.i++;
						return {};
					}
					this.stack.push({ container: {}, key: this.key() });
				}
				continue;
			}
			if (c === 0x22 /* " */) return this.string();
			if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return this.number();
			if (this.s.startsWith("true", this.i)) return this.literal(4, true);
			if (this.s.startsWith("false", this.i)) return this.literal(5, false);
			if (this.s.startsWith("null", this.i)) return this.literal(4, null);
			throw this.error(this.i >= this.s.length ? "unexpected end of data" : "expected a JSON value");
		}
	}

	private key(): string {
		this.skipWhitespace();
		if (this.s.charCodeAt(this.i) !== 0x22) throw this.error("expected a string key");
		const key = this.string();
		this.skipWhitespace();
		if (this.s.charCodeAt(this.i) !== 0x3a /* : */) throw this.error("expected ':'");
		this.i++;
		return key;
	}

	private literal<T>(length: number, value: T): T {
		this.i += length;
		return value;
	}

	private skipWhitespace(): void {
		for (;;) {
			const c = this.s.charCodeAt(this.i);
			if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
			this.i++;
		}
	}

	private number(): number | bigint {
		const start = this.i;
		const s = this.s;
		if (s.charCodeAt(this.i) === 0x2d) this.i++;
		const first = s.charCodeAt(this.i);
		if (first === 0x30) {
			this.i++;
			if (isDigit(s.charCodeAt(this.i))) throw this.error("number with leading zero is not allowed", start);
		} else if (isDigit(first)) {
			while (isDigit(s.charCodeAt(this.i))) this.i++;
		} else {
			throw this.error("no digit after minus sign");
		}
		let integer = true;
		if (s.charCodeAt(this.i) === 0x2e /* . */) {
			integer = false;
			this.i++;
			if (!isDigit(s.charCodeAt(this.i))) throw this.error("no digit after decimal point");
			while (isDigit(s.charCodeAt(this.i))) this.i++;
		}
		const e = s.charCodeAt(this.i);
		if (e === 0x65 || e === 0x45 /* e E */) {
			integer = false;
			this.i++;
			const sign = s.charCodeAt(this.i);
			if (sign === 0x2b || sign === 0x2d) this.i++;
			if (!isDigit(s.charCodeAt(this.i))) throw this.error("no digit in exponent");
			while (isDigit(s.charCodeAt(this.i))) this.i++;
		}
		const literal = s.slice(start, this.i);
		if (integer) {
			const n = BigInt(literal);
			if (n >= INT_MIN && n <= UINT_MAX) return n;
		}
		const x = Number(literal);
		if (!Number.isFinite(x)) throw this.error("number is infinity when parsed as double", start);
		return x;
	}

	private string(): string {
		const s = this.s;
		this.i++; // opening quote
		let out = "";
		let runStart = this.i;
		for (;;) {
			const c = s.charCodeAt(this.i);
			if (c === 0x22) {
				out += s.slice(runStart, this.i);
				this.i++;
				return out;
			}
			if (c === 0x5c /* \ */) {
				out += s.slice(runStart, this.i);
				out += this.escape();
				runStart = this.i;
				continue;
			}
			if (Number.isNaN(c)) throw this.error("unexpected end of data in string");
			if (c < 0x20) throw this.error("unexpected control character in string");
			if (c >= 0xd800 && c <= 0xdfff) {
				// A raw surrogate is only valid as the first half of a pair: anything else is not UTF-8.
				const next = s.charCodeAt(this.i + 1);
				if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) throw this.error("lone surrogate (not valid UTF-8)");
				this.i += 2;
				continue;
			}
			this.i++;
		}
	}

	private escape(): string {
		const c = this.s.charCodeAt(this.i + 1);
		this.i += 2;
		switch (c) {
			case 0x22:
				return '"';
			case 0x5c:
				return "\\";
			case 0x2f:
				return "/";
			case 0x62:
				return "\b";
			case 0x66:
				return "\f";
			case 0x6e:
				return "\n";
			case 0x72:
				return "\r";
			case 0x74:
				return "\t";
			case 0x75: {
				const unit = this.hex4(this.i);
				this.i += 4;
				if (unit >= 0xdc00 && unit <= 0xdfff) throw this.error("invalid high surrogate in string", this.i - 6);
				if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
				if (this.s.charCodeAt(this.i) !== 0x5c || this.s.charCodeAt(this.i + 1) !== 0x75) {
					throw this.error("no low surrogate in string", this.i - 6);
				}
				const low = this.hex4(this.i + 2);
				if (low < 0xdc00 || low > 0xdfff) throw this.error("no low surrogate in string", this.i - 6);
				this.i += 6;
				return String.fromCharCode(unit, low);
			}
			default:
				throw this.error("invalid escaped character in string", this.i - 2);
		}
	}

	private hex4(at: number): number {
		let unit = 0;
		for (let k = 0; k < 4; k++) {
			const d = hexDigit(this.s.charCodeAt(at + k));
			if (d < 0) throw this.error("invalid \\u escape", at);
			unit = unit * 16 + d;
		}
		return unit;
	}

	private error(message: string, offset = this.i): JsonSyntaxError {
		return new JsonSyntaxError(message, offset);
	}
}

function isDigit(c: number): boolean {
	return c >= 0x30 && c <= 0x39;
}

function hexDigit(c: number): number {
	if (c >= 0x30 && c <= 0x39) return c - 0x30;
	if (c >= 0x61 && c <= 0x66) return c - 0x57;
	if (c >= 0x41 && c <= 0x46) return c - 0x37;
	return -1;
}
