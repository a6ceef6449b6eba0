import { describe, expect, it } from "vitest";
import { parsePythonDecimal, pgNumericAccepts, pythonDecimalStr } from "../../../src/domain/credits/decimal.ts";

// Printed by CPython 3.11: `str(Decimal(text))`.
describe("parsePythonDecimal() and pythonDecimalStr()", () => {
	it.each([
		["0.5", "0.5"],
		["1e-06", "0.000001"],
		["1e-07", "1E-7"],
		["0.000001", "0.000001"],
		["0.0000001", "1E-7"],
		["2048.50", "2048.50"],
		[" 1.5 ", "1.5"],
		["\u001c1\u001f", "1"],
		["1_000", "1000"],
		["_1", "1"],
		["1__0", "10"],
		["1e1_0", "1E+10"],
		["1._5", "1.5"],
		["NaN", "NaN"],
		["-nan", "-NaN"],
		["sNaN", "sNaN"],
		["NaN005", "NaN5"],
		["NaN0", "NaN"],
		["inf", "Infinity"],
		["-Infinity", "-Infinity"],
		["+inf", "Infinity"],
		["0e5", "0E+5"],
		["-0", "-0"],
		["-0.0", "-0.0"],
		["0.000", "0.000"],
		["1E+3", "1E+3"],
		["123456789.12345679", "123456789.12345679"],
		["5e-324", "5E-324"],
		[".5", "0.5"],
		["5.", "5"],
		["1.e1", "1E+1"],
		["100.0", "100.0"],
		["1e+16", "1E+16"],
		["15.833333333333334", "15.833333333333334"],
		["1e-0", "1"],
	])("str(Decimal(%j)) = %s", (text, expected) => {
		const decimal = parsePythonDecimal(text);
		expect(decimal).not.toBeNull();
		if (decimal) expect(pythonDecimalStr(decimal)).toBe(expected);
	});

	it.each([["abc"], [""], ["_"], ["1e"], ["e5"], [".e1"], ["Inf5"], ["0x10"], ["1,5"], ["\u200b1"], ["\ufeff1"], ["١"]])(
		"refuses %j",
		(text) => {
			expect(parsePythonDecimal(text)).toBeNull();
		},
	);
});

// Checked with `SELECT '<text>'::numeric` on Postgres 15 (pyaleph deploys postgres:15.1).
describe("pgNumericAccepts()", () => {
	it.each([
		["0.5", true],
		[" 1.5 ", true],
		["\t7\n", true],
		["1e-06", true],
		["1E+3", true],
		["5.", true],
		[".5", true],
		["+.5e2", true],
		["-0", true],
		["00012.50", true],
		["NaN", true],
		["nAn", true],
		[" NaN ", true],
		["Infinity", true],
		["-inf", true],
		["+inf", true],
		["1e131071", true],
		["1e-16383", true],
		["0e999999", true],
		["1E+400", true],
		["-NaN", false],
		["+NaN", false],
		["sNaN", false],
		["NaN5", false],
		["1_000", false],
		["1e", false],
		["Infinityx", false],
		["1.5 x", false],
		["\u00a01", false],
		["1e131072", false],
		["1e-16384", false],
		["0e-16384", false],
		["0.0e-16383", false],
		["1e99999999999", false],
	])("%j → %s", (text, accepted) => {
		expect(pgNumericAccepts(text)).toBe(accepted);
	});
});
