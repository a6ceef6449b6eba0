import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { availableBalanceBatches, BALANCE_BATCH_ROWS } from "../../src/api/queries/available-balances.ts";
import { checksum } from "../../src/lib/address.ts";
import { addr, createTestApi, NOW, seedChains, type TestApi, WEI } from "./helpers.ts";

// More BASE accounts than one batch of the server-side cursor: the answer is written in pieces.
const ACCOUNTS = BALANCE_BATCH_ROWS + 3;
let api: TestApi;

beforeAll(async () => {
	api = await createTestApi();
	await seedChains(api.db, { block: 5_000n });
	await sql`insert into balances (chain, address, amount)
		select 'BASE', '0x' || lpad(to_hex(i), 40, '0'), i * ${WEI.toString()}::numeric from generate_series(1, ${ACCOUNTS}::int) i`.execute(
		api.db,
	);
});
afterAll(async () => {
	await api.database.drop();
});

describe("GET /v1/balances-update/{chain} with many accounts", () => {
	it("writes the answer as the batches are read, the same JSON as the whole object", async () => {
		const res = await api.request("/v1/balances-update/BASE");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/^application\/json/);
		const chunks: Uint8Array[] = [];
		for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
		// the head, one piece per batch, the tail (an answer built whole is a single piece)
		expect(chunks.length).toBeGreaterThanOrEqual(4);
		const text = Buffer.concat(chunks).toString("utf8");
		const body = JSON.parse(text) as { balances: Record<string, number> };
		expect(text).toBe(JSON.stringify(body));
		expect(body).toMatchObject({
			chain: "BASE",
			main_height: 5_000,
			height_chain: "ETH",
			platform: "ALEPH_BASE",
			token_symbol: "ALEPH",
			token_contract: checksum(addr(0xa1e9 + 8_453)),
		});
		const keys = Object.keys(body.balances);
		expect(keys).toHaveLength(ACCOUNTS);
		expect(keys[0]).toBe(checksum(addr(1)));
		expect(body.balances[checksum(addr(ACCOUNTS))]).toBe(ACCOUNTS);
	});
});

describe("availableBalanceBatches", () => {
	it("reads every account in address order, in batches from one snapshot", async () => {
		const batches = availableBalanceBatches(api.db, "BASE", NOW, 400);
		const first = await batches.next();
		// committed after the first batch was read: neither the new account nor the change is seen
		await sql`insert into balances (chain, address, amount) values ('BASE', ${addr(0xfffffff)}, 1)`.execute(api.db);
		await sql`update balances set amount = 0 where chain = 'BASE' and address = ${addr(ACCOUNTS)}`.execute(api.db);
		try {
			const rows = [...(first.done ? [] : first.value)];
			const sizes = [rows.length];
			for await (const batch of batches) {
				sizes.push(batch.length);
				rows.push(...batch);
			}
			expect(sizes).toEqual([400, 400, ACCOUNTS - 800]);
			expect(rows.map((r) => r.address)).toEqual(Array.from({ length: ACCOUNTS }, (_, i) => addr(i + 1)));
			expect(rows.at(-1)?.amount).toBe(BigInt(ACCOUNTS) * WEI);
		} finally {
			await sql`delete from balances where chain = 'BASE' and address = ${addr(0xfffffff)}`.execute(api.db);
			await sql`update balances set amount = ${(BigInt(ACCOUNTS) * WEI).toString()}::numeric where chain = 'BASE' and address = ${addr(ACCOUNTS)}`.execute(
				api.db,
			);
		}
	});
	it("ends its transaction when the reader stops early", async () => {
		const batches = availableBalanceBatches(api.db, "BASE", NOW, 10);
		await batches.next();
		const open = () =>
			sql<{
				n: number;
			}>`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`.execute(
				api.db,
			);
		expect((await open()).rows[0]?.n).toBe(1);
		await batches.return();
		expect((await open()).rows[0]?.n).toBe(0);
	});
});
