/** A feed follower in this process against local CCNs, on a test database. */
import { sql } from "kysely";
import type { Hex } from "viem";
import { createSigner, type Signer } from "../../devchain/ccn/sign.ts";
import { loadConfig } from "../../src/config/env.ts";
import type { Db } from "../../src/db/database.ts";
import { openDatabase } from "../../src/db/database.ts";
import { balance as lotsBalance } from "../../src/domain/credits/ledger.ts";
import { createFeedFollower, type FeedFollower, type FeedFollowerOptions } from "../../src/feed/follower.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createMetrics, type Metrics } from "../../src/lib/metrics.ts";
import type { TestDatabase } from "../helpers/database.ts";

/** Keys the tests hold: the issuer (CREDIT_ISSUERS is set to its address), its delegate, users. */
export const ISSUER_KEY: Hex = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
export const DELEGATE_KEY: Hex = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
export const USER_KEYS: Hex[] = [
	"0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"0x47c99abed3324a2707c28affff1267e45918ec8c3f20b8aa892e8b065d2942dd",
];

export const issuer: Signer = createSigner(ISSUER_KEY);
export const delegate: Signer = createSigner(DELEGATE_KEY);
export const users: Signer[] = USER_KEYS.map(createSigner);

/** The feed configuration of a test: `urls`, our issuer, a fast poll. */
export function testFeed(urls: string[], overrides: Record<string, string> = {}) {
	return loadConfig({
		ALEPH_API_URLS: urls.join(","),
		ALEPH_FEED_POLL_MS: "50",
		ALEPH_FEED_TIMEOUT_MS: "2000",
		CREDIT_ISSUERS: issuer.address,
		...overrides,
	}).feed;
}

export type Harness = { follower: FeedFollower; metrics: Metrics; stop(): Promise<void> };

/** Starts a follower on its own one-connection pool of the test database. */
export async function startFollower(
	database: TestDatabase,
	feed: ReturnType<typeof testFeed>,
	options: Partial<FeedFollowerOptions> = {},
): Promise<Harness> {
	const own = await openDatabase({ databaseUrl: database.url, poolSize: 1, idleTimeoutMs: 0 });
	const metrics = createMetrics();
	const follower = createFeedFollower({
		db: own.db,
		feed,
		logger: createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
		metrics,
		standbyPollMs: 50,
		...options,
	});
	follower.start().catch(() => {});
	return {
		follower,
		metrics,
		async stop() {
			await follower.stop();
			await own.close();
		},
	};
}

/** Waits until every one of `urls` completed a poll that started after `since`. */
export async function waitSynced(db: Db, urls: string[], since = new Date(), timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const rows = await db.selectFrom("feed_sources").select(["url", "synced_at", "last_error"]).execute();
		const done = urls.every((u) => {
			const row = rows.find((r) => r.url === u);
			return row?.synced_at != null && row.synced_at >= since;
		});
		if (done) return;
		if (Date.now() > deadline) throw new Error(`feeds not synced in time: ${JSON.stringify(rows)}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

/** Credits of every address with lots, at `nowMs`, from the ledger's tables. */
export async function storedBalances(db: Db, nowMs = Date.now()): Promise<Map<string, bigint>> {
	const rows = await db.selectFrom("credit_lots").selectAll().execute();
	const out = new Map<string, bigint>();
	for (const r of rows) {
		const b = lotsBalance(
			[{ ref: r.credit_ref, index: r.credit_index, remaining: r.remaining, expirationMicros: r.expiration_micros, grantedAtMicros: 0n }],
			nowMs,
		);
		out.set(r.address, (out.get(r.address) ?? 0n) + b);
	}
	return out;
}

export async function resetFeedTables(db: Db): Promise<void> {
	await sql`truncate feed_sources, feed_watermarks, feed_messages, feed_rejections, aggregate_elements, credit_posts, credit_history,
		credit_lots, outbox, resources, resource_messages, file_sizes, forgotten_messages;
		update credit_ledger set time_micros = null, item_hash = null`.execute(db);
}

export async function counters(db: Db, url: string) {
	return db
		.selectFrom("feed_sources")
		.select(["seen", "applied", "ignored", "unauthorized", "invalid"])
		.where("url", "=", url)
		.executeTakeFirstOrThrow();
}
