import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksum } from "../../src/lib/address.ts";
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

const ALICE = addr(0xa11ce);
const BOB = addr(0xb0b);
const CRN = addr(0xc12);
const MILLI = 10n ** 15n;
/** Alice's AVAX outflow: 1e12 wei/s, settled an hour ago. */
const RATE = 10n ** 12n;

let api: TestApi;
beforeAll(async () => {
	api = await createTestApi();
	await seedChains(api.db);
	await transfer(api.db, { chain: "ETH", block: 0n, logIndex: -1, from: ZERO, to: ALICE, value: 100n * WEI, txHash: null });
	await transfer(api.db, { chain: "ETH", block: 10n, logIndex: 3, from: BOB, to: ALICE, value: 50n * WEI });
	await transfer(api.db, { chain: "ETH", block: 20n, logIndex: 0, from: ALICE, to: BOB, value: 30n * WEI });
	await transfer(api.db, { chain: "AVAX", block: 5n, logIndex: 0, from: ZERO, to: ALICE, value: 1000n * WEI });
	await streamAccount(api.db, { chain: "AVAX", address: ALICE, netFlowRate: -RATE, deposit: 14_400n * RATE, updatedAt: NOW - 3_600n });
	await streamAccount(api.db, { chain: "AVAX", address: CRN, netFlowRate: (RATE * 8n) / 10n, updatedAt: NOW - 3_600n });
	await flow(api.db, { chain: "AVAX", sender: ALICE, receiver: CRN, rate: (RATE * 8n) / 10n, openedAt: NOW - 3_600n });
	await flow(api.db, { chain: "AVAX", sender: ALICE, receiver: COMMUNITY, rate: (RATE * 2n) / 10n, openedAt: NOW - 3_600n });
});
afterAll(async () => {
	await api.database.drop();
});

/** Alice's AVAX available balance now: 1000 − 3600 s × 1e12 − the 14400e12 deposit. */
const AVAX_AVAILABLE = 1000n * WEI - 3_600n * RATE - 14_400n * RATE;
const amount = (wei: bigint) => ({ wei: wei.toString(), aleph: expect.any(String) });

describe("GET /v1/accounts/{address}", () => {
	it("answers the live entitlement, any case in, checksummed out", async () => {
		const res = await api.request(`/v1/accounts/${ALICE.toUpperCase().replace("0X", "0x")}`);
		expect(res.status).toBe(200);
		const body = await res.json();
		const critical = NOW - 3_600n + (1000n * WEI - 14_400n * RATE) / RATE + 1n;
		expect(body).toEqual({
			address: checksum(ALICE),
			balance: { wei: (120n * WEI + AVAX_AVAILABLE).toString(), aleph: "1119.982" },
			balances: { ETH: { wei: (120n * WEI).toString(), aleph: "120" }, AVAX: amount(AVAX_AVAILABLE), BASE: { wei: "0", aleph: "0" } },
			locked: { hold: { wei: "0", aleph: "0" } },
			free: amount(120n * WEI + AVAX_AVAILABLE),
			shortfall: { wei: "0", aleph: "0" },
			streams: {
				AVAX: {
					netFlowRate: { weiPerSecond: "-1000000000000", alephPerSecond: "-0.000001" },
					deposit: { wei: (14_400n * RATE).toString(), aleph: "0.0144" },
					available: { wei: AVAX_AVAILABLE.toString(), aleph: "999.982" },
					criticalAt: new Date(Number(critical) * 1000).toISOString(),
					criticalAtUnix: critical.toString(),
					source: "events",
				},
			},
			payg: [],
			status: "ok",
			criticalAt: new Date(Number(critical) * 1000).toISOString(),
			conditions: [],
			computedAt: new Date(Number(NOW) * 1000).toISOString(),
			asOf: { ETH: 1000, AVAX: 1000, BASE: 1000 },
			source: "live",
			storedAt: null,
			credits: { known: false, balance: null, perSecond: "0", perDay: "0", runwaySeconds: null, exhaustedAt: null },
			creditBalanceKnown: false,
		});
	});

	it("answers a zero account for an unknown address", async () => {
		const res = await api.request(`/v1/accounts/${addr(0xdead)}`);
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body).toMatchObject({
			address: checksum(addr(0xdead)),
			balance: { wei: "0", aleph: "0" },
			balances: { ETH: { wei: "0" }, AVAX: { wei: "0" }, BASE: { wei: "0" } },
			streams: {},
			status: "ok",
		});
	});

	it("rejects a bad address with 400 naming the field", async () => {
		for (const bad of ["0x123", "alice", `0x${"g".repeat(40)}`, `${ALICE}00`]) {
			const res = await api.request(`/v1/accounts/${bad}`);
			expect(res.status).toBe(400);
			expect(await res.json()).toEqual({
				error: { code: "invalid_request", message: "Must be a 0x-prefixed 20-byte hex address.", field: "address" },
			});
		}
	});

	it("answers 503 when a chain is stale, naming it", async () => {
		await seedChains(api.db, { ageSeconds: { AVAX: 301 } });
		try {
			const res = await api.request(`/v1/accounts/${ALICE}`);
			expect(res.status).toBe(503);
			expect(res.headers.get("retry-after")).toBe("5");
			expect(await res.json()).toEqual({
				error: { code: "stale_data", message: "The indexed data is too stale to answer: AVAX was last updated 301 s ago (limit 300 s)." },
			});
		} finally {
			await seedChains(api.db);
		}
	});
});

describe("GET /v1/accounts/{address}/flows", () => {
	it("lists open streams out of and into the account", async () => {
		const res = await api.request(`/v1/accounts/${ALICE}/flows`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { flows: { direction: string; receiver: string; flowRate: unknown; since: string }[] };
		expect(body.flows.map((f) => [f.direction, f.receiver, f.flowRate])).toEqual(
			[
				["out", checksum(COMMUNITY), { weiPerSecond: "200000000000", alephPerSecond: "0.0000002" }],
				["out", checksum(CRN), { weiPerSecond: "800000000000", alephPerSecond: "0.0000008" }],
			].sort((a, b) => String(a[1]).toLowerCase().localeCompare(String(b[1]).toLowerCase())),
		);
		expect(body.flows[0]?.since).toBe(new Date(Number(NOW - 3_600n) * 1000).toISOString());

		const crn = (await (await api.request(`/v1/accounts/${CRN}/flows`)).json()) as { flows: { direction: string; sender: string }[] };
		expect(crn.flows.map((f) => [f.direction, f.sender])).toEqual([["in", checksum(ALICE)]]);
	});
});

describe("GET /v1/accounts/{address}/history", () => {
	it("lists transfers with deltas and the running balance, genesis included", async () => {
		const res = await api.request(`/v1/accounts/${ALICE}/history?chain=ETH`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { entries: Record<string, unknown>[]; nextCursor: string | null };
		expect(
			body.entries.map((e) => [
				e.block,
				e.logIndex,
				e.txHash === null,
				(e.delta as { aleph: string }).aleph,
				(e.balanceAfter as { aleph: string }).aleph,
			]),
		).toEqual([
			[0, -1, true, "100", "100"],
			[10, 3, false, "50", "150"],
			[20, 0, false, "-30", "120"],
		]);
		expect(body.entries[1]).toMatchObject({ from: checksum(BOB), to: checksum(ALICE) });
		expect(body.nextCursor).toBeNull();
	});

	it("keeps the running balance over earlier rows when filtering by block", async () => {
		const res = await api.request(`/v1/accounts/${ALICE}/history?chain=ETH&fromBlock=15&toBlock=25`);
		const body = (await res.json()) as { entries: { block: number; balanceAfter: { aleph: string } }[] };
		expect(body.entries.map((e) => [e.block, e.balanceAfter.aleph])).toEqual([[20, "120"]]);
	});

	it("pages with a cursor over every chain, both orders", async () => {
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const res = await api.request(`/v1/accounts/${ALICE}/history?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
			expect(res.status).toBe(200);
			const body = (await res.json()) as { entries: { chain: string; block: number }[]; nextCursor: string | null };
			expect(body.entries).toHaveLength(1);
			seen.push(...body.entries.map((e) => `${e.chain}:${e.block}`));
			cursor = body.nextCursor;
		} while (cursor);
		expect(seen).toEqual(["AVAX:5", "ETH:0", "ETH:10", "ETH:20"]);
		const desc = (await (await api.request(`/v1/accounts/${ALICE}/history?order=desc&limit=2`)).json()) as { entries: { block: number }[] };
		expect(desc.entries.map((e) => e.block)).toEqual([20, 10]);
	});

	it.each([
		["chain=SOL", "chain"],
		["fromBlock=-1", "fromBlock"],
		["toBlock=abc", "toBlock"],
		["fromBlock=9&toBlock=3", "fromBlock"],
		["limit=0", "limit"],
		["limit=1001", "limit"],
		["order=up", "order"],
		["cursor=nope", "cursor"],
		[`cursor=${Buffer.from('["ETH","1","99999999999"]').toString("base64url")}`, "cursor"],
	])("rejects %s with 400 naming %s", async (query, field) => {
		const res = await api.request(`/v1/accounts/${ALICE}/history?${query}`);
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
	});
});

describe("GET /v1/accounts/{address}/resources", () => {
	it("lists the ledger oldest first with costs and coverage", async () => {
		await resource(api.db, { itemHash: "r1", owner: ALICE, paymentType: "hold", hold: 1000n * WEI, agoSeconds: 400 });
		await resource(api.db, { itemHash: "r2", owner: ALICE, paymentType: "hold", hold: 200n * WEI, agoSeconds: 300 });
		await resource(api.db, {
			itemHash: "r3",
			owner: ALICE,
			paymentType: "superfluid",
			stream: RATE,
			chain: "AVAX",
			receiver: CRN,
			agoSeconds: 200,
		});
		await resource(api.db, { itemHash: "r4", owner: ALICE, paymentType: "credit", credit: 5n * MILLI, agoSeconds: 100 });
		const res = await api.request(`/v1/accounts/${ALICE}/resources`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { resources: Record<string, unknown>[]; lockedHold: { aleph: string }; nextCursor: null };
		expect(body.lockedHold.aleph).toBe("1200");
		expect(body.resources.map((r) => [r.itemHash, r.paymentType, r.covered])).toEqual([
			["r1", "hold", true],
			["r2", "hold", false],
			["r3", "superfluid", true],
			["r4", "credit", null],
		]);
		expect(body.resources[2]).toMatchObject({
			chain: "AVAX",
			receiver: checksum(CRN),
			cost: { hold: { wei: "0" }, stream: { weiPerSecond: RATE.toString() }, credit: "0" },
			acceptedAt: new Date((Number(NOW) - 200) * 1000).toISOString(),
		});
		expect(body.resources[3]).toMatchObject({ cost: { credit: "0.005" } });

		const page1 = (await (await api.request(`/v1/accounts/${ALICE}/resources?limit=3`)).json()) as {
			resources: { itemHash: string }[];
			nextCursor: string;
		};
		expect(page1.resources.map((r) => r.itemHash)).toEqual(["r1", "r2", "r3"]);
		const page2 = (await (await api.request(`/v1/accounts/${ALICE}/resources?limit=3&cursor=${page1.nextCursor}`)).json()) as {
			resources: { itemHash: string }[];
			nextCursor: null;
		};
		expect(page2).toMatchObject({ resources: [{ itemHash: "r4" }], nextCursor: null });

		const account = (await (await api.request(`/v1/accounts/${ALICE}`)).json()) as {
			status: string;
			shortfall: { wei: string };
			payg: unknown[];
		};
		expect(account.status).toBe("insufficient");
		expect(account.shortfall.wei).toBe((1200n * WEI - 120n * WEI - AVAX_AVAILABLE).toString());
		expect(account.payg).toEqual([
			{
				chain: "AVAX",
				receiver: checksum(CRN),
				resources: ["r3"],
				requiredToReceiver: { weiPerSecond: "799999999999", alephPerSecond: "0.000000799999999999" },
				requiredToCommunity: { weiPerSecond: "200000000000", alephPerSecond: "0.0000002" },
				flowToReceiver: { weiPerSecond: "800000000000", alephPerSecond: "0.0000008" },
				flowToCommunity: { weiPerSecond: "200000000000", alephPerSecond: "0.0000002" },
				ok: true,
				reason: "sufficient",
			},
		]);
	});
});
