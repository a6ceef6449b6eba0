import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { availableBalance, criticalAt, type StreamAccount, settle } from "../../src/domain/superfluid.ts";

const account = (fields: Partial<StreamAccount>): StreamAccount => ({
	streamed: 0n,
	netFlowRate: 0n,
	deposit: 0n,
	owedDeposit: 0n,
	updatedAt: 1000n,
	...fields,
});

describe("availableBalance()", () => {
	it.each([
		["no streams", 100n, account({}), 2000n, 100n],
		["incoming stream", 0n, account({ netFlowRate: 3n }), 1010n, 30n],
		["outgoing stream with deposit", 1000n, account({ netFlowRate: -2n, deposit: 50n }), 1100n, 750n],
		["owed deposit above deposit locks nothing", 10n, account({ deposit: 5n, owedDeposit: 9n }), 1000n, 10n],
		["settled part", 0n, account({ streamed: -40n, netFlowRate: -1n }), 1001n, -41n],
	])("%s", (_, transferred, a, t, expected) => {
		expect(availableBalance(transferred, a, t)).toBe(expected);
	});

	it("does not change when the account is settled first", () => {
		fc.assert(
			fc.property(
				fc.bigInt(-(10n ** 30n), 10n ** 30n),
				fc.bigInt(-(10n ** 20n), 10n ** 20n),
				fc.bigInt(0n, 10n ** 6n),
				fc.bigInt(0n, 10n ** 6n),
				(transferred, rate, d1, d2) => {
					const a = account({ netFlowRate: rate, deposit: 7n });
					expect(availableBalance(transferred, settle(a, 1000n + d1), 1000n + d1 + d2)).toBe(
						availableBalance(transferred, a, 1000n + d1 + d2),
					);
				},
			),
		);
	});
});

describe("criticalAt()", () => {
	it("is null without a negative net flow", () => {
		expect(criticalAt(10n, account({ netFlowRate: 0n }))).toBeNull();
		expect(criticalAt(10n, account({ netFlowRate: 5n }))).toBeNull();
	});

	it("is the first second with a negative available balance", () => {
		fc.assert(
			fc.property(
				fc.bigInt(-(10n ** 24n), 10n ** 24n),
				fc.bigInt(1n, 10n ** 18n),
				fc.bigInt(0n, 10n ** 20n),
				(transferred, rate, deposit) => {
					const a = account({ netFlowRate: -rate, deposit });
					const t = criticalAt(transferred, a) as bigint;
					expect(availableBalance(transferred, a, t)).toBeLessThan(0n);
					expect(availableBalance(transferred, a, t - 1n)).toBeGreaterThanOrEqual(0n);
				},
			),
		);
	});
});
