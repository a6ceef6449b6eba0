/** The credit part of computeEntitlement(): known only with a backfilled feed; the two credit conditions. */
import { describe, expect, it } from "vitest";
import { computeEntitlement, type EntitlementInputs, type LedgerResource } from "../../src/domain/entitlement.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";

const NOW = 1_800_000_000n;
const HORIZON = 3 * 86_400;
/** 3.958333333333333333 credits/s (a 1 vCPU credit instance), scaled by 10^18. */
const PER_SECOND = 3_958_333_333_333_333_333n;
const DAY = 341_999_999_999_999_999_971_200n; // PER_SECOND × 86400

const resource: LedgerResource = {
	itemHash: "a".repeat(64),
	paymentType: "credit",
	chain: null,
	receiver: null,
	costHold: 0n,
	costStream: 0n,
	costCredit: PER_SECOND,
	messageTime: 1_790_000_000,
	acceptedAt: 1_790_000_000_000,
};

function inputs(credits: bigint, synced = true, expiration: bigint | null = null): EntitlementInputs {
	return {
		address: "0x00000000000000000000000000000000000000c1",
		chains: [],
		flows: [],
		resources: [resource],
		credits: { synced, lots: credits > 0n ? [{ remaining: credits, expirationMicros: expiration }] : [] },
	};
}
const evaluate = (i: EntitlementInputs, creditFeed = true) =>
	computeEntitlement(i, { now: NOW, settings: getDefaultSettings(), horizonSeconds: HORIZON, creditFeed });
const kinds = (i: EntitlementInputs, feed = true) => evaluate(i, feed).conditions.map((c) => c.kind);

describe("credits in the entitlement", () => {
	it.each([
		["less than a day: insufficient", 341_999n, ["credit_insufficient"], "insufficient"],
		["exactly a day (341 999.99…): not insufficient, runs out within 3 days", 342_000n, ["credits_running_out"], "at_risk"],
		["more than the horizon: ok", 1_100_000n, [], "ok"],
	] as const)("%s", (_, credits, conditions, status) => {
		const e = evaluate(inputs(credits));
		expect(e.conditions.map((c) => c.kind)).toEqual(conditions);
		expect(e.status).toBe(status);
		expect(e.credits).toMatchObject({ known: true, balance: credits, perSecondWei: PER_SECOND });
		expect(e.credits.exhaustedAt).toBe(NOW + (credits * 10n ** 18n) / PER_SECOND);
	});

	it("unknown (no feed, or not backfilled yet): no credit condition, balance 0", () => {
		expect(kinds(inputs(0n), false)).toEqual([]);
		expect(kinds(inputs(0n, false))).toEqual([]);
		expect(evaluate(inputs(5n), false).credits).toMatchObject({ known: false, balance: 0n, exhaustedAt: null });
		expect(kinds({ ...inputs(0n), credits: undefined })).toEqual([]);
	});

	it("a lot expiring soon shortens the runway and schedules the next recompute", () => {
		const e = evaluate(inputs(10_000_000n, true, (NOW + 3_600n) * 1_000_000n));
		expect(e.credits.exhaustedAt).toBe(NOW + 3_600n);
		expect(e.credits.nextExpiryAt).toBe(NOW + 3_600n);
		expect(e.conditions.map((c) => c.kind)).toEqual(["credits_running_out"]);
		expect(DAY).toBe(PER_SECOND * 86_400n);
	});
});
