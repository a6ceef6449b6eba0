/**
 * decidePayment(): free rules, payment-type cut-offs and the checks, in
 * pyaleph's order, on the message envelope time.
 */
import { describe, expect, it } from "vitest";
import {
	CREDIT_ONLY_CUTOFF_TIMESTAMP,
	HOLD_AND_STREAM_CUTOFF_TIMESTAMP,
	STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT,
	STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP,
} from "../../src/pricing/constants.ts";
import { toWei } from "../../src/pricing/units.ts";
import { decidePayment, type PaymentInput } from "../../src/pricing/verdicts.ts";
import { envelope, instance, type Json, NODE_HASH, priced, SUPERFLUID, store } from "./fixtures.ts";

const MIB = 1048576;
const FREE_CUTOFF = STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP;

function decide(raw: Json, extra: Partial<PaymentInput> = {}, sizes: Record<string, number> = {}) {
	const { message, costs } = priced(raw, sizes);
	return decidePayment({ message, costs, now: 1.75e9, balanceWei: 0n, ...extra });
}

function onDemandProgram(time: number, payment?: Json): Json {
	return envelope(
		"PROGRAM",
		{
			on: { http: true, persistent: false },
			code: { ref: "c0de", encoding: "zip", entrypoint: "m", estimated_size_mib: 1 },
			runtime: { ref: "7e57", comment: "r", estimated_size_mib: 1 },
			environment: {},
			resources: { vcpus: 1, memory: 2048 },
			...(payment ? { payment } : {}),
		},
		time,
	);
}

const summary = (d: ReturnType<typeof decidePayment>) => [d.allowed, d.errorCode, d.reason];

describe("decidePayment() free rules", () => {
	it("never charges POST, AGGREGATE or FORGET", () => {
		expect(summary(decide(envelope("POST", {})))).toEqual([true, null, "unpriced_message"]);
	});

	it("STOREs and on-demand PROGRAMs are free before 2025-04-04T13:57:59Z, to the rounded microsecond", () => {
		expect(summary(decide(store("Qm", FREE_CUTOFF - 1e-6), {}, { Qm: 100 * MIB }))).toEqual([true, null, "free_before_cutoff"]);
		// 0.3 µs before the cut-off rounds to the cut-off itself, like datetime.fromtimestamp.
		expect(summary(decide(store("Qm", FREE_CUTOFF - 3e-7), {}, { Qm: 100 * MIB }))).toEqual([false, 5, "balance_insufficient"]);
		expect(summary(decide(onDemandProgram(FREE_CUTOFF - 1)))).toEqual([true, null, "free_before_cutoff"]);
		expect(summary(decide(onDemandProgram(FREE_CUTOFF)))).toEqual([false, 5, "balance_insufficient"]);
	});

	it("uses the confirmation height instead of the time when the message has one", () => {
		const early = store("Qm", FREE_CUTOFF - 1000);
		const late = store("Qm", FREE_CUTOFF + 1000);
		const sizes = { Qm: 100 * MIB };
		expect(decide(late, { confirmationHeight: STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT - 1 }, sizes).reason).toBe("free_before_cutoff");
		expect(decide(early, { confirmationHeight: STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT }, sizes).reason).toBe("balance_insufficient");
	});

	it("lets hold STOREs up to 25 MiB through even for an account under water", () => {
		const underWater = { balanceWei: 0n, lockedHoldWei: toWei("100") };
		expect(decide(store("Qm", 1.75e9), underWater, { Qm: 25 * MIB }).reason).toBe("free_small_store");
		expect(decide(store("Qm", 1.75e9), underWater, { Qm: 25 * MIB + 1 }).reason).toBe("balance_insufficient");
	});

	it("rejects an under-water account's STORE even when its own cost is 0 (unknown file)", () => {
		const decision = decide(store("Qm", 1.75e9), { balanceWei: toWei("1"), lockedHoldWei: toWei("2") });
		expect([decision.cost, ...summary(decision)]).toEqual(["0.000000000000000000", false, 5, "balance_insufficient"]);
	});
});

describe("decidePayment() payment-type cut-offs", () => {
	it("refuses hold and superfluid INSTANCEs from 2026-03-11 with 202, not the second before", () => {
		const balance = { balanceWei: toWei("1000000") };
		expect(summary(decide(instance({}, HOLD_AND_STREAM_CUTOFF_TIMESTAMP - 1), balance))).toEqual([true, null, "balance_sufficient"]);
		expect(summary(decide(instance({}, HOLD_AND_STREAM_CUTOFF_TIMESTAMP), balance))).toEqual([false, 202, "invalid_payment_method"]);
		expect(summary(decide(instance({ payment: SUPERFLUID }, HOLD_AND_STREAM_CUTOFF_TIMESTAMP)))).toEqual([
			false,
			202,
			"invalid_payment_method",
		]);
	});

	it("still accepts hold for on-demand PROGRAMs until 2027, then only credits", () => {
		const balance = { balanceWei: toWei("1000000") };
		expect(summary(decide(onDemandProgram(HOLD_AND_STREAM_CUTOFF_TIMESTAMP + 1), balance))).toEqual([true, null, "balance_sufficient"]);
		expect(summary(decide(onDemandProgram(CREDIT_ONLY_CUTOFF_TIMESTAMP), balance))).toEqual([false, 202, "invalid_payment_method"]);
	});

	it("requires credits for V-PROGRAMs", () => {
		const vprogram = (payment: Json) => envelope("V-PROGRAM", { payment, resources: { vcpus: 2, memory: 2048 } });
		expect(summary(decide(vprogram({ type: "hold" })))).toEqual([false, 202, "invalid_payment_method"]);
		expect(summary(decide(vprogram({ type: "credit" }), { creditBalance: 10n ** 9n }))).toEqual([true, null, "credit_sufficient"]);
	});
});

describe("decidePayment() checks", () => {
	const creditInstance = instance({ payment: { type: "credit" }, requirements: { node: { node_hash: NODE_HASH } } });

	it("credit: requires (locked + new per second) × 86400 credits", () => {
		const decision = decide(creditInstance, { creditBalance: 341999n });
		expect([decision.required, decision.available, ...summary(decision)]).toEqual([
			"341999.999999999999971200",
			"341999.000000000000000000",
			false,
			6,
			"credit_insufficient",
		]);
		expect(decide(creditInstance, { creditBalance: 342000n }).allowed).toBe(true);
		expect(decide(creditInstance, { creditBalance: 342000n, lockedCreditPerSecondWei: 1n }).allowed).toBe(false);
	});

	it("superfluid: accepted unchecked like the CCN when no flows are known", () => {
		expect(summary(decide(instance({ payment: SUPERFLUID })))).toEqual([true, null, "superfluid_unchecked"]);
	});

	it("superfluid: checks 80 % to the receiver and 20 % to the community wallet when flows are given", () => {
		const raw = instance({ payment: SUPERFLUID });
		const enough = { toReceiverWei: 12222222222221n - 100000000n, toCommunityWei: 3055555555555n - 100000000n };
		const ok = decide(raw, { flows: enough });
		const short = decide(raw, { flows: { ...enough, toCommunityWei: enough.toCommunityWei - 1n } });
		expect([...summary(ok), ok.required]).toEqual([true, null, "stream_sufficient", "0.000012222222222221"]);
		expect([...summary(short), short.streams?.reason, short.streams?.communityShortfallWei]).toEqual([
			false,
			null,
			"stream_insufficient",
			"insufficient_community_stream",
			1n,
		]);
	});

	it("superfluid: the same stream must also cover the sender's other resources", () => {
		const flows = { toReceiverWei: 12222222222221n, toCommunityWei: 3055555555555n };
		const other = { requiredPerSecondWei: 15277777777777n, startedAt: 1.74e9 };
		expect(decide(instance({ payment: SUPERFLUID }), { flows: { ...flows, others: [other] } }).allowed).toBe(false);
	});
});
