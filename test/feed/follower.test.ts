/**
 * The follower end to end against the local CCN: backfill, follow, trust nothing, late messages,
 * authorization that does not depend on arrival order.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { creditDistribution, creditExpense, creditTransfer, post, securityAggregate, toStorage } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import {
	counters,
	delegate,
	type Harness,
	issuer,
	resetFeedTables,
	startFollower,
	storedBalances,
	testFeed,
	users,
	waitSynced,
} from "./helpers.ts";

let database: TestDatabase;
let ccn: LocalCcn;
let harness: Harness | undefined;

const HOUR = 3600;
const now = () => Date.now() / 1000;
const [alice, bob, carol] = users.map((u) => u.address.toLowerCase()) as [string, string, string];

const authorizeDelegate = (time: number) =>
	issuer.sign(
		securityAggregate({
			sender: issuer.address,
			time,
			authorizations: [{ address: delegate.address, types: ["POST"], channels: ["ALEPH_CREDIT"] }],
		}),
	);
const distribute = (time: number, credits: { address: string; amount: number; expiration?: number | null }[]) =>
	delegate.sign(creditDistribution({ sender: delegate.address, address: issuer.address, time, credits }));
const spend = (time: number, credits: { address: string; amount: number }[]) =>
	delegate.sign(
		creditExpense({ sender: delegate.address, address: issuer.address, time, credits: credits.map((c) => ({ ...c, ref: "r" })) }),
	);

beforeAll(async () => {
	database = await createTestDatabase();
});
afterAll(async () => {
	await database?.drop();
});
beforeEach(async () => {
	ccn = await startLocalCcn();
	await resetFeedTables(database.db);
});
afterEach(async () => {
	await harness?.stop();
	harness = undefined;
	await ccn.stop();
});

describe("the feed follower", () => {
	it.each(["cursor", "page"] as const)("backfills the credit history, then follows new posts (a CCN in %s mode)", async (mode) => {
		if (mode === "page") {
			// A CCN older than 0.10.1 ignores `cursor` and answers pages only.
			await ccn.stop();
			ccn = await startLocalCcn({ legacy: true });
		}
		const t = now() - 10 * HOUR;
		ccn.insert(await authorizeDelegate(t));
		ccn.insert(
			await distribute(t + 1, [
				{ address: users[0]?.address as string, amount: 1_000 },
				{ address: bob, amount: 500 },
			]),
		);
		ccn.insert(await spend(t + 2, [{ address: alice, amount: 300 }]));
		ccn.insert(
			await (users[1] as (typeof users)[0]).sign(
				creditTransfer({ sender: users[1]?.address as string, time: t + 3, credits: [{ address: carol, amount: 200 }] }),
			),
		);
		harness = await startFollower(database, testFeed([ccn.url]));
		await waitSynced(database.db, [ccn.url]);
		expect(Object.fromEntries(await storedBalances(database.db))).toEqual({ [alice]: 700n, [bob]: 300n, [carol]: 200n });
		expect(await counters(database.db, ccn.url)).toMatchObject({ seen: 4n, applied: 4n, invalid: 0n, unauthorized: 0n });

		const later = new Date();
		ccn.insert(await distribute(now(), [{ address: carol, amount: 50 }]));
		await waitSynced(database.db, [ccn.url], later);
		expect((await storedBalances(database.db)).get(carol)).toBe(250n);
		// What /v1/status shows as `backfill` (saved after each poll): caught up, every message read
		// (the lookback re-reads some).
		const deadline = Date.now() + 30_000;
		for (;;) {
			const source = await database.db
				.selectFrom("feed_sources")
				.select(["mode", "progress"])
				.where("url", "=", ccn.url)
				.executeTakeFirstOrThrow();
			expect(source.mode).toBe(mode);
			if ((source.progress?.messages ?? 0) >= 5 || Date.now() > deadline) {
				expect(source.progress).toMatchObject({ phase: "live", etaSeconds: null });
				expect(source.progress?.messages).toBeGreaterThanOrEqual(5);
				break;
			}
			await new Promise((r) => setTimeout(r, 25));
		}
	});

	it("reads storage-type posts from /storage/raw and checks their hash", async () => {
		const t = now() - HOUR;
		ccn.insert(await authorizeDelegate(t));
		const { message, file } = toStorage(
			creditDistribution({ sender: delegate.address, address: issuer.address, time: t + 1, credits: [{ address: alice, amount: 42 }] }),
		);
		ccn.addFile(new TextEncoder().encode(file));
		ccn.insert(await delegate.sign(message));
		harness = await startFollower(database, testFeed([ccn.url]));
		await waitSynced(database.db, [ccn.url]);
		expect((await storedBalances(database.db)).get(alice)).toBe(42n);
	});

	it("a lying CCN changes no balance, and every lie is counted once", async () => {
		const t = now() - 5 * HOUR;
		ccn.insert(await authorizeDelegate(t));
		ccn.insert(await distribute(t + 1, [{ address: alice, amount: 1_000 }]));
		// A bad signature: signed by someone else than the sender.
		const forged = await users[2]?.sign(
			creditDistribution({ sender: delegate.address, address: issuer.address, time: t + 2, credits: [{ address: bob, amount: 9 }] }),
		);
		ccn.insert(forged as never);
		// A wrong item_hash: the content changed after signing.
		const tampered = await distribute(t + 3, [{ address: bob, amount: 10 }]);
		ccn.insert({ ...tampered, item_content: (tampered.item_content as string).replace('"amount":10', '"amount":10000') });
		// An unauthorized signer for the issuer.
		ccn.insert(
			await (users[3] as (typeof users)[0]).sign(
				creditDistribution({
					sender: users[3]?.address as string,
					address: issuer.address,
					time: t + 4,
					credits: [{ address: bob, amount: 11 }],
				}),
			),
		);
		// A float amount.
		ccn.insert(
			await delegate.sign(
				post({
					sender: delegate.address,
					address: issuer.address,
					time: t + 5,
					channel: "ALEPH_CREDIT",
					postType: "aleph_credit_distribution",
					content: {
						distribution: {
							token: "ALEPH",
							chain: "ETH",
							credits: [{ address: bob, amount: 12.5, price: "1", tx_hash: "0x1", provider: "p" }],
						},
					},
				}),
			),
		);
		// A self-transfer.
		ccn.insert(
			await (users[0] as (typeof users)[0]).sign(
				creditTransfer({ sender: users[0]?.address as string, time: t + 6, credits: [{ address: alice, amount: 5 }] }),
			),
		);
		// A distribution from someone who is not an issuer (signing for itself).
		ccn.insert(
			await (users[1] as (typeof users)[0]).sign(
				creditDistribution({
					sender: users[1]?.address as string,
					address: users[1]?.address as string,
					time: t + 7,
					credits: [{ address: bob, amount: 13 }],
				}),
			),
		);
		harness = await startFollower(database, testFeed([ccn.url]));
		await waitSynced(database.db, [ccn.url]);
		await waitSynced(database.db, [ccn.url], new Date());
		expect(Object.fromEntries(await storedBalances(database.db))).toEqual({ [alice]: 1_000n });
		// 2 applied; bad signature + wrong hash + float + self-transfer invalid; 1 unauthorized; 1 ignored.
		expect(await counters(database.db, ccn.url)).toEqual({ seen: 8n, applied: 2n, invalid: 4n, unauthorized: 1n, ignored: 1n });
		const rejected = await database.db.selectFrom("feed_rejections").select("reason").execute();
		expect(rejected.map((r) => r.reason).sort()).toEqual(["invalid_item_hash", "invalid_signature"]);
		const invalid = await database.db.selectFrom("feed_messages").select("reason").where("status", "=", "invalid").execute();
		expect(invalid.map((r) => r.reason).sort()).toEqual(["invalid_amount", "self_transfer"]);
		const text = await harness.metrics.registry.getSingleMetricAsString("aleph_oracle_feed_rejections_total");
		expect(text).toContain('reason="invalid_signature"} 1');
	});

	it.each([true, false])(
		"applies a backdated distribution published after it caught up: within the lookback by the time scan, older only by the reception scan (reception scan %s)",
		async (reception) => {
			const t = now() - 48 * HOUR;
			ccn.insert(await authorizeDelegate(t));
			ccn.insert(await distribute(t + 1, [{ address: alice, amount: 100 }]));
			harness = await startFollower(database, testFeed([ccn.url], { ALEPH_FEED_LOOKBACK_SECONDS: String(2 * HOUR) }), {
				receptionScan: reception,
			});
			await waitSynced(database.db, [ccn.url]);
			ccn.insert(await distribute(now(), [{ address: alice, amount: 1 }]));
			await waitSynced(database.db, [ccn.url], new Date());
			// Within the lookback of the watermark, and 30 hours before it.
			ccn.insert(await distribute(now() - HOUR, [{ address: bob, amount: 20 }]));
			ccn.insert(await distribute(now() - 30 * HOUR, [{ address: carol, amount: 30 }]));
			await waitSynced(database.db, [ccn.url], new Date());
			expect(Object.fromEntries(await storedBalances(database.db))).toEqual({
				[alice]: 101n,
				[bob]: 20n,
				...(reception ? { [carol]: 30n } : {}),
			});
		},
	);

	it("posts read before the security aggregate that authorizes them are applied once it arrives, as the same posts in order would be", async () => {
		const t = now() - 5 * HOUR;
		ccn.insert(await distribute(t + 10, [{ address: alice, amount: 100 }]));
		ccn.insert(await spend(t + 20, [{ address: alice, amount: 30 }]));
		harness = await startFollower(database, testFeed([ccn.url]));
		await waitSynced(database.db, [ccn.url]);
		expect(await storedBalances(database.db)).toEqual(new Map());
		expect(await counters(database.db, ccn.url)).toMatchObject({ unauthorized: 2n, applied: 0n });
		// Published later, dated before the posts.
		ccn.insert(await authorizeDelegate(t));
		await waitSynced(database.db, [ccn.url], new Date());
		expect(Object.fromEntries(await storedBalances(database.db))).toEqual({ [alice]: 70n });
		expect(await counters(database.db, ccn.url)).toMatchObject({ unauthorized: 0n, applied: 3n });
	});

	it("a security element dated after a post does not authorize it", async () => {
		const t = now() - 5 * HOUR;
		ccn.insert(await distribute(t, [{ address: alice, amount: 100 }]));
		ccn.insert(await authorizeDelegate(t + 1));
		ccn.insert(await distribute(t + 2, [{ address: bob, amount: 7 }]));
		harness = await startFollower(database, testFeed([ccn.url]));
		await waitSynced(database.db, [ccn.url]);
		expect(Object.fromEntries(await storedBalances(database.db))).toEqual({ [bob]: 7n });
	});
});
