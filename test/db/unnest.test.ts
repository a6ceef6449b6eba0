import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { insertUnnest, setExcluded, unnestAs } from "../../src/db/unnest.ts";
import { createPgliteDatabase } from "../helpers/database.ts";

let database: Database;
beforeAll(async () => {
	database = await createPgliteDatabase();
});
afterAll(async () => {
	await database.close();
});

const UINT256_MAX = 2n ** 256n - 1n;

describe("insertUnnest()", () => {
	it("writes each column's values to that column, with scalars repeated on every row and bigints exact", async () => {
		await database.db.transaction().execute(async (trx) => {
			await insertUnnest(trx, "transfers", {
				// Out of table order on purpose: the names and values come from one object.
				value: ["numeric", [UINT256_MAX, 1n]],
				chain: ["text", "ETH"],
				to_address: ["text", ["0xb", "0xd"]],
				block_number: ["int8", [7n, 2n ** 62n]],
				log_index: ["int4", [-1, 3]],
				tx_hash: ["text", [null, "0xt"]],
				block_timestamp: ["int8", [null, 1_700_000_000n]],
				from_address: ["text", ["0xa", "0xc"]],
			});
		});
		const rows = await database.db.selectFrom("transfers").selectAll().orderBy("log_index").execute();
		expect(rows).toEqual([
			{
				chain: "ETH",
				block_number: 7n,
				log_index: -1,
				tx_hash: null,
				block_timestamp: null,
				from_address: "0xa",
				to_address: "0xb",
				value: UINT256_MAX,
			},
			{
				chain: "ETH",
				block_number: 2n ** 62n,
				log_index: 3,
				tx_hash: "0xt",
				block_timestamp: 1_700_000_000n,
				from_address: "0xc",
				to_address: "0xd",
				value: 1n,
			},
		]);
	});

	it("upserts with an on-conflict clause and does nothing without rows", async () => {
		await database.db.transaction().execute(async (trx) => {
			const write = (amounts: bigint[]) =>
				insertUnnest(
					trx,
					"balances",
					{ chain: ["text", "AVAX"], address: ["text", amounts.map((_, i) => `0x${i}`)], amount: ["numeric", amounts] },
					sql`on conflict (chain, address) do update set ${setExcluded(["amount"])}`,
				);
			await write([5n, -2n]);
			await write([9n]);
			await write([]);
		});
		const rows = await database.db.selectFrom("balances").selectAll().where("chain", "=", "AVAX").orderBy("address").execute();
		expect(rows.map((r) => [r.address, r.amount])).toEqual([
			["0x0", 9n],
			["0x1", -2n],
		]);
	});

	it("refuses columns of different lengths, writing nothing", async () => {
		await expect(
			database.db
				.transaction()
				.execute((trx) =>
					insertUnnest(trx, "balances", { chain: ["text", "BASE"], address: ["text", ["0x1", "0x2"]], amount: ["numeric", [1n]] }),
				),
		).rejects.toThrow("insertUnnest(balances): needs array columns of one length, got 2, 1");
		expect(await database.db.selectFrom("balances").selectAll().where("chain", "=", "BASE").execute()).toEqual([]);
	});
});

describe("unnestAs()", () => {
	it("is a row set to join against, pairing the arrays position by position", async () => {
		const { rows } = await sql<{ sender: string; receiver: string }>`select * from ${unnestAs("p", {
			sender: ["text", ["0x1", "0x2"]],
			receiver: ["text", ["0x3", "0x4"]],
		})}`.execute(database.db);
		expect(rows).toEqual([
			{ sender: "0x1", receiver: "0x3" },
			{ sender: "0x2", receiver: "0x4" },
		]);
	});
});
