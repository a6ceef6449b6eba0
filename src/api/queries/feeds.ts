import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { FeedProgress } from "../../db/schema.ts";

export type FeedRow = {
	url: string;
	mode: "cursor" | "page" | null;
	synced_at: Date | null;
	/** Seconds since `synced_at`, or else since the watermark's envelope time, by the database's clock. */
	lag_seconds: bigint | null;
	seen: bigint;
	applied: bigint;
	ignored: bigint;
	unauthorized: bigint;
	invalid: bigint;
	last_success_at: Date | null;
	last_error: string | null;
	last_error_at: Date | null;
	progress: FeedProgress | null;
	/** The credit scan's watermark: envelope time in microseconds, and item_hash. */
	wm_time_micros: bigint | null;
	wm_item_hash: string | null;
};

/** The `feed_sources` rows with their credit-scan watermark, by URL. */
export async function listFeedRows(db: Db): Promise<Map<string, FeedRow>> {
	const { rows } = await sql<FeedRow>`select s.url, s.mode, s.synced_at, s.seen, s.applied, s.ignored, s.unauthorized, s.invalid,
			s.last_success_at, s.last_error, s.last_error_at, s.progress, w.time_micros as wm_time_micros, w.item_hash as wm_item_hash,
			floor(coalesce(extract(epoch from now() - s.synced_at), extract(epoch from now()) - w.time_micros / 1e6))::int8 as lag_seconds
		from feed_sources s left join feed_watermarks w on w.url = s.url and w.scan = 'credits'`.execute(db);
	return new Map(rows.map((r) => [r.url, r]));
}

/** True once a feed was caught up: the ledger holds the network's credit history. */
export async function creditLedgerSynced(db: Db): Promise<boolean> {
	const { rows } = await sql<{ synced: boolean }>`select exists (select 1 from feed_sources where synced_at is not null) as synced`.execute(
		db,
	);
	return rows[0]?.synced === true;
}

/** The pricing owner's authorized `pricing` and `settings` elements: how many, and the newest of each. */
export async function pricingElements(
	db: Db,
	pricingOwner: string,
): Promise<{ key: string; count: number; item_hash: string; time_micros: bigint }[]> {
	const { rows } = await sql<{ key: string; count: number; item_hash: string; time_micros: string }>`
		select distinct on (key) key, (count(*) over (partition by key))::int as count, item_hash, time_micros::text
		from aggregate_elements where lower(owner) = lower(${pricingOwner}) and key in ('pricing', 'settings') and authorized
		order by key, time_micros desc, item_hash desc`.execute(db);
	return rows.map((r) => ({ ...r, time_micros: BigInt(r.time_micros) }));
}
