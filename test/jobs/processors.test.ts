/** The job processors on PGlite in memory. */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessors } from "../../jobs/processors.ts";
import type { Database } from "../../src/db/database.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";
import { createPgliteDatabase } from "../helpers/database.ts";

const ADDRESS = "0x00000000000000000000000000000000000000c1";
let database: Database;
beforeAll(async () => {
	database = await createPgliteDatabase();
});
afterAll(async () => {
	await database.close();
});

describe("entitlement.recompute", () => {
	it("ends normally when a recompute from a newer snapshot already wrote the account", async () => {
		// A row written from a snapshot newer than any this recompute can read.
		await sql`insert into entitlements (address, status, balance, locked_hold, inputs, as_of, computed_at, snapshot)
			values (${ADDRESS}, 'ok', 7, 0, '{}'::jsonb, '{}'::jsonb, now(), '9000000000000000:9000000000000000:'::pg_snapshot)`.execute(
			database.db,
		);
		const processors = createProcessors({ db: database.db, chains: ["ETH"], settings: getDefaultSettings(), horizonSeconds: 86_400 });
		expect(await processors["entitlement.recompute"]({ address: ADDRESS })).toEqual({ result: "superseded", next: [] });
		const row = await database.db
			.selectFrom("entitlements")
			.select(["balance", "recomputes"])
			.where("address", "=", ADDRESS)
			.executeTakeFirstOrThrow();
		expect([row.balance, row.recomputes]).toEqual([7n, 1n]);
	});
});
