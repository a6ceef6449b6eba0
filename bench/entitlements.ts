/**
 * Entitlement benchmark: recompute 100k accounts through BullMQ with one `aleph-oracle work`
 * process, then with two, against a real Postgres and Redis; and the time from a block being
 * indexed to its entitlement being served by the API (watcher, queue and API in one process).
 *
 * Run: `npx tsx bench/entitlements.ts` (BENCH_ACCOUNTS to change the size).
 */

import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { sql } from "kysely";
import type { Address } from "viem";
import { startAnvil } from "../devchain/anvil.ts";
import { createDevClient } from "../devchain/client.ts";
import { deployAlephToken, transfer } from "../devchain/erc20.ts";
import { createProcessors } from "../jobs/processors.ts";
import { loadConfig } from "../src/config/env.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createLogger } from "../src/lib/logger.ts";
import { createBullQueue, queuePrefix } from "../src/queue/bull.ts";
import { RECOMPUTE_ALL } from "../src/queue/jobs.ts";
import { startRole } from "../src/runtime/roles.ts";
import { readInstallationId } from "../src/runtime/service-state.ts";
import { createBenchDatabase, runMain, spawnWatcher, stop } from "./lib.ts";

const REDIS_URL = "redis://127.0.0.1:6379/9";

export async function runEntitlementBench(): Promise<Record<string, number | string>> {
	const accounts = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
	const url = await createBenchDatabase();
	const database = await openDatabase({ databaseUrl: url });
	await migrate(database.db);
	await seed(database.db, accounts);
	const one = await recomputeAll(database.db, url, 1, accounts);
	console.log(`1 worker: ${one} accounts/s`);
	const two = await recomputeAll(database.db, url, 2, accounts);
	console.log(`2 workers: ${two} accounts/s`);
	await database.close();
	const latency = await blockToServed();
	return {
		accounts,
		"1 worker (accounts/s)": one,
		"2 workers (accounts/s)": two,
		"2 workers / 1 worker": (two / one).toFixed(2),
		"block indexed → entitlement served p50 (ms)": latency.p50,
		"block indexed → entitlement served p95 (ms)": latency.p95,
		"block indexed → entitlement served max (ms)": latency.max,
	};
}

/** Indexed state for `count` accounts: ETH and AVAX balances, a stream every 10th, a resource every 5th. */
async function seed(db: Awaited<ReturnType<typeof openDatabase>>["db"], count: number) {
	await sql`insert into chains (chain, chain_id, token, cfa, start_block, indexed_block, indexed_hash, indexed_timestamp, head_block, finalized_block)
		values ('ETH', 31337, '0x00000000000000000000000000000000000000aa', null, 0, 1000, '0x11', 1800000000, 1000, 990),
		('AVAX', 31338, '0x00000000000000000000000000000000000000bb', '0x00000000000000000000000000000000000000cc', 0, 1000, '0x22', 1800000000, 1000, 990)`.execute(
		db,
	);
	const a = (expr: string) => sql.raw(`'0x' || lpad(to_hex(${expr}), 40, '0')`);
	await sql`insert into balances (chain, address, amount) select 'ETH', ${a("i")}, (i % 5000) * 1000000000000000000::numeric from generate_series(1, ${count}::int) i`.execute(
		db,
	);
	await sql`insert into balances (chain, address, amount) select 'AVAX', ${a("i")}, (i % 300) * 1000000000000000000::numeric from generate_series(1, ${count}::int, 3) i`.execute(
		db,
	);
	await sql`insert into stream_accounts (chain, address, streamed, net_flow_rate, deposit, owed_deposit, updated_at, updated_block)
		select 'AVAX', ${a("i")}, 0, -15277777777777, 220000005996412928, 0, 1799990000, 900 from generate_series(1, ${count}::int, 10) i`.execute(
		db,
	);
	await sql`insert into flows (chain, sender, receiver, flow_rate, deposit, owed_deposit, opened_at, updated_at, updated_block)
		select 'AVAX', ${a("i")}, '0x00000000000000000000000000000000000000ee', 15277777777777, 220000005996412928, 0, 1799990000, 1799990000, 900 from generate_series(1, ${count}::int, 10) i`.execute(
		db,
	);
	await sql`insert into resources (item_hash, owner, message_type, payment_type, chain, receiver, cost_hold, cost_stream, cost_credit, cost_rows, message, message_time, accepted_at)
		select lpad(to_hex(i), 64, '0'), ${a("i")}, 'INSTANCE', 'hold', null, null, 1000000000000000000000, 15277777777777, 3958333333333333333, '[]'::jsonb, '{}'::jsonb, 1740000000, now()
		from generate_series(1, ${count}::int, 5) i`.execute(db);
	await sql`analyze`.execute(db);
}

/** Starts `workers` work processes, fans out a recompute of every account, returns accounts/s. */
async function recomputeAll(
	db: Awaited<ReturnType<typeof openDatabase>>["db"],
	databaseUrl: string,
	workers: number,
	count: number,
): Promise<number> {
	const redis = new Redis(REDIS_URL);
	await redis.flushdb();
	redis.disconnect();
	const env = {
		DATABASE_URL: databaseUrl,
		REDIS_URL,
		CHAINS: "ETH,AVAX",
		ETH_RPC_URL: "http://127.0.0.1:9",
		ETH_CHAIN_ID: "31337",
		ETH_TOKEN: "0x00000000000000000000000000000000000000aa",
		AVAX_RPC_URL: "http://127.0.0.1:9",
		AVAX_CHAIN_ID: "31338",
		AVAX_TOKEN: "0x00000000000000000000000000000000000000bb",
		AVAX_CFA: "0x00000000000000000000000000000000000000cc",
		LOG_LEVEL: "warn",
		SWEEP_INTERVAL_SECONDS: "86400",
	};
	const processes = Array.from({ length: workers }, () => spawnWatcher(env, "work"));
	// Let them start (and run their own start-up fan-out), then time a clean one.
	await waitQuiet(db);
	const before = (await sql<{ n: bigint }>`select coalesce(sum(recomputes), 0)::int8 as n from entitlements`.execute(db)).rows[0]?.n ?? 0n;
	// The queues of this database (the workers use its installation's prefix).
	const queue = createBullQueue({ redisUrl: REDIS_URL, prefix: queuePrefix(await readInstallationId(db)), debounceMs: 0 });
	const started = performance.now();
	await queue.add([RECOMPUTE_ALL]);
	for (;;) {
		const done = (await sql<{ n: bigint }>`select coalesce(sum(recomputes), 0)::int8 as n from entitlements`.execute(db)).rows[0]?.n ?? 0n;
		if (done - before >= BigInt(count)) break;
		await new Promise((r) => setTimeout(r, 50));
	}
	const seconds = (performance.now() - started) / 1000;
	await queue.close();
	await Promise.all(processes.map((p) => stop(p.child)));
	return Math.round(count / seconds);
}

/** Waits until no entitlement was written for a second (start-up work finished). */
async function waitQuiet(db: Awaited<ReturnType<typeof openDatabase>>["db"]) {
	let last = -1n;
	for (;;) {
		await new Promise((r) => setTimeout(r, 1_000));
		const n = (await sql<{ n: bigint }>`select coalesce(sum(recomputes), 0)::int8 as n from entitlements`.execute(db)).rows[0]?.n ?? 0n;
		if (n === last) return;
		last = n;
	}
}

/** Transfers on anvil, each timed from the block being indexed to the API serving the new balance. */
async function blockToServed(samples = 20): Promise<{ p50: number; p95: number; max: number }> {
	const anvil = await startAnvil();
	const client = createDevClient(anvil);
	const [holder] = (await client.getAddresses()) as [Address];
	const token = await deployAlephToken(client, { genesis: [{ address: holder, amount: 10n ** 30n }] });
	const url = await createBenchDatabase();
	const redis = new Redis(REDIS_URL);
	await redis.flushdb();
	redis.disconnect();
	const config = loadConfig({
		DATABASE_URL: url,
		REDIS_URL,
		CHAINS: "ETH",
		ETH_RPC_URL: anvil.url,
		ETH_CHAIN_ID: String(anvil.chainId),
		ETH_TOKEN: token.address,
		ETH_START_BLOCK: String(token.blockNumber),
		ETH_GENESIS: `${holder}:${10n ** 30n}`,
		ETH_FINALITY_BLOCKS: "2",
		ETH_POLL_INTERVAL_MS: "100",
		PORT: "0",
		LOG_LEVEL: "warn",
	});
	const running = await startRole("all", config, createLogger("warn"), createProcessors);
	const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
	const times: number[] = [];
	try {
		for (let i = 0; i < samples; i++) {
			const to = `0x${(0xabc000 + i).toString(16).padStart(40, "0")}`;
			const receipt = await transfer(client, { token: token.address, from: holder, to, amount: BigInt(i + 1) });
			let indexedAt = 0;
			for (;;) {
				const row = await database.db.selectFrom("chains").select("indexed_block").executeTakeFirst();
				if (row && row.indexed_block >= receipt.blockNumber) {
					indexedAt = performance.now();
					break;
				}
				await new Promise((r) => setTimeout(r, 2));
			}
			for (;;) {
				const body = (await (await fetch(`${running.url}/v1/accounts/${to}`)).json()) as { source: string; balance: { wei: string } };
				if (body.source === "queue" && body.balance.wei === String(i + 1)) break;
				await new Promise((r) => setTimeout(r, 2));
			}
			times.push(performance.now() - indexedAt);
		}
	} finally {
		await database.close();
		await running.stop();
		await anvil.stop();
	}
	times.sort((x, y) => x - y);
	const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
	return { p50: at(0.5), p95: at(0.95), max: Math.round(times.at(-1) ?? 0) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	await runMain("Entitlements: recompute and freshness", runEntitlementBench);
}
