/**
 * API benchmark: the app on a real @hono/node-server (a child process, so the load generator does
 * not share its event loop) over a Postgres test database with a realistic state — 10k accounts
 * with balances on three chains, 2k streaming accounts paying 50 CRNs and the community wallet,
 * 3k registered resources, 10k entitlements computed by the queue — against a trivial Hono route
 * served by the same child, in the same run. autocannon measures requests/s at full load (median of
 * three interleaved rounds, with the server's CPU time per request) and p99 latency at a fixed
 * 2 000 req/s (`overallRate`), for POST /v1/can-pay (varied owners and payment types), the same
 * bodies on POST /api/v0/price/estimate (no index read: can-pay's ceiling), GET
 * /v1/accounts/{address} (varied addresses) and the trivial route.
 *
 * The server runs with the account cache (migration 0009's notifications on a LISTEN connection);
 * BENCH_ACCOUNT_CACHE=0 turns it off. During can-pay's fixed-rate run, commits that change an
 * account measure the notification window (COMMIT returned → notification received).
 *
 * Run: `npx tsx bench/api.ts` (BENCH_SECONDS: duration of each run, default 5; BENCH_PROFILE=<dir>:
 * write a CPU profile of the server there; BENCH_ONLY=canPay|estimate|accounts: that target and the trivial one).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Hono } from "hono";
import { sql } from "kysely";
import pg from "pg";
import { pino } from "pino";
import { createApp } from "../src/api/app.ts";
import { startServer } from "../src/api/server.ts";
import type { Config } from "../src/config/env.ts";
import { type Db, openDatabase } from "../src/db/database.ts";
import { recomputeEntitlements } from "../src/entitlements/recompute.ts";
import { createMetrics } from "../src/lib/metrics.ts";
import { getDefaultPricing, getDefaultSettings } from "../src/pricing/index.ts";
import { startAccountCache } from "../src/runtime/account-cache.ts";
import { addr as account, COMMUNITY, testConfig, WEI } from "../test/api/helpers.ts";
import { createTestDatabase } from "../test/helpers/database.ts";
import { type AutocannonResult, loadTest, median } from "./lib.ts";

const ACCOUNTS = 10_000;
const STREAMERS = 2_000;
const CRNS = 50;
const RESOURCES = 3_000;
const FIXED_RATE = 2_000;
const ROUNDS = 3;
const CONNECTIONS = 32;

const crn = (k: number) => account(0xc0000 + k);

type AutocannonRequest = { method?: string; path?: string; body?: string; headers?: Record<string, string> };
/** The test configuration (ETH, AVAX, BASE) on the bench database, with access logs off. */
export function benchConfig(databaseUrl: string): Config {
	return testConfig({ databaseUrl, logLevel: "warn", staleAfterSeconds: 3_600, accountCacheEntries: 20_000 });
}

/** Fills the index with a realistic state, in bulk. */
export async function seed(db: Db): Promise<void> {
	const now = Math.floor(Date.now() / 1000);
	const hour = sql`${now - 3600}::bigint`;
	const w = sql`${WEI.toString()}::numeric`;
	const a = (column: string) => sql.raw(`'0x' || lpad(to_hex(${column}), 40, '0')`);
	const tokens = sql`${account(0xa1e9)}`;
	await sql`insert into chains (chain, chain_id, token, cfa, start_block, indexed_block, indexed_hash, head_block, finalized_block)
		values ('ETH', 1, ${tokens}, null, 1, 20000000, '0x01', 20000002, 19999990),
			('AVAX', 43114, ${tokens}, ${account(0xcfa1)}, 1, 50000000, '0x02', 50000001, 49999990),
			('BASE', 8453, ${tokens}, ${account(0xcfa2)}, 1, 30000000, '0x03', 30000001, 29999990)`.execute(db);
	await sql`insert into balances (chain, address, amount)
		select 'ETH', ${a("i")}, ((i * 7919) % 50000) * ${w} from generate_series(1, ${ACCOUNTS}) i
		union all select 'AVAX', ${a("i")}, ((i::bigint * 104729) % 5000 + 100) * ${w} from generate_series(1, ${ACCOUNTS / 2}) i
		union all select 'BASE', ${a("i")}, ((i::bigint * 15485863) % 3000) * ${w} from generate_series(1, ${ACCOUNTS / 5}) i`.execute(db);
	await sql`insert into transfers (chain, block_number, log_index, tx_hash, block_timestamp, from_address, to_address, value)
		select 'ETH', 1000 + i, 0, '0x' || md5(i::text), ${now} - 100000 + i, ${a(`((i * 31) % ${ACCOUNTS}) + 1`)}, ${a(`((i * 17) % ${ACCOUNTS}) + 1`)}, (i % 1000) * ${w}
		from generate_series(1, 50000) i`.execute(db);
	// Streamers pay 1e12..3e12 wei/s on AVAX: 80 % to a CRN, 20 % to the community wallet.
	await sql`insert into stream_accounts (chain, address, streamed, net_flow_rate, deposit, owed_deposit, updated_at, updated_block)
		select 'AVAX', ${a("i")}, 0, -((i % 3) + 1) * 1000000000000::numeric, ((i % 3) + 1) * 14400000000000000::numeric, 0, ${hour}, 49999000
		from generate_series(1, ${STREAMERS}) i`.execute(db);
	await sql`insert into flows (chain, sender, receiver, flow_rate, deposit, owed_deposit, opened_at, updated_at, updated_block)
		select 'AVAX', ${a("i")}, ${a(`${0xc0000} + (i % ${CRNS})`)}, ((i % 3) + 1) * 800000000000::numeric, ((i % 3) + 1) * 11520000000000000::numeric, 0, ${hour}, ${hour}, 49999000
		from generate_series(1, ${STREAMERS}) i
		union all select 'AVAX', ${a("i")}, ${COMMUNITY}, ((i % 3) + 1) * 200000000000::numeric, ((i % 3) + 1) * 2880000000000000::numeric, 0, ${hour}, ${hour}, 49999000
		from generate_series(1, ${STREAMERS}) i`.execute(db);
	await sql`insert into stream_accounts (chain, address, streamed, net_flow_rate, deposit, owed_deposit, updated_at, updated_block)
		select 'AVAX', receiver, 0, sum(flow_rate), 0, 0, ${hour}, 49999000 from flows group by receiver`.execute(db);
	await sql`insert into resources (item_hash, owner, message_type, payment_type, chain, receiver, cost_hold, cost_stream, cost_credit, cost_rows, message, message_time, accepted_at)
		select encode(sha256(i::text::bytea), 'hex'), ${a("i")}, 'INSTANCE', case when i <= ${STREAMERS} then 'superfluid' else 'hold' end,
			case when i <= ${STREAMERS} then 'AVAX' end, case when i <= ${STREAMERS} then ${a(`${0xc0000} + (i % ${CRNS})`)} end,
			case when i <= ${STREAMERS} then 0 else 1000 * ${w} end, case when i <= ${STREAMERS} then 15277777777777 else 0 end,
			0, '[]'::jsonb, '{}'::jsonb, 1740000000, now() - interval '1 day'
		from generate_series(1, ${RESOURCES}) i`.execute(db);
	await sql`analyze`.execute(db);
}

/** What the entitlement queue would have stored: every account recomputed once. */
export async function computeEntitlements(db: Db, config: Config): Promise<void> {
	const deps = {
		db,
		chains: config.chains.map((c) => c.name),
		settings: getDefaultSettings(),
		horizonSeconds: config.alertHorizonSeconds,
	};
	for (let first = 1; first <= ACCOUNTS; first += 500) {
		await recomputeEntitlements(
			deps,
			Array.from({ length: Math.min(500, ACCOUNTS - first + 1) }, (_, i) => account(first + i)),
		);
	}
}

/** Child process: serves the app and the trivial route, prints their URLs, runs until killed. */
async function serve(databaseUrl: string): Promise<void> {
	const database = await openDatabase({ databaseUrl, poolSize: 16 });
	const config = benchConfig(databaseUrl);
	const logger = pino({ level: config.logLevel });
	// BENCH_ACCOUNT_CACHE=0: every request reads the database (the cache's baseline).
	const accountCache = process.env.BENCH_ACCOUNT_CACHE === "0" ? undefined : startAccountCache(config, database, logger);
	const ctx = { config, db: database.db, pricing: getDefaultPricing(), settings: getDefaultSettings(), queue: null, accountCache };
	const app = createApp({ ...ctx, logger, metrics: createMetrics() });
	const trivial = new Hono();
	trivial.get("/trivial", (c) => c.json({ ok: true }));
	// CPU time of this process, so the harness reports server CPU per request (robust to a busy machine).
	trivial.get("/cpu", (c) => c.json(process.cpuUsage()));
	const [api, bare] = await Promise.all([
		startServer(app, { host: "127.0.0.1", port: 0 }),
		startServer(trivial, { host: "127.0.0.1", port: 0 }),
	]);
	process.stdout.write(`${JSON.stringify({ api: api.url, trivial: bare.url })}\n`);
	// Exit cleanly on SIGTERM so that `--cpu-prof` (BENCH_PROFILE) writes its profile.
	process.once("SIGTERM", () => process.exit(0));
}

function startChild(databaseUrl: string): Promise<{ child: ChildProcess; api: string; trivial: string }> {
	const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
	const child = spawn(process.execPath, [...process.execArgv, ...profile, fileURLToPath(import.meta.url)], {
		env: { ...process.env, BENCH_API_SERVE: databaseUrl },
		stdio: ["ignore", "pipe", "inherit"],
	});
	return new Promise((resolve, reject) => {
		let out = "";
		child.stdout?.on("data", (chunk) => {
			out += chunk;
			const line = out.split("\n").find((l) => l.startsWith("{"));
			if (line) resolve({ child, ...(JSON.parse(line) as { api: string; trivial: string }) });
		});
		child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
	});
}

/** A can-pay body for a random owner: an INSTANCE paid by hold, or (most streamers) a PAYG stream to its CRN. */
function canPayBody(): string {
	const i = 1 + Math.floor(Math.random() * ACCOUNTS);
	const owner = account(i);
	const payment =
		i <= STREAMERS && Math.random() < 0.7 ? { type: "superfluid", chain: "AVAX", receiver: crn(i % CRNS) } : { type: "hold", chain: "ETH" };
	const rootfs = {
		parent: { ref: "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595" },
		size_mib: 20_480 + (i % 4) * 1024,
		persistence: "host",
	};
	const content = {
		address: owner,
		time: 1_740_000_000,
		rootfs,
		resources: { vcpus: 1 + (i % 4), memory: 2048 * (1 + (i % 4)) },
		environment: { internet: true },
		volumes: [{ mount: "/data", persistence: "host", size_mib: 1024 }],
		payment,
	};
	return JSON.stringify({ message: { type: "INSTANCE", sender: owner, time: 1_740_000_000, content } });
}

type Target = { name: string; url: string; request: () => AutocannonRequest };

/** One autocannon run; `cpuMicros` is the server's CPU time per request over it. */
async function load(target: Target, cpuUrl: string, seconds: number, rate?: number): Promise<AutocannonResult & { cpuMicros: number }> {
	const cpu = async () => {
		const usage = (await (await fetch(`${cpuUrl}/cpu`)).json()) as NodeJS.CpuUsage;
		return usage.user + usage.system;
	};
	const before = await cpu();
	const result = await loadTest(target.name, {
		url: target.url,
		connections: rate ? 16 : CONNECTIONS,
		duration: seconds,
		...(rate ? { overallRate: rate } : {}),
		requests: [{ setupRequest: (req: AutocannonRequest) => ({ ...req, ...target.request() }) }],
	});
	return { ...result, cpuMicros: ((await cpu()) - before) / result.requests.total };
}

/**
 * Commits that change one account's balance (the notifications the API's cache evicts on), one
 * every 20 ms for `seconds`, and the time from each COMMIT returning to its notification reaching a
 * LISTEN connection of this process (whose event loop also runs the load generator): the window in
 * which another API process may still answer from before the commit. Milliseconds.
 */
async function notificationWindow(databaseUrl: string, seconds: number) {
	const listener = new pg.Client({ connectionString: databaseUrl });
	const writer = new pg.Client({ connectionString: databaseUrl });
	await Promise.all([listener.connect(), writer.connect()]);
	const waiting = new Map<string, (at: number) => void>();
	listener.on("notification", (n) => waiting.get(n.payload ?? "")?.(performance.now()));
	await listener.query("LISTEN account_inputs");
	const windows: number[] = [];
	const end = performance.now() + seconds * 1000;
	for (let i = 0; performance.now() < end; i++) {
		const address = account(ACCOUNTS + 1 + (i % 1000));
		const received = new Promise<number>((resolve) => waiting.set(`a|${address}`, resolve));
		await writer.query(
			"insert into balances (chain, address, amount) values ('BASE', $1, 1) on conflict (chain, address) do update set amount = balances.amount + 1",
			[address],
		);
		const committed = performance.now();
		// Often delivered before the COMMIT reply is read: no window then.
		windows.push(Math.max(0, (await received) - committed));
		waiting.delete(`a|${address}`);
		await new Promise((r) => setTimeout(r, 20));
	}
	await Promise.all([listener.end(), writer.end()]);
	const sorted = windows.sort((x, y) => x - y);
	const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0) * 100) / 100;
	return { commits: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

/** Runs the benchmark and returns its numbers. */
export async function runApiBench(): Promise<Record<string, number | string>> {
	const seconds = Number(process.env.BENCH_SECONDS ?? 5);
	const database = await createTestDatabase();
	let child: ChildProcess | undefined;
	try {
		const started = performance.now();
		await seed(database.db);
		await computeEntitlements(database.db, benchConfig(database.url));
		const seedSeconds = (performance.now() - started) / 1000;
		const servers = await startChild(database.url);
		child = servers.child;
		const json = { "content-type": "application/json" };
		const targets: Target[] = [
			{ name: "trivial", url: servers.trivial, request: () => ({ method: "GET", path: "/trivial" }) },
			{ name: "canPay", url: servers.api, request: () => ({ method: "POST", path: "/v1/can-pay", headers: json, body: canPayBody() }) },
			{
				name: "estimate",
				url: servers.api,
				request: () => ({ method: "POST", path: "/api/v0/price/estimate", headers: json, body: canPayBody() }),
			},
			{
				name: "accounts",
				url: servers.api,
				request: () => ({ method: "GET", path: `/v1/accounts/${account(1 + Math.floor(Math.random() * ACCOUNTS))}` }),
			},
		];
		const only = process.env.BENCH_ONLY;
		if (only) targets.splice(0, targets.length, ...targets.filter((t) => t.name === only || t.name === "trivial"));
		for (const target of targets) await load(target, servers.trivial, 2);
		const results: Record<string, number | string> = {
			accounts: ACCOUNTS,
			streamers: STREAMERS,
			resources: RESOURCES,
			seedSeconds: Math.round(seedSeconds),
			cpus: availableParallelism(),
			loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
		};
		// Rounds interleave the targets so that a burst of other work on the machine hits them all; medians are kept.
		const runs = new Map(targets.map((t) => [t.name, { rps: [] as number[], cpu: [] as number[] }]));
		for (let round = 0; round < ROUNDS; round++) {
			for (const target of targets) {
				const r = await load(target, servers.trivial, seconds);
				runs.get(target.name)?.rps.push(r.requests.average);
				runs.get(target.name)?.cpu.push(r.cpuMicros);
			}
		}
		const trivial = median(runs.get("trivial")?.rps ?? [1]);
		for (const [name, r] of runs) {
			results[`${name}Rps`] = Math.round(median(r.rps));
			results[`${name}ServerCpuMicrosPerRequest`] = Math.round(median(r.cpu));
			if (name !== "trivial") results[`${name}Ratio`] = Math.round((median(r.rps) / trivial) * 100) / 100;
		}
		for (const target of targets) {
			// During can-pay's fixed-rate run: how long after a writer's COMMIT returns a listener has its notification.
			const window = target.name === "canPay" ? notificationWindow(database.url, seconds * 2) : null;
			const fixed = await load(target, servers.trivial, seconds * 2, FIXED_RATE);
			if (window) {
				const w = await window;
				results.notifyCommits = w.commits;
				results.notifyWindowP50Ms = w.p50;
				results.notifyWindowP99Ms = w.p99;
				results.notifyWindowMaxMs = w.max;
			}
			results[`${target.name}P50AtFixedRateMs`] = fixed.latency.p50;
			results[`${target.name}P99AtFixedRateMs`] = fixed.latency.p99;
		}
		results.fixedRate = FIXED_RATE;
		return results;
	} finally {
		if (child && child.exitCode === null) {
			const exited = new Promise((resolve) => child?.once("exit", resolve));
			child.kill("SIGTERM");
			await exited;
		}
		await database.drop();
	}
}

const role = process.env.BENCH_API_SERVE;
if (role) {
	await serve(role);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	const results = await runApiBench();
	console.log("\n## API (autocannon, same machine)");
	for (const [key, value] of Object.entries(results)) console.log(`${key.padEnd(36)} ${value}`);
	process.exit(0);
}
