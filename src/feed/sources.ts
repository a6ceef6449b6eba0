/** `feed_sources` and `feed_watermarks`: what the follower knows of each CCN between polls. */
import { type RawBuilder, sql } from "kysely";
import type { Db, Trx } from "../db/database.ts";
import type { FeedProgress } from "../db/schema.ts";

/** Creates the rows of the configured CCNs (others stay, for history, and are not followed). */
export async function ensureSources(db: Db, urls: readonly string[]): Promise<void> {
	if (urls.length === 0) return;
	await sql`insert into feed_sources (url) select unnest(${urls}::text[]) on conflict do nothing`.execute(db);
}

export async function readReceptionWm(db: Db, url: string): Promise<number | null> {
	const row = await db.selectFrom("feed_sources").select("reception_wm").where("url", "=", url).executeTakeFirst();
	return row?.reception_wm ?? null;
}

export async function setReceptionWm(db: Db, url: string, wm: number): Promise<void> {
	await db.updateTable("feed_sources").set({ reception_wm: wm }).where("url", "=", url).where("reception_wm", "is", null).execute();
}

/** The time-scan watermark of one filter set, microseconds and item_hash. */
export async function readWatermark(db: Db, url: string, scan: string): Promise<{ timeMicros: bigint; itemHash: string } | null> {
	const row = await db
		.selectFrom("feed_watermarks")
		.select(["time_micros", "item_hash"])
		.where("url", "=", url)
		.where("scan", "=", scan)
		.executeTakeFirst();
	return row ? { timeMicros: row.time_micros, itemHash: row.item_hash } : null;
}

export async function readDeepScanAt(db: Db, url: string): Promise<Date | null> {
	const row = await db.selectFrom("feed_sources").select("deep_scan_at").where("url", "=", url).executeTakeFirst();
	return row?.deep_scan_at ?? null;
}

/**
 * Records a poll that reached the tail of every list: the feed is current as of the poll's start,
 * `elapsedMs` ago. Times are the database's clock, like every age the API reports.
 */
export async function markSynced(db: Db, url: string, elapsedMs: number, mode: "cursor" | "page" | null, deep: boolean): Promise<void> {
	const startedAt = sql<Date>`now() - make_interval(secs => ${elapsedMs / 1_000})`;
	await db.transaction().execute(async (trx) => {
		// The first CCN synced makes every credit known (before, credit answers say unknown): the
		// accounts with credits or credit resources are recomputed, in the transaction that says so.
		const first = !(await trx.selectFrom("feed_sources").select("url").where("synced_at", "is not", null).executeTakeFirst());
		if (first)
			await sql`insert into outbox (address, chain) select address, 'feed' from (
				select distinct address from credit_lots union select distinct owner from resources where payment_type = 'credit') a`.execute(trx);
		await markSyncedIn(trx, url, startedAt, mode, deep);
	});
}

async function markSyncedIn(
	db: Trx,
	url: string,
	startedAt: RawBuilder<Date>,
	mode: "cursor" | "page" | null,
	deep: boolean,
): Promise<void> {
	await db
		.updateTable("feed_sources")
		.set({
			synced_at: startedAt,
			mode,
			last_success_at: sql<Date>`now()`,
			last_error: null,
			...(deep ? { deep_scan_at: startedAt } : {}),
			updated_at: sql<Date>`now()`,
		})
		.where("url", "=", url)
		.execute();
}

export async function recordError(db: Db, url: string, message: string): Promise<void> {
	await db
		.updateTable("feed_sources")
		.set({ last_error: message.slice(0, 500), last_error_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
		.where("url", "=", url)
		.execute();
}

export async function saveFeedProgress(db: Db, url: string, progress: FeedProgress): Promise<void> {
	await db
		.updateTable("feed_sources")
		.set({ progress: sql`${JSON.stringify(progress)}::jsonb` })
		.where("url", "=", url)
		.execute();
}

/** True once this CCN's feed was caught up (its first backfill is done). */
export async function wasSynced(db: Db, url: string): Promise<boolean> {
	const row = await db.selectFrom("feed_sources").select("synced_at").where("url", "=", url).executeTakeFirst();
	return (row?.synced_at ?? null) !== null;
}

/**
 * Which of the listed `(item_hash, fingerprint)` pairs were already decided: this exact listing
 * stored or rejected. Those are not verified again; another listing of a stored hash is.
 */
export async function alreadyDecided(db: Db, listed: readonly { itemHash: string; fingerprint: string }[]): Promise<Set<string>> {
	if (listed.length === 0) return new Set();
	const hashes = [...new Set(listed.map((l) => l.itemHash))];
	const { rows } = await sql<{ key: string }>`
		select item_hash || '|' || fingerprint as key from feed_messages where item_hash = any(${hashes}::text[])
		union all select item_hash || '|' || fingerprint from feed_rejections where item_hash = any(${hashes}::text[])`.execute(db);
	const keys = new Set(rows.map((r) => r.key));
	return new Set(listed.filter((l) => keys.has(`${l.itemHash}|${l.fingerprint}`)).map((l) => `${l.itemHash}|${l.fingerprint}`));
}

/** Which of `hashes` the feed has stored or rejected under any listing (the reception scan's filter). */
export async function knownHashes(db: Db, hashes: readonly string[]): Promise<Set<string>> {
	if (hashes.length === 0) return new Set();
	const { rows } = await sql<{ item_hash: string }>`select item_hash from feed_messages where item_hash = any(${hashes}::text[])
		union select item_hash from feed_rejections where item_hash = any(${hashes}::text[])`.execute(db);
	return new Set(rows.map((r) => r.item_hash));
}

/**
 * Owners whose credit posts or resources wait as unauthorized (or own the targets of a FORGET refused as unauthorized) because their security aggregate is not
 * followed (a delegate transferring someone's credits): the aggregate scan follows them too.
 */
export async function waitingOwners(db: Db, limit: number): Promise<string[]> {
	const { rows } = await sql<{ owner: string }>`select owner from (
			select owner, received_at from feed_messages where status = 'unauthorized' and type in ('POST', 'INSTANCE', 'PROGRAM', 'STORE', 'V-PROGRAM')
			union all select m.owner, f.received_at from feed_messages f join forget_targets t on t.forget_hash = f.item_hash
				join feed_messages m on m.item_hash = t.target_hash where f.type = 'FORGET' and f.status = 'unauthorized') w
		group by owner order by max(received_at) desc limit ${limit}`.execute(db);
	return rows.map((r) => r.owner);
}

/** Leadership of the feed: the session advisory lock that makes one process its only writer. */
export async function tryFeedLeadership(db: Db | Trx): Promise<boolean> {
	const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext('aleph-oracle:feed')) as locked`.execute(db);
	return rows[0]?.locked === true;
}
