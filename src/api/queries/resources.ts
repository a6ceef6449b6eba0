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
