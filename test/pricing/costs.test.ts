/**
 * computeCosts() behaviours beyond the spec vectors: rows, names, refs, sizes,
 * legacy tolerance for unknown files, minimums, GPU tiers, products.
 */
import { describe, expect, it } from "vitest";
import { getDefaultSettings, type Pricing, parsePricingAggregate } from "../../src/pricing/aggregates.ts";
import { type CostResult, computeCosts } from "../../src/pricing/costs.ts";
import { DEFAULT_PRICE_AGGREGATE } from "../../src/pricing/defaults.ts";
import { CONFIDENTIAL_ENV, context, envelope, gpuInstance, instance, type Json, NODE_HASH, parsed, priced, store } from "./fixtures.ts";

const MIB = 1048576;
const CODE = "c0".repeat(32);
const RUNTIME = "7e".repeat(32);

function program(overrides: Json = {}): Json {
	return envelope(
		"PROGRAM",
		{
			on: { http: true, persistent: false },
			code: { ref: CODE, encoding: "zip", entrypoint: "main:app" },
			runtime: { ref: RUNTIME, comment: "runtime" },
			environment: { internet: false },
			resources: { vcpus: 1, memory: 2048 },
			...overrides,
		},
		1.75e9,
	);
}

function rows(costs: CostResult, column: "cost_hold" | "cost_stream" | "cost_credit" = "cost_hold"): string[][] {
	return costs.rows.map((row) => [row.type, row.name, row[column]]);
}

function customPricing(patch: Record<string, unknown>): Pricing {
	const result = parsePricingAggregate({ ...DEFAULT_PRICE_AGGREGATE, ...patch });
	if (!result.ok) throw new Error(result.error.message);
	return result.value;
}

describe("computeCosts()", () => {
	it("gives no row to a file whose size is unknown and lists it in missingSizes", () => {
		const { costs } = priced(program(), { [RUNTIME]: 10 * MIB });
		expect([costs.missingSizes, costs.rows.map((row) => row.type)]).toEqual([
			[CODE],
			["EXECUTION", "EXECUTION_PROGRAM_VOLUME_RUNTIME", "EXECUTION_VOLUME_DISCOUNT"],
		]);
	});

	it("prices a known empty file at zero (with the credit minimum for credit payment)", () => {
		const sizes = { [CODE]: 0, [RUNTIME]: 0 };
		const hold = priced(program(), sizes).costs.rows.find((row) => row.type === "EXECUTION_PROGRAM_VOLUME_CODE");
		const credit = priced(program({ payment: { type: "credit" } }), sizes).costs.rows.find(
			(row) => row.type === "EXECUTION_PROGRAM_VOLUME_CODE",
		);
		expect([hold?.cost_hold, credit?.cost_credit]).toEqual(["0.000000000000000000", "0.000277777777777777"]);
	});

	it("gives a STORE no row when its file is unknown or empty", () => {
		const unknown = priced(store("QmX", 1.75e9)).costs;
		const empty = priced(store("QmX", 1.75e9), { QmX: 0 }).costs;
		expect([unknown.rows, unknown.missingSizes, unknown.total, empty.rows, empty.missingSizes]).toEqual([
			[],
			["QmX"],
			"0.000000000000000000",
			[],
			[],
		]);
	});

	it("names a STORE row after the message and reports its real size even under the credit floor", () => {
		const row = priced(store("QmX", 1.75e9, { type: "credit" }), { QmX: MIB }).costs.rows[0];
		expect(row).toMatchObject({ type: "STORAGE", name: "STORAGE", ref: "abab", size_mib: 1, cost_credit: "0.001247742293793479" });
	});

	it("names volumes #i:<mount>, falling back to pyaleph's Python ≥ 3.11 enum text", () => {
		const raw = instance({
			volumes: [
				{ ref: "aa", use_latest: false },
				{ ephemeral: true, size_mib: 5, mount: "" },
				{ persistence: "host", size_mib: 5, mount: "/p" },
			],
		});
		const names = priced(raw, { aa: MIB }).costs.rows.map((row) => row.name);
		expect(names).toEqual([
			"instance",
			"EXECUTION_INSTANCE_VOLUME_ROOTFS",
			"#0:CostType.EXECUTION_VOLUME_INMUTABLE",
			"#1:CostType.EXECUTION_VOLUME_PERSISTENT",
			"#2:/p",
			"EXECUTION_VOLUME_DISCOUNT",
		]);
	});

	it("keeps refs and sizes on volume rows", () => {
		const { costs } = priced(instance({ volumes: [{ ref: "aa", use_latest: false, mount: "/a" }] }), { aa: 3 * MIB + 1 });
		expect(costs.rows.map((row) => [row.ref, row.size_mib])).toEqual([
			[null, undefined],
			["6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595", 20480],
			["aa", (3 * MIB + 1) / MIB],
			[null, undefined],
		]);
	});

	it("prints a zero discount as 0.000000000000000000: Python's -Decimal(0) is +0 in ROUND_HALF_EVEN", () => {
		// GPU volumes use the premium storage prices, which have no holding price.
		const discount = priced(gpuInstance(["10de:2684"], 8, 16384)).costs.rows.at(-1);
		expect([discount?.cost_hold, discount?.wei.hold, discount?.cost_stream]).toEqual(["0.000000000000000000", 0n, "-0.000005558044444444"]);
	});

	it("doubles the CUs of an on-demand program with internet, not of a persistent one", () => {
		const internet = priced(program({ environment: { internet: true } })).costs;
		const persistent = priced(program({ environment: { internet: true }, on: { http: true, persistent: true } })).costs;
		expect([internet.product, internet.rows[0]?.cost_hold, persistent.product, persistent.rows[0]?.cost_hold]).toEqual([
			"program",
			"400.000000000000000000",
			"program_persistent",
			"1000.000000000000000000",
		]);
	});

	it("raises a cheap execution to 1 credit per hour, but never a GPU execution", () => {
		const pricing = customPricing({
			instance: { ...(DEFAULT_PRICE_AGGREGATE.instance as Json), price: { storage: {}, compute_unit: { credit: "0.5" } } },
			instance_gpu_standard: {
				...(DEFAULT_PRICE_AGGREGATE.instance_gpu_standard as Json),
				price: { storage: {}, compute_unit: { credit: "0.01" } },
			},
		});
		const price = (raw: Json) => {
			const result = computeCosts(parsed(raw), { pricing, settings: getDefaultSettings() });
			if (!result.ok) throw new Error(result.error.message);
			return result.value.rows[0]?.cost_credit;
		};
		const node = { requirements: { node: { node_hash: NODE_HASH } } };
		const gpu = gpuInstance(["10de:2684"], 1, 2048) as { content: Json };
		expect([
			price(instance({ payment: { type: "credit" }, ...node })),
			price({ ...gpu, content: { ...gpu.content, payment: { type: "credit" } } }),
		]).toEqual(["0.000277777777777777", "0.000016666666666666"]);
	});

	it("prices a confidential GPU instance on the GPU tiers, as pyaleph's cost path does", () => {
		const gpu = gpuInstance(["10de:2684"], 8, 16384) as { content: Json };
		const { costs } = priced({ ...gpu, content: { ...gpu.content, environment: CONFIDENTIAL_ENV } });
		expect([costs.product, costs.rows[0]?.name, costs.total]).toEqual([
			"instance_confidential",
			"instance_gpu_standard",
			"2240.000000000000000000",
		]);
	});

	it("orders GPU rows by first tier met and gives extra resource CUs to the premium tier", () => {
		const { costs } = priced(gpuInstance(["10de:2684", "10de:20b2"], 40, 2048));
		expect([costs.product, ...rows(costs).filter(([type]) => type === "EXECUTION")]).toEqual([
			"instance_gpu_premium",
			["EXECUTION", "instance_gpu_standard", "1680.000000000000000000"],
			["EXECUTION", "instance_gpu_premium", `${(16 + 40 - 22) * 560}.000000000000000000`],
		]);
	});

	it("uses estimated_size_mib when non-zero and the file size otherwise", () => {
		const estimated = priced(program({ code: { ref: CODE, encoding: "zip", entrypoint: "m", estimated_size_mib: 7 } }), {
			[CODE]: MIB,
			[RUNTIME]: 0,
		});
		const zero = priced(program({ code: { ref: CODE, encoding: "zip", entrypoint: "m", estimated_size_mib: 0 } }), {
			[CODE]: MIB,
			[RUNTIME]: 0,
		});
		const size = (costs: CostResult) => costs.rows.find((row) => row.type === "EXECUTION_PROGRAM_VOLUME_CODE")?.size_mib;
		expect([size(estimated.costs), size(zero.costs)]).toEqual([7, 1]);
	});

	it("prices POST / AGGREGATE / FORGET at zero with no product", () => {
		const result = computeCosts(parsed(envelope("POST", {})), context());
		expect(result.ok && [result.value.product, result.value.rows, result.value.total]).toEqual([null, [], "0.000000000000000000"]);
	});

	it("reports cost_overflow where pyaleph's quantize raises (10^10 ALEPH)", () => {
		const result = computeCosts(parsed(store("Qm", 1.75e9, undefined, { estimated_size_mib: 3.1e10 })), context());
		expect(result.ok || result.error.code).toBe("cost_overflow");
	});

	it("exposes every row in wei next to its 18-decimal strings", () => {
		const { costs } = priced(instance({ payment: { type: "superfluid", chain: "AVAX", receiver: "0x1" } }));
		expect(costs.rows.map((row) => [row.wei.stream, row.cost_stream])).toEqual([
			[15277777777777n, "0.000015277777777777"],
			[5558044444444n, "0.000005558044444444"],
			[-5558044444444n, "-0.000005558044444444"],
		]);
		expect([costs.totalWei, costs.totalsWei.hold]).toEqual([15277777777777n, 1000n * 10n ** 18n]);
	});
});
