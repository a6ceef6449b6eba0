import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recomputeEntitlements } from "../../src/entitlements/recompute.ts";
import { checksum } from "../../src/lib/address.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";
import {
	addr,
	COMMUNITY,
	createTestApi,
	flow,
	NOW,
	resource,
	seedChains,
	streamAccount,
	type TestApi,
	transfer,
	WEI,
	ZERO,
} from "./helpers.ts";

const [A, B, C, D, E, CRN] = [addr(0xa), addr(0xb), addr(0xc), addr(0xd), addr(0xe), addr(0xc12)];
// BASE: F (1 ALEPH, 1e15 wei/s for 10 000 s) is already critical; G (10 ALEPH, the same for 1 000 s) runs dry in 9 000 s.
const [F, G] = [addr(0xf), addr(0x6)];
let api: TestApi;

beforeAll(async () => {
	api = await createTestApi();
	await seedChains(api.db, { block: 5_000n });
	// ETH: A 999 999.999999999999999997, B 5, C 0.5 (after burning 0.5), D 3 wei.
	await transfer(api.db, { chain: "ETH", block: 0n, logIndex: -1, from: ZERO, to: A, value: 1_000_006n * WEI, txHash: null });
	await transfer(api.db, { chain: "ETH", block: 10n, logIndex: 0, from: A, to: B, value: 5n * WEI });
	await transfer(api.db, { chain: "ETH", block: 11n, logIndex: 0, from: A, to: C, value: WEI });
	await transfer(api.db, { chain: "ETH", block: 12n, logIndex: 0, from: C, to: ZERO, value: WEI / 2n });
	await transfer(api.db, { chain: "ETH", block: 13n, logIndex: 0, from: A, to: D, value: 3n });
	// AVAX: B also holds 20; E minted 100 and streams 1e15 wei/s (3.6 ALEPH/h) for 10 000 s, deposit 1:
	// 100 − 10 − 1 = 89 ALEPH available now, dry in 89 000 s; CRN received 8 of it, the community wallet 2.
	await transfer(api.db, { chain: "AVAX", block: 3n, logIndex: 0, from: ZERO, to: B, value: 20n * WEI });
	await transfer(api.db, { chain: "AVAX", block: 4n, logIndex: 0, from: ZERO, to: E, value: 100n * WEI });
	await streamAccount(api.db, { chain: "AVAX", address: E, netFlowRate: -(10n ** 15n), deposit: WEI, updatedAt: NOW - 10_000n });
	await streamAccount(api.db, { chain: "AVAX", address: CRN, netFlowRate: 8n * 10n ** 14n, updatedAt: NOW - 10_000n });
	await streamAccount(api.db, { chain: "AVAX", address: COMMUNITY, netFlowRate: 2n * 10n ** 14n, updatedAt: NOW - 10_000n });
	await flow(api.db, { chain: "AVAX", sender: E, receiver: CRN, rate: 8n * 10n ** 14n });
	await flow(api.db, { chain: "AVAX", sender: E, receiver: COMMUNITY, rate: 2n * 10n ** 14n });
	await transfer(api.db, { chain: "BASE", block: 5n, logIndex: 0, from: ZERO, to: F, value: WEI });
	await transfer(api.db, { chain: "BASE", block: 6n, logIndex: 0, from: ZERO, to: G, value: 10n * WEI });
	await streamAccount(api.db, { chain: "BASE", address: F, netFlowRate: -(10n ** 15n), updatedAt: NOW - 10_000n });
	await streamAccount(api.db, { chain: "BASE", address: G, netFlowRate: -(10n ** 15n), updatedAt: NOW - 1_000n });
	// Ledger: one hold resource of A, two credit resources (0.5 and 0.25 credit per second).
	await resource(api.db, { itemHash: "h1", owner: A, paymentType: "hold", hold: 10n * WEI, agoSeconds: 100 });
	await resource(api.db, { itemHash: "c1", owner: B, paymentType: "credit", credit: WEI / 2n, agoSeconds: 90 });
	await resource(api.db, { itemHash: "c2", owner: C, paymentType: "credit", credit: WEI / 4n, agoSeconds: 80 });
	// Alerts: two open insufficient_balance, one resolved; one open stream_running_dry.
	await api.db
		.insertInto("alerts")
		.values([
			{ address: A, kind: "insufficient_balance", subject: "", status: "open", detail: sql`'{}'::jsonb` },
			{ address: B, kind: "insufficient_balance", subject: "", status: "open", detail: sql`'{}'::jsonb` },
			{ address: C, kind: "insufficient_balance", subject: "", status: "resolved", detail: sql`'{}'::jsonb`, resolved_at: new Date() },
			{ address: E, kind: "stream_running_dry", subject: "AVAX", status: "open", detail: sql`'{}'::jsonb` },
		])
		.execute();
});
afterAll(async () => {
	await api.database.drop();
});

async function get(path: string) {
	const res = await api.request(path);
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const amount = (wei: bigint, aleph: string) => ({ wei: wei.toString(), aleph });

describe("GET /v1/stats/totals", () => {
	it("counts holders per chain and distinct over all, open streams and their rate, credit spend", async () => {
		const { status, body } = await get("/v1/stats/totals");
		expect(status).toBe(200);
		const avax = {
			streams: 2,
			senders: 1,
			receivers: 2,
			flowRate: { weiPerSecond: "1000000000000000", alephPerSecond: "0.001" },
			perHour: amount(36n * 10n ** 17n, "3.6"),
		};
		expect(body).toEqual({
			// A, B, C, D on ETH; B, E, CRN and the community wallet on AVAX; G on BASE (F is below 0): B counted once in all.
			holders: { total: 8, chains: { ETH: 4, AVAX: 4, BASE: 1 } },
			streams: {
				...avax,
				chains: {
					AVAX: avax,
					BASE: { streams: 0, senders: 0, receivers: 0, flowRate: { weiPerSecond: "0", alephPerSecond: "0" }, perHour: amount(0n, "0") },
				},
			},
			credits: { resources: 2, perSecond: "0.75", perDay: "64800" },
		});
	});
});

describe("GET /v1/stats/distribution", () => {
	it("buckets holders by power of ten of their balance summed over chains, empty decades in between included", async () => {
		const { status, body } = await get("/v1/stats/distribution");
		expect(status).toBe(200);
		const buckets = body.buckets as {
			decade: number;
			holders: number;
			from: { aleph: string };
			to: { aleph: string };
			balance: { aleph: string };
		}[];
		expect(body.chain).toBeNull();
		// D: 3 wei (decade −18); C: 0.5 (−1); CRN 8, community 2, G 9 (0); B: 5 + 20 = 25 and E: 89 (1); A (5).
		expect(buckets.map((b) => b.decade)).toEqual(Array.from({ length: 24 }, (_, i) => i - 18));
		const nonEmpty = buckets.filter((b) => b.holders > 0).map((b) => [b.decade, b.holders, b.balance.aleph]);
		expect(nonEmpty).toEqual([
			[-18, 1, "0.000000000000000003"],
			[-1, 1, "0.5"],
			[0, 3, "19"],
			[1, 2, "114"],
			[5, 1, "999999.999999999999999997"],
		]);
		expect(buckets.find((b) => b.decade === 1)).toMatchObject({ from: { aleph: "10" }, to: { aleph: "100" } });
		expect(buckets[0]).toMatchObject({ from: { aleph: "0.000000000000000001" }, to: { aleph: "0.00000000000000001" } });
		const holders = buckets.reduce((n, b) => n + b.holders, 0);
		expect(holders).toBe(((await get("/v1/stats/totals")).body.holders as { total: number }).total);
	});

	it("reads one chain when asked, and rejects an unknown one naming the field", async () => {
		const { body } = await get("/v1/stats/distribution?chain=AVAX");
		expect(body).toMatchObject({ chain: "AVAX" });
		expect((body.buckets as { decade: number; holders: number }[]).map((b) => [b.decade, b.holders])).toEqual([
			[0, 2],
			[1, 2],
		]);
		expect((await get("/v1/stats/distribution?chain=BASE")).body).toEqual({
			chain: "BASE",
			buckets: [{ decade: 0, from: amount(WEI, "1"), to: amount(10n * WEI, "10"), holders: 1, balance: amount(9n * WEI, "9") }],
		});
		const bad = await get("/v1/stats/distribution?chain=SOL");
		expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_request", field: "chain" } } });
	});

	it("answers 503 when the data is stale", async () => {
		await seedChains(api.db, { block: 5_000n, ageSeconds: { ETH: 1_000 } });
		try {
			expect(await get("/v1/stats/distribution")).toMatchObject({ status: 503, body: { error: { code: "stale_data" } } });
			expect((await get("/v1/stats/totals")).status).toBe(503);
		} finally {
			await seedChains(api.db, { block: 5_000n });
		}
	});
});

describe("GET /v1/stats/alerts", () => {
	it("counts alerts by kind and status, most open first", async () => {
		const { status, body } = await get("/v1/stats/alerts");
		expect(status).toBe(200);
		expect(body).toEqual({
			open: 3,
			resolved: 1,
			kinds: [
				{ kind: "insufficient_balance", open: 2, resolved: 1 },
				{ kind: "stream_running_dry", open: 1, resolved: 0 },
			],
		});
	});
});

describe("GET /v1/stats/running-dry", () => {
	it("lists the accounts whose streams run dry from now on, soonest first, evaluated now", async () => {
		expect((await get("/v1/stats/running-dry")).body).toEqual({ accounts: [] }); // nothing stored yet
		const settings = getDefaultSettings();
		await recomputeEntitlements({ db: api.db, chains: ["ETH", "AVAX", "BASE"], settings, horizonSeconds: 86_400, now: () => NOW }, [
			A,
			D,
			E,
			F,
			G,
		]);
		// A and D have no stream; F's critical time has passed: G, then E.
		const { status, body } = await get("/v1/stats/running-dry");
		expect(status).toBe(200);
		const criticalAt = NOW + 89_000n + 1n;
		expect((body.accounts as { address: string }[]).map((a) => a.address)).toEqual([checksum(G), checksum(E)]);
		expect((body.accounts as unknown[])[1]).toEqual({
			address: checksum(E),
			status: "ok",
			criticalAt: new Date(Number(criticalAt) * 1000).toISOString(),
			criticalAtUnix: criticalAt.toString(),
			streams: {
				AVAX: {
					netFlowRate: { weiPerSecond: "-1000000000000000", alephPerSecond: "-0.001" },
					deposit: amount(WEI, "1"),
					available: amount(89n * WEI, "89"),
					criticalAt: new Date(Number(criticalAt) * 1000).toISOString(),
					criticalAtUnix: criticalAt.toString(),
					source: "events",
				},
			},
		});
		// The same critical time as the account route.
		const account = (await get(`/v1/accounts/${E}`)).body as { criticalAt: string };
		expect(account.criticalAt).toBe(new Date(Number(criticalAt) * 1000).toISOString());
	});

	it("limits the list and rejects a bad limit", async () => {
		expect((await get("/v1/stats/running-dry?limit=0")).body).toMatchObject({ error: { code: "invalid_request", field: "limit" } });
		expect((await get("/v1/stats/running-dry?limit=101")).status).toBe(400);
		const first = (await get("/v1/stats/running-dry?limit=1")).body.accounts as { address: string; criticalAtUnix: string }[];
		expect(first).toEqual([expect.objectContaining({ address: checksum(G), criticalAtUnix: (NOW + 9_000n + 1n).toString() })]);
	});
});
