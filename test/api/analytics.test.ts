import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksum } from "../../src/lib/address.ts";
import { addr, COMMUNITY, createTestApi, flow, NOW, seedChains, streamAccount, type TestApi, transfer, WEI, ZERO } from "./helpers.ts";

const [A, B, C, D, CRN] = [addr(0xa), addr(0xb), addr(0xc), addr(0xd), addr(0xc12)];
let api: TestApi;

beforeAll(async () => {
	api = await createTestApi();
	await seedChains(api.db, { block: 5_000n });
	// ETH: A 890, B 200 → 0 (emptied), C 100; 10 burned.
	await transfer(api.db, { chain: "ETH", block: 0n, logIndex: -1, from: ZERO, to: A, value: 1_000n * WEI, txHash: null });
	await transfer(api.db, { chain: "ETH", block: 10n, logIndex: 0, from: A, to: B, value: 200n * WEI });
	await transfer(api.db, { chain: "ETH", block: 11n, logIndex: 0, from: A, to: C, value: 490n * WEI });
	await transfer(api.db, { chain: "ETH", block: 12n, logIndex: 0, from: B, to: C, value: 200n * WEI });
	await transfer(api.db, { chain: "ETH", block: 13n, logIndex: 0, from: C, to: A, value: 590n * WEI });
	await transfer(api.db, { chain: "ETH", block: 14n, logIndex: 0, from: A, to: ZERO, value: 10n * WEI });
	// AVAX: D minted 50 and streams 1e15 wei/s for 10 000 s (10 ALEPH) to CRN, deposit 1 ALEPH.
	await transfer(api.db, { chain: "AVAX", block: 3n, logIndex: 0, from: ZERO, to: D, value: 50n * WEI });
	await streamAccount(api.db, { chain: "AVAX", address: D, netFlowRate: -(10n ** 15n), deposit: WEI, updatedAt: NOW - 10_000n });
	await streamAccount(api.db, { chain: "AVAX", address: CRN, netFlowRate: 10n ** 15n, updatedAt: NOW - 10_000n });
	await flow(api.db, { chain: "AVAX", sender: D, receiver: CRN, rate: 8n * 10n ** 14n });
	await flow(api.db, { chain: "AVAX", sender: D, receiver: COMMUNITY, rate: 2n * 10n ** 14n });
	await flow(api.db, { chain: "AVAX", sender: A, receiver: CRN, rate: 10n ** 14n });
});
afterAll(async () => {
	await api.database.drop();
});

async function get(path: string) {
	const res = await api.request(path);
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("GET /api/v0/addresses/{address}/balance", () => {
	it("answers the CCN shape with numbers, exact strings beside them", async () => {
		const { status, body } = await get(`/api/v0/addresses/${D}/balance`);
		expect(status).toBe(200);
		expect(body).toEqual({
			address: checksum(D),
			balance: 39,
			details: { ETH: 0, AVAX: 39, BASE: 0 },
			locked_amount: 0,
			credit_balance: 0,
			credit_balance_details: null,
			credit_balance_known: false,
			exact: { balance: "39", details: { ETH: "0", AVAX: "39", BASE: "0" }, locked_amount: "0", credit_balance: "0" },
		});
	});
	it("rejects a bad address and stale data", async () => {
		expect((await get("/api/v0/addresses/0xnope/balance")).body).toMatchObject({ error: { code: "invalid_request", field: "address" } });
		await seedChains(api.db, { block: 5_000n, ageSeconds: { ETH: 1_000 } });
		try {
			expect(await get(`/api/v0/addresses/${D}/balance`)).toMatchObject({ status: 503, body: { error: { code: "stale_data" } } });
		} finally {
			await seedChains(api.db, { block: 5_000n });
		}
	});
});

describe("GET /v1/balances-update/{chain}", () => {
	it("lists every ETH account, emptied ones as 0, with the ETH height", async () => {
		const { status, body } = await get("/v1/balances-update/ETH");
		expect(status).toBe(200);
		expect(body).toEqual({
			chain: "ETH",
			main_height: 5_000,
			height_chain: "ETH",
			balances: { [checksum(A)]: 890, [checksum(B)]: 0, [checksum(C)]: 100 },
			platform: "ALEPH_ETH",
			token_symbol: "ALEPH",
			token_contract: checksum(addr(0xa1e9 + 1)),
		});
	});
	it("reports stream chains at the available balance now, with the Ethereum height", async () => {
		await api.db.updateTable("chains").set({ indexed_block: 777n }).where("chain", "=", "AVAX").execute();
		const { body } = await get("/v1/balances-update/AVAX");
		expect(body).toMatchObject({
			chain: "AVAX",
			main_height: 5_000,
			height_chain: "ETH",
			balances: { [checksum(D)]: 39, [checksum(CRN)]: 10 },
		});
		expect(Object.keys(body.balances as object)).toHaveLength(2);
	});
	it("rejects an unknown chain", async () => {
		expect((await get("/v1/balances-update/SOL")).body).toMatchObject({ error: { code: "invalid_request", field: "chain" } });
	});
});

describe("GET /v1/stats/supply", () => {
	it("sums mints minus burns per chain and in total", async () => {
		const { body } = await get("/v1/stats/supply");
		expect(body).toEqual({
			chains: {
				ETH: {
					minted: { wei: (1_000n * WEI).toString(), aleph: "1000" },
					burned: { wei: (10n * WEI).toString(), aleph: "10" },
					supply: { wei: (990n * WEI).toString(), aleph: "990" },
				},
				AVAX: {
					minted: { wei: (50n * WEI).toString(), aleph: "50" },
					burned: { wei: "0", aleph: "0" },
					supply: { wei: (50n * WEI).toString(), aleph: "50" },
				},
				BASE: { minted: { wei: "0", aleph: "0" }, burned: { wei: "0", aleph: "0" }, supply: { wei: "0", aleph: "0" } },
			},
			total: { wei: (1_040n * WEI).toString(), aleph: "1040" },
		});
	});
});

describe("GET /v1/stats/holders", () => {
	it("ranks holders by available balance on one chain or over all, with keyset pages", async () => {
		const eth = await get("/v1/stats/holders?chain=ETH");
		expect((eth.body.holders as { address: string; balance: { aleph: string } }[]).map((h) => [h.address, h.balance.aleph])).toEqual([
			[checksum(A), "890"],
			[checksum(C), "100"],
		]);
		const seen: [string, string, Record<string, { aleph: string }>][] = [];
		let cursor: string | null = null;
		do {
			const page = await get(`/v1/stats/holders?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
			expect(page.status).toBe(200);
			const holders = page.body.holders as { address: string; balance: { aleph: string }; balances: Record<string, { aleph: string }> }[];
			seen.push(...holders.map((h) => [h.address, h.balance.aleph, h.balances] as [string, string, Record<string, { aleph: string }>]));
			cursor = page.body.nextCursor as string | null;
		} while (cursor);
		expect(seen.map(([a, b]) => [a, b])).toEqual([
			[checksum(A), "890"],
			[checksum(C), "100"],
			[checksum(D), "39"],
			[checksum(CRN), "10"],
		]);
		expect(seen[2]?.[2]).toEqual({ AVAX: { wei: (39n * WEI).toString(), aleph: "39" } });
	});
	it.each([
		"cursor=xyz",
		"chain=eth",
		"limit=abc",
		`cursor=${Buffer.from('["-5","0x0000000000000000000000000000000000000001"]').toString("base64url")}`,
	])("rejects %s", async (query) => {
		const { status, body } = await get(`/v1/stats/holders?${query}`);
		expect(status).toBe(400);
		expect((body.error as { field: string }).field).toBe(query.split("=")[0]);
	});
});

describe("GET /v1/stats/flows", () => {
	it("aggregates open streams by receiver, flagging the community wallet", async () => {
		const { body } = await get("/v1/stats/flows");
		expect(body.receivers).toEqual([
			{
				chain: "AVAX",
				receiver: checksum(CRN),
				communityWallet: false,
				streams: 2,
				flowRate: { weiPerSecond: "900000000000000", alephPerSecond: "0.0009" },
				deposit: { wei: (9n * 10n ** 14n * 14_400n).toString(), aleph: "12.96" },
			},
			{
				chain: "AVAX",
				receiver: checksum(COMMUNITY),
				communityWallet: true,
				streams: 1,
				flowRate: { weiPerSecond: "200000000000000", alephPerSecond: "0.0002" },
				deposit: { wei: (2n * 10n ** 14n * 14_400n).toString(), aleph: "2.88" },
			},
		]);
		const filtered = await get(`/v1/stats/flows?chain=AVAX&receiver=${COMMUNITY.toUpperCase().replace("0X", "0x")}`);
		expect((filtered.body.receivers as unknown[]).length).toBe(1);
		expect((await get("/v1/stats/flows?chain=BASE")).body).toEqual({ receivers: [] });
		expect((await get("/v1/stats/flows?receiver=0x1")).body).toMatchObject({ error: { field: "receiver" } });
	});
});

describe("GET /v1/alerts", () => {
	it("lists alerts newest first, filtered by status and address, in pages", async () => {
		for (const [address, kind, status] of [
			[A, "insufficient_balance", "resolved"],
			[B, "stream_running_dry", "open"],
			[A, "critical_account", "open"],
		] as const) {
			await api.db
				.insertInto("alerts")
				.values({
					address,
					kind,
					subject: "AVAX",
					status,
					detail: sql`'{"chain":"AVAX"}'::jsonb`,
					resolved_at: status === "resolved" ? new Date(Number(NOW) * 1000) : null,
				})
				.execute();
		}
		const all = await get("/v1/alerts");
		expect((all.body.alerts as { kind: string }[]).map((a) => a.kind)).toEqual([
			"critical_account",
			"stream_running_dry",
			"insufficient_balance",
		]);
		expect((all.body.alerts as Record<string, unknown>[])[2]).toMatchObject({
			address: checksum(A),
			subject: "AVAX",
			status: "resolved",
			detail: { chain: "AVAX" },
			resolvedAt: new Date(Number(NOW) * 1000).toISOString(),
		});
		const open = await get(`/v1/alerts?status=open&address=${A}`);
		expect((open.body.alerts as { kind: string }[]).map((a) => a.kind)).toEqual(["critical_account"]);
		const page1 = await get("/v1/alerts?limit=2");
		const page2 = await get(`/v1/alerts?limit=2&cursor=${page1.body.nextCursor}`);
		expect(page2.body).toMatchObject({ alerts: [{ kind: "insufficient_balance" }], nextCursor: null });
		expect((await get("/v1/alerts?status=closed")).body).toMatchObject({ error: { code: "invalid_request", field: "status" } });
	});
});
