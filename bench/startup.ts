/**
 * Start-up benchmark (issue 15, target 2): `aleph-oracle serve` spawned on a migrated Postgres
 * database, timed from the spawn to the first `GET /health` = 200 (polled every 10 ms), 10 times
 * each, interleaved: the compiled CLI (`node bin/aleph-oracle.js serve`, running `dist/` from
 * `npm run build`) and the TypeScript compiled by tsx at every start (`node --import tsx
 * bin/cli.ts serve`, what the launcher did before). With and without Redis (BullMQ is loaded only
 * with it). Median and max per variant.
 *
 * Run: `npx tsx bench/startup.ts` (BENCH_STARTS: spawns per variant, default 10). Builds `dist/`
 * first when it is missing or older than the sources.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { findFreePort } from "../devchain/free-port.ts";
import { createTestDatabase } from "../test/helpers/database.ts";
import { median } from "./lib.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const VARIANTS = {
	compiled: ["bin/aleph-oracle.js", "serve"],
	tsx: ["--import", "tsx", "bin/cli.ts", "serve"],
} as const;

/** Spawn → first /health = 200, ms. */
async function timeStart(args: readonly string[], env: Record<string, string>): Promise<number> {
	const port = await findFreePort();
	const started = performance.now();
	const child: ChildProcess = spawn(process.execPath, args, {
		cwd: ROOT,
		env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", PORT: String(port), ...env },
		stdio: ["ignore", "ignore", "inherit"],
	});
	const exited = new Promise((resolve) => child.once("exit", resolve));
	try {
		for (;;) {
			if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
			const status = await fetch(`http://127.0.0.1:${port}/health`).then(
				(r) => r.status,
				() => 0,
			);
			if (status === 200) return performance.now() - started;
			if (performance.now() - started > 60_000) throw new Error("serve did not answer /health within 60 s");
			await new Promise((r) => setTimeout(r, 10));
		}
	} finally {
		child.kill("SIGTERM");
		await exited;
	}
}

/** Runs the benchmark and returns its numbers. */
export async function runStartupBench(): Promise<Record<string, number | string>> {
	const starts = Number(process.env.BENCH_STARTS ?? 10);
	execFileSync(process.execPath, ["bin/build.js"], { cwd: ROOT, stdio: "ignore" });
	const database = await createTestDatabase();
	try {
		const base = { DATABASE_URL: database.url, CHAINS: "ETH", ETH_RPC_URL: "http://127.0.0.1:9" };
		const setups = { noRedis: base, redis: { ...base, REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379" } };
		const results: Record<string, number | string> = { starts, loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10 };
		for (const [setup, env] of Object.entries(setups)) {
			const times: Record<string, number[]> = { compiled: [], tsx: [] };
			// one warm-up of each (file system cache), then interleaved
			for (const args of Object.values(VARIANTS)) await timeStart(args, env);
			for (let i = 0; i < starts; i++) for (const [name, args] of Object.entries(VARIANTS)) times[name]?.push(await timeStart(args, env));
			for (const [name, t] of Object.entries(times)) {
				results[`${setup}.${name}.medianMs`] = Math.round(median(t));
				results[`${setup}.${name}.maxMs`] = Math.round(Math.max(...t));
			}
		}
		results.loadAverage1mAfter = Math.round((loadavg()[0] ?? 0) * 10) / 10;
		return results;
	} finally {
		await database.drop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	const results = await runStartupBench();
	console.log("\n## Start-up: spawn → /health = 200");
	for (const [key, value] of Object.entries(results)) console.log(`${key.padEnd(36)} ${value}`);
	process.exit(0);
}
