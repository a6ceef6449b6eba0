/**
 * The available balance is written twice: in TypeScript (`availableOnChain`, what the account,
 * can-pay and CCN routes evaluate) and in SQL (`availableBalancesSql`, for the holders and
 * balances-update routes). On random stream states stored in a real database (PGlite in memory),
 * both give every account the same balance.
 */
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { availableBalancesSql } from "../../src/api/queries/available-balances.ts";
import type { Database } from "../../src/db/database.ts";
import { availableOnChain } from "../../src/domain/entitlement.ts";
import { loadEntitlementInputsMany } from "../../src/entitlements/inputs.ts";
import { createPgliteDatabase } from "../helpers/database.ts";

const CHAIN = "AVAX";
const T = 1_800_000_000n;
const big = (magnitude: bigint) => fc.bigInt(-magnitude, magnitude);
const address = (i: number) => `0x${(i + 1).toString(16).padStart(40, "0")}`;

/** What the index may hold for one account on one chain: any combination of rows. */
const accountArb = fc.record({
	balance: fc.option(big(10n ** 27n), { nil: undefined }),
	stream: fc.option(
		fc.record({
			streamed: big(10n ** 27n),
			netFlowRate: big(10n ** 15n),
			deposit: fc.bigInt(0n, 10n ** 22n),
			owedDeposit: fc.bigInt(0n, 10n ** 22n),
			updatedAt: fc.bigInt(T - 10n ** 7n, T + 10n),
		}),
		{ nil: undefined },
	),
	// Reads at distinct blocks; only the latest counts, and only when the account is flagged.
	reads: fc.uniqueArray(
		fc.record({
			block: fc.bigInt(1n, 1_000n),
			available: big(10n ** 27n),
			netFlowRate: big(10n ** 15n),
			timestamp: fc.bigInt(T - 10n ** 6n, T),
		}),
		{ maxLength: 3, selector: (r) => r.block },
	),
	flagged: fc.boolean(),
});

type Account = typeof accountArb extends fc.Arbitrary<infer A> ? A : never;

let database: Database;
beforeAll(async () => {
	database = await createPgliteDatabase();
	await database.db
		.insertInto("chains")
		.values({
			chain: CHAIN,
			chain_id: 43_114n,
			token: address(0xa1e9),
			cfa: address(0xcfa),
			start_block: 1n,
			indexed_block: 1_000n,
			indexed_hash: null,
			indexed_timestamp: T,
			head_block: 1_000n,
			finalized_block: 990n,
			progress: null,
		})
		.execute();
});
afterAll(async () => {
	await database.close();
});

async function store(accounts: Account[]) {
	const { db } = database;
	for (const table of ["balances", "stream_accounts", "stream_reconciliations", "agreement_flags"] as const)
		await db.deleteFrom(table).execute();
	for (const [i, a] of accounts.entries()) {
		const who = address(i);
		if (a.balance !== undefined) await db.insertInto("balances").values({ chain: CHAIN, address: who, amount: a.balance }).execute();
		if (a.stream) {
			const s = a.stream;
			await db
				.insertInto("stream_accounts")
				.values({
					chain: CHAIN,
					address: who,
					streamed: s.streamed,
					net_flow_rate: s.netFlowRate,
					deposit: s.deposit,
					owed_deposit: s.owedDeposit,
					updated_at: s.updatedAt,
					updated_block: 900n,
				})
				.execute();
		}
		for (const r of a.reads) {
			await db
				.insertInto("stream_reconciliations")
				.values({
					chain: CHAIN,
					address: who,
					block_number: r.block,
					timestamp: r.timestamp,
					available: r.available,
					deposit: 0n,
					owed_deposit: 0n,
					net_flow_rate: r.netFlowRate,
				})
				.execute();
		}
		if (a.flagged)
			await db
				.insertInto("agreement_flags")
				.values({ chain: CHAIN, address: who, block_number: 1n, log_index: i, agreement_class: address(0x9da) })
				.execute();
	}
}

describe("availableOnChain() and availableBalancesSql()", () => {
	it("give every account the same available balance on random stream states", async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(accountArb, { minLength: 1, maxLength: 6 }), async (accounts) => {
				await store(accounts);
				const addresses = accounts.map((_, i) => address(i));
				const { rows } = await sql<{ address: string; amount: bigint }>`select * from (${availableBalancesSql(CHAIN, T)}) a`.execute(
					database.db,
				);
				const fromSql = new Map(rows.map((r) => [r.address, r.amount]));
				const inputs = await loadEntitlementInputsMany(database.db, addresses, [CHAIN]);
				const fromTs = new Map(addresses.map((a) => [a, availableOnChain(inputs.get(a)?.chains[0] as never, T)]));
				// An account the index knows nothing of is a zero balance on both sides.
				expect(addresses.map((a) => [a, fromSql.get(a) ?? 0n])).toEqual(addresses.map((a) => [a, fromTs.get(a)]));
			}),
			{ numRuns: 60 },
		);
	});
});
