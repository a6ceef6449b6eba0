import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../devchain/ccn/cursor.ts";
import { dumpsCompact, dumpsPython, formatFloat, parsePython, pythonRepr, throughJsonb } from "../../devchain/ccn/python-json.ts";
import { isoformat, isoZ, parseIso, toMicros } from "../../devchain/ccn/time.ts";

describe("formatFloat() (orjson / pydantic)", () => {
	it("prints the real CCN's floats as it printed them", () => {
		// From aleph-nodestatus tests/fixtures/expense_execution.json, a real CCN answer.
		expect(formatFloat(1778060633.717)).toBe("1778060633.717");
		expect(formatFloat(0.000001)).toBe("1e-6");
		expect(formatFloat(0.000057308924861535)).toBe("0.000057308924861535");
		expect(formatFloat(15.833333333333334)).toBe("15.833333333333334");
		expect(formatFloat(3600.489)).toBe("3600.489");
	});

	it("keeps a float a float, switching to exponents where ryu does", () => {
		expect(formatFloat(1778060633)).toBe("1778060633.0");
		expect(formatFloat(0)).toBe("0.0");
		expect(formatFloat(-0)).toBe("-0.0");
		expect(formatFloat(0.00001)).toBe("0.00001");
		expect(formatFloat(1e15)).toBe("1000000000000000.0");
		expect(formatFloat(1e16)).toBe("1e+16");
		expect(formatFloat(-1.5e300)).toBe("-1.5e+300");
		expect(formatFloat(5e-324)).toBe("5e-324");
	});
});

describe("pythonRepr() (json.dumps)", () => {
	it("prints Python's repr", () => {
		expect(pythonRepr(0.000001)).toBe("1e-06");
		expect(pythonRepr(0.00001)).toBe("1e-05");
		expect(pythonRepr(0.0001)).toBe("0.0001");
		expect(pythonRepr(100)).toBe("100.0");
		expect(pythonRepr(123.456)).toBe("123.456");
		expect(pythonRepr(1e16)).toBe("1e+16");
		expect(pythonRepr(1.5e16)).toBe("1.5e+16");
		expect(pythonRepr(0.000057308924861535)).toBe("5.7308924861535e-05");
	});
});

describe("parsePython() and the JSONB round trip", () => {
	const text = '{"b":1.0,"a":[1,2.50,1e5,1E-6,-0.0,1.5e16,12345678901234567890],"ccc":"é\\u0000","bb":{"z":true,"y":null},"b":2.0}';

	it("keeps ints and floats apart, a repeated key at its first place with its last value", () => {
		const tree = parsePython(text);
		expect(dumpsCompact(tree)).toBe(
			'{"b":2.0,"a":[1,2.5,100000.0,1e-6,-0.0,1.5e+16,12345678901234567890],"ccc":"é\\u0000","bb":{"z":true,"y":null}}',
		);
	});

	it("orders keys as JSONB does and turns big floats into ints", () => {
		expect(dumpsCompact(throughJsonb(parsePython(text)))).toBe(
			'{"a":[1,2.5,100000.0,1e-6,0.0,15000000000000000,12345678901234567890],"b":2.0,"bb":{"y":null,"z":true},"ccc":"é\\u0000"}',
		);
	});

	it("sorts keys by code point for orjson", () => {
		const tree = parsePython('{"é":1,"z":2,"A":3,"😀":4,"\uffff":5}');
		expect(dumpsCompact(tree, { sortKeys: true })).toBe('{"A":3,"z":2,"é":1,"\uffff":5,"😀":4}');
	});

	it("writes json.dumps with spaces, ASCII only", () => {
		expect(dumpsPython(parsePython('{"status":"success","x":[1,1e-6],"é":"ü"}'))).toBe(
			'{"status": "success", "x": [1, 1e-06], "\\u00e9": "\\u00fc"}',
		);
	});

	it("rejects what is not JSON", () => {
		for (const bad of ["", "{", "[1,]", '{"a" 1}', "01", "NaN", "[1] x", '"\t"']) expect(() => parsePython(bad), bad).toThrow(SyntaxError);
	});
});

describe("time and cursor codec", () => {
	it("encodes the spec's cursor vector (§8.1) and decodes it back", () => {
		const hash = "c1cfc9bf519de2bbe19749a3996bd6119f940fa91e9a30f317cce8939bb6b21a";
		const cursor = encodeCursor(toMicros(1778060633.717), hash);
		expect(cursor).toBe(
			"eyJoIjoiYzFjZmM5YmY1MTlkZTJiYmUxOTc0OWEzOTk2YmQ2MTE5Zjk0MGZhOTFlOWEzMGYzMTdjY2U4OTM5YmI2YjIxYSIsInQiOiIyMDI2LTA1LTA2VDA5OjQzOjUzLjcxNzAwMCswMDowMCJ9",
		);
		expect(Buffer.from(cursor, "base64url").toString()).toBe(`{"h":"${hash}","t":"2026-05-06T09:43:53.717000+00:00"}`);
		expect(decodeCursor(cursor)).toEqual({ micros: 1778060633717000, itemHash: hash });
	});

	it("rounds seconds to microseconds half to even, as datetime.fromtimestamp", () => {
		expect(toMicros(1778060633.717)).toBe(1778060633717000);
		expect(toMicros(0.0000005)).toBe(0);
		expect(toMicros(0.0000015)).toBe(2);
		expect(toMicros(1.9999999)).toBe(2000000);
	});

	it("omits a zero fraction like isoformat, prints Z like pydantic", () => {
		expect(isoformat(toMicros(1772323200))).toBe("2026-03-01T00:00:00+00:00");
		expect(isoZ(1778060633763412)).toBe("2026-05-06T09:43:53.763412Z");
		expect(parseIso("2026-03-01T01:00:00+01:00")).toBe(1772323200000000);
		expect(parseIso("2026-03-01 00:00:00.5")).toBe(1772323200500000);
		expect(() => parseIso("2026-02-30T00:00:00")).toThrow("Invalid isoformat string");
	});

	it("refuses malformed cursors with pyaleph's messages", () => {
		expect(() => decodeCursor("")).toThrow("Invalid cursor: empty string");
		expect(() => decodeCursor(Buffer.from("[1]").toString("base64url"))).toThrow("payload is not a dict");
		expect(() => decodeCursor(Buffer.from('{"h":"x"}').toString("base64url"))).toThrow("missing required fields");
		expect(() => decodeCursor("!!!")).toThrow("Invalid cursor");
		expect(() => decodeCursor(Buffer.from('{"h":"x","t":"yesterday"}').toString("base64url"))).toThrow("Invalid isoformat string");
	});
});
