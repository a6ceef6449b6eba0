/**
 * Two CCNs, one of them failing (timeouts, HTTP 500, truncated JSON, garbage) and lying about one
 * message: the balances are the union of what they list, verified; /v1/status shows which feed is
 * behind; /ready fails only once every feed is stale.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditDistribution, creditExpense } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { createTestApi, seedChains, type TestApi } from "../api/helpers.ts";
import { type Harness, issuer, startFollower, storedBalances, testFeed, users, waitSynced } from "./helpers.ts";

let api: TestApi;
let good: LocalCcn;
let bad: LocalCcn;
let harness: Harness;
const [alice, bob] = users.map((u) => u.address.toLowerCase()) as [string, string];
const wallClock = () => BigInt(Math.floor(Date.now() / 1000));

async function status() {
	return (await (await api.request("/v1/status")).json()) as {
		feeds: {
			url: string;
			stale: boolean;
			lagSeconds: number | null;
			lastError: string | null;
			messages: { applied: number; invalid: number };
		}[];
	};
}

/**
 * The chains are seeded, not watched: their head reads age while the test runs, and a slow
 * machine would see /ready fail for the chains. Each readiness probe first plays a live watcher.
 */
async function ready(): Promise<Response> {
	await api.db.updateTable("chains").set({ head_read_at: sql<Date>`now()`, updated_at: sql<Date>`now()` }).execute();
	return api.request("/ready");
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

beforeAll(async () => {
	good = await startLocalCcn();
	bad = await startLocalCcn({ seed: 7 });
	const t = Date.now() / 1000 - 3600;
	const sign = (m: Parameters<typeof issuer.sign>[0]) => issuer.sign(m);
	const messages = [
		await sign(
			creditDistribution({ sender: issuer.address, address: issuer.address, time: t, credits: [{ address: alice, amount: 500 }] }),
		),
		await sign(
			creditDistribution({ sender: issuer.address, address: issuer.address, time: t + 1, credits: [{ address: bob, amount: 300 }] }),
		),
		await sign(creditExpense({ sender: issuer.address, address: issuer.address, time: t + 2, credits: [{ address: alice, amount: 100 }] })),
	];
	// The good CCN lists the first two, the bad one all three; it lies about the second (another signature).
	good.insert(messages[0] as never);
	good.insert(messages[1] as never);
	bad.insert(messages[0] as never);
	const lie = messages[1] as { signature: string };
	bad.insert({
		...messages[1],
		signature: `${lie.signature.slice(0, -4)}${lie.signature.slice(-4) === "1b1c" ? "1c1b" : "1b1c"}`,
	} as never);
	bad.insert(messages[2] as never);
	bad.setFaults({ hang: 0.1, http500: 0.1, truncate: 0.1, garbage: 0.1 });

	const feed = testFeed([good.url, bad.url], { ALEPH_FEED_TIMEOUT_MS: "300", ALEPH_FEED_MAX_LAG_SECONDS: "3" });
	api = await createTestApi({ now: wallClock }, { feed });
	await seedChains(api.db);
	harness = await startFollower(api.database, feed);
});

afterAll(async () => {
	await harness?.stop();
	await api?.database.drop();
	await good?.stop();
	await bad?.stop();
});

describe("two CCNs, one failing and lying", () => {
	it("the balances are the union of what they list, each message verified; the lie is counted under the CCN that told it", async () => {
		await waitSynced(api.db, [good.url, bad.url], new Date(0), 90_000);
		expect(bad.stats.faults.hang + bad.stats.faults.http500 + bad.stats.faults.truncate + bad.stats.faults.garbage).toBeGreaterThan(0);
		expect(Object.fromEntries(await storedBalances(api.db))).toEqual({ [alice]: 400n, [bob]: 300n });
		const feeds = (await status()).feeds;
		expect(feeds.map((f) => f.url)).toEqual([good.url, bad.url]);
		const invalid = feeds.map((f) => f.messages.invalid);
		expect(invalid).toEqual([0, 1]);
		expect(feeds.reduce((n, f) => n + f.messages.applied, 0)).toBe(3);
	});

	it("/v1/status shows the failing feed behind, and /ready stays 200 while one feed is current", async () => {
		bad.setFaults({ http500: 1 });
		const feeds = await until("the bad feed to be stale", async () => {
			const { feeds } = await status();
			return feeds[1]?.stale && feeds[1].lastError ? feeds : undefined;
		});
		expect(feeds[0]).toMatchObject({ url: good.url, stale: false });
		expect(feeds[1]).toMatchObject({ url: bad.url, stale: true, lastError: expect.stringContaining("HTTP 500") });
		expect(feeds[1]?.lagSeconds).toBeGreaterThan(feeds[0]?.lagSeconds ?? 0);
		expect((await ready()).status).toBe(200);
		const metrics = await (await api.request("/metrics")).text();
		expect(metrics).toMatch(/aleph_oracle_feed_lag_seconds\{url="http:[^"]+"\} \d+/);
	});

	it("/ready fails once every feed is stale", async () => {
		good.setFaults({ http500: 1 });
		const body = await until("readiness to fail", async () => {
			const res = await ready();
			return res.status === 503 ? ((await res.json()) as { reasons: string[] }) : undefined;
		});
		expect(body.reasons.join(" ")).toContain("every network feed is stale");
		good.setFaults({});
		await until("readiness to come back", async () => ((await ready()).status === 200 ? true : undefined));
	});
});
