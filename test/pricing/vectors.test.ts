/**
 * The 24 test vectors of the spec (§9), taken from pyaleph's test-suite, with
 * the default pricing and settings aggregates.
 */
import { describe, expect, it } from "vitest";
import { totalBalance } from "../../src/pricing/balances.ts";
import {
	CREDIT_ONLY_CUTOFF_TIMESTAMP,
	STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT,
	STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP,
} from "../../src/pricing/constants.ts";
import { coveredResources } from "../../src/pricing/coverage.ts";
import { toWei } from "../../src/pricing/units.ts";
import { decidePayment, type PaymentInput } from "../../src/pricing/verdicts.ts";
import {
	CONFIDENTIAL_ENV,
	completeVolumes,
	gpuInstance,
	instance,
	type Json,
	priced,
	processInstance,
	programComplete,
	SUPERFLUID,
	store,
	VENV_REF,
} from "./fixtures.ts";

const MIB = 1048576;
const VENV_SIZES = { [VENV_REF]: MIB };

function total(raw: Json, sizes?: Record<string, number>): string {
	return priced(raw, sizes).costs.total;
}

function verdict(raw: Json, sizes: Record<string, number>, extra: Partial<PaymentInput> = {}) {
	const { message, costs } = priced(raw, sizes);
	return decidePayment({
		message,
		costs,
		now: 1.9e9,
		balanceWei: 0n,
		...extra,
	});
}

function storageOf(raw: Json, sizes: Record<string, number>): bigint {
	return priced(raw, sizes)
		.costs.rows.filter((row) => row.type !== "EXECUTION")
		.reduce((sum, row) => sum + row.wei.hold, 0n);
}

function executionRows(raw: Json): string[][] {
	return priced(raw)
		.costs.rows.filter((row) => row.type === "EXECUTION")
		.map((row) => [row.name, row.cost_hold]);
}

function storeCost(mib: number, type: string): bigint {
	return priced(store("Qm", 1.8e9, { type }, { estimated_size_mib: mib })).costs.totalWei;
}

function holdJob(balance: string, cost: string, height: number, status?: "removing") {
	const entry = coveredResources({
		paymentType: "hold",
		balanceWei: toWei(balance),
		resources: [
			{
				id: "m",
				costWei: toWei(cost),
				order: 1,
				confirmationHeight: height,
				...(status ? { status } : {}),
			},
		],
	}).entries[0];
	return [entry?.kept, entry?.action];
}

function creditJob(credits: bigint, instances: number) {
	return coveredResources({
		paymentType: "credit",
		creditBalance: credits,
		resources: Array.from({ length: instances }, (_, i) => ({
			id: `vm${i}`,
			costWei: toWei("1"),
			order: i,
		})),
	}).entries.map((entry) => entry.action);
}

const BALANCE_ROWS = [
	{ chain: "ETH", balanceWei: toWei("100000") },
	{ chain: "SOL", balanceWei: toWei("1000000") },
	{ chain: "ETH", dapp: "SABLIER", balanceWei: toWei("1000000000") },
];

const time2025 = STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP + 1;
const height = STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT;

const vectors: Array<[number, string, () => unknown, unknown]> = [
	[1, "INSTANCE hold 1 vCPU / 2 GiB, rootfs 20 GiB", () => total(instance()), "1000.000000000000000000"],
	[2, "confidential INSTANCE", () => total(instance({ environment: CONFIDENTIAL_ENV })), "2000.000000000000000000"],
	[
		3,
		"INSTANCE with ephemeral 50 and persistent 100/100/100 MiB",
		() => total(instance({ volumes: completeVolumes([50, 100, 100, 100]) })),
		"1017.500000000000000000",
	],
	[4, "on-demand PROGRAM with internet and estimated sizes", () => total(programComplete()), "630.400000000000000000"],
	[5, "superfluid INSTANCE", () => total(instance({ payment: SUPERFLUID })), "0.000015277777777777"],
	[
		6,
		"superfluid confidential INSTANCE",
		() => total(instance({ payment: SUPERFLUID, environment: CONFIDENTIAL_ENV })),
		"0.000030555555555555",
	],
	[
		7,
		"superfluid INSTANCE with volumes 50, 1024, 10240, 51200 MiB",
		() =>
			total(
				instance({
					payment: SUPERFLUID,
					volumes: completeVolumes([50, 1024, 10240, 51200]),
				}),
			),
		"0.000032243382777775",
	],
	[
		8,
		"INSTANCE with a 1 MiB immutable volume: total and storage part",
		() => [total(processInstance(), VENV_SIZES), storageOf(processInstance(), VENV_SIZES)],
		["1001.800000000000000000", toWei("1.8")],
	],
	[9, "#8 paid with superfluid", () => total(processInstance(SUPERFLUID), VENV_SIZES), "0.000015287547777772"],
	[
		10,
		"#8 without any balance is rejected (5)",
		() => pick(verdict(processInstance(), VENV_SIZES)),
		[false, 5, "1001.800000000000000000", "0.000000000000000000"],
	],
	[
		11,
		"#8 with 22 192 ALEPH on ETH is accepted and locks 1001.8",
		() => [
			pick(
				verdict(processInstance(), VENV_SIZES, {
					balanceWei: totalBalance([{ chain: "ETH", balanceWei: toWei("22192") }]),
				}),
			)[0],
			total(processInstance(), VENV_SIZES),
		],
		[true, "1001.800000000000000000"],
	],
	[
		12,
		"1 × RTX 4090, 8 vCPU / 16 GiB",
		() => [total(gpuInstance(["10de:2684"], 8, 16384)), executionRows(gpuInstance(["10de:2684"], 8, 16384))],
		["2240.000000000000000000", [["instance_gpu_standard", "2240.000000000000000000"]]],
	],
	[
		13,
		"2 × A100, 16 vCPU / 32 GiB",
		() => executionRows(gpuInstance(["10de:20b2", "10de:20b2"], 16, 32768)),
		[["instance_gpu_premium", "17920.000000000000000000"]],
	],
	[
		14,
		"RTX 4090 + L40S, 12 vCPU / 24 GiB",
		() => executionRows(gpuInstance(["10de:2684", "10de:26b9"], 12, 24576)),
		[["instance_gpu_standard", "5040.000000000000000000"]],
	],
	[
		15,
		"A100 + RTX 4090, 12 vCPU / 24 GiB",
		() => [total(gpuInstance(["10de:20b2", "10de:2684"], 12, 24576)), executionRows(gpuInstance(["10de:20b2", "10de:2684"], 12, 24576))],
		[
			"10640.000000000000000000",
			[
				["instance_gpu_premium", "8960.000000000000000000"],
				["instance_gpu_standard", "1680.000000000000000000"],
			],
		],
	],
	[
		16,
		"a 1 MiB credit rootfs costs 1 credit per hour",
		() =>
			priced(
				instance({
					payment: { type: "credit" },
					rootfs: { parent: { ref: "r" }, size_mib: 1, persistence: "host" },
				}),
			).costs.rows.find((row) => row.type === "EXECUTION_INSTANCE_VOLUME_ROOTFS")?.cost_credit,
		"0.000277777777777777",
	],
	[
		17,
		"credit STOREs are billed at least 25 MiB, hold STOREs are not",
		() => [storeCost(1, "credit") === storeCost(25, "credit"), storeCost(1, "hold") < storeCost(25, "hold")],
		[true, true],
	],
	[
		18,
		"an existing free 25 MiB STORE counts: 8.333333325 + 16.66666665 > 15 (5)",
		() => [
			total(store("QmSmall", time2025), { QmSmall: 25 * MIB }),
			pick(
				verdict(
					store("QmLarge", time2025),
					{ QmLarge: 50 * MIB },
					{
						balanceWei: toWei("15"),
						lockedHoldWei: toWei(total(store("QmSmall", time2025), { QmSmall: 25 * MIB })),
					},
				),
			),
		],
		["8.333333325000000000", [false, 5, "24.999999975000000000", "15.000000000000000000"]],
	],
	[
		19,
		"a hold STORE from 2027-01-01 is rejected (202)",
		() =>
			pick(
				verdict(store("Qm", CREDIT_ONLY_CUTOFF_TIMESTAMP + 1), {
					Qm: 12.5 * MIB,
				}),
			).slice(0, 2),
		[false, 202],
	],
	[
		20,
		"a small credit STORE after 2027 still needs credits (6)",
		() =>
			pick(verdict(store("Qm", CREDIT_ONLY_CUTOFF_TIMESTAMP + 1, { type: "credit" }), { Qm: 12.5 * MIB }, { creditBalance: 0n })).slice(
				0,
				2,
			),
		[false, 6],
	],
	[
		21,
		"a hold STORE of at most 25 MiB before 2027 needs no balance",
		() =>
			verdict(store("Qm", CREDIT_ONLY_CUTOFF_TIMESTAMP - 1), {
				Qm: Math.trunc(25 * MIB * 0.9),
			}).reason,
		"free_small_store",
	],
	[
		22,
		"hold job: removes (10 < 15), keeps below the height cut-off, recovers (50 ≥ 20)",
		() => [holdJob("10", "15", height + 1000), holdJob("5", "10", height - 1000), holdJob("50", "20", height + 2000, "removing")],
		[
			[false, "remove"],
			[true, null],
			[true, "recover"],
		],
	],
	[
		23,
		"credit job at 1 credit/s: 3600 → removing, 2 days → kept, 86400 + 3600 for two → one each",
		() => [creditJob(3600n, 1), creditJob(2n * 86400n, 1), creditJob(86400n + 3600n, 2)],
		[["remove"], [null], [null, "remove"]],
	],
	[
		24,
		"balances summed over chains, dapps excluded (and included)",
		() => [totalBalance(BALANCE_ROWS), totalBalance(BALANCE_ROWS, { includeDapps: true })],
		[toWei("1100000"), toWei("1001100000")],
	],
];

function pick(decision: ReturnType<typeof decidePayment>): unknown[] {
	return [decision.allowed, decision.errorCode, decision.required, decision.available];
}

describe("spec §9 test vectors (default aggregates)", () => {
	it.each(vectors)("#%i %s", (_id, _name, run, expected) => {
		expect(run()).toEqual(expected);
	});

	it("covers all 24 vectors", () => {
		expect(vectors.map(([id]) => id)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
	});
});
