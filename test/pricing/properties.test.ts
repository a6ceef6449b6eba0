/**
 * Properties of the cost model on generated messages (fast-check).
 */
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXECUTABLE_PRODUCTS } from "../../src/pricing/aggregate-schemas.ts";
import { getDefaultPricing, getDefaultSettings } from "../../src/pricing/aggregates.ts";
import { PAYMENT_BUFFER_WEI } from "../../src/pricing/constants.ts";
import { priceAmounts } from "../../src/pricing/cost-row.ts";
import { type CostResult, computeCosts } from "../../src/pricing/costs.ts";
import { exactDecimalOfDouble } from "../../src/pricing/decimal.ts";
import { exactFromInteger, exactMibFromBytes } from "../../src/pricing/exact.ts";
import { parseMessage } from "../../src/pricing/message.ts";
import { checkStreams } from "../../src/pricing/streams.ts";
import { decidePayment } from "../../src/pricing/verdicts.ts";
import {
	type InstanceSpec,
	instanceArb,
	type MessageSpec,
	messageArb,
	programArb,
	storeArb,
	toRaw,
	type VolumeSpec,
} from "./arbitraries.ts";

const pricing = getDefaultPricing();
const settings = getDefaultSettings();
/** Wide-precision decimals for reference values (never rounds in these tests). */
const Wide = Decimal.clone({ precision: 200 });
const COLUMNS = ["hold", "stream", "credit"] as const;

function price(spec: MessageSpec): CostResult {
	const { raw, sizes } = toRaw(spec);
	const message = parseMessage(raw);
	if (!message.ok) throw new Error(`generated message is invalid: ${JSON.stringify(message.error)}`);
	const costs = computeCosts(message.value, { pricing, settings, sizes });
	if (!costs.ok) throw new Error(`generated message cannot be priced: ${JSON.stringify(costs.error)}`);
	return costs.value;
}

function executionWei(costs: CostResult, column: (typeof COLUMNS)[number]): bigint {
	return costs.rows.filter((row) => row.type === "EXECUTION").reduce((sum, row) => sum + row.wei[column], 0n);
}

const growVolume = (volume: VolumeSpec, delta: number): VolumeSpec => {
	if (volume.kind === "immutable") {
		return volume.estimatedMib
			? { ...volume, estimatedMib: volume.estimatedMib + delta }
			: { ...volume, bytes: (volume.bytes ?? 0) + delta * 1000 };
	}
	const max = volume.kind === "ephemeral" ? 1000 : 2_097_152;
	return { ...volume, sizeMib: Math.min(max, volume.sizeMib + delta) };
};

describe("cost properties", () => {
	it("computeCosts() never yields a negative total in any column", () => {
		fc.assert(
			fc.property(messageArb, (spec) => {
				const costs = price(spec);
				for (const column of COLUMNS) expect(costs.totalsWei[column]).toBeGreaterThanOrEqual(0n);
				for (const row of costs.rows.filter((r) => r.type !== "EXECUTION_VOLUME_DISCOUNT")) {
					for (const column of COLUMNS) expect(row.wei[column]).toBeGreaterThanOrEqual(0n);
				}
			}),
			{ numRuns: 300 },
		);
	});

	it("computeCosts() is monotonic in rootfs, volume and file sizes", () => {
		const grown = fc.oneof(
			fc
				.tuple(instanceArb, fc.integer({ min: 1, max: 100_000 }))
				.map(([spec, delta]) => [spec, { ...spec, rootfsMib: Math.min(2_097_152, spec.rootfsMib + delta) }] as const),
			fc
				.tuple(fc.oneof(instanceArb, programArb), fc.nat(), fc.integer({ min: 1, max: 100_000 }))
				.filter(([spec]) => spec.volumes.length > 0)
				.map(([spec, index, delta]) => {
					const volumes = [...spec.volumes];
					const at = index % volumes.length;
					volumes[at] = growVolume(volumes[at] as VolumeSpec, delta);
					return [spec, { ...spec, volumes }] as const;
				}),
			fc
				.tuple(storeArb, fc.integer({ min: 1, max: 2 ** 40 }))
				.map(([spec, delta]) => [spec, { ...spec, bytes: (spec.bytes ?? 0) + delta }] as const),
			fc
				.tuple(programArb, fc.integer({ min: 1, max: 2 ** 30 }))
				.map(([spec, delta]) => [spec, { ...spec, codeBytes: (spec.codeBytes ?? 0) + delta }] as const),
		);
		fc.assert(
			fc.property(grown, ([small, large]) => {
				const before = price(small);
				const after = price(large);
				for (const column of COLUMNS) expect(after.totalsWei[column]).toBeGreaterThanOrEqual(before.totalsWei[column]);
			}),
			{ numRuns: 300 },
		);
	});

	it("computeCosts() execution cost is monotonic in compute units (vCPUs and memory)", () => {
		const grown = fc
			.tuple(fc.oneof(instanceArb, programArb), fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 200_000 }))
			.map(
				([spec, cpus, memory]) =>
					[spec, { ...spec, vcpus: Math.min(256, spec.vcpus + cpus), memory: Math.min(1_048_576, spec.memory + memory) }] as const,
			);
		fc.assert(
			fc.property(grown, ([small, large]) => {
				const before = price(small);
				const after = price(large);
				for (const column of COLUMNS) expect(executionWei(after, column)).toBeGreaterThanOrEqual(executionWei(before, column));
			}),
			{ numRuns: 300 },
		);
	});

	it("computeCosts() totals can fall with more CUs when a CU's free disk is worth more than the CU (pyaleph behaviour)", () => {
		const base: InstanceSpec = {
			kind: "instance",
			vcpus: 1,
			memory: 2048,
			rootfsMib: 40960,
			confidential: false,
			gpus: [],
			volumes: [],
			payment: "hold",
			time: 1.75e9,
		};
		// 1 CU: 1000 + 2048 − 1024; 2 CUs: 2000 + 2048 − 2048 (20 GiB free disk per CU = 1024 ALEPH > 1000 ALEPH per CU).
		expect([price(base).total, price({ ...base, vcpus: 2 }).total]).toEqual(["2024.000000000000000000", "2000.000000000000000000"]);
	});

	it("computeCosts() discount never exceeds the volumes' cost", () => {
		fc.assert(
			fc.property(fc.oneof(instanceArb, programArb), (spec) => {
				const costs = price(spec);
				const discount = costs.rows.find((row) => row.type === "EXECUTION_VOLUME_DISCOUNT");
				const volumes = costs.rows.filter((row) => row.type !== "EXECUTION" && row.type !== "EXECUTION_VOLUME_DISCOUNT");
				for (const column of COLUMNS) {
					const volumeCost = volumes.reduce((sum, row) => sum + row.wei[column], 0n);
					expect(discount?.wei[column]).toBeLessThanOrEqual(0n);
					expect(-(discount?.wei[column] ?? 0n)).toBeLessThanOrEqual(volumeCost);
				}
			}),
			{ numRuns: 300 },
		);
	});

	it("priceAmounts() stream cost per second × 3600 never exceeds the hourly price", () => {
		const wholeQuantity = fc.integer({ min: 0, max: 1_000_000 }).map((n) => ({ exact: exactFromInteger(n), value: new Wide(n) }));
		const fileQuantity = fc
			.integer({ min: 0, max: 2 ** 50 })
			.map((bytes) => ({ exact: exactMibFromBytes(bytes), value: new Wide(bytes).div(1048576) }));
		const products = fc.constantFrom(...EXECUTABLE_PRODUCTS, "storage" as const);
		const cases = fc.oneof(fc.tuple(wholeQuantity, products, fc.boolean()), fc.tuple(fileQuantity, products, fc.constant(false)));
		fc.assert(
			fc.property(cases, ([q, key, compute]) => {
				const entry = pricing.aggregate[key] as { price: Record<string, { payg?: string }> };
				const prices = compute ? pricing.products[key].computeUnit : pricing.products[key].storage;
				if (prices === null) return;
				const hourly = q.value.times(entry.price[compute ? "compute_unit" : "storage"]?.payg ?? "0");
				const perSecond = priceAmounts(q.exact, prices, false).wei.stream;
				expect(new Wide(perSecond.toString()).times(3600).div("1e18").lte(hourly)).toBe(true);
			}),
			{ numRuns: 500 },
		);
	});

	it("computeCosts() volume rows' stream cost × 3600 never exceeds size × hourly storage price", () => {
		fc.assert(
			fc.property(fc.oneof(instanceArb, programArb), (spec) => {
				const costs = price(spec);
				const premium = spec.kind === "instance" && spec.gpus.length > 0;
				const product = premium ? "instance_gpu_premium" : (costs.product ?? "instance");
				const payg = (pricing.aggregate[product] as { price: { storage: { payg: string } } }).price.storage.payg;
				for (const row of costs.rows.filter((r) => r.size_mib !== undefined)) {
					const hourly = new Wide(exactDecimalOfDouble(row.size_mib ?? 0)).times(payg);
					expect(new Wide(row.wei.stream.toString()).times(3600).div("1e18").lte(hourly)).toBe(true);
				}
			}),
			{ numRuns: 200 },
		);
	});
});

describe("verdict boundaries", () => {
	const holdInstance = instanceArb.map((spec) => ({ ...spec, payment: "hold" as const, time: 1_750_000_000 }));

	it("decidePayment() hold: balance = locked + cost passes, one wei less fails with 5", () => {
		fc.assert(
			fc.property(holdInstance, fc.bigInt({ min: 0n, max: 10n ** 24n }), (spec, locked) => {
				const { raw } = toRaw(spec);
				const message = parseMessage(raw);
				if (!message.ok) throw new Error("invalid");
				const costs = price(spec);
				const decide = (balanceWei: bigint) =>
					decidePayment({ message: message.value, costs, now: 1.75e9, balanceWei, lockedHoldWei: locked });
				const required = locked + costs.totalWei;
				expect([decide(required).allowed, decide(required).errorCode]).toEqual([true, null]);
				expect([decide(required - 1n).allowed, decide(required - 1n).errorCode]).toEqual([false, 5]);
			}),
			{ numRuns: 200 },
		);
	});

	it("decidePayment() credit: the smallest sufficient credit balance passes, one credit less fails with 6", () => {
		const creditMessage = fc.oneof(instanceArb, programArb).map((spec) => ({ ...spec, payment: "credit" as const, time: 1_750_000_000 }));
		fc.assert(
			fc.property(creditMessage, fc.bigInt({ min: 0n, max: 10n ** 22n }), (spec, lockedPerSecond) => {
				const { raw } = toRaw(spec);
				const message = parseMessage(raw);
				if (!message.ok) throw new Error("invalid");
				const costs = price(spec);
				const required = new Wide((lockedPerSecond + costs.totalWei).toString()).times(86400).div("1e18");
				const minimum = BigInt(required.ceil().toFixed(0));
				const decide = (creditBalance: bigint) =>
					decidePayment({
						message: message.value,
						costs,
						now: 1.75e9,
						balanceWei: 0n,
						creditBalance,
						lockedCreditPerSecondWei: lockedPerSecond,
					});
				expect([decide(minimum).allowed, decide(minimum - 1n).allowed, decide(minimum - 1n).errorCode]).toEqual([true, false, 6]);
			}),
			{ numRuns: 200 },
		);
	});

	it("checkStreams() allocation: flows of exactly required − buffer pass, one wei/s less fails", () => {
		const resources = fc.array(
			fc.record({
				requiredPerSecondWei: fc.bigInt({ min: 10n ** 9n, max: 10n ** 16n }),
				startedAt: fc.integer({ min: 1.7e9, max: 1.8e9 }),
			}),
			{ minLength: 1, maxLength: 5 },
		);
		fc.assert(
			fc.property(resources, (list) => {
				const base = checkStreams({ resources: list, flowToReceiverWei: 0n, flowToCommunityWei: 0n, settings });
				const crn = base.crnRequiredWei - PAYMENT_BUFFER_WEI;
				const community = base.communityRequiredWei - PAYMENT_BUFFER_WEI;
				const check = (toReceiver: bigint, toCommunity: bigint) =>
					checkStreams({ resources: list, flowToReceiverWei: toReceiver, flowToCommunityWei: toCommunity, settings }).ok;
				expect(check(crn, community)).toBe(true);
				expect(check(crn - 1n, community)).toBe(false);
				if (base.communityRequiredWei > 0n) expect(check(crn, community - 1n)).toBe(false);
			}),
			{ numRuns: 300 },
		);
	});

	it("checkStreams() monitor: flows must exceed required − buffer by one wei/s", () => {
		fc.assert(
			fc.property(fc.bigInt({ min: 10n ** 9n, max: 10n ** 16n }), (required) => {
				const resources = [{ requiredPerSecondWei: required, startedAt: 1.8e9 }];
				const base = checkStreams({ resources, flowToReceiverWei: 0n, flowToCommunityWei: 0n, settings, mode: "monitor" });
				const crn = base.crnRequiredWei - PAYMENT_BUFFER_WEI;
				const community = base.communityRequiredWei - PAYMENT_BUFFER_WEI;
				const check = (toReceiver: bigint, toCommunity: bigint) =>
					checkStreams({ resources, flowToReceiverWei: toReceiver, flowToCommunityWei: toCommunity, settings, mode: "monitor" }).ok;
				expect([check(crn + 1n, community + 1n), check(crn, community + 1n), check(crn + 1n, community)]).toEqual([true, false, false]);
			}),
			{ numRuns: 200 },
		);
	});
});
