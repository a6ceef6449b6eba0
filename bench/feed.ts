/**
 * The feed follower's backfill: 100k signed credit posts (distributions, expenses and transfers
 * among 2 000 addresses, signed by the issuer's delegate and by holders) on a local CCN running in
 * a child process; messages/s of the follower (verification and ledger, on a fresh Postgres
 * database) with verification on and off, against a baseline measured in the same run: fetching
 * and JSON-parsing the same pages, cursor by cursor, with no processing. `npx tsx bench/feed.ts`;
 * BENCH_FEED_POSTS (default 100 000) sizes it; BENCH_FEED_FILE keeps the signed history in a file
 * between runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sql } from "kysely";
import { creditDistribution, creditExpense, creditTransfer, securityAggregate } from "../devchain/ccn/messages.ts";
import { type AlephMessage, createSigner } from "../devchain/ccn/sign.ts";
import { loadConfig } from "../src/config/env.ts";
import { type Db, openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createFeedFollower } from "../src/feed/follower.ts";
import { CREDIT_FILTERS } from "../src/feed/scan.ts";
import { createLogger } from "../src/lib/logger.ts";
import { createBenchDatabase, runMain } from "./lib.ts";

const POSTS = Number(process.env.BENCH_FEED_POSTS ?? 100_000);
const ISSUER = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
const DELEGATE = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const HOLDERS = [
	"0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
] as const;
const SERVER = fileURLToPath(new URL("./feed-ccn.ts", import.meta.url));

/** The signed history: a security aggregate, then posts a second apart, 2 000 addresses. */
async function history(): Promise<AlephMessage[]> {
	const issuer = createSigner(ISSUER);
	const delegate = createSigner(DELEGATE);
	const holders = HOLDERS.map(createSigner);
	const addresses = [
		...Array.from({ length: 1_997 }, (_, i) => `0x${(0xb000 + i).toString(16).padStart(40, "0")}`),
		...holders.map((h) => h.address),
	];
	const t0 = Date.now() / 1000 - POSTS - 3_600;
	const out = [
		await issuer.sign(
			securityAggregate({
				sender: issuer.address,
				time: t0 - 10,
				authorizations: [{ address: delegate.address, types: ["POST"], channels: ["ALEPH_CREDIT"] }],
			}),
		),
	];
	for (let i = 0; i < POSTS; i++) {
		const time = t0 + i;
		const a = addresses[i % addresses.length] as string;
		const b = addresses[(i * 7 + 3) % addresses.length] as string;
		const common = { sender: delegate.address, address: issuer.address, time };
		if (i % 10 === 9) {
			const holder = holders[i % holders.length] as (typeof holders)[number];
			const to = a === holder.address ? b : a;
			out.push(await holder.sign(creditTransfer({ sender: holder.address, time, credits: [{ address: to, amount: 5 }] })));
		} else if (i % 4 === 3) {
			out.push(
				await delegate.sign(
					creditExpense({
						...common,
						credits: [{ address: a, amount: 100, price: 3.9583333333333335, time: 3600, execution_id: "e".repeat(64) }],
					}),
				),
			);
		} else {
			out.push(
				await delegate.sign(
					creditDistribution({
						...common,
						credits: [
							{ address: a, amount: 10_000 },
							{ address: b, amount: 500, expiration: (time + 86_400 * 30) * 1000 },
						],
					}),
				),
			);
		}
	}
	return out;
}

/** The local CCN in its own process (a CCN is another machine: its CPU is not the follower's). */
export async function startCcnProcess(file: string): Promise<{ url: string; child: ChildProcess }> {
	const child = spawn(process.execPath, ["--import", "tsx", SERVER, file], { stdio: ["ignore", "pipe", "inherit"] });
	const url = await new Promise<string>((resolve, reject) => {
		let out = "";
		child.stdout?.on("data", (d) => {
			out += d;
			const m = /^url (\S+)$/m.exec(out);
			if (m) resolve(m[1] as string);
		});
		child.once("exit", (code) => reject(new Error(`the CCN process exited (${code})`)));
	});
	return { url, child };
}

/** Fetches and parses every page of a filter set in cursor mode, nothing else; messages/s. */
export async function fetchAndParseRate(url: string, filters: Record<string, string>): Promise<number> {
	const started = performance.now();
	let count = 0;
	let cursor = "";
	for (;;) {
		const query = new URLSearchParams({ ...filters, sortBy: "time", sortOrder: "1", pagination: "200", cursor });
		const body = JSON.parse(await (await fetch(`${url}/api/v0/messages.json?${query}`)).text()) as {
			messages: unknown[];
			next_cursor: string | null;
		};
		count += body.messages.length;
		if (!body.next_cursor) break;
		cursor = body.next_cursor;
	}
	return count / ((performance.now() - started) / 1000);
}

/** Waits for a follower's first catch-up of its CCN. */
export async function untilFirstSync(db: Db): Promise<void> {
	for (;;) {
		const synced = await db.selectFrom("feed_sources").select("synced_at").where("synced_at", "is not", null).executeTakeFirst();
		if (synced) return;
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** A follower on a fresh database until its first catch-up; messages/s over the backfill. */
async function follow(url: string, verify: boolean): Promise<{ perSecond: number; seconds: number; applied: number }> {
	const databaseUrl = await createBenchDatabase();
	const database = await openDatabase({ databaseUrl, poolSize: 1, idleTimeoutMs: 0 });
	const reads = await openDatabase({ databaseUrl, poolSize: 2 });
	await migrate(database.db);
	const feed = loadConfig({ ALEPH_API_URLS: url, ALEPH_FEED_POLL_MS: "100", CREDIT_ISSUERS: createSigner(ISSUER).address }).feed;
	const follower = createFeedFollower({
		db: database.db,
		readDb: reads.db,
		feed,
		logger: createLogger("warn"),
		verify,
		receptionScan: false,
	});
	const started = performance.now();
	follower.start().catch(() => {});
	try {
		await untilFirstSync(database.db);
		const seconds = (performance.now() - started) / 1000;
		const { rows } = await sql<{ n: bigint }>`select count(*)::int8 as n from feed_messages where status = 'applied'`.execute(database.db);
		return { perSecond: Math.round(POSTS / seconds), seconds: Number(seconds.toFixed(1)), applied: Number(rows[0]?.n ?? 0n) };
	} finally {
		await follower.stop();
		await database.close();
		await reads.close();
	}
}

export async function runFeedBench(): Promise<Record<string, number | string>> {
	let started = performance.now();
	// BENCH_FEED_FILE keeps the signed history between runs (it is signed when the file is missing).
	const file = process.env.BENCH_FEED_FILE ?? join(tmpdir(), `feed-bench-${process.pid}.jsonl`);
	if (!process.env.BENCH_FEED_FILE || !existsSync(file)) writeFileSync(file, (await history()).map((m) => JSON.stringify(m)).join("\n"));
	const signSeconds = (performance.now() - started) / 1000;
	const ccn = await startCcnProcess(file);
	try {
		await fetchAndParseRate(ccn.url, CREDIT_FILTERS); // builds the CCN's page cache, as a long-running CCN has it
		const before = await fetchAndParseRate(ccn.url, CREDIT_FILTERS);
		const on = await follow(ccn.url, true);
		const off = await follow(ccn.url, false);
		const after = await fetchAndParseRate(ccn.url, CREDIT_FILTERS);
		const base = (before + after) / 2;
		started = performance.now();
		return {
			posts: POSTS,
			sign_seconds: Number(signSeconds.toFixed(1)),
			baseline_fetch_parse_msgs_per_s: Math.round(base),
			follower_verify_on_msgs_per_s: on.perSecond,
			follower_verify_on_seconds: on.seconds,
			ratio_verify_on: Number((on.perSecond / base).toFixed(2)),
			follower_verify_off_msgs_per_s: off.perSecond,
			ratio_verify_off: Number((off.perSecond / base).toFixed(2)),
			applied_messages: on.applied,
			load_average: (await import("node:os"))
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(" "),
		};
	} finally {
		ccn.child.kill("SIGTERM");
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runMain("Feed: backfill of signed credit posts", runFeedBench);
