import { describe, expect, it } from "vitest";
import { creditBalanceAt, creditExhaustion, nextLotExpiry } from "../../../src/domain/credits/runway.ts";

const S = 1_000_000n;
const WEI = 10n ** 18n;

describe("credit runway", () => {
	const lots = [
		{ remaining: 100n, expirationMicros: null },
		{ remaining: 50n, expirationMicros: 1_000n * S },
		{ remaining: 0n, expirationMicros: 500n * S },
		{ remaining: 30n, expirationMicros: 2_000n * S },
	];

	it("the balance at a time leaves out the lots expired then (an expiry at exactly now is expired)", () => {
		expect(creditBalanceAt(lots, 0n)).toBe(180n);
		expect(creditBalanceAt(lots, 1_000n * S)).toBe(130n);
		expect(creditBalanceAt(lots, 3_000n * S)).toBe(100n);
	});

	it("the next expiry of a lot with credits left", () => {
		expect(nextLotExpiry(lots, 0n)).toBe(1_000n * S);
		expect(nextLotExpiry(lots, 1_000n * S)).toBe(2_000n * S);
		expect(nextLotExpiry(lots, 2_000n * S)).toBeNull();
	});

	it("spends first granted first at the rate; a lot expiring unspent is lost", () => {
		// 1 credit/s: the 100 last until 100 s, the 50 until 150 s, the 30 until 180 s.
		expect(creditExhaustion(lots, WEI, 0n)).toBe(180n * S);
		// Granted first, expiring at 1000 s: at 0.1 credit/s the non-expiring 100 last 1000 s, the 50 are lost.
		expect(creditExhaustion(lots, WEI / 10n, 0n)).toBe(1_300n * S);
		// From 1500 s the 50 have expired.
		expect(creditExhaustion(lots, WEI, 1_500n * S)).toBe(1_630n * S);
		expect(creditExhaustion(lots, 0n, 0n)).toBeNull();
		expect(creditExhaustion([], WEI, 7n)).toBe(7n);
	});
});
