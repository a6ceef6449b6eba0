/**
 * @module pricing/estimate
 * The CCN's `POST /api/v0/price/estimate` answer (§4):
 * `{ required_tokens, payment_type, cost, detail, charged_address }`.
 */
import type { CostRow } from "./cost-row.ts";
import { type CostContext, computeCosts } from "./costs.ts";
import { type PaymentType, parseMessage } from "./message.ts";
import { fail, ok, type Result } from "./result.ts";

/** One `detail` entry: costs with 18 decimals, `size_mib` for volume and storage rows. */
export interface PriceEstimateDetail {
	readonly type: string;
	readonly name: string;
	readonly cost_hold: string;
	readonly cost_stream: string;
	readonly cost_credit: string;
	readonly size_mib: number | null;
}

/** The CCN's price response. */
export interface PriceEstimate {
	/** `float(cost)`: the total as a JSON number (pyaleph's own lossy field; use `cost`). */
	readonly required_tokens: number;
	readonly payment_type: PaymentType;
	/** Total in the payment type's column, 18 decimals: ALEPH, ALEPH/s or credits/s. */
	readonly cost: string;
	readonly detail: readonly PriceEstimateDetail[];
	/** `content.address`. */
	readonly charged_address: string;
}

/**
 * Prices a draft message the way the CCN's estimate endpoint does.
 * Sizes come from `ctx.sizes` or the message's `estimated_size_mib` fields.
 * @returns `invalid_message` for POST / AGGREGATE / FORGET (nothing to price) and every parse error.
 */
export function priceEstimate(input: unknown, ctx: CostContext): Result<PriceEstimate> {
	const message = parseMessage(input);
	if (!message.ok) return message;
	const msg = message.value;
	if (msg.kind === "unpriced") {
		return fail("invalid_message", `${msg.type} messages have no price`, "type");
	}
	const costs = computeCosts(msg, ctx);
	if (!costs.ok) return costs;
	return ok({
		required_tokens: Number(costs.value.total),
		payment_type: costs.value.paymentType,
		cost: costs.value.total,
		detail: costs.value.rows.map(estimateDetail),
		charged_address: msg.address,
	});
}

/** A cost row as the CCN's price routes print it (no wei, `size_mib` null when not sized). */
export function estimateDetail(row: CostRow): PriceEstimateDetail {
	return {
		type: row.type,
		name: row.name,
		cost_hold: row.cost_hold,
		cost_stream: row.cost_stream,
		cost_credit: row.cost_credit,
		size_mib: row.size_mib ?? null,
	};
}
