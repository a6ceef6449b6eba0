import { type Selectable, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { ResourcesTable } from "../../db/schema.ts";

const COLUMNS = [
	"item_hash",
	"message_type",
	"payment_type",
	"chain",
	"receiver",
	"cost_hold",
	"cost_stream",
	"cost_credit",
	"message_time",
	"accepted_at",
	"source",
	"missing_sizes",
	"pricing_ref",
	"ccn_status",
] as const;

/** A ledger row as the account resources route serves it. */
export type ResourceRow = Pick<Selectable<ResourcesTable>, (typeof COLUMNS)[number]>;

/** Keyset position of a resources page: the last (accepted_at ISO string, item_hash) served. */
export type ResourcePosition = { acceptedAt: string; itemHash: string };

/** The owner's resources, oldest first (then by item hash), strictly after `after`. */
export async function listResources(db: Db, q: { owner: string; after: ResourcePosition | null; limit: number }): Promise<ResourceRow[]> {
	let query = db.selectFrom("resources").select(COLUMNS).where("owner", "=", q.owner);
	if (q.after)
		query = query.where(sql<boolean>`(accepted_at, item_hash) > (${q.after.acceptedAt}::timestamptz, ${q.after.itemHash}::text)`);
	return query.orderBy("accepted_at").orderBy("item_hash").limit(q.limit).execute();
}

/** What the oracle knows of an item hash, for `GET /api/v0/price/{item_hash}`. */
export type PriceRecord =
	| {
			kind: "resource";
			paymentType: string;
			costHold: bigint;
			costStream: bigint;
			costCredit: bigint;
			costRows: unknown;
			message: unknown;
	  }
	/** Forgotten: the stored message (for a STORE's live re-pricing) and its cached file size. */
	| { kind: "forgotten"; type: string | null; message: unknown | null; size: bigint | null }
	/** Stored by the feed but not a resource: its type and status (invalid, unauthorized, ignored…). */
	| { kind: "message"; type: string; status: string }
	| null;

export async function priceRecord(db: Db, itemHash: string): Promise<PriceRecord> {
	const resource = await db
		.selectFrom("resources")
		.select(["payment_type", "cost_hold", "cost_stream", "cost_credit", "cost_rows", "message"])
		.where("item_hash", "=", itemHash)
		.executeTakeFirst();
	if (resource)
		return {
			kind: "resource",
			paymentType: resource.payment_type,
			costHold: BigInt(resource.cost_hold),
			costStream: BigInt(resource.cost_stream),
			costCredit: BigInt(resource.cost_credit),
			costRows: resource.cost_rows,
			message: resource.message,
		};
	const { rows: gone } = await sql<{
		type: string | null;
		message: unknown | null;
		size: string | null;
	}>`select f.type, m.message, s.size::text as size
		from forgotten_messages f left join resource_messages m using (item_hash) left join file_sizes s on s.message_hash = f.item_hash
		where f.item_hash = ${itemHash}`.execute(db);
	const g = gone[0];
	if (g) return { kind: "forgotten", type: g.type, message: g.message, size: g.size === null ? null : BigInt(g.size) };
	const seen = await db.selectFrom("feed_messages").select(["type", "status"]).where("item_hash", "=", itemHash).executeTakeFirst();
	return seen ? { kind: "message", type: seen.type, status: seen.status } : null;
}
