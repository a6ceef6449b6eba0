import { sql } from "kysely";
import type { Db } from "../db/database.ts";
import { computeCosts, type Pricing, type PricingError, parseMessage, type Settings, type SizeMap } from "../pricing/index.ts";
import { addToOutbox } from "../queue/outbox.ts";

/** Aleph item hashes: a sha256 in hex, or an IPFS CID (v0 or v1 base32). */
export const ITEM_HASH = /^(?:[0-9a-f]{64}|Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{58,})$/;

export type RegisterInput = {
	itemHash: string;
	/** The Aleph message the node accepted. */
	message: unknown;
	/** File ref / item hash → byte size, for STORE files and volumes. */
	sizes?: SizeMap;
	/** When the node accepted it; default now. */
	acceptedAt?: Date;
};

export type RegisterResult =
	| {
			ok: true;
			created: boolean;
			itemHash: string;
			owner: string;
			paymentType: string;
			costs: { hold: bigint; stream: bigint; credit: bigint };
			rows: unknown[];
			missingSizes: readonly string[];
	  }
	| { ok: false; status: 400 | 409; error: PricingError | { code: "conflict"; message: string; field?: string } };

/**
 * Records a message a node accepted, with the cost rows computed now (frozen, as a CCN freezes
 * them). Idempotent: registering the same message again changes nothing; another message under
 * the same item hash is a conflict. The owner's entitlement is queued for recompute in the same
 * transaction (outbox).
 */
export async function registerResource(
	db: Db,
	input: RegisterInput,
	aggregates: { pricing: Pricing; settings: Settings },
): Promise<RegisterResult> {
	const parsed = parseMessage(input.message);
	if (!parsed.ok)
		return { ok: false, status: 400, error: { ...parsed.error, field: parsed.error.field ? `message.${parsed.error.field}` : "message" } };
	const message = parsed.value;
	if (message.kind === "unpriced") {
		return {
			ok: false,
			status: 400,
			error: { code: "invalid_message", message: `a ${message.type} message has no cost to lock`, field: "message.type" },
		};
	}
	const declared = (input.message as { item_hash?: unknown }).item_hash;
	if (declared !== undefined && declared !== input.itemHash) {
		return {
			ok: false,
			status: 400,
			error: { code: "invalid_message", message: "the message's item_hash differs from the one in the path", field: "message.item_hash" },
		};
	}
	const costs = computeCosts(message, { ...aggregates, sizes: input.sizes });
	if (!costs.ok)
		return { ok: false, status: 400, error: { ...costs.error, field: costs.error.field ? `message.${costs.error.field}` : "message" } };
	const owner = message.address.toLowerCase();
	const payment = message.payment;
	const superfluid = costs.value.paymentType === "superfluid";
	const rows = costs.value.rows.map(({ wei: _, ...row }) => row);
	const messageJson = JSON.stringify(input.message);

	const created = await db.transaction().execute(async (trx) => {
		// jsonb equality ignores key order and whitespace: the same message registered again is unchanged.
		const existing = await trx
			.selectFrom("resources")
			.select(sql<boolean>`message = ${messageJson}::jsonb`.as("same"))
			.where("item_hash", "=", input.itemHash)
			.executeTakeFirst();
		if (existing) return existing.same ? false : null;
		await trx
			.insertInto("resources")
			.values({
				item_hash: input.itemHash,
				owner,
				message_type: message.type,
				payment_type: costs.value.paymentType,
				chain: superfluid ? payment.chain : null,
				receiver: superfluid ? (payment.receiver?.toLowerCase() ?? null) : null,
				cost_hold: costs.value.totalsWei.hold,
				cost_stream: costs.value.totalsWei.stream,
				cost_credit: costs.value.totalsWei.credit,
				cost_rows: sql`${JSON.stringify(rows)}::jsonb`,
				message: sql`${messageJson}::jsonb`,
				message_time: message.time,
				accepted_at: input.acceptedAt ?? new Date(),
			})
			.execute();
		await addToOutbox(trx, "ledger", [owner]);
		return true;
	});
	if (created === null)
		return {
			ok: false,
			status: 409,
			error: { code: "conflict", message: `item ${input.itemHash} is registered with another message`, field: "message" },
		};
	return {
		ok: true,
		created,
		itemHash: input.itemHash,
		owner,
		paymentType: costs.value.paymentType,
		costs: costs.value.totalsWei,
		rows,
		missingSizes: costs.value.missingSizes,
	};
}

/** Forgets a resource (idempotent); queues its owner's recompute. Returns whether it existed. */
export async function forgetResource(db: Db, itemHash: string): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		const removed = await trx.deleteFrom("resources").where("item_hash", "=", itemHash).returning("owner").executeTakeFirst();
		if (removed) await addToOutbox(trx, "ledger", [removed.owner]);
		return removed !== undefined;
	});
}
