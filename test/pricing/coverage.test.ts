/**
 * coveredResources(): pyaleph's hourly hold and credit jobs, oldest resource first.
 */
import { describe, expect, it } from "vitest";
import { CREDIT_ONLY_CUTOFF_TIMESTAMP, STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT } from "../../src/pricing/constants.ts";
import { type CoverageResource, coveredResources } from "../../src/pricing/coverage.ts";
import { toWei } from "../../src/pricing/units.ts";

const PAID_HEIGHT = STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT;

function hold(balance: string, resources: CoverageResource[]) {
	return coveredResources({ paymentType: "hold", balanceWei: toWei(balance), resources });
}

describe("coveredResources() hold job", () => {
	it("keeps the oldest resources first, by order key, whatever the input order", () => {
		const result = hold("25", [
			{ id: "new", costWei: toWei("10"), order: 3 },
			{ id: "old", costWei: toWei("10"), order: 1 },
			{ id: "mid", costWei: toWei("10"), order: 2n },
		]);
		expect(result.entries.map((e) => [e.id, e.covered, e.action])).toEqual([
			["old", true, null],
			["mid", true, null],
			["new", false, "remove"],
		]);
		expect(result.remaining).toBe("0.000000000000000000");
	});

	it("lets an uncovered resource consume what is left (remaining = max(0, remaining − cost))", () => {
		const result = hold("10", [
			{ id: "big", costWei: toWei("15"), order: 1 },
			{ id: "small", costWei: toWei("5"), order: 2 },
		]);
		expect(result.entries.map((e) => [e.id, e.available, e.kept])).toEqual([
			["big", "10.000000000000000000", false],
			["small", "0.000000000000000000", false],
		]);
	});

	it("skips unconfirmed resources and treats an unknown height as paid", () => {
		const result = hold("0", [
			{ id: "pending", costWei: toWei("5"), order: 1, confirmationHeight: null },
			{ id: "unknown", costWei: toWei("5"), order: 2 },
			{ id: "legacy", costWei: toWei("5"), order: 3, confirmationHeight: PAID_HEIGHT - 1 },
		]);
		expect([result.skipped, result.entries.map((e) => [e.id, e.covered, e.kept])]).toEqual([
			["pending"],
			[
				["unknown", false, false],
				["legacy", false, true],
			],
		]);
	});

	it("never removes a small STORE, and only flips statuses that can change", () => {
		const result = hold("0", [
			{ id: "small-store", costWei: toWei("8"), order: 1, isSmallStore: true },
			{ id: "removed", costWei: toWei("8"), order: 2, status: "removed" },
			{ id: "removing", costWei: toWei("8"), order: 3, status: "removing" },
		]);
		expect(result.entries.map((e) => [e.id, e.kept, e.action])).toEqual([
			["small-store", true, null],
			["removed", false, null],
			["removing", false, null],
		]);
	});
});

describe("coveredResources() credit job", () => {
	it("reserves one day of credits per resource", () => {
		const result = coveredResources({
			paymentType: "credit",
			creditBalance: 400_000n,
			resources: [
				{ id: "vm", costWei: toWei("3.958333333333333333"), order: 1 },
				{ id: "vm2", costWei: toWei("3.958333333333333333"), order: 2 },
			],
		});
		expect(result.entries.map((e) => [e.required, e.covered])).toEqual([
			["341999.999999999999971200", true],
			["341999.999999999999971200", false],
		]);
		expect(result.remaining).toBe("0.000000000000000000");
	});

	it("exempts small STOREs only before 2027-01-01, and ignores heights", () => {
		const store = (time: number): CoverageResource => ({
			id: `s${time}`,
			costWei: toWei("0.001"),
			order: time,
			isSmallStore: true,
			time,
			confirmationHeight: 1,
		});
		const result = coveredResources({
			paymentType: "credit",
			creditBalance: 0n,
			resources: [store(CREDIT_ONLY_CUTOFF_TIMESTAMP - 1), store(CREDIT_ONLY_CUTOFF_TIMESTAMP)],
		});
		expect(result.entries.map((e) => [e.kept, e.action])).toEqual([
			[true, null],
			[false, "remove"],
		]);
	});
});
