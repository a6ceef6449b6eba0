import { describe, expect, it } from "vitest";
import { forecastRemovals } from "../../src/domain/removal-forecast.ts";

const WEI = 10n ** 18n;
const credit = (itemHash: string, perSecondWei: bigint) => ({ itemHash, paymentType: "credit" as const, costCredit: perSecondWei });

describe("the removal forecast", () => {
	it("funds credit resources oldest first, one day each, and cuts from the first one the credits do not cover", () => {
		// 1 credit/s each: 86 400 credits a day. 200 000 credits cover two days, not three.
		const resources = [credit("a", WEI), credit("b", WEI), credit("c", WEI), credit("d", 0n)];
		const f = forecastRemovals(resources, new Map(), { known: true, balance: 200_000n, perSecondWei: 3n * WEI }, 1_000n);
		expect(f.get("a")).toEqual({ predictedCut: false, runsOutAt: 1_000n + (200_000n - 86_400n) / 3n });
		expect(f.get("b")).toEqual({ predictedCut: false, runsOutAt: 1_000n + (200_000n - 172_800n) / 3n });
		expect(f.get("c")).toEqual({ predictedCut: true, runsOutAt: 1_000n });
		// pyaleph: remaining is 0 after a cut; a resource that costs nothing is not cut.
		expect(f.get("d")?.predictedCut).toBe(false);
	});

	it("reads hold resources from the coverage, and says nothing of superfluid ones or of unknown credits", () => {
		const f = forecastRemovals(
			[
				{ itemHash: "h1", paymentType: "hold", costCredit: 0n },
				{ itemHash: "h2", paymentType: "hold", costCredit: 0n },
				{ itemHash: "s", paymentType: "superfluid", costCredit: 0n },
				credit("c", WEI),
			],
			new Map([
				["h1", true],
				["h2", false],
			]),
			{ known: false, balance: 0n, perSecondWei: WEI },
			0n,
		);
		expect([...f.values()].map((x) => x.predictedCut)).toEqual([false, true, null, null]);
	});
});
