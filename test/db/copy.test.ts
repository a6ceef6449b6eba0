import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendRows, copyInto } from "../../src/db/copy.ts";
import type { Database } from "../../src/db/database.ts";
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from "../helpers/database.ts";

const UINT256_MAX = 2n ** 256n - 1n;

describe.each([
	["Postgres", async () => createTestDatabase()],
	["PGlite", async () => createPgliteDatabase()],
] as const)("copyInto() on %s", (_name, open) => {
	let database: Database;
	beforeAll(async () => {
		database = await open();
	});
	afterAll(async () => {
		await ((database as TestDatabase).drop?.() ?? database.close());
	});

	it("writes every value exactly, nulls, booleans and the characters COPY escapes included", async () => {
		const awkward = "a\tb\nc\\d\re\\N";
		await database.db.transaction().execute(async (trx) => {
			await copyInto(trx, "transfers", {
				value: ["numeric", [UINT256_MAX, 0n]],
				chain: ["text", "ETH"],
				block_number: ["int8", [7n, 2n ** 62n]],
				log_index: ["int4", [-1, 3]],
				tx_hash: ["text", [null, awkward]],
				block_timestamp: ["int8", [null, 1_700_000_000n]],
				from_address: ["text", ["0xa", "0xc"]],
				to_address: ["text", ["0xb", "0xd"]],
			});
			await copyInto(trx, "stream_account_undo", {
				chain: ["text", "ETH"],
				address: ["text", ["0x1", "0x2"]],
				block_number: ["int8", 5n],
				existed: ["bool", [true, false]],
				streamed: ["numeric", [-UINT256_MAX, 1n]],
				net_flow_rate: ["numeric", [-3n, 0n]],
				deposit: ["numeric", [0n, 0n]],
				owed_deposit: ["numeric", [0n, 0n]],
				updated_at: ["int8", [1n, 2n]],
				updated_block: ["int8", [1n, 2n]],
			});
		});
		const transfers = await database.db.selectFrom("transfers").selectAll().where("chain", "=", "ETH").orderBy("log_index").execute();
		expect(transfers).toEqual([
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
				tx_hash: awkward,
				block_timestamp: 1_700_000_000n,
				from_address: "0xc",
				to_address: "0xd",
				value: 0n,
			},
		]);
		const undo = await database.db
			.selectFrom("stream_account_undo")
			.select(["address", "existed", "streamed", "net_flow_rate"])
			.orderBy("address")
			.execute();
		expect(undo).toEqual([
			{ address: "0x1", existed: true, streamed: -UINT256_MAX, net_flow_rate: -3n },
			{ address: "0x2", existed: false, streamed: 1n, net_flow_rate: 0n },
		]);
	});

	it("writes in the caller's transaction: a rollback takes the rows back", async () => {
		await expect(
			database.db.transaction().execute(async (trx) => {
				await copyInto(trx, "balances", { chain: ["text", "AVAX"], address: ["text", ["0x1"]], amount: ["numeric", [5n]] });
				const { rows } = await sql<{ n: bigint }>`select count(*) as n from balances where chain = 'AVAX'`.execute(trx);
				expect(rows[0]?.n).toBe(1n);
				throw new Error("undo");
			}),
		).rejects.toThrow("undo");
		expect(await database.db.selectFrom("balances").selectAll().where("chain", "=", "AVAX").execute()).toEqual([]);
	});

	it("rejects rows the table refuses, writes none of them, and leaves the session usable", async () => {
		const rows = Array.from({ length: 5_000 }, (_, i) => `0x${i}`);
		await expect(
			database.db.transaction().execute((trx) =>
				copyInto(trx, "balances", {
					chain: ["text", "BASE"],
					address: ["text", [...rows, "0x7"]],
					amount: ["numeric", [...rows.map(() => 1n), 2n]],
				}),
			),
		).rejects.toThrow(/duplicate key/);
		expect(await database.db.selectFrom("balances").selectAll().where("chain", "=", "BASE").execute()).toEqual([]);
		await database.db
			.transaction()
			.execute((trx) =>
				copyInto(trx, "balances", { chain: ["text", "BASE"], address: ["text", rows], amount: ["numeric", rows.map(() => 1n)] }),
			);
		const { rows: count } = await sql<{ n: bigint }>`select count(*) as n from balances where chain = 'BASE'`.execute(database.db);
		expect(count[0]?.n).toBe(5_000n);
	});

	it("does nothing without rows and refuses columns of different lengths", async () => {
		await database.db
			.transaction()
			.execute((trx) => copyInto(trx, "balances", { chain: ["text", "X"], address: ["text", []], amount: ["numeric", []] }));
		await expect(
			database.db
				.transaction()
				.execute((trx) =>
					copyInto(trx, "balances", { chain: ["text", "X"], address: ["text", ["0x1", "0x2"]], amount: ["numeric", [1n]] }),
				),
		).rejects.toThrow("copyInto(balances): needs array columns of one length, got 2, 1");
	});

	it("appendRows() writes few rows and many rows alike", async () => {
		for (const n of [3, 600]) {
			const chain = `N${n}`;
			const addresses = Array.from({ length: n }, (_, i) => `0x${i}`);
			await database.db.transaction().execute((trx) =>
				appendRows(trx, "balances", {
					chain: ["text", chain],
					address: ["text", addresses],
					amount: ["numeric", addresses.map((_, i) => BigInt(i) - 1n)],
				}),
			);
			const rows = await database.db.selectFrom("balances").select(["address", "amount"]).where("chain", "=", chain).execute();
			expect(new Map(rows.map((r) => [r.address, r.amount]))).toEqual(new Map(addresses.map((a, i) => [a, BigInt(i) - 1n])));
		}
	});
});
