import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

// Two recomputes of one account race: the one whose snapshot is older must not overwrite the
// other. A snapshot taken while a batch commits and one taken just after can share their xmax,
// so the order is decided by visibility (snapshot_sees_all_of), not by xmax.

let database: TestDatabase;
let writer: pg.Client;

beforeAll(async () => {
	database = await createTestDatabase();
	writer = new pg.Client({ connectionString: database.url });
	await writer.connect();
});

afterAll(async () => {
	await writer?.end();
	await database?.drop();
});

const snapshotNow = async () =>
	(await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(database.db)).rows[0]?.s as string;
const seesAll = async (newer: string, older: string | null) =>
	(await sql<{ ok: boolean }>`select snapshot_sees_all_of(${newer}::pg_snapshot, ${older}::pg_snapshot) as ok`.execute(database.db)).rows[0]
		?.ok;
const xmax = async (s: string) =>
	(await sql<{ x: string }>`select pg_snapshot_xmax(${s}::pg_snapshot)::text as x`.execute(database.db)).rows[0]?.x;

describe("snapshot_sees_all_of()", () => {
	it("orders a snapshot taken during a commit before one taken after it, which xmax alone cannot", async () => {
		await writer.query("begin");
		await writer.query("insert into outbox (address) values ('0x01')"); // takes a transaction id
		const during = await snapshotNow(); // sees the writer in progress
		await writer.query("commit");
		const after = await snapshotNow(); // sees its commit
		// On a quiet server both have the same xmax (no transaction id was assigned in between), so
		// xmax alone could not order them; transactions of other databases may assign ids meanwhile.
		expect(BigInt((await xmax(after)) ?? 0)).toBeGreaterThanOrEqual(BigInt((await xmax(during)) ?? 0));
		expect(await seesAll(after, during)).toBe(true);
		expect(await seesAll(during, after)).toBe(false);
		expect(await seesAll(after, after)).toBe(true);
		expect(await seesAll(during, null)).toBe(true); // a row written before snapshots were kept
	});

	it("keeps the newer entitlement when the older snapshot writes last", async () => {
		const row = (
			snapshot: string,
			status: string,
		) => sql`insert into entitlements (address, status, balance, locked_hold, inputs, as_of, computed_at, snapshot)
			values ('0xaa', ${status}, 0, 0, '{}', '{}', now(), ${snapshot}::pg_snapshot)
			on conflict (address) do update set status = excluded.status, snapshot = excluded.snapshot
			where snapshot_sees_all_of(excluded.snapshot, entitlements.snapshot)`;
		await writer.query("begin");
		await writer.query("insert into outbox (address) values ('0xaa')");
		const older = await snapshotNow();
		await writer.query("commit");
		const newer = await snapshotNow();
		await row(newer, "ok").execute(database.db);
		await row(older, "insufficient").execute(database.db);
		const stored = await database.db.selectFrom("entitlements").select("status").where("address", "=", "0xaa").executeTakeFirstOrThrow();
		expect(stored.status).toBe("ok");
	});
});
