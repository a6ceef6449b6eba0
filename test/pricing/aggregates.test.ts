/**
 * Pricing and settings aggregates: built-in defaults, top-level merge,
 * validation with field paths, and the JSON file loaders.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
	getDefaultPricing,
	getDefaultSettings,
	mergeAggregates,
	parsePricingAggregate,
	parseSettingsAggregate,
} from "../../src/pricing/aggregates.ts";
import { computeCosts } from "../../src/pricing/costs.ts";
import { DEFAULT_PRICE_AGGREGATE, DEFAULT_SETTINGS_AGGREGATE } from "../../src/pricing/defaults.ts";
import { loadPricing, loadSettings } from "../../src/pricing/load-aggregates.ts";
import { gpuInstance, instance, parsed } from "./fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "pricing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
	const path = join(dir, name);
	writeFileSync(path, content);
	return path;
}

function withEntry(key: string, entry: unknown): Record<string, unknown> {
	return { ...DEFAULT_PRICE_AGGREGATE, [key]: entry };
}

describe("built-in aggregates", () => {
	it("DEFAULT_PRICE_AGGREGATE has pyaleph's products, in its order, with its exact values", () => {
		expect(Object.keys(DEFAULT_PRICE_AGGREGATE)).toEqual([
			"program",
			"storage",
			"instance",
			"web3_hosting",
			"program_persistent",
			"instance_gpu_premium",
			"instance_confidential",
			"instance_gpu_standard",
		]);
		expect(DEFAULT_PRICE_AGGREGATE.instance).toEqual({
			price: {
				storage: { payg: "0.000000977", holding: "0.05", credit: "0.17967489030626108" },
				compute_unit: { payg: "0.055", holding: "1000", credit: "14250" },
			},
			tiers: [1, 2, 4, 6, 8, 12].map((units, i) => ({ id: `tier-${i + 1}`, compute_units: units })),
			compute_unit: { vcpus: 1, disk_mib: 20480, memory_mib: 2048 },
		});
		expect(DEFAULT_PRICE_AGGREGATE.web3_hosting).toEqual({
			price: { fixed: 50, storage: { holding: "0.333333333", credit: "0.17967489030626108" } },
		});
		expect(Object.isFrozen(DEFAULT_PRICE_AGGREGATE.instance)).toBe(true);
	});

	it("DEFAULT_SETTINGS_AGGREGATE has the community wallet, its start and 19 compatible GPUs", () => {
		const settings = getDefaultSettings();
		expect([settings.communityWalletAddress, settings.communityWalletTimestamp, settings.compatibleGpus.length]).toEqual([
			"0x5aBd3258C5492fD378EBC2e0017416E199e5Da56",
			1739301770,
			19,
		]);
		expect(DEFAULT_SETTINGS_AGGREGATE.compatible_gpus).toContainEqual({
			name: "GA100 [A100 SXM4 80GB]",
			model: "A100",
			vendor: "NVIDIA",
			device_id: "10de:20b2",
		});
	});

	it("compiles per-second prices in the 28-digit context (payg / 3600)", () => {
		const instancePrices = getDefaultPricing().products.instance;
		expect([instancePrices.computeUnit?.streamPerSecond.toString(), instancePrices.computeUnit?.creditPerSecond.toString()]).toEqual([
			"0.00001527777777777777777777777778",
			"3.958333333333333333333333333",
		]);
	});

	it("keeps the CU spec only for entries with tiers, like pyaleph", () => {
		const pricing = parsePricingAggregate(withEntry("program", { ...(DEFAULT_PRICE_AGGREGATE.program as object), tiers: [] }));
		expect(pricing.ok && pricing.value.products.program.spec).toBeNull();
	});

	it("the first compatible GPU wins: 10de:2685 is an RTX 5090, which the default tiers do not price", () => {
		const result = computeCosts(parsed(gpuInstance(["10de:2685"], 1, 2048)), {
			pricing: getDefaultPricing(),
			settings: getDefaultSettings(),
		});
		expect(result.ok || result.error).toEqual({
			code: "invalid_message",
			field: "content.requirements.gpu[0].device_id",
			message: "GPU model RTX 5090 not found in any pricing tier",
		});
	});
});

describe("mergeAggregates()", () => {
	it("replaces whole top-level entries, later elements winning", () => {
		expect(mergeAggregates([{ a: { x: 1, y: 2 }, b: 1 }, { a: { y: 3 } }, { c: true }])).toEqual({ a: { y: 3 }, b: 1, c: true });
	});

	it("parsePricingAggregate() merges an array of elements before validating", () => {
		const cheaper = {
			...(DEFAULT_PRICE_AGGREGATE.instance as object),
			price: { storage: { holding: "0.05" }, compute_unit: { holding: "500" } },
		};
		const pricing = parsePricingAggregate([DEFAULT_PRICE_AGGREGATE, { instance: cheaper }]);
		if (!pricing.ok) throw new Error(pricing.error.message);
		const costs = computeCosts(parsed(instance()), { pricing: pricing.value, settings: getDefaultSettings() });
		expect(costs.ok && [costs.value.total, costs.value.totalsWei.stream]).toEqual(["500.000000000000000000", 0n]);
	});
});

describe("parsePricingAggregate() validation", () => {
	const cases: Array<[string, unknown, string]> = [
		["a missing product", { ...DEFAULT_PRICE_AGGREGATE, instance: undefined }, "instance"],
		["a price that is not a decimal", withEntry("storage", { price: { storage: { holding: "abc" } } }), "storage.price.storage.holding"],
		["a negative price", withEntry("storage", { price: { storage: { credit: -1 } } }), "storage.price.storage.credit"],
		["a product without storage prices", withEntry("storage", { price: {} }), "storage.price.storage"],
		[
			"a compute_unit spec without compute_unit prices",
			withEntry("program", { price: { storage: {} }, compute_unit: { vcpus: 1, disk_mib: 1, memory_mib: 1 } }),
			"program.price.compute_unit",
		],
		[
			"an executable product without compute_unit spec",
			withEntry("instance", { price: { storage: {}, compute_unit: {} } }),
			"instance.compute_unit",
		],
		[
			"tiers with a zero CU memory size",
			withEntry("instance", {
				price: { storage: {}, compute_unit: {} },
				tiers: [{ id: "t", compute_units: 1 }],
				compute_unit: { vcpus: 1, disk_mib: 1, memory_mib: 0 },
			}),
			"instance.compute_unit.memory_mib",
		],
		["a non-object element", [DEFAULT_PRICE_AGGREGATE, 3], "[1]"],
	];

	it.each(cases)("reports %s on its field", (_name, input, field) => {
		const result = parsePricingAggregate(input);
		expect(result.ok || [result.error.code, result.error.field]).toEqual(["invalid_pricing", field]);
	});

	it("takes a JSON number price as the exact double, like Python's Decimal(float)", () => {
		const entry = {
			...(DEFAULT_PRICE_AGGREGATE.instance as Record<string, unknown>),
			price: { storage: { holding: 0.05 }, compute_unit: { holding: "1000" } },
		};
		const pricing = parsePricingAggregate(withEntry("instance", entry));
		if (!pricing.ok) throw new Error(pricing.error.message);
		const costs = computeCosts(parsed(instance()), { pricing: pricing.value, settings: getDefaultSettings() });
		const rootfs = costs.ok ? costs.value.rows.find((row) => row.type === "EXECUTION_INSTANCE_VOLUME_ROOTFS") : undefined;
		// 20480 × 0.05000000000000000277555756… = 1024.0000000000000568434…
		expect(rootfs?.cost_hold).toBe("1024.000000000000056843");
	});

	it("parseSettingsAggregate() reports bad GPUs on their field and defaults missing keys like pyaleph", () => {
		const bad = parseSettingsAggregate({ compatible_gpus: [{ name: "x", model: "y", vendor: "z" }] });
		const empty = parseSettingsAggregate({});
		expect(bad.ok || [bad.error.code, bad.error.field]).toEqual(["invalid_settings", "compatible_gpus[0].device_id"]);
		expect(empty.ok && [empty.value.communityWalletAddress, empty.value.communityWalletTimestamp, empty.value.compatibleGpus]).toEqual([
			"",
			0,
			[],
		]);
	});
});

describe("loadPricing() / loadSettings()", () => {
	it("return the built-in aggregates without a path", () => {
		expect([loadPricing(), loadPricing(""), loadSettings()]).toEqual([getDefaultPricing(), getDefaultPricing(), getDefaultSettings()]);
	});

	it("read one aggregate object or an array of elements to merge", () => {
		const single = loadPricing(file("single.json", JSON.stringify(DEFAULT_PRICE_AGGREGATE)));
		const merged = loadPricing(
			file("merged.json", JSON.stringify([DEFAULT_PRICE_AGGREGATE, { storage: { price: { storage: { holding: "1" } } } }])),
		);
		expect([single.products.storage.storage.hold.toString(), merged.products.storage.storage.hold.toString()]).toEqual([
			"0.333333333",
			"1",
		]);
		const settings = loadSettings(
			file("settings.json", JSON.stringify([DEFAULT_SETTINGS_AGGREGATE, { community_wallet_timestamp: 1739996239 }])),
		);
		expect(settings.communityWalletTimestamp).toBe(1739996239);
	});

	it("throw an error naming the file and the field", () => {
		const bad = file("bad.json", JSON.stringify(withEntry("storage", { price: { storage: { holding: "x" } } })));
		expect(() => loadPricing(bad)).toThrow(`pricing file ${bad}: invalid field "storage.price.storage.holding"`);
		const badSettings = file("bad-settings.json", JSON.stringify({ community_wallet_timestamp: "soon" }));
		expect(() => loadSettings(badSettings)).toThrow(`settings file ${badSettings}: invalid field "community_wallet_timestamp"`);
	});

	it("throw an error naming the file when it is missing or not JSON", () => {
		const broken = file("broken.json", "{ not json");
		expect(() => loadPricing(broken)).toThrow(`pricing file ${broken}: not valid JSON`);
		expect(() => loadSettings(join(dir, "absent.json"))).toThrow(`settings file ${join(dir, "absent.json")}: cannot be read`);
	});
});
