import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createRangeSizer, fetchRanges } from "../src/indexer/block-ranges.ts";
import { decodeLogs } from "../src/indexer/events.ts";
import { eth_getLogsRange, type LogFilter } from "../src/rpc/actions.ts";
import { createRpcClient } from "../src/rpc/client.ts";

const CLI = fileURLToPath(new URL("../bin/aleph-oracle.js", import.meta.url));
/** The Postgres server the benchmarks create their databases on (as the tests do). */
const SERVER = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";

const created: string[] = [];

async function admin(statement: string): Promise<void> {
	const client = new pg.Client({ connectionString: SERVER });
	await client.connect();
	try {
		await client.query(statement);
	} finally {
		await client.end();
	}
}

/** Creates an empty database for one benchmark run (dropped by `dropBenchDatabases`); returns its URL. */
export async function createBenchDatabase(): Promise<string> {
	const name = `oracle_bench_${randomBytes(4).toString("hex")}`;
	await admin(`create database ${name}`);
	created.push(name);
	const url = new URL(SERVER);
	url.pathname = `/${name}`;
	return url.toString();
}

/** Drops the databases this process created. */
export async function dropBenchDatabases(): Promise<void> {
	for (const name of created.splice(0)) await admin(`drop database if exists ${name} with (force)`);
}

/** Peak resident set size (VmHWM) of a process and its descendants, summed, MB. */
export function peakRssMb(pid: number): number {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// the fields after the command name, which may hold spaces and parentheses
			const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
			const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
		} catch {
			// the process ended meanwhile
		}
	}
	let kb = 0;
	const pending = [pid];
	while (pending.length > 0) {
		const p = pending.pop() as number;
		pending.push(...(children.get(p) ?? []));
		try {
			kb += Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
		} catch {
			// the process ended meanwhile
		}
	}
	return Math.round(kb / 1024);
}

/**
 * The baseline: a bare eth_getLogs loop over the same block range, with the same range size
 * and requests in flight as the indexer, decoding every log (no database). `filters` are the
 * token's filter, then optionally the CFA's FlowUpdated and FlowUpdatedExtension filters.
 * Counts raw logs, like the indexer's own count.
 */
export async function bareGetLogs(options: {
	url: string;
	filters: LogFilter[];
	cfa?: string;
	from: bigint;
	to: bigint;
	range: number;
	inFlight: number;
}): Promise<{ logs: number; seconds: number; logsPerSecond: number }> {
	const rpc = createRpcClient({ urls: [options.url], timeoutMs: 60_000 });
	const started = performance.now();
	let logs = 0;
	for await (const r of fetchRanges({
		from: options.from,
		to: options.to,
		sizer: createRangeSizer(options.range, options.range),
		inFlight: options.inFlight,
		fetch: (from, to) => Promise.all(options.filters.map((f) => eth_getLogsRange(rpc, f, from, to))),
		merge: (parts) => parts[0]?.map((_, i) => parts.flatMap((p) => p[i] ?? [])) ?? [],
	})) {
		const [tokenLogs = [], flowLogs = [], extensionLogs = []] = r.value;
		decodeLogs({ tokenLogs, flowLogs, extensionLogs, cfa: options.cfa });
		logs += tokenLogs.length + flowLogs.length + extensionLogs.length;
	}
	const seconds = (performance.now() - started) / 1000;
	return { logs, seconds, logsPerSecond: Math.round(logs / seconds) };
}

export type WatchRun = { child: ChildProcess; output: () => string; wallStart: number; spawnedAt: number };

/** Starts `aleph-oracle <role>` (default `watch`) as a child process with the given environment. */
export function spawnWatcher(env: Record<string, string>, role = "watch"): WatchRun {
	const spawnedAt = Date.now();
	const wallStart = performance.now();
	const child = spawn(process.execPath, [CLI, role], {
		env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "info", ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let output = "";
	child.stdout?.on("data", (d) => {
		output += d;
	});
	child.stderr?.on("data", (d) => {
		output += d;
	});
	return { child, output: () => output, wallStart, spawnedAt };
}

const logLine = (run: WatchRun, msg: string) =>
	run
		.output()
		.split("\n")
		.find((l) => l.includes(`"msg":"${msg}"`));

/**
 * Waits for the watcher's "Finished backfill" log line and returns its counts, the wall time
 * since the spawn and the time from the spawn to "Started backfill" (the start-up), seconds.
 */
export async function finishedBackfill(
	run: WatchRun,
	timeoutMs = 600_000,
): Promise<{ logs: number; seconds: number; wallSeconds: number; startedSeconds: number }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const line = logLine(run, "Finished backfill");
		if (line) {
			const parsed = JSON.parse(line) as { logs: number; seconds: number };
			const started = JSON.parse(logLine(run, "Started backfill") ?? "{}") as { time?: number };
			return {
				logs: parsed.logs,
				seconds: parsed.seconds,
				wallSeconds: (performance.now() - run.wallStart) / 1000,
				startedSeconds: ((started.time ?? run.spawnedAt) - run.spawnedAt) / 1000,
			};
		}
		if (run.child.exitCode !== null) throw new Error(`watcher exited early:\n${run.output().slice(-2000)}`);
		if (Date.now() > deadline) throw new Error("backfill did not finish in time");
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Polls `url` (a `/ready`) every 50 ms until it answers 200; returns the seconds since the spawn. */
export async function waitReady(run: WatchRun, url: string, timeoutMs = 600_000): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const ok = await fetch(url).then(
			(r) => r.status === 200,
			() => false,
		);
		if (ok) return (performance.now() - run.wallStart) / 1000;
		if (run.child.exitCode !== null) throw new Error(`the process exited early:\n${run.output().slice(-2000)}`);
		if (Date.now() > deadline) throw new Error(`${url} did not answer 200 in time`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** Stops a child with SIGTERM and waits for it. */
export async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once("exit", resolve));
	child.kill("SIGTERM");
	await exited;
}

/** Runs a benchmark as a script: prints its results, drops its databases, exits. */
export async function runMain(title: string, run: () => Promise<Record<string, number | string>>): Promise<void> {
	try {
		print(title, await run());
	} finally {
		await dropBenchDatabases();
	}
	process.exit(0);
}

export function print(title: string, results: Record<string, number | string>): void {
	console.log(`\n## ${title}`);
	for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(34)} ${v}`);
}

/** What the benchmarks read of an autocannon result. */
export type AutocannonResult = {
	requests: { average: number; total: number };
	latency: { p50: number; p99: number };
	non2xx: number;
	errors: number;
	timeouts: number;
	statusCodeStats: Record<string, { count: number }>;
};

// autocannon ships no types; it is loaded through require with the shape used here.
const autocannon = createRequire(import.meta.url)("autocannon") as (options: Record<string, unknown>) => Promise<AutocannonResult>;

/** One autocannon run; throws when any request failed (a non-2xx answer, an error or a timeout), naming `label`. */
export async function loadTest(label: string, options: Record<string, unknown>): Promise<AutocannonResult> {
	const result = await autocannon(options);
	const bad = result.non2xx + result.errors + result.timeouts;
	if (bad > 0) throw new Error(`${label}: ${bad} failed requests (${JSON.stringify(result.statusCodeStats)})`);
	return result;
}

/** The median of `values` (the upper one of an even count). */
export const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
