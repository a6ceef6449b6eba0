import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { laxFloat, laxInt, pythonRstrip, pythonStr, pythonStrip, pythonTruthy } from "../../../src/domain/network/python.ts";

// Expected strings printed by CPython 3.11 `str(x)`; the random doubles come from
// `struct.unpack('d', random.getrandbits(64))` and `random.uniform`.
const PYTHON_STR: [number, string][] = [
	[0.000001, "1e-06"],
	[15.833333333333334, "15.833333333333334"],
	[3.9583333333333335, "3.9583333333333335"],
	[1e16, "1e+16"],
	[1e15, "1000000000000000.0"],
	[9999999999999998.0, "9999999999999998.0"],
	[1.2345678901234568e17, "1.2345678901234568e+17"],
	[0.0001, "0.0001"],
	[0.00001, "1e-05"],
	[1.5e-5, "1.5e-05"],
	[100.0, "100.0"],
	[-0.0, "-0.0"],
	[0.0, "0.0"],
	[1e22, "1e+22"],
	[1e-7, "1e-07"],
	[5e-324, "5e-324"],
	[1.7976931348623157e308, "1.7976931348623157e+308"],
	[0.1, "0.1"],
	[0.3, "0.3"],
	[2.5, "2.5"],
	[-1234.5678, "-1234.5678"],
	[1e21, "1e+21"],
	[1e-300, "1e-300"],
	[1234560000000.0, "1234560000000.0"],
	[4.35, "4.35"],
	[9007199254740992.0, "9007199254740992.0"],
	[5e-5, "5e-05"],
	[-1.989032661366619e244, "-1.989032661366619e+244"],
	[7.761117632285041e178, "7.761117632285041e+178"],
	[3.980498358697587e-249, "3.980498358697587e-249"],
	[-1.5432835417340557e88, "-1.5432835417340557e+88"],
	[6.294675241195386e-44, "6.294675241195386e-44"],
	[6.387016158513563e-12, "6.387016158513563e-12"],
	[4.6678633181812096e-36, "4.6678633181812096e-36"],
	[-764415.5238432633, "-764415.5238432633"],
	[-383036.35179613123, "-383036.35179613123"],
	[163200.32732493244, "163200.32732493244"],
	[95488.93141911575, "95488.93141911575"],
	[Number.NaN, "nan"],
	[Number.POSITIVE_INFINITY, "inf"],
];

describe("pythonStr()", () => {
	it.each(PYTHON_STR)("str(%s) = %s", (x, expected) => {
		expect(pythonStr(x)).toBe(expected);
	});

	it("round-trips every finite double", () => {
		fc.assert(
			fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
				expect(Object.is(Number(pythonStr(x)), x)).toBe(true);
			}),
			{ numRuns: 2000 },
		);
	});
});

describe("pythonTruthy()", () => {
	it.each([
		[undefined, false],
		[null, false],
		[false, false],
		[0, false],
		[-0, false],
		[0n, false],
		["", false],
		[[], false],
		[{}, false],
		[true, true],
		[0.5, true],
		[1n, true],
		[" ", true],
		[[0], true],
		[{ a: null }, true],
	])("bool(%s) = %s", (value, expected) => {
		expect(pythonTruthy(value)).toBe(expected);
	});
});

// Expected values printed by pydantic 2.13.4 (pyaleph's pin) for `Optional[int]` / `Optional[float]`.
describe("laxInt()", () => {
	it.each([
		[12n, 12n],
		[true, 1n],
		[false, 0n],
		[12.0, 12n],
		[1e18, 1_000_000_000_000_000_000n],
		[-0, 0n],
		["12", 12n],
		["+12", 12n],
		["-12", -12n],
		[" 12 ", 12n],
		["\t12\n", 12n],
		["\u00a012", 12n],
		["12.00", 12n],
		["00012", 12n],
		["1_0", 10n],
		["-0", 0n],
		["111111111111111111111111111111", 111111111111111111111111111111n],
	])("int(%s) = %s", (value, expected) => {
		expect(laxInt(value)).toBe(expected);
	});

	it.each([
		[12.5],
		[9.3e18],
		[1e19],
		["12."],
		["12.5"],
		["1__0"],
		["_1"],
		["1_"],
		["0x10"],
		["1e3"],
		["١٢"],
		[""],
		[" "],
		[null],
		[[1]],
		[{}],
	])("refuses %j", (value) => {
		expect(laxInt(value)).toBeNull();
	});
});

describe("laxFloat()", () => {
	it.each([
		[3.5, 3.5],
		[3n, 3],
		[true, 1],
		["3.5", 3.5],
		[" 3.5 ", 3.5],
		["1_0.5", 10.5],
		["1._5", 1.5],
		["1e1_0", 1e10],
		["inf", Number.POSITIVE_INFINITY],
		["-inf", Number.NEGATIVE_INFINITY],
		["Infinity", Number.POSITIVE_INFINITY],
		["+1", 1],
		[".5", 0.5],
		["5.", 5],
		["-.5", -0.5],
		["1e400", Number.POSITIVE_INFINITY],
	])("float(%s) = %s", (value, expected) => {
		expect(laxFloat(value)).toBe(expected);
	});

	it("reads nan", () => {
		expect(laxFloat("NaN")).toBeNaN();
		expect(laxFloat("+nan")).toBeNaN();
	});

	it.each([["0x1"], ["١"], [""], ["  "], ["1.5e"], ["e5"], ["1,5"], ["+"], ["_1"], [null], [{}]])("refuses %j", (value) => {
		expect(laxFloat(value)).toBeNull();
	});
});

describe("pythonStrip()", () => {
	it("removes what str.isspace() calls whitespace, including the \\x1c-\\x1f separators", () => {
		expect(pythonStrip(" \t\u001c\u00a0\u3000a b\u2028\u001f\n")).toBe("a b");
		expect(pythonRstrip("  a \u0085")).toBe("  a");
		expect(pythonStrip("\u200ba\ufeff")).toBe("\u200ba\ufeff");
	});
});
