/**
 * priceEstimate(): the CCN's `/api/v0/price/estimate` answer.
 */
import { describe, expect, it } from "vitest";
import { priceEstimate } from "../../src/pricing/estimate.ts";
import { ADDRESS, context, envelope, instance, SUPERFLUID, store } from "./fixtures.ts";

describe("priceEstimate()", () => {
	it("answers in the CCN's shape", () => {
		const result = priceEstimate(instance({ payment: SUPERFLUID }), context());
		expect(result.ok && result.value).toEqual({
			required_tokens: 0.000015277777777777,
			payment_type: "superfluid",
			cost: "0.000015277777777777",
			detail: [
				{
					type: "EXECUTION",
					name: "instance",
					cost_hold: "1000.000000000000000000",
					cost_stream: "0.000015277777777777",
					cost_credit: "3.958333333333333333",
					size_mib: null,
				},
				{
					type: "EXECUTION_INSTANCE_VOLUME_ROOTFS",
					name: "EXECUTION_INSTANCE_VOLUME_ROOTFS",
					cost_hold: "1024.000000000000000000",
					cost_stream: "0.000005558044444444",
					cost_credit: "1.022150487075618588",
					size_mib: 20480,
				},
				{
					type: "EXECUTION_VOLUME_DISCOUNT",
					name: "EXECUTION_VOLUME_DISCOUNT",
					cost_hold: "-1024.000000000000000000",
					cost_stream: "-0.000005558044444444",
					cost_credit: "-1.022150487075618588",
					size_mib: null,
				},
			],
			charged_address: ADDRESS,
		});
	});

	it("prices a STORE draft from its estimated_size_mib (75 MiB × 0.17967489030626108 / 3600, floored)", () => {
		const result = priceEstimate(store("Qm", 1.75e9, { type: "credit" }, { estimated_size_mib: 75 }), context());
		expect(result.ok && [result.value.cost, result.value.detail[0]?.size_mib]).toEqual(["0.003743226881380439", 75]);
	});

	it("refuses messages that have no price, and reports parse errors on their field", () => {
		const post = priceEstimate(envelope("POST", {}), context());
		const broken = priceEstimate(instance({ rootfs: { parent: { ref: "r" } } }), context());
		expect([post.ok || post.error.field, broken.ok || broken.error.field]).toEqual(["type", "content.rootfs.size_mib"]);
	});
});
