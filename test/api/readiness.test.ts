/**
 * Readiness and status from the database's point of view: ages measured with the database's
 * clock whatever the API host's clock says, and a head not read for a while is a lag unknown.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { wallClock } from "../../src/api/context.ts";
import { createTestApi, type TestApi } from "./helpers.ts";

const apis: TestApi[] = [];
afterEach(async () => {
	for (const api of apis.splice(0)) await api.database.drop();
});

/** An app whose clock is `skewSeconds` off the real one (the database's). */
async function api(skewSeconds: number): Promise<TestApi> {
	const created = await createTestApi({ now: () => wallClock() + BigInt(skewSeconds) });
	apis.push(created);
	return created;
}

/** Cursor rows written `ageSeconds` ago by the database clock; head read `headAgeSeconds` ago. */
async function seed(api: TestApi, chain: { ageSeconds?: number; headAgeSeconds?: number; only?: string } = {}) {
	for (const [name, id] of [
		["ETH", 1],
		["AVAX", 43_114],
		["BASE", 8_453],
	] as const) {
		const age = name === chain.only || chain.only === undefined ? (chain.ageSeconds ?? 0) : 0;
		const headAge = name === chain.only || chain.only === undefined ? (chain.headAgeSeconds ?? 0) : 0;
		await sql`insert into chains (chain, chain_id, token, cfa, start_block, indexed_block, indexed_hash, head_block, finalized_block, updated_at, head_read_at)
			values (${name}, ${id}, ${`0x${"1".repeat(40)}`}, null, 1, 1000, ${`0x${"ab".repeat(32)}`}, 1002, 990,
				now() - make_interval(secs => ${age}), now() - make_interval(secs => ${headAge}))`.execute(api.db);
	}
}

describe("freshness measured with the database's clock", () => {
	it("counts a chain just written as fresh when the API host's clock is 400 s ahead", async () => {
		const app = await api(400);
		await seed(app);
		const ready = await app.request("/ready");
		expect([ready.status, await ready.json()]).toEqual([200, { ok: true, reasons: [] }]);
		const status = (await (await app.request("/v1/status")).json()) as { chains: { stale: boolean }[] };
		expect(status.chains.map((c) => c.stale)).toEqual([false, false, false]);
		expect((await app.request("/v1/stats/supply")).status).toBe(200);
	});

	it("counts a chain written 350 s ago as stale when the API host's clock is 400 s behind", async () => {
		const app = await api(-400);
		await seed(app, { ageSeconds: 350, only: "AVAX" });
		const ready = await app.request("/ready");
		expect(ready.status).toBe(503);
		expect(((await ready.json()) as { reasons: string[] }).reasons).toEqual(["AVAX was last updated 350 s ago (limit 300 s)"]);
		const supply = await app.request("/v1/stats/supply");
		expect(supply.status).toBe(503);
	});
});

describe("a head not read for several poll intervals", () => {
	it("fails /ready and reports the lag as unknown in /v1/status", async () => {
		const app = await api(0);
		await seed(app, { headAgeSeconds: 60, only: "ETH" });
		const ready = await app.request("/ready");
		expect(ready.status).toBe(503);
		// testConfig polls every second: the limit is 5 polls, at least 10 s.
		expect(((await ready.json()) as { reasons: string[] }).reasons).toEqual(["ETH has not read its head block for 60 s (limit 10 s)"]);
		const status = (await (await app.request("/v1/status")).json()) as { chains: { chain: string; lagBlocks: number | null }[] };
		expect(status.chains.map((c) => [c.chain, c.lagBlocks])).toEqual([
			["ETH", null],
			["AVAX", 2],
			["BASE", 2],
		]);
	});
});
