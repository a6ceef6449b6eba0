/**
 * Scale benchmark (issue 15, target 5): how the cost of the API routes, the sweep and `migrate`
 * grows with the number of accounts. For each size N (default 10k, 100k, 1M) a fresh Postgres
 * database is filled directly with SQL `generate_series` (not through anvil): N accounts on ETH,
 * N/2 on AVAX and N/5 on BASE, 10·N transfers (a mint per account and chain, then transfers
 * between accounts; `balances` is the sum of that history), streams from every 10th AVAX account
 * and every 50th BASE account to CRNs and the community wallet, a few accounts another agreement
 * touched (flags and realtimeBalanceOf reconciliations), resources for 30 % of the accounts and
 * credit lots for 1 %. Then, at each size:
 * - `migrate` on the filled database: in-process (nothing to apply) and `aleph-oracle migrate`
 *   spawned (start-up included);
 * - a full sweep of every entitlement (the `entitlement.recompute-all` fan-out and its pages, run
 *   by the job processors in-process, two pages at once);
 * - `GET /v1/balances-update/{chain}` on ETH (every account): time, bytes, and the API process'
 *   peak RSS (VmHWM) before and after it, in a fresh server process;
 * - `GET /v1/accounts/{a}` and `POST /v1/can-pay` for random accounts (autocannon: requests/s at
 *   full load, p50/p99 at a fixed 500 req/s);
 * - `GET /v1/stats/holders` first page and a deep page (the cursor of the holder ranked N/2).
 * It prints a table per size and the growth factor between consecutive sizes.
 *
 * Run: `npx tsx bench/scale.ts` (BENCH_SCALE_SIZES=10000,100000 to choose sizes; BENCH_SECONDS:
 * duration of each autocannon run, default 4). Part of `npm run bench` with the sizes 10k and 100k
 * unless BENCH_SCALE_SIZES says otherwise (the 1M size takes several minutes).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sql } from "kysely";
import { pino } from "pino";
import { createProcessors } from "../jobs/processors.ts";
import { createApp } from "../src/api/app.ts";
import { encodeCursor } from "../src/api/cursor.ts";
import { flooredBalancesSql } from "../src/api/queries/stats.ts";
import { startServer } from "../src/api/server.ts";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createMetrics } from "../src/lib/metrics.ts";
import { getDefaultPricing, getDefaultSettings } from "../src/pricing/index.ts";
import type { JobRequest } from "../src/queue/jobs.ts";
import { addr as account, COMMUNITY, testConfig, WEI } from "../test/api/helpers.ts";
import { type AutocannonResult, createBenchDatabase, dropBenchDatabases, loadTest, peakRssMb, spawnWatcher } from "./lib.ts";

const FIXED_RATE = 500;

const configOf = (databaseUrl: string) => testConfig({ databaseUrl, logLevel: "warn", staleAfterSeconds: 86_400 });
const crnCount = (n: number) => Math.max(50, Math.floor(n / 2_000));
const crn = (k: number) => account(0xc000000 + k);

/** Fills a migrated database with `n` accounts and 10·n transfers (see the header). */
export async function seedScale(db: Db, n: number): Promise<void> {
	const now = Math.floor(Date.now() / 1000);
	const hour = sql.lit(now - 3600);
	const w = sql.raw(`${WEI}::numeric`);
	const a = (expr: string) => sql.raw(`('0x' || lpad(to_hex(${expr}), 40, '0'))`);
	const crns = crnCount(n);
	const tokenOf = (chainId: number) => account(0xa1e9 + chainId);
	await sql`insert into chains (chain, chain_id, token, cfa, start_block, indexed_block, indexed_hash, indexed_timestamp, head_block, finalized_block)
		values ('ETH', 1, ${tokenOf(1)}, null, 1, 20000000, '0x01', ${now}, 20000002, 19999990),
			('AVAX', 43114, ${tokenOf(43_114)}, ${account(0xcfa1)}, 1, 50000000, '0x02', ${now}, 50000001, 49999990),
			('BASE', 8453, ${tokenOf(8_453)}, ${account(0xcfa2)}, 1, 30000000, '0x03', ${now}, 30000001, 29999990)`.execute(db);
	// Transfers: per chain a mint to each of its m accounts (100..5099 ALEPH, block start-1 style
	// rows from the zero address), then k·m transfers of at most 1 ALEPH between its accounts (each
	// account sends about k of them, so no balance goes below 0). 6n + 2.5n + 1.5n = 10n rows.
	await sql`drop index transfers_from`.execute(db);
	await sql`drop index transfers_to`.execute(db);
	const chains: [string, number, number][] = [
		["ETH", n, 5],
		["AVAX", Math.floor(n / 2), 4],
		["BASE", Math.floor(n / 5), 6.5],
	];
	for (const [chain, m, k] of chains) {
		const transfers = Math.round(m * k);
		await sql`insert into transfers (chain, block_number, log_index, tx_hash, block_timestamp, from_address, to_address, value)
			select ${chain}, 1000 + i / 40, (i % 40)::int, '0x' || md5(${chain} || i::text), ${now} - 1000000 + i / 40,
				${a("0")}, ${a("i + 1")}, (100 + (i::bigint * 7919) % 5000) * ${w}
			from generate_series(0, ${m - 1}::int) i`.execute(db);
		await sql`insert into transfers (chain, block_number, log_index, tx_hash, block_timestamp, from_address, to_address, value)
			select ${chain}, 1000 + (${m}::int + i) / 40, ((${m}::int + i) % 40)::int, '0x' || md5(${chain} || (${m}::int + i)::text),
				${now} - 1000000 + (${m}::int + i) / 40,
				${a(`(i::bigint * 7919) % ${m} + 1`)}, ${a(`(i::bigint * 104729 + 13) % ${m} + 1`)}, (i % 1000) * ${w} / 1000
			from generate_series(0, ${transfers - 1}::int) i`.execute(db);
	}
	await sql`create index transfers_from on transfers (from_address, chain, block_number)`.execute(db);
	await sql`create index transfers_to on transfers (to_address, chain, block_number)`.execute(db);
	await sql`insert into balances (chain, address, amount)
		select chain, address, sum(delta) from (
			select chain, to_address as address, value as delta from transfers
			union all select chain, from_address, -value from transfers where from_address <> ${account(0)}
		) d group by chain, address`.execute(db);
	// Streams: every 10th AVAX account and every 50th BASE account pays 80 % to a CRN and 20 % to the community wallet.
	for (const [chain, m, every] of [
		["AVAX", Math.floor(n / 2), 10],
		["BASE", Math.floor(n / 5), 50],
	] as const) {
		const senders = sql.raw(`generate_series(${every}, ${m}, ${every}) i`);
		await sql`insert into flows (chain, sender, receiver, flow_rate, deposit, owed_deposit, opened_at, updated_at, updated_block)
			select ${chain}, ${a("i")}, ${a(`${0xc000000} + (i % ${crns})`)}, ((i % 3) + 1) * 800000000000::numeric, ((i % 3) + 1) * 11520000000000000::numeric, 0, ${hour}, ${hour}, 900
			from ${senders}
			union all select ${chain}, ${a("i")}, ${COMMUNITY}, ((i % 3) + 1) * 200000000000::numeric, ((i % 3) + 1) * 2880000000000000::numeric, 0, ${hour}, ${hour}, 900
			from ${senders}`.execute(db);
		await sql`insert into stream_accounts (chain, address, streamed, net_flow_rate, deposit, owed_deposit, updated_at, updated_block)
			select ${chain}, sender, 0, -sum(flow_rate), sum(deposit), 0, ${hour}, 900 from flows where chain = ${chain} group by sender
			union all select ${chain}, receiver, 0, sum(flow_rate), 0, 0, ${hour}, 900 from flows where chain = ${chain} group by receiver`.execute(
			db,
		);
	}
	// Every 1000th AVAX account was touched by another agreement: flagged, with two reconciliations.
	await sql`insert into agreement_flags (chain, address, block_number, log_index, agreement_class)
		select 'AVAX', ${a("i")}, 950, i, ${account(0x6da)} from generate_series(7, ${Math.floor(n / 2)}, 1000) i`.execute(db);
	await sql`insert into stream_reconciliations (chain, address, block_number, timestamp, available, deposit, owed_deposit, net_flow_rate)
		select 'AVAX', address, b, ${hour}, 50 * ${w}, 0, 0, -1000000000 from agreement_flags, (values (960), (970)) v(b)`.execute(db);
	// Resources: a hold INSTANCE for every 5th account, a superfluid one for every AVAX streamer.
	await sql`insert into resources (item_hash, owner, message_type, payment_type, chain, receiver, cost_hold, cost_stream, cost_credit, cost_rows, message, message_time, accepted_at)
		select encode(sha256(('h' || i)::bytea), 'hex'), ${a("i")}, 'INSTANCE', 'hold', null, null, ((i % 7) * 400) * ${w}, 0, 0, '[]'::jsonb, '{}'::jsonb, 1740000000, now() - interval '1 day'
		from generate_series(3, ${n}, 5) i
		union all select encode(sha256(('s' || i)::bytea), 'hex'), ${a("i")}, 'INSTANCE', 'superfluid', 'AVAX', ${a(`${0xc000000} + (i % ${crns})`)},
			0, ((i % 3) + 1) * 1000000000000::numeric, 0, '[]'::jsonb, '{}'::jsonb, 1740000000, now() - interval '1 day'
		from generate_series(10, ${Math.floor(n / 2)}, 10) i`.execute(db);
	await sql`insert into credit_lots (address, credit_ref, credit_index, remaining, expiration_micros, granted_at_micros)
		select ${a("i")}, md5(i::text), 0, 1000000, null, 1740000000000000 from generate_series(11, ${n}, 100) i`.execute(db);
	await sql`vacuum analyze`.execute(db);
}

/** Runs the sweep (every entitlement recomputed) with the job processors, `lanes` pages at once. */
async function sweep(db: Db, lanes = 2): Promise<number> {
	const config = configOf("");
	const processors = createProcessors({
		db,
		chains: config.chains.map((c) => c.name),
		settings: getDefaultSettings(),
		horizonSeconds: config.alertHorizonSeconds,
	});
	const pending: JobRequest[] = [{ name: "entitlement.recompute-all", data: { run: "bench", after: null } }];
	let accounts = 0;
	const lane = async () => {
		for (;;) {
			const job = pending.shift();
			if (!job) return;
			const outcome =
				job.name === "entitlement.recompute-all"
					? await processors[job.name](job.data)
					: job.name === "entitlement.recompute-page"
						? await processors[job.name](job.data)
						: { next: [] };
			if (job.name === "entitlement.recompute-page") accounts += (outcome.result as { accounts: number }).accounts;
			// the listing first, so it stays ahead of the pages
			for (const next of outcome.next ?? [])
				if (next.name === "entitlement.recompute-all") pending.unshift(next);
				else if (next.name === "entitlement.recompute-page") pending.push(next);
		}
	};
	// Both lanes run until the queue is empty; a lane may find it empty while the other lists a page.
	while (pending.length > 0) await Promise.all(Array.from({ length: lanes }, lane));
	return accounts;
}

/** Child process: serves the app, prints its URL, runs until killed. */
async function serve(databaseUrl: string): Promise<void> {
	const database = await openDatabase({ databaseUrl, poolSize: 16 });
	const config = configOf(databaseUrl);
	const ctx = { config, db: database.db, pricing: getDefaultPricing(), settings: getDefaultSettings(), queue: null };
	const app = createApp({ ...ctx, logger: pino({ level: config.logLevel }), metrics: createMetrics() });
	const api = await startServer(app, { host: "127.0.0.1", port: 0 });
	process.stdout.write(`${JSON.stringify({ api: api.url })}\n`);
	process.once("SIGTERM", () => process.exit(0));
}

function startChild(databaseUrl: string): Promise<{ child: ChildProcess; api: string }> {
	const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
		env: { ...process.env, BENCH_SCALE_SERVE: databaseUrl },
		stdio: ["ignore", "pipe", "inherit"],
	});
	return new Promise((resolve, reject) => {
		let out = "";
		child.stdout?.on("data", (chunk) => {
			out += chunk;
			const line = out.split("\n").find((l) => l.startsWith("{"));
			if (line) resolve({ child, ...(JSON.parse(line) as { api: string }) });
		});
		child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
	});
}

async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once("exit", resolve));
	child.kill("SIGTERM");
	await exited;
}

const currentRssMb = (pid: number) =>
	Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024);

/** Median wall time of `runs` sequential GETs of `url`, ms (and the bytes of the last answer). */
async function timeGet(url: string, runs: number): Promise<{ ms: number; bytes: number }> {
	const times: number[] = [];
	let bytes = 0;
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const res = await fetch(url);
		if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
		// read as a stream, so the harness holds no more than a chunk
		bytes = 0;
		for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
		times.push(performance.now() - started);
	}
	times.sort((x, y) => x - y);
	return { ms: Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10, bytes };
}

async function load(url: string, request: () => Record<string, unknown>, seconds: number, rate?: number): Promise<AutocannonResult> {
	return loadTest(url, {
		url,
		connections: rate ? 8 : 16,
		duration: seconds,
		...(rate ? { overallRate: rate } : {}),
		requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, ...request() }) }],
	});
}

/** A can-pay body for a random account: a hold INSTANCE on ETH, or for an AVAX streamer its PAYG stream. */
function canPayBody(n: number): string {
	const i = 1 + Math.floor(Math.random() * n);
	const owner = account(i);
	const streamer = i % 10 === 0 && i <= n / 2;
	const payment = streamer ? { type: "superfluid", chain: "AVAX", receiver: crn(i % crnCount(n)) } : { type: "hold", chain: "ETH" };
	const content = {
		address: owner,
		time: 1_740_000_000,
		rootfs: { parent: { ref: "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595" }, size_mib: 20_480, persistence: "host" },
		resources: { vcpus: 1 + (i % 4), memory: 2048 * (1 + (i % 4)) },
		environment: { internet: true },
		payment,
	};
	return JSON.stringify({ message: { type: "INSTANCE", sender: owner, time: 1_740_000_000, content } });
}

type SizeResult = Record<string, number> & { accounts: number };

/** Fills, measures and drops one database of `n` accounts. */
async function runSize(n: number, seconds: number): Promise<SizeResult> {
	const url = await createBenchDatabase();
	const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
	const r: SizeResult = { accounts: n };
	let child: ChildProcess | undefined;
	try {
		await migrate(database.db);
		let t = performance.now();
		await seedScale(database.db, n);
		r.seedS = Math.round((performance.now() - t) / 100) / 10;
		const count = async (table: string) =>
			Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(database.db)).rows[0]?.n);
		r.transfers = await count("transfers");
		r.balanceRows = await count("balances");

		t = performance.now();
		await migrate(database.db);
		r.migrateNoopMs = Math.round(performance.now() - t);
		r.migrateCliMs = await migrateCli(url);

		t = performance.now();
		r.sweptAccounts = await sweep(database.db);
		r.sweepS = Math.round((performance.now() - t) / 100) / 10;
		r.sweepAccountsPerS = Math.round(r.sweptAccounts / r.sweepS);
		await sql`analyze`.execute(database.db);

		// balances-update first, in a fresh server, so the peak RSS is its own.
		const server = await startChild(url);
		child = server.child;
		await timeGet(`${server.api}/v1/accounts/${account(1)}`, 3);
		r.serverRssBeforeMb = currentRssMb(child.pid as number);
		const update = await timeGet(`${server.api}/v1/balances-update/ETH`, 1);
		r.balancesUpdateMs = update.ms;
		r.balancesUpdateMb = Math.round(update.bytes / 1e5) / 10;
		r.serverPeakRssMb = peakRssMb(child.pid as number);
		r.balancesUpdateRssMb = Math.max(1, r.serverPeakRssMb - r.serverRssBeforeMb);

		const randomAccount = () => ({ method: "GET", path: `/v1/accounts/${account(1 + Math.floor(Math.random() * n))}` });
		const json = { "content-type": "application/json" };
		const canPay = () => ({ method: "POST", path: "/v1/can-pay", headers: json, body: canPayBody(n) });
		for (const [name, request] of [
			["accounts", randomAccount],
			["canPay", canPay],
		] as const) {
			await load(server.api, request, 1);
			r[`${name}Rps`] = Math.round((await load(server.api, request, seconds)).requests.average);
			const fixed = await load(server.api, request, seconds, FIXED_RATE);
			r[`${name}P50Ms`] = fixed.latency.p50;
			r[`${name}P99Ms`] = fixed.latency.p99;
		}

		r.holdersFirstMs = (await timeGet(`${server.api}/v1/stats/holders?limit=100`, 5)).ms;
		r.holdersEthFirstMs = (await timeGet(`${server.api}/v1/stats/holders?chain=ETH&limit=100`, 5)).ms;
		const deep = await deepCursor(database.db, Math.floor(n / 2));
		r.holdersDeepMs = (await timeGet(`${server.api}/v1/stats/holders?limit=100&cursor=${deep}`, 5)).ms;
		r.loadAverage1m = Math.round((loadavg()[0] ?? 0) * 10) / 10;
		return r;
	} finally {
		if (child) await stopChild(child);
		await database.close();
		await dropBenchDatabases();
	}
}

/** The holders cursor after the holder ranked `rank` (all chains), as the route would have returned it. */
async function deepCursor(db: Db, rank: number): Promise<string> {
	const t = BigInt(Math.floor(Date.now() / 1000));
	const { rows } = await sql<{ address: string; total: string }>`
		select address, total::text from (select address, sum(amount) as total from (${flooredBalancesSql(["ETH", "AVAX", "BASE"], t)}) p group by address) h
		where total > 0 order by total desc, address offset ${rank} limit 1`.execute(db);
	const row = rows[0];
	if (!row) throw new Error("no holder at that rank");
	return encodeCursor([row.total, row.address]);
}

/** Times `aleph-oracle migrate` on the database, from the spawn to its exit (start-up included), ms. */
async function migrateCli(databaseUrl: string): Promise<number> {
	const env: Record<string, string> = { DATABASE_URL: databaseUrl, CHAINS: "ETH,AVAX,BASE", LOG_LEVEL: "warn" };
	for (const [chain, id, cfa] of [
		["ETH", 1, null],
		["AVAX", 43_114, 0xcfa1],
		["BASE", 8_453, 0xcfa2],
	] as const) {
		env[`${chain}_RPC_URL`] = "http://127.0.0.1:9";
		env[`${chain}_CHAIN_ID`] = String(id);
		env[`${chain}_TOKEN`] = account(0xa1e9 + id);
		if (cfa !== null) env[`${chain}_CFA`] = account(cfa);
	}
	const run = spawnWatcher(env, "migrate");
	const code = await new Promise<number | null>((resolve) => run.child.once("exit", resolve));
	if (code !== 0) throw new Error(`migrate exited with ${code}:\n${run.output().slice(-2000)}`);
	return Math.round(performance.now() - run.wallStart);
}

const COLUMNS: [key: string, label: string][] = [
	["accounts", "accounts"],
	["transfers", "transfers"],
	["seedS", "seed (s)"],
	["migrateNoopMs", "migrate, nothing to apply (ms)"],
	["migrateCliMs", "aleph-oracle migrate, spawn to exit (ms)"],
	["sweepS", "sweep of every entitlement (s)"],
	["sweepAccountsPerS", "sweep (accounts/s)"],
	["balancesUpdateMs", "balances-update ETH (ms)"],
	["balancesUpdateMb", "balances-update ETH (MB)"],
	["serverRssBeforeMb", "API RSS before it (MB)"],
	["serverPeakRssMb", "API peak RSS after it (MB)"],
	["balancesUpdateRssMb", "RSS growth during it (MB, min 1)"],
	["accountsRps", "accounts (req/s)"],
	["accountsP50Ms", `accounts p50 at ${FIXED_RATE}/s (ms)`],
	["accountsP99Ms", `accounts p99 at ${FIXED_RATE}/s (ms)`],
	["canPayRps", "can-pay (req/s)"],
	["canPayP50Ms", `can-pay p50 at ${FIXED_RATE}/s (ms)`],
	["canPayP99Ms", `can-pay p99 at ${FIXED_RATE}/s (ms)`],
	["holdersFirstMs", "holders first page (ms)"],
	["holdersEthFirstMs", "holders ETH first page (ms)"],
	["holdersDeepMs", "holders page at N/2 (ms)"],
	["loadAverage1m", "load average (1 min)"],
];

/** The results as a text table, one column per size and the growth factor between consecutive sizes. */
export function formatTable(results: SizeResult[]): string {
	const header = ["", ...results.flatMap((r, i) => (i === 0 ? [String(r.accounts)] : ["×", String(r.accounts)]))];
	const rows = COLUMNS.map(([key, label]) => [
		label,
		...results.flatMap((r, i) => {
			const value = String(r[key] ?? "");
			const previous = results[i - 1]?.[key];
			if (i === 0) return [value];
			const factor = previous && r[key] !== undefined ? (r[key] as number) / previous : Number.NaN;
			return [Number.isFinite(factor) ? factor.toFixed(1) : "", value];
		}),
	]);
	const widths = header.map((_, c) => Math.max(...[header, ...rows].map((row) => (row[c] ?? "").length)));
	return [header, ...rows]
		.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  "))
		.join("\n");
}

/** Series of the growth chart: a metric, its label and colour. */
const CHART_SERIES: [key: string, label: string, colour: string][] = [
	["sweepS", "sweep of every entitlement", "#1f77b4"],
	["balancesUpdateMs", "balances-update ETH", "#ff7f0e"],
	["holdersFirstMs", "holders, first page", "#2ca02c"],
	["holdersDeepMs", "holders, page at N/2", "#98df8a"],
	["accountsP50Ms", "accounts p50", "#9467bd"],
	["canPayP50Ms", "can-pay p50", "#8c564b"],
	["balancesUpdateRssMb", "balances-update RSS growth", "#d62728"],
	["migrateNoopMs", "migrate (nothing to apply)", "#7f7f7f"],
];

/**
 * An SVG chart of the growth: for each metric its value divided by its value at the smallest size,
 * against the number of accounts, both on log scales, with "flat" and "linear" for reference.
 */
export function growthChartSvg(results: SizeResult[]): string {
	const [width, height, left, right, top, bottom] = [760, 420, 60, 250, 30, 50];
	const sizes = results.map((r) => r.accounts);
	const x0 = Math.log10(Math.min(...sizes));
	const x1 = Math.log10(Math.max(...sizes));
	const span = Math.max(x1 - x0, 1);
	const yMax = span + 0.5;
	const yMin = -0.5;
	const round = (v: number) => Math.round(v * 10) / 10;
	const px = (n: number) => round(left + ((Math.log10(n) - x0) / span) * (width - left - right));
	const py = (factor: number) => round(top + ((yMax - Math.log10(Math.max(factor, 10 ** yMin))) / (yMax - yMin)) * (height - top - bottom));
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
		`<title>Cost relative to ${sizes[0]} accounts against the number of accounts, log–log</title>`,
		`<rect width="${width}" height="${height}" fill="white"/>`,
		`<text x="${left}" y="18" font-size="14">Cost relative to ${sizes[0]} accounts (log–log)</text>`,
	];
	for (let e = Math.ceil(yMin); e <= Math.floor(yMax); e++) {
		out.push(`<line x1="${left}" x2="${width - right}" y1="${py(10 ** e)}" y2="${py(10 ** e)}" stroke="#ddd"/>`);
		out.push(`<text x="${left - 6}" y="${py(10 ** e) + 4}" text-anchor="end">×${10 ** e}</text>`);
	}
	for (const n of sizes) {
		out.push(`<line x1="${px(n)}" x2="${px(n)}" y1="${top}" y2="${height - bottom}" stroke="#ddd"/>`);
		out.push(`<text x="${px(n)}" y="${height - bottom + 16}" text-anchor="middle">${n.toLocaleString("en")}</text>`);
	}
	out.push(`<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">accounts (10 × as many transfers)</text>`);
	const first = sizes[0] as number;
	const last = sizes.at(-1) as number;
	const reference = (factor: (n: number) => number, label: string) => {
		out.push(`<line x1="${px(first)}" y1="${py(1)}" x2="${px(last)}" y2="${py(factor(last))}" stroke="#999" stroke-dasharray="5,4"/>`);
		out.push(`<text x="${px(last) + 4}" y="${py(factor(last)) + 4}" fill="#777">${label}</text>`);
	};
	reference(() => 1, "flat");
	reference((n) => n / first, "linear");
	CHART_SERIES.forEach(([key, label, colour], i) => {
		const base = results[0]?.[key];
		const points = results
			.filter((r) => base && r[key] !== undefined)
			.map((r) => [px(r.accounts), py((r[key] as number) / (base as number))]);
		if (points.length === 0) return;
		out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => p.join(",")).join(" ")}"/>`);
		for (const [x, y] of points) out.push(`<circle cx="${x}" cy="${y}" r="3" fill="${colour}"/>`);
		const ly = top + 10 + i * 20;
		out.push(`<line x1="${width - right + 60}" x2="${width - right + 80}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
		out.push(`<text x="${width - right + 86}" y="${ly + 4}">${label}</text>`);
	});
	out.push("</svg>");
	return `${out.join("\n")}\n`;
}

/** Runs every size; returns the table's cells (flattened) for `npm run bench`. */
export async function runScaleBench(): Promise<Record<string, number | string>> {
	const sizes = (process.env.BENCH_SCALE_SIZES ?? "10000,100000").split(",").map(Number);
	const seconds = Number(process.env.BENCH_SECONDS ?? 4);
	const results: SizeResult[] = [];
	for (const n of sizes) {
		console.log(`scale: ${n} accounts…`);
		results.push(await runSize(n, seconds));
		console.log(JSON.stringify(results.at(-1)));
	}
	console.log(`\n${formatTable(results)}`);
	// BENCH_SCALE_OUT=<file>: the results as JSON; BENCH_SCALE_CHART=<file.svg>: the growth chart.
	if (process.env.BENCH_SCALE_OUT) writeFileSync(process.env.BENCH_SCALE_OUT, `${JSON.stringify(results, null, 1)}\n`);
	if (process.env.BENCH_SCALE_CHART) writeFileSync(process.env.BENCH_SCALE_CHART, growthChartSvg(results));
	return Object.fromEntries(results.flatMap((r) => Object.entries(r).map(([k, v]) => [`${r.accounts}.${k}`, v])));
}

const role = process.env.BENCH_SCALE_SERVE;
if (role) {
	await serve(role);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	process.env.BENCH_SCALE_SIZES ??= "10000,100000,1000000";
	await runScaleBench();
	process.exit(0);
}
