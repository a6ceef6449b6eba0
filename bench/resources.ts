/**
 * Resources from the feed: the backfill of 200k signed resource messages (70 % STORE of 2 000
 * owners, the rest credit INSTANCEs with a volume on an earlier STORE and PROGRAMs whose code is
 * one) from a local CCN in a process of its own, file sizes included (one
 * `storage/by-message-hash` per STORE referenced), messages/s against fetching and parsing the
 * same pages in the same run; then `GET /v1/accounts/{a}` and `POST /v1/can-pay` (a credit
 * INSTANCE of an owner with resources) latency, p50/p99 of sequential requests, with the 200k
 * resources in the database and on an empty one. `npx tsx bench/resources.ts`;
 * BENCH_RESOURCE_MESSAGES (default 200 000) sizes it; BENCH_RESOURCE_FILE keeps the signed history.
 */
import { existsSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { pino } from "pino";
import { instance, program, store } from "../devchain/ccn/messages.ts";
import { type AlephMessage, createSigner, type Signer } from "../devchain/ccn/sign.ts";
import { createApp } from "../src/api/app.ts";
import { startServer } from "../src/api/server.ts";
import { loadConfig } from "../src/config/env.ts";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createFeedFollower } from "../src/feed/follower.ts";
import { RESOURCE_FILTERS } from "../src/feed/scan.ts";
import { createLogger } from "../src/lib/logger.ts";
import { createMetrics } from "../src/lib/metrics.ts";
import { getDefaultPricing, getDefaultSettings } from "../src/pricing/index.ts";
import { addr, testConfig } from "../test/api/helpers.ts";
import { fetchAndParseRate, startCcnProcess, untilFirstSync } from "./feed.ts";
import { createBenchDatabase, runMain } from "./lib.ts";

const MESSAGES = Number(process.env.BENCH_RESOURCE_MESSAGES ?? 200_000);
const OWNERS = 2_000;
const REQUESTS = 400;
const NODE = { node: { node_hash: "dc3d1d194a990b5c54380c3c0439562fefa42f5a46807cba1c500ec3affecf04" } };

function keyOf(i: number): `0x${string}` {
	return `0x${(0x1000 + i).toString(16).padStart(64, "1")}`;
}

/** The signed history (and the files the CCN holds), as JSON lines; the owners' addresses. */
async function history(file: string): Promise<void> {
	const owners: Signer[] = Array.from({ length: OWNERS }, (_, i) => createSigner(keyOf(i)));
	const t0 = Date.now() / 1000 - MESSAGES - 3_600;
	const lines: string[] = [];
	const stores: string[] = [];
	for (let i = 0; i < MESSAGES; i++) {
		const owner = owners[(i * 7) % OWNERS] as Signer;
		const time = t0 + i;
		let m: AlephMessage;
		if (i % 10 < 7 || stores.length === 0) {
			const hash = `${i.toString(16).padStart(8, "0")}${"f".repeat(56)}`;
			const size = ((i * 104_729) % 300) * 1024 * 1024 + (i % 1000);
			lines.push(JSON.stringify({ file: hash, size }));
			m = await owner.sign(
				store({ sender: owner.address, time, itemHash: hash, payment: { chain: "ETH", type: i % 2 ? "credit" : "hold" } }),
			);
			stores.push(m.item_hash);
		} else if (i % 10 < 9) {
			m = await owner.sign(
				instance({
					sender: owner.address,
					time,
					resources: { vcpus: 1 + (i % 4), memory: 2048 },
					rootfs: { sizeMib: 20480 },
					volumes: [{ mount: "/data", ref: stores[(i * 31) % stores.length] as string, use_latest: false }],
					requirements: NODE,
				}),
			);
		} else {
			m = await owner.sign(
				program({
					sender: owner.address,
					time,
					persistent: i % 20 === 9,
					codeRef: stores[(i * 17) % stores.length] as string,
					runtime: stores[0],
				}),
			);
		}
		lines.push(JSON.stringify(m));
	}
	writeFileSync(file, lines.join("\n"));
}

async function follow(url: string, databaseUrl: string): Promise<{ perSecond: number; seconds: number; resources: number; sizes: number }> {
	const database = await openDatabase({ databaseUrl, poolSize: 1, idleTimeoutMs: 0 });
	const reads = await openDatabase({ databaseUrl, poolSize: 2 });
	await migrate(database.db);
	const feed = loadConfig({ ALEPH_API_URLS: url, ALEPH_FEED_POLL_MS: "100" }).feed;
	const follower = createFeedFollower({ db: database.db, readDb: reads.db, feed, logger: createLogger("warn"), receptionScan: false });
	const started = performance.now();
	follower.start().catch(() => {});
	try {
		await untilFirstSync(database.db);
		const seconds = (performance.now() - started) / 1000;
		const { rows } = await sql<{ r: number; s: number }>`select (select count(*)::int from resources) as r,
			(select count(*)::int from file_sizes) as s`.execute(database.db);
		return {
			perSecond: Math.round(MESSAGES / seconds),
			seconds: Number(seconds.toFixed(1)),
			resources: rows[0]?.r ?? 0,
			sizes: rows[0]?.s ?? 0,
		};
	} finally {
		await follower.stop();
		await database.close();
		await reads.close();
	}
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

/** p50/p99 (ms) of sequential requests to the app on `databaseUrl`, for accounts and can-pay of `owners`. */
async function latencies(databaseUrl: string, owners: readonly string[], feedUrl: string) {
	const database = await openDatabase({ databaseUrl, poolSize: 8 });
	const db: Db = database.db;
	await sql`insert into chains (chain, chain_id, token, cfa, start_block, indexed_block, indexed_hash, head_block, finalized_block)
		values ('ETH', 1, ${addr(0xa1ea)}, null, 1, 20000000, '0x01', 20000000, 19999990),
			('AVAX', 43114, ${addr(0xa1e9 + 43_114)}, ${addr(0xcfa1)}, 1, 50000000, '0x02', 50000000, 49999990),
			('BASE', 8453, ${addr(0xa1e9 + 8_453)}, ${addr(0xcfa2)}, 1, 30000000, '0x03', 30000000, 29999990)
		on conflict do nothing`.execute(db);
	await sql`analyze`.execute(db);
	const config = testConfig({
		databaseUrl,
		logLevel: "warn",
		staleAfterSeconds: 3_600,
		feed: loadConfig({ ALEPH_API_URLS: feedUrl }).feed,
	});
	const app = createApp({
		config,
		db,
		pricing: getDefaultPricing(),
		settings: getDefaultSettings(),
		queue: null,
		logger: pino({ level: "warn" }),
		metrics: createMetrics(),
	});
	const server = await startServer(app, { host: "127.0.0.1", port: 0 });
	const time = Math.floor(Date.now() / 1000);
	const run = async (request: (owner: string) => Promise<Response>) => {
		const ms: number[] = [];
		for (let i = 0; i < REQUESTS + 50; i++) {
			const owner = owners[(i * 13) % owners.length] as string;
			const t = performance.now();
			const response = await request(owner);
			await response.text();
			if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
			if (i >= 50) ms.push(performance.now() - t);
		}
		ms.sort((a, b) => a - b);
		return { p50: Number(percentile(ms, 0.5).toFixed(2)), p99: Number(percentile(ms, 0.99).toFixed(2)) };
	};
	try {
		const accounts = await run((o) => fetch(`${server.url}/v1/accounts/${o}`));
		const canPay = await run((o) =>
			fetch(`${server.url}/v1/can-pay`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({
					message: {
						type: "INSTANCE",
						sender: o,
						time,
						content: {
							address: o,
							time,
							rootfs: { parent: { ref: "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595" }, size_mib: 20480 },
							resources: { vcpus: 1, memory: 2048 },
							environment: {},
							payment: { chain: "ETH", type: "credit" },
							requirements: NODE,
						},
					},
				}),
			}),
		);
		return { accounts, canPay };
	} finally {
		await server.close();
		await database.close();
	}
}

export async function runResourceBench(): Promise<Record<string, number | string>> {
	let started = performance.now();
	const file = process.env.BENCH_RESOURCE_FILE ?? join(tmpdir(), `resource-bench-${process.pid}.jsonl`);
	if (!process.env.BENCH_RESOURCE_FILE || !existsSync(file)) await history(file);
	const signSeconds = (performance.now() - started) / 1000;
	const ccn = await startCcnProcess(file);
	try {
		await fetchAndParseRate(ccn.url, RESOURCE_FILTERS);
		const before = await fetchAndParseRate(ccn.url, RESOURCE_FILTERS);
		const full = await createBenchDatabase();
		const load = loadavg();
		const on = await follow(ccn.url, full);
		const after = await fetchAndParseRate(ccn.url, RESOURCE_FILTERS);
		const base = (before + after) / 2;
		const owners = Array.from({ length: OWNERS }, (_, i) => createSigner(keyOf(i)).address.toLowerCase());
		const empty = await createBenchDatabase();
		const emptyDb = await openDatabase({ databaseUrl: empty, poolSize: 1 });
		await migrate(emptyDb.db);
		await emptyDb.close();
		started = performance.now();
		const loaded = await latencies(full, owners, ccn.url);
		const bare = await latencies(empty, owners, ccn.url);
		return {
			messages: MESSAGES,
			sign_seconds: Number(signSeconds.toFixed(1)),
			baseline_fetch_parse_msgs_per_s: Math.round(base),
			follower_msgs_per_s: on.perSecond,
			follower_seconds: on.seconds,
			ratio: Number((on.perSecond / base).toFixed(3)),
			resources_stored: on.resources,
			file_sizes_fetched: on.sizes,
			accounts_p50_ms_200k: loaded.accounts.p50,
			accounts_p99_ms_200k: loaded.accounts.p99,
			accounts_p50_ms_empty: bare.accounts.p50,
			accounts_p99_ms_empty: bare.accounts.p99,
			can_pay_p50_ms_200k: loaded.canPay.p50,
			can_pay_p99_ms_200k: loaded.canPay.p99,
			can_pay_p50_ms_empty: bare.canPay.p50,
			can_pay_p99_ms_empty: bare.canPay.p99,
			load_average_at_backfill: load.map((l) => l.toFixed(2)).join(" "),
			load_average_end: loadavg()
				.map((l) => l.toFixed(2))
				.join(" "),
		};
	} finally {
		ccn.child.kill("SIGTERM");
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
	await runMain("Resources: backfill of 200k resource messages", runResourceBench);
