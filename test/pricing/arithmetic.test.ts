/**
 * The arithmetic context: decimal.js on the private constructor behaves like
 * Python's decimal (28 digits, half-even), the bigint hot path agrees with it,
 * and the wei helpers are exact.
 */
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CostOverflowError, D, exactDecimalOfDouble, floorToWei, floorWei } from "../../src/pricing/decimal.ts";
import { compareWithInteger, type Exact, exactFromString, exactMibFromBytes, floorExactToWei, multiply } from "../../src/pricing/exact.ts";
import { fromWei, toWei } from "../../src/pricing/units.ts";

const Wide = Decimal.clone({ precision: 400 });

const exactArb: fc.Arbitrary<Exact> = fc.record({
	c: fc.bigInt({ min: 0n, max: 10n ** 40n }),
	e: fc.integer({ min: -40, max: 4 }),
});

function toText(x: Exact): string {
	return `${x.c}e${x.e}`;
}

function digits(n: bigint): number {
	return n.toString().length;
}

/** Reference: num / den rounded half-even to 28 significant digits, as Exact. */
function divideReference(num: bigint, den: bigint): Exact {
	let shift = 28 - (digits(num) - digits(den));
	const scaled = (t: number) => (t >= 0 ? [num * 10n ** BigInt(t), den] : [num, den * 10n ** BigInt(-t)]) as [bigint, bigint];
	for (;;) {
		const [n, d] = scaled(shift);
		const q = n / d;
		if (q >= 10n ** 28n) shift--;
		else if (q < 10n ** 27n) shift++;
		else {
			const r = n - q * d;
			const rounded = 2n * r > d || (2n * r === d && q % 2n === 1n) ? q + 1n : q;
			return { c: rounded, e: -shift };
		}
	}
}

function sameValue(a: Exact, b: Exact): boolean {
	const e = Math.min(a.e, b.e);
	return a.c * 10n ** BigInt(a.e - e) === b.c * 10n ** BigInt(b.e - e);
}

describe("decimal context", () => {
	it("D does not touch the global Decimal configuration", () => {
		expect([Decimal.precision, Decimal.rounding, D.precision, D.rounding]).toEqual([
			20,
			Decimal.ROUND_HALF_UP,
			28,
			Decimal.ROUND_HALF_EVEN,
		]);
	});

	it("D division rounds the exact quotient half-even to 28 digits, like Python", () => {
		fc.assert(
			fc.property(
				fc.bigInt({ min: 1n, max: 10n ** 30n }),
				fc.integer({ min: 0, max: 20 }),
				fc.constantFrom(3600n, 86400n, 7n, 3n),
				(c, scale, den) => {
					const quotient = exactFromString(new D(`${c}e-${scale}`).div(den.toString()).toString());
					const reference = divideReference(c, den * 10n ** BigInt(scale));
					expect(sameValue(quotient, reference)).toBe(true);
				},
			),
			{ numRuns: 1000 },
		);
	});

	it("multiply() + floorExactToWei() equal D.times() floored to 18 decimals", () => {
		fc.assert(
			fc.property(exactArb, exactArb, (a, b) => {
				const fast = floorExactToWei(multiply(a, b));
				const reference = floorWei(new D(toText(a)).times(toText(b)));
				expect(fast).toBe(reference);
			}),
			{ numRuns: 2000 },
		);
	});

	it("multiply() rounds ties to even", () => {
		// 1.000…0005 (28 digits + 5) × 1 → tie, even neighbour kept.
		const tie = multiply({ c: 10n ** 28n + 5n, e: -28 }, { c: 1n, e: 0 });
		const tieOdd = multiply({ c: 10n ** 28n + 15n, e: -28 }, { c: 1n, e: 0 });
		expect([tie, tieOdd]).toEqual([
			{ c: 10n ** 27n, e: -27 },
			{ c: 10n ** 27n + 2n, e: -27 },
		]);
	});

	it("floorToWei() floors toward −∞ and refuses 10^10 units like pyaleph's quantize", () => {
		expect(floorToWei(new D("-0.0000000000000000001"))).toBe(-1n);
		expect(floorToWei(new D("0.0000000000000000019"))).toBe(1n);
		expect(floorToWei(new D("9999999999.9999999999999999999"))).toBe(10n ** 28n - 1n);
		expect(() => floorToWei(new D("10000000000"))).toThrow(CostOverflowError);
	});

	it("exactDecimalOfDouble() gives the exact binary value, like Python's Decimal(float)", () => {
		expect(exactDecimalOfDouble(0.2)).toBe("0.200000000000000011102230246251565404236316680908203125");
		expect(exactDecimalOfDouble(0.05)).toBe("0.05000000000000000277555756156289135105907917022705078125");
		fc.assert(
			fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
				expect(new Wide(exactDecimalOfDouble(x)).toNumber()).toBe(x);
			}),
			{ numRuns: 2000 },
		);
	});

	it("exactMibFromBytes() is bytes / 2^20 exactly", () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (bytes) => {
				const mib = exactMibFromBytes(bytes);
				expect(new Wide(`${mib.c}e${mib.e}`).eq(new Wide(bytes).div(1048576))).toBe(true);
			}),
		);
	});

	it("compareWithInteger() orders an exact decimal against an integer", () => {
		fc.assert(
			fc.property(exactArb, fc.integer({ min: 0, max: 1000 }), (x, n) => {
				const expected = new Wide(toText(x)).cmp(n);
				expect(compareWithInteger(x, n)).toBe(expected);
			}),
		);
	});
});

describe("wei units", () => {
	it("fromWei() prints 18 decimals and toWei() reads them back", () => {
		expect([fromWei(0n), fromWei(10n ** 21n), fromWei(-1n)]).toEqual([
			"0.000000000000000000",
			"1000.000000000000000000",
			"-0.000000000000000001",
		]);
		fc.assert(
			fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), (wei) => {
				expect(toWei(fromWei(wei))).toBe(wei);
			}),
		);
	});

	it("toWei() accepts plain decimals and refuses what is not exact in wei", () => {
		expect([toWei("1000"), toWei("0.000015277777777777"), toWei("-102.4"), toWei("-0.000000000000000000")]).toEqual([
			10n ** 21n,
			15277777777777n,
			-102400000000000000000n,
			0n,
		]);
		expect(() => toWei("0.0000000000000000001")).toThrow(RangeError);
		expect(() => toWei("1e3")).toThrow(RangeError);
	});
});
