/**
 * The 24 vectors of spec §9 through the HTTP API: costs through `POST /api/v0/price/estimate`
 * and `POST /v1/can-pay`, verdicts through `POST /v1/can-pay` on indexed state, locked amounts and
 * coverage through the account routes. Messages come from the pricing tests' fixtures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREDIT_ONLY_CUTOFF_TIMESTAMP, STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP } from "../../src/pricing/constants.ts";
import { fromWei, toWei } from "../../src/pricing/index.ts";
import {
	CONFIDENTIAL_ENV,
	completeVolumes,
	gpuInstance,
	instance,
	type Json,
	processInstance,
	programComplete,
	SUPERFLUID,
	store,
	VENV_REF,
} from "../pricing/fixtures.ts";
import { addr, createTestApi, resource, seedChains, type TestApi, transfer, WEI, ZERO } from "./helpers.ts";

const MIB = 1048576;
const VENV_SIZES = { [VENV_REF]: MIB };
const TIME_2025 = STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP + 1;

type Detail = { type: string; name: string; cost_hold: string; cost_stream: string; cost_credit: string };
type Estimate = { cost: string; payment_type: string; detail: Detail[]; required_tokens: number };
type Verdict = {
	allowed: boolean | null;
	errorCode: number | null;
	reason: string;
	required: string | null;
	available: string | null;
	cost: string;
	detail: Detail[];
};

let api: TestApi;
let next = 0x7e570;
beforeAll(async () => {
	api = await createTestApi();
	await seedChains(api.db);
});
afterAll(async () => {
	await api.database.drop();
});

/** The message charged to a fresh account (content.address and sender replaced). */
function owned(message: Json, owner = addr(next++)): Json {
	const copy = structuredClone(message) as Json & { content: Json };
	copy.sender = owner;
	copy.content.address = owner;
	return copy;
}

async function estimate(message: Json, sizes?: Record<string, number>): Promise<Estimate> {
	const res = await api.request("/api/v0/price/estimate", { method: "POST", json: { message, ...(sizes ? { sizes } : {}) } });
	expect(res.status).toBe(200);
	return (await res.json()) as Estimate;
}

async function canPay(message: Json, sizes?: Record<string, number>): Promise<Verdict> {
	const res = await api.request("/v1/can-pay", { method: "POST", json: { message, ...(sizes ? { sizes } : {}) } });
	expect(res.status).toBe(200);
	return (await res.json()) as Verdict;
}

/** The cost through both routes, which must agree. */
async function cost(message: Json, sizes?: Record<string, number>): Promise<string> {
	const [e, v] = await Promise.all([estimate(message, sizes), canPay(owned(message), sizes)]);
	expect(v.cost).toBe(e.cost);
	expect(v.detail).toEqual(e.detail);
	return e.cost;
}

const executions = (e: Estimate) => e.detail.filter((d) => d.type === "EXECUTION").map((d) => [d.name, d.cost_hold]);

async function fund(owner: string, chain: string, aleph: bigint) {
	await transfer(api.db, { chain, block: BigInt(next++), logIndex: 0, from: ZERO, to: owner, value: aleph * WEI });
}

describe("spec §9 vectors through the API", () => {
	it("#1 INSTANCE hold 1 vCPU / 2 GiB, rootfs 20 GiB: 1000", async () => {
		expect(await cost(instance())).toBe("1000.000000000000000000");
	});
	it("#2 confidential INSTANCE: 2000", async () => {
		expect(await cost(instance({ environment: CONFIDENTIAL_ENV }))).toBe("2000.000000000000000000");
	});
	it("#3 INSTANCE with ephemeral 50 and persistent 100/100/100 MiB: 1017.5", async () => {
		expect(await cost(instance({ volumes: completeVolumes([50, 100, 100, 100]) }))).toBe("1017.500000000000000000");
	});
	it("#4 on-demand PROGRAM with internet and estimated sizes: 630.4", async () => {
		expect(await cost(programComplete())).toBe("630.400000000000000000");
	});
	it("#5 superfluid INSTANCE: 0.000015277777777777 ALEPH/s", async () => {
		expect(await cost(instance({ payment: SUPERFLUID }))).toBe("0.000015277777777777");
	});
	it("#6 superfluid confidential INSTANCE: 0.000030555555555555", async () => {
		expect(await cost(instance({ payment: SUPERFLUID, environment: CONFIDENTIAL_ENV }))).toBe("0.000030555555555555");
	});
	it("#7 superfluid INSTANCE with volumes 50, 1024, 10240, 51200 MiB: 0.000032243382777775", async () => {
		expect(await cost(instance({ payment: SUPERFLUID, volumes: completeVolumes([50, 1024, 10240, 51200]) }))).toBe("0.000032243382777775");
	});
	it("#8 INSTANCE with a 1 MiB immutable volume: 1001.8, storage part 1.8", async () => {
		expect(await cost(processInstance(), VENV_SIZES)).toBe("1001.800000000000000000");
		const e = await estimate(processInstance(), VENV_SIZES);
		const storage = e.detail.filter((d) => d.type !== "EXECUTION").reduce((sum, d) => sum + BigInt(d.cost_hold.replace(".", "")), 0n);
		expect(storage).toBe(18n * 10n ** 17n);
	});
	it("#9 #8 paid with superfluid: 0.000015287547777772", async () => {
		expect(await cost(processInstance(SUPERFLUID), VENV_SIZES)).toBe("0.000015287547777772");
	});
	it("#10 #8 without any balance is rejected (5)", async () => {
		const v = await canPay(owned(processInstance()), VENV_SIZES);
		expect([v.allowed, v.errorCode, v.required, v.available]).toEqual([false, 5, "1001.800000000000000000", "0.000000000000000000"]);
	});
	it("#11 #8 with 22 192 ALEPH on ETH is accepted and then locks 1001.8", async () => {
		const owner = addr(next++);
		await fund(owner, "ETH", 22_192n);
		const message = { ...owned(processInstance(), owner), item_hash: "11".repeat(32) };
		const v = await canPay(message, VENV_SIZES);
		expect([v.allowed, v.errorCode, v.reason]).toEqual([true, null, "balance_sufficient"]);
		const put = await api.request(`/v1/resources/${"11".repeat(32)}`, { method: "PUT", json: { message, sizes: VENV_SIZES } });
		expect(put.status).toBe(201);
		const balance = (await (await api.request(`/api/v0/addresses/${owner}/balance`)).json()) as Record<string, unknown>;
		expect(balance).toMatchObject({ balance: 22_192, locked_amount: 1001.8, details: { ETH: 22_192 }, exact: { locked_amount: "1001.8" } });
	});
	it("#12 1 × RTX 4090, 8 vCPU / 16 GiB: 2240 (8 CUs)", async () => {
		expect(await cost(gpuInstance(["10de:2684"], 8, 16384))).toBe("2240.000000000000000000");
		expect(executions(await estimate(gpuInstance(["10de:2684"], 8, 16384)))).toEqual([
			["instance_gpu_standard", "2240.000000000000000000"],
		]);
	});
	it("#13 2 × A100, 16 vCPU / 32 GiB: 17920", async () => {
		expect(executions(await estimate(gpuInstance(["10de:20b2", "10de:20b2"], 16, 32768)))).toEqual([
			["instance_gpu_premium", "17920.000000000000000000"],
		]);
	});
	it("#14 RTX 4090 + L40S, 12 vCPU / 24 GiB: 5040", async () => {
		expect(executions(await estimate(gpuInstance(["10de:2684", "10de:26b9"], 12, 24576)))).toEqual([
			["instance_gpu_standard", "5040.000000000000000000"],
		]);
	});
	it("#15 A100 + RTX 4090, 12 vCPU / 24 GiB: 10640 in two rows", async () => {
		const message = gpuInstance(["10de:20b2", "10de:2684"], 12, 24576);
		expect(await cost(message)).toBe("10640.000000000000000000");
		expect(executions(await estimate(message))).toEqual([
			["instance_gpu_premium", "8960.000000000000000000"],
			["instance_gpu_standard", "1680.000000000000000000"],
		]);
	});
	it("#16 a 1 MiB credit rootfs costs 1 credit per hour", async () => {
		const e = await estimate(instance({ payment: { type: "credit" }, rootfs: { parent: { ref: "r" }, size_mib: 1, persistence: "host" } }));
		expect(e.detail.find((d) => d.type === "EXECUTION_INSTANCE_VOLUME_ROOTFS")?.cost_credit).toBe("0.000277777777777777");
	});
	it("#17 credit STOREs are billed at least 25 MiB, hold STOREs are not", async () => {
		const storeCost = async (mib: number, type: string) => (await estimate(store("Qm", 1.8e9, { type }, { estimated_size_mib: mib }))).cost;
		expect(await storeCost(1, "credit")).toBe(await storeCost(25, "credit"));
		expect(Number(await storeCost(1, "hold"))).toBeLessThan(Number(await storeCost(25, "hold")));
	});
	it("#18 an existing free 25 MiB STORE counts: 8.333333325 + 16.66666665 > 15 (5)", async () => {
		const owner = addr(next++);
		await fund(owner, "AVAX", 15n);
		const small = { ...owned(store("QmSmall", TIME_2025), owner), item_hash: "18".repeat(32) };
		const put = await api.request(`/v1/resources/${"18".repeat(32)}`, {
			method: "PUT",
			json: { message: small, sizes: { QmSmall: 25 * MIB } },
		});
		expect(((await put.json()) as { costs: { hold: { aleph: string } } }).costs.hold.aleph).toBe("8.333333325");
		const v = await canPay(owned(store("QmLarge", TIME_2025), owner), { QmLarge: 50 * MIB });
		expect([v.allowed, v.errorCode, v.required, v.available]).toEqual([false, 5, "24.999999975000000000", "15.000000000000000000"]);
	});
	it("#19 a hold STORE from 2027-01-01 is rejected (202)", async () => {
		const v = await canPay(owned(store("Qm", CREDIT_ONLY_CUTOFF_TIMESTAMP + 1)), { Qm: 12.5 * MIB });
		expect([v.allowed, v.errorCode]).toEqual([false, 202]);
	});
	it("#20 a small credit STORE after 2027 still needs credits: the oracle reports the need, not a guessed code 6", async () => {
		const v = await canPay(owned(store("Qm", CREDIT_ONLY_CUTOFF_TIMESTAMP + 1, { type: "credit" })), { Qm: 12.5 * MIB });
		const perSecond = (await estimate(store("Qm", CREDIT_ONLY_CUTOFF_TIMESTAMP + 1, { type: "credit" }), { Qm: 12.5 * MIB })).cost;
		expect(v).toMatchObject({
			allowed: null,
			errorCode: null,
			reason: "credit_balance_unknown",
			available: null,
			creditBalanceKnown: false,
		});
		expect(toWei(perSecond)).toBeGreaterThan(0n);
		expect(v.required).toBe(fromWei(toWei(perSecond) * 86_400n));
	});
	it("#21 a hold STORE of at most 25 MiB before 2027 needs no balance", async () => {
		const v = await canPay(owned(store("Qm", CREDIT_ONLY_CUTOFF_TIMESTAMP - 1)), { Qm: Math.trunc(25 * MIB * 0.9) });
		expect([v.allowed, v.reason]).toEqual([true, "free_small_store"]);
	});
	it("#22 hold coverage: 10 < 15 is not covered (removing), 50 ≥ 20 is (recovered)", async () => {
		const poor = addr(next++);
		const rich = addr(next++);
		await fund(poor, "ETH", 10n);
		await fund(rich, "BASE", 50n);
		await resource(api.db, { itemHash: `v22-${poor}`, owner: poor, paymentType: "hold", hold: 15n * WEI, agoSeconds: 10 });
		await resource(api.db, { itemHash: `v22-${rich}`, owner: rich, paymentType: "hold", hold: 20n * WEI, agoSeconds: 10 });
		const covered = async (owner: string) =>
			((await (await api.request(`/v1/accounts/${owner}/resources`)).json()) as { resources: { covered: boolean }[] }).resources.map(
				(r) => r.covered,
			);
		expect(await covered(poor)).toEqual([false]);
		expect(await covered(rich)).toEqual([true]);
	});
	it("#23 credit coverage cannot be judged: credit balances are not indexed, and the API says so", async () => {
		const owner = addr(next++);
		await resource(api.db, { itemHash: `v23-${owner}`, owner, paymentType: "credit", credit: WEI, agoSeconds: 10 });
		const body = (await (await api.request(`/v1/accounts/${owner}/resources`)).json()) as {
			resources: { covered: boolean | null; cost: { credit: string } }[];
		};
		expect(body.resources).toMatchObject([{ covered: null, cost: { credit: "1" } }]);
		expect(((await (await api.request(`/v1/accounts/${owner}`)).json()) as { creditBalanceKnown: boolean }).creditBalanceKnown).toBe(false);
	});
	it("#24 balances are summed over chains (the index has no dapp rows to exclude)", async () => {
		const owner = addr(next++);
		await fund(owner, "ETH", 100_000n);
		await fund(owner, "BASE", 1_000_000n);
		const body = (await (await api.request(`/api/v0/addresses/${owner}/balance`)).json()) as Record<string, unknown>;
		expect(body).toMatchObject({ balance: 1_100_000, details: { ETH: 100_000, AVAX: 0, BASE: 1_000_000 }, exact: { balance: "1100000" } });
	});
});
