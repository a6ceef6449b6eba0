/**
 * The API's cache of account inputs across processes: two `serve` processes on one database, both
 * with the account in their cache, then one commit through the real write path (a resource
 * registered by the ledger, from a third process: this one); the first request to each after the
 * COMMIT returned must answer the new verdict. Without the notifications (migration 0009) they
 * keep answering the cached one.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../devchain/free-port.ts";
import { registerResource } from "../../src/ledger/resources.ts";
import { getDefaultPricing, getDefaultSettings } from "../../src/pricing/index.ts";
import { type CliProcess, spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { eventually, instanceMessage, itemHash } from "../helpers/system.ts";

const OWNER = "0x00000000000000000000000000000000000000c1";
const WEI = 10n ** 18n;

let database: TestDatabase;
const servers: { cli: CliProcess; url: string }[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
	await sql`insert into chains (chain, chain_id, token, start_block, indexed_block, indexed_hash, head_block)
		values ('ETH', 1, ${`0x${"aa".repeat(20)}`}, 0, 100, ${`0x${"11".repeat(32)}`}, 100)`.execute(database.db);
	// 1 500 ALEPH: one 1 000 ALEPH instance fits, two do not.
	await sql`insert into balances (chain, address, amount) values ('ETH', ${OWNER}, ${(1_500n * WEI).toString()}::numeric)`.execute(
		database.db,
	);
	for (let i = 0; i < 2; i++) {
		const port = await findFreePort();
		const cli = spawnCli("serve", {
			DATABASE_URL: database.url,
			REDIS_URL: "redis://127.0.0.1:6379",
			CHAINS: "ETH",
			ETH_RPC_URL: "http://127.0.0.1:9",
			PORT: String(port),
			STALE_AFTER_SECONDS: "86400",
		});
		servers.push({ cli, url: `http://127.0.0.1:${port}` });
	}
	for (const s of servers) await eventually(() => fetch(`${s.url}/health`).catch(() => undefined), 60_000, `${s.url}/health`);
});

afterAll(async () => {
	for (const s of servers) if (s.cli.child.exitCode === null) s.cli.child.kill("SIGTERM");
	await Promise.all(servers.map((s) => s.cli.exited));
	await database?.drop();
});

async function canPay(url: string): Promise<{ allowed: boolean | null; lockedHold: { aleph: string } }> {
	const response = await fetch(`${url}/v1/can-pay`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ message: instanceMessage(OWNER) }),
	});
	expect(response.status).toBe(200);
	return (await response.json()) as { allowed: boolean | null; lockedHold: { aleph: string } };
}

/** The cache lookups of a server's live reader, from its /metrics. */
async function liveLookups(url: string): Promise<{ hit: number; miss: number }> {
	const text = await (await fetch(`${url}/metrics`)).text();
	const count = (result: string) =>
		Number(new RegExp(`aleph_oracle_api_account_cache_lookups_total\\{reader="live",result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
	return { hit: count("hit"), miss: count("miss") };
}

describe("the account cache of two serve processes", () => {
	it("serves the new verdict from both after one commit that changes it", async () => {
		// Warm both caches: a read caches the account once the process listens (eventually: LISTEN
		// is set up next to the server), and the next request is served from memory.
		for (const s of servers) {
			expect((await canPay(s.url)).allowed).toBe(true);
			await eventually(
				async () => ((await canPay(s.url)).allowed === true && (await liveLookups(s.url)).hit > 0) || undefined,
				30_000,
				"a cache hit",
			);
		}
		const hitsBefore = await Promise.all(servers.map((s) => liveLookups(s.url)));

		// One commit, by the ledger (the path PUT /v1/resources takes), in this process: 1 000 ALEPH locked.
		const registered = await registerResource(
			database.db,
			{ itemHash: itemHash(), message: instanceMessage(OWNER) },
			{ pricing: getDefaultPricing(), settings: getDefaultSettings(), now: new Date() },
		);
		expect(registered.ok).toBe(true);

		// The first request to each after the COMMIT returned already has it: a cache hit waits for the
		// notifications of the commits before it (one round trip on the listening connection).
		const answers = await Promise.all(servers.map((s) => canPay(s.url)));
		for (const answer of answers) {
			expect(answer.allowed).toBe(false);
			expect(answer.lockedHold.aleph).toBe("1000");
		}
		// Both kept serving from their cache (the verdict changed by eviction, not because the cache was off).
		const hitsAfter = await Promise.all(servers.map((s) => liveLookups(s.url)));
		for (const [i, after] of hitsAfter.entries())
			expect(after.hit + after.miss).toBeGreaterThan((hitsBefore[i]?.hit ?? 0) + (hitsBefore[i]?.miss ?? 0));
		// And the new verdict is cached in turn: repeated requests hit, and stay at the new verdict.
		for (const s of servers) {
			const before = (await liveLookups(s.url)).hit;
			for (let i = 0; i < 3; i++) expect((await canPay(s.url)).allowed).toBe(false);
			expect((await liveLookups(s.url)).hit).toBeGreaterThan(before);
		}
	});
});
