/** The one-statement live loader of the API reads exactly what `loadEntitlementInputsMany` reads. */
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLiveInputsMany } from "../../src/api/queries/live-inputs.ts";
import type { EntitlementInputs } from "../../src/domain/entitlement.ts";
import { loadEntitlementInputsMany } from "../../src/entitlements/inputs.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { addr, seedChains } from "./helpers.ts";

let database: TestDatabase;
beforeAll(async () => {
	database = await createTestDatabase();
});
afterAll(async () => {
	await database.drop();
});

const CHAINS = ["ETH", "AVAX", "BASE"];
const ACCOUNTS = [1, 2, 3, 4].map(addr);
const chain = fc.constantFrom(...CHAINS);
const account = fc.constantFrom(...ACCOUNTS);
const wei = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
const positive = fc.bigInt({ min: 1n, max: 10n ** 24n });
const state = fc.record({
	balances: fc.uniqueArray(fc.tuple(chain, account, wei), { selector: ([c, a]) => `${c}${a}`, maxLength: 8 }),
	streams: fc.uniqueArray(fc.tuple(chain, account, wei, wei, positive, positive, fc.bigInt({ min: 0n, max: 2n ** 40n })), {
		selector: ([c, a]) => `${c}${a}`,
		maxLength: 6,
	}),
	reconciliations: fc.uniqueArray(fc.tuple(chain, account, fc.bigInt({ min: 1n, max: 10_000n }), wei, positive, wei), {
		selector: ([c, a, b]) => `${c}${a}${b}`,
		maxLength: 6,
	}),
	flags: fc.uniqueArray(fc.tuple(chain, account), { selector: ([c, a]) => `${c}${a}`, maxLength: 4 }),
	flows: fc.uniqueArray(fc.tuple(chain, account, fc.constantFrom(...[9, 10, 11].map(addr)), positive), {
		selector: ([c, s, r]) => `${c}${s}${r}`,
		maxLength: 8,
	}),
	resources: fc.uniqueArray(
		fc.tuple(
			fc.string({ minLength: 1, maxLength: 12 }),
			account,
			fc.constantFrom("hold", "superfluid", "credit"),
			positive,
			positive,
			fc.double({ min: 0, max: 2e9, noNaN: true }),
			fc.integer({ min: 0, max: 2e9 }),
			fc.integer({ min: 0, max: 999_999 }),
		),
		{ selector: ([hash]) => hash, maxLength: 6 },
	),
});

function sorted(inputs: Map<string, EntitlementInputs>) {
	return [...inputs.values()].map((i) => ({
		...i,
		flows: [...i.flows].sort((x, y) => `${x.chain}${x.receiver}`.localeCompare(`${y.chain}${y.receiver}`)),
	}));
}

describe("loadLiveInputsMany()", () => {
	it("equals loadEntitlementInputsMany on random states", async () => {
		const db = database.db;
		await seedChains(db);
		await fc.assert(
			fc.asyncProperty(state, async (s) => {
				for (const table of ["balances", "stream_accounts", "stream_reconciliations", "agreement_flags", "flows", "resources"] as const)
					await db.deleteFrom(table).execute();
				for (const [c, a, amount] of s.balances) await db.insertInto("balances").values({ chain: c, address: a, amount }).execute();
				for (const [c, a, streamed, rate, deposit, owed, at] of s.streams)
					await db
						.insertInto("stream_accounts")
						.values({ chain: c, address: a, streamed, net_flow_rate: rate, deposit, owed_deposit: owed, updated_at: at, updated_block: 1n })
						.execute();
				for (const [c, a, block, available, deposit, rate] of s.reconciliations)
					await db
						.insertInto("stream_reconciliations")
						.values({
							chain: c,
							address: a,
							block_number: block,
							timestamp: block * 2n,
							available,
							deposit,
							owed_deposit: 0n,
							net_flow_rate: rate,
						})
						.execute();
				for (const [i, [c, a]] of s.flags.entries())
					await db
						.insertInto("agreement_flags")
						.values({ chain: c, address: a, block_number: 1n, log_index: i, agreement_class: "gda" })
						.execute();
				for (const [c, sender, receiver, rate] of s.flows)
					await db
						.insertInto("flows")
						.values({
							chain: c,
							sender,
							receiver,
							flow_rate: rate,
							deposit: rate,
							owed_deposit: 0n,
							opened_at: 1n,
							updated_at: 1n,
							updated_block: 1n,
						})
						.execute();
				for (const [hash, owner, type, hold, stream, time, seconds, micros] of s.resources)
					await db
						.insertInto("resources")
						.values({
							item_hash: hash,
							owner,
							message_type: "INSTANCE",
							payment_type: type,
							chain: type === "superfluid" ? "AVAX" : null,
							receiver: type === "superfluid" ? addr(9) : null,
							cost_hold: hold,
							cost_stream: stream,
							cost_credit: 0n,
							cost_rows: sql`'[]'::jsonb`,
							message: sql`'{}'::jsonb`,
							message_time: time,
							accepted_at: sql`to_timestamp(${seconds}) + make_interval(secs => ${micros} / 1e6)`,
						})
						.execute();
				const addresses = [...ACCOUNTS, addr(99)];
				expect(sorted(await loadLiveInputsMany(db, addresses, CHAINS))).toEqual(
					sorted(await loadEntitlementInputsMany(db, addresses, CHAINS)),
				);
			}),
			{ numRuns: 25 },
		);
	});

	it("answers empty inputs without chains or addresses", async () => {
		expect(await loadLiveInputsMany(database.db, [], CHAINS)).toEqual(new Map());
		expect(await loadLiveInputsMany(database.db, [addr(1)], [])).toEqual(
			new Map([[addr(1), { address: addr(1), chains: [], flows: [], resources: [] }]]),
		);
	});
});
