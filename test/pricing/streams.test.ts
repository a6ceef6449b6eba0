/**
 * checkStreams(): aleph-vm's PAYG split and tolerance.
 */
import { describe, expect, it } from "vitest";
import { getDefaultSettings } from "../../src/pricing/aggregates.ts";
import { checkStreams, type StreamCheckInput } from "../../src/pricing/streams.ts";
import { toWei } from "../../src/pricing/units.ts";

const settings = getDefaultSettings();
const START = settings.communityWalletTimestamp;

function required(resources: StreamCheckInput["resources"], overrides: Partial<StreamCheckInput> = {}) {
	const check = checkStreams({ resources, flowToReceiverWei: 0n, flowToCommunityWei: 0n, settings, ...overrides });
	return [check.crnRequired, check.communityRequired];
}

describe("checkStreams()", () => {
	it("splits 80 / 20 with aleph-vm's float ratio", () => {
		expect(required([{ requiredPerSecondWei: toWei("0.000015277777777777"), startedAt: START + 1 }])).toEqual([
			"0.000012222222222221",
			"0.000003055555555555",
		]);
		// 0.000015 × 0.7999999999999999888977697537 floors one wei below 0.000012.
		expect(required([{ requiredPerSecondWei: toWei("0.000015"), startedAt: START + 1 }])).toEqual([
			"0.000011999999999999",
			"0.000003000000000000",
		]);
	});

	it("charges 100 % to the CRN for executions started at or before community_wallet_timestamp", () => {
		const resources = (startedAt: number) => [{ requiredPerSecondWei: toWei("0.000015277777777777"), startedAt }];
		expect(required(resources(START))).toEqual(["0.000015277777777777", "0.000000000000000000"]);
		expect(required(resources(START + 1e-6))).toEqual(["0.000012222222222221", "0.000003055555555555"]);
	});

	it("charges 100 % to the CRN when no community wallet is set", () => {
		const noWallet = { communityWalletAddress: "", communityWalletTimestamp: 0 };
		expect(required([{ requiredPerSecondWei: toWei("0.00001"), startedAt: START + 1 }], { settings: noWallet })).toEqual([
			"0.000010000000000000",
			"0.000000000000000000",
		]);
	});

	it("sums several resources before splitting, like the CRN monitor", () => {
		const before = { requiredPerSecondWei: toWei("0.00001"), startedAt: START - 1 };
		const after = { requiredPerSecondWei: toWei("0.000015277777777777"), startedAt: START + 1 };
		const third = { requiredPerSecondWei: toWei("0.000015277777777777"), startedAt: START + 2 };
		// crn = F(0.000030555555555554 × 0.79999… + 0.00001), community = F(0.000030555555555554 × 0.2000…)
		expect(required([before, after, third])).toEqual(["0.000034444444444443", "0.000006111111111110"]);
	});

	it("allocation refuses an empty stream even when the tolerance would cover it", () => {
		const check = checkStreams({
			resources: [{ requiredPerSecondWei: 50_000_000n, startedAt: START - 1 }],
			flowToReceiverWei: 0n,
			flowToCommunityWei: 0n,
			settings,
		});
		expect([check.ok, check.reason, check.crnShortfallWei]).toEqual([false, "empty_stream", 1n]);
	});

	it("reports how much flow is missing, per receiver", () => {
		const check = checkStreams({
			resources: [{ requiredPerSecondWei: toWei("0.000015277777777777"), startedAt: START + 1 }],
			flowToReceiverWei: toWei("0.00001"),
			flowToCommunityWei: toWei("0.000003"),
			settings,
		});
		expect([check.reason, check.crnShortfallWei, check.communityShortfallWei]).toEqual([
			"insufficient_crn_stream",
			toWei("0.000002222222222221") - 100_000_000n,
			toWei("0.000000055555555555") - 100_000_000n,
		]);
	});
});
