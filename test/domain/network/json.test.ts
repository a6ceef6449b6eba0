import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isJsonObject, type JsonValue, MAX_JSON_DEPTH, parseJson, parseJsonBytes } from "../../../src/domain/network/json.ts";

function value(text: string): JsonValue {
	const result = parseJson(text);
	if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${result.error}`);
	return result.value;
}

// Each expectation below was checked against orjson 3.12.0 (and 3.8.3), which pyaleph's
// aleph.toolkit.json.loads calls: `python -c 'import orjson; print(repr(orjson.loads(...)))'`.
describe("parseJson() reads numbers as orjson does", () => {
	it.each([
		["100", 100n],
		["-0", 0n],
		["-0.0", -0],
		["100.0", 100],
		["1e6", 1_000_000],
		["1E2", 100],
		["0e0", 0],
		["1e-400", 0],
		["9223372036854775808", 2n ** 63n],
		["18446744073709551615", 2n ** 64n - 1n],
		["-9223372036854775808", -(2n ** 63n)],
		// Outside [-2^63, 2^64 - 1] orjson reads an integer literal as a double.
		["18446744073709551616", 2 ** 64],
		["-9223372036854775809", -(2 ** 63)],
		[`1${"0".repeat(30)}`, 1e30],
		["0.1000000000000000055511151231257827021181583404541015625", 0.1],
	])("%s", (text, expected) => {
		const parsed = value(text);
		expect(typeof parsed).toBe(typeof expected);
		expect(Object.is(parsed, expected) || parsed === expected).toBe(true);
	});

	it.each([
		["NaN"],
		["Infinity"],
		["-Infinity"],
		["1e400"],
		["-1e400"],
		["1".repeat(400)],
		["01"],
		["1."],
		[".5"],
		["+1"],
		["1e"],
		["-"],
		["--1"],
		["0x1"],
	])("refuses %s", (text) => {
		expect(parseJson(text).ok).toBe(false);
	});
});

describe("parseJson() reads strings as orjson does", () => {
	it.each([
		['"\\ud83d\\ude00"', "😀"],
		['"😀"', "😀"],
		['"\\u00E9"', "é"],
		['"\\/"', "/"],
		['"a\u007f"', "a\u007f"],
		['"\u2028"', "\u2028"],
		// The escape itself is fine JSON; pyaleph refuses the content before parsing (content.ts).
		['"\\u0000"', "\u0000"],
	])("%s", (text, expected) => {
		expect(value(text)).toBe(expected);
	});

	it.each([
		['"\\ud800"', "lone high surrogate escape"],
		['"\\udc00"', "lone low surrogate escape"],
		['"\\ud800\\u0041"', "high surrogate followed by a non-surrogate"],
		['"\ud800"', "raw lone surrogate (not UTF-8)"],
		['"\udc00x"', "raw lone low surrogate"],
		['"a\u0001"', "raw control character"],
		['"\u0000"', "raw NUL"],
		['"\\x"', "unknown escape"],
		['"\\u12G4"', "bad hex digit"],
		['"abc', "unterminated"],
		["'a'", "single quotes"],
	])("refuses %s (%s)", (text) => {
		expect(parseJson(text).ok).toBe(false);
	});
});

describe("parseJson() documents", () => {
	it("keeps the last of duplicate keys, at the first key's place", () => {
		const parsed = value('{"a":1,"b":2,"a":3}');
		expect(parsed).toEqual({ a: 3n, b: 2n });
		expect(Object.keys(parsed as object)).toEqual(["a", "b"]);
	});

	it("keeps a __proto__ key as data, never as a prototype", () => {
		const parsed = value('{"__proto__":{"polluted":true},"x":1}');
		expect(isJsonObject(parsed)).toBe(true);
		expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
		expect(Object.hasOwn(parsed as object, "__proto__")).toBe(true);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it.each([
		["", "empty"],
		["\ufeff{}", "byte order mark"],
		["{} {}", "two documents"],
		["[1,]", "trailing comma in an array"],
		['{"a":1,}', "trailing comma in an object"],
		["{1:2}", "non-string key"],
		["\u000b{}", "vertical tab is not JSON whitespace"],
		["\u00a0{}", "no-break space is not JSON whitespace"],
		["[", "unterminated array"],
		['{"a"', "unterminated object"],
		['{"a" 1}', "missing colon"],
		["[1 2]", "missing comma"],
		["tru", "truncated literal"],
	])("refuses %j (%s)", (text) => {
		expect(parseJson(text).ok).toBe(false);
	});

	it("accepts JSON whitespace around values", () => {
		expect(value(' \t\n\r{ "a" : [ 1 , true , null ] } \n')).toEqual({ a: [1n, true, null] });
	});

	it(`accepts ${MAX_JSON_DEPTH} nested containers and refuses one more, as orjson 3.12 does`, () => {
		expect(parseJson(`${"[".repeat(1024)}${"]".repeat(1024)}`).ok).toBe(true);
		expect(parseJson(`${'{"a":'.repeat(1024)}1${"}".repeat(1024)}`).ok).toBe(true);
		const deep = parseJson(`${"[".repeat(1025)}${"]".repeat(1025)}`);
		expect(deep).toMatchObject({ ok: false, error: expect.stringContaining("nesting") });
		expect(parseJson(`${'{"a":'.repeat(1025)}1${"}".repeat(1025)}`).ok).toBe(false);
	});

	it("does not overflow the stack on hostile nesting", () => {
		expect(parseJson("[".repeat(1_000_000)).ok).toBe(false);
	});

	it("reads nested containers in order", () => {
		expect(value('[[],{},[{"a":[1,{"b":{}}]}],"x"]')).toEqual([[], {}, [{ a: [1n, { b: {} }] }], "x"]);
	});
});

describe("parseJsonBytes()", () => {
	it("decodes UTF-8", () => {
		expect(parseJsonBytes(new TextEncoder().encode('{"é":"😀"}'))).toEqual({ ok: true, value: { é: "😀" } });
	});

	it.each([
		[[0x22, 0xff, 0x22], "invalid byte"],
		[[0x22, 0xc0, 0x80, 0x22], "overlong encoding"],
		[[0x22, 0xed, 0xa0, 0x80, 0x22], "encoded surrogate"],
		[[0xef, 0xbb, 0xbf, 0x7b, 0x7d], "byte order mark"],
	])("refuses %j (%s)", (bytes) => {
		expect(parseJsonBytes(Uint8Array.from(bytes)).ok).toBe(false);
	});
});

/** JSON.parse's value, with the integers orjson keeps as ints turned into bigints. */
function withBigInts(v: unknown): unknown {
	// JSON.stringify prints integral doubles below 1e21 as plain digits: integer literals.
	if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 1e21) {
		const n = BigInt(String(v)); // the literal JSON.stringify printed, not the double
		return n >= -(2n ** 63n) && n <= 2n ** 64n - 1n ? n : v;
	}
	if (Array.isArray(v)) return v.map(withBigInts);
	if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withBigInts(x)]));
	return v;
}

describe("parseJson() properties", () => {
	it("agrees with JSON.parse on any JSON document (integers as bigint)", () => {
		fc.assert(
			fc.property(fc.json({ depthSize: "medium" }), (text) => {
				const parsed = parseJson(text);
				expect(parsed.ok).toBe(true);
				if (parsed.ok) expect(parsed.value).toEqual(withBigInts(JSON.parse(text)));
			}),
			{ numRuns: 300 },
		);
	});

	it("never throws on arbitrary text", () => {
		fc.assert(
			fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
				const parsed = parseJson(text);
				expect(typeof parsed.ok).toBe("boolean");
			}),
			{ numRuns: 2000 },
		);
		fc.assert(
			fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (text, at, insert) => {
				const i = at % (text.length + 1);
				expect(typeof parseJson(`${text.slice(0, i)}${insert}${text.slice(i)}`).ok).toBe("boolean");
			}),
			{ numRuns: 2000 },
		);
	});
});
