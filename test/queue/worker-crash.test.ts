import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../../src/lib/sleep.ts";
import { spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { type PrivateRedis, startPrivateRedis } from "../helpers/private-redis.ts";
import { eventually } from "../helpers/system.ts";

const ACCOUNTS = 3_000;
let database: TestDatabase;
let redis: PrivateRedis;

/** Indexed state behind the queue's back: balances for many accounts, each in the outbox. */
async function seed(from: number, count: number) {
	await sql`insert into balances (chain, address, amount)
		select 'ETH', '0x' || lpad(to_hex(i), 40, '0'), (i * 1000000000000000000::numeric) from generate_series(${from}::int, ${from + count - 1}::int) i`.execute(
		database.db,
	);
	await sql`insert into outbox (address, chain) select '0x' || lpad(to_hex(i), 40, '0'), 'ETH' from generate_series(${from}::int, ${from + count - 1}::int) i`.execute(
		database.db,
	);
}

async function computedRight(): Promise<{ computed: number; wrong: number }> {
	const { rows } = await sql<{ computed: bigint; wrong: bigint }>`select count(e.address) as computed,
		count(*) filter (where e.address is null or e.balance <> b.amount) as wrong
		from balances b left join entitlements e on e.address = b.address`.execute(database.db);
	return { computed: Number(rows[0]?.computed ?? 0), wrong: Number(rows[0]?.wrong ?? 0) };
}

beforeAll(async () => {
	database = await createTestDatabase();
	redis = await startPrivateRedis();
	await database.db
		.insertInto("chains")
		.values({
			chain: "ETH",
			chain_id: 31337n,
			token: "0x00000000000000000000000000000000000000aa",
			cfa: null,
			start_block: 0n,
			indexed_block: 100n,
			indexed_hash: `0x${"11".repeat(32)}`,
			indexed_timestamp: 1_800_000_000n,
			head_block: 100n,
			finalized_block: 90n,
			progress: null,
		})
		.execute();
});

afterAll(async () => {
	await redis?.kill();
	await database?.drop();
});

describe("entitlement workers", () => {
	const env = () => ({
		DATABASE_URL: database.url,
		REDIS_URL: redis.url,
		CHAINS: "ETH",
		ETH_RPC_URL: "http://127.0.0.1:9",
		ETH_CHAIN_ID: "31337",
		ETH_TOKEN: "0x00000000000000000000000000000000000000aa",
		WORKER_CONCURRENCY: "4",
		ENTITLEMENT_DEBOUNCE_MS: "0",
		PORT: "0",
	});

	it("loses nothing when a worker is killed with SIGKILL mid-job", async () => {
		await seed(1, ACCOUNTS);
		const first = spawnCli("work", env());
		await eventually(async () => ((await computedRight()).computed > 200 ? true : undefined), 60_000, "first recomputes");
		first.child.kill("SIGKILL");
		await first.exited;
		const atKill = await computedRight();
		expect(atKill.computed).toBeLessThan(ACCOUNTS);
		const second = spawnCli("work", env());
		const done = await eventually(
			async () => {
				const state = await computedRight();
				return state.wrong === 0 ? state : undefined;
			},
			90_000,
			"all entitlements after the kill",
		);
		expect(done.computed).toBe(ACCOUNTS);
		second.child.kill("SIGTERM");
		expect((await second.exited).code).toBe(0);
	});

	it("loses nothing when Redis restarts empty while jobs are queued", async () => {
		await seed(ACCOUNTS + 1, 2_000);
		// `serve` drains the outbox into Redis but runs no workers: the jobs stay queued.
		const producer = spawnCli("serve", env());
		await eventually(
			async () => {
				const { rows } = await sql<{ n: bigint }>`select count(*) as n from outbox`.execute(database.db);
				return rows[0]?.n === 0n ? true : undefined;
			},
			60_000,
			"outbox drained into Redis",
		);
		producer.child.kill("SIGTERM");
		await producer.exited;
		expect((await computedRight()).wrong).toBe(2_000);
		await redis.kill();
		await redis.start();
		const worker = spawnCli("work", env());
		const done = await eventually(
			async () => {
				const state = await computedRight();
				return state.wrong === 0 ? state : undefined;
			},
			90_000,
			"all entitlements after the Redis restart",
		);
		expect(done.computed).toBe(ACCOUNTS + 2_000);
		worker.child.kill("SIGTERM");
		expect((await worker.exited).code).toBe(0);
		await sleep(10);
	});
});
