import { describe, expect, it } from "vitest";
import { DEFAULT_PRICE_AGGREGATE, getDefaultPricing, parsePricingAggregate } from "../../src/pricing/index.ts";
import { createPricingTimeline } from "../../src/pricing/timeline.ts";

const instance = (credit: string) => ({
	instance: {
		...(DEFAULT_PRICE_AGGREGATE.instance as object),
		price: { storage: { holding: "0.05", credit: "0.2" }, compute_unit: { holding: "1000", credit } },
	},
});
const creditPerHour = (p: ReturnType<typeof getDefaultPricing>) => p.products.instance.computeUnit?.creditPerSecond.mul(3600).toString();

describe("the pricing timeline", () => {
	const elements = [
		{ itemHash: "b".repeat(64), key: "pricing" as const, timeMicros: 2_000n, content: instance("20000") },
		{ itemHash: "a".repeat(64), key: "pricing" as const, timeMicros: 1_000n, content: instance("15000") },
		// Same time as the first one: ties go by item_hash, so "c…" wins over "b…".
		{ itemHash: "c".repeat(64), key: "pricing" as const, timeMicros: 2_000n, content: instance("21000") },
	];

	it("prices a time with the merge of the elements at or before it, over the default", () => {
		const timeline = createPricingTimeline(elements);
		expect(timeline.at(999n).pricingRef).toBeNull();
		expect(creditPerHour(timeline.at(999n).pricing)).toBe("14250");
		expect(timeline.at(1_000n)).toMatchObject({ pricingRef: "a".repeat(64) });
		expect(creditPerHour(timeline.at(1_999n).pricing)).toBe("15000");
		expect(timeline.at(2_000n).pricingRef).toBe("c".repeat(64));
		expect(creditPerHour(timeline.at(5_000n).pricing)).toBe("21000");
		// Products no element names keep their default entry.
		expect(timeline.at(5_000n).pricing.products.storage).toEqual(getDefaultPricing().products.storage);
	});

	it("skips an element whose merged value does not validate, and lets a file override every time", () => {
		const bad = { itemHash: "d".repeat(64), key: "pricing" as const, timeMicros: 3_000n, content: { instance: { price: 5 } } };
		expect(createPricingTimeline([...elements, bad]).at(4_000n).pricingRef).toBe("c".repeat(64));
		const file = parsePricingAggregate({ ...DEFAULT_PRICE_AGGREGATE, ...instance("99") });
		if (!file.ok) throw new Error("file");
		const overridden = createPricingTimeline(elements, { pricing: file.value });
		expect(creditPerHour(overridden.at(5_000n).pricing)).toBe("99");
		expect(overridden.at(5_000n).pricingRef).toBeNull();
	});
});
