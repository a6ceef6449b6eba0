/** Driver errors of pg and PGlite sorted into unavailable, transient and permanent: real errors where they can be made here. */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../devchain/free-port.ts";
import { classifyDatabaseError } from "../../src/db/errors.ts";
import { BaseError } from "../../src/lib/errors.ts";

let pglite: PGlite;
beforeAll(async () => {
	pglite = await PGlite.create({ dataDir: "memory://" });
	await pglite.exec("create table t (a int primary key check (a > 0))");
	await pglite.query("insert into t values (1)");
});
afterAll(async () => {
	if (!pglite.closed) await pglite.close();
});

/** The error a PGlite statement throws. */
async function pgliteError(statement: string): Promise<unknown> {
	return pglite.query(statement).then(
		() => {
			throw new Error(`${statement} did not fail`);
		},
		(error: unknown) => error,
	);
}

const raise = (sqlstate: string) => `do $$ begin raise exception 'raised' using errcode = '${sqlstate}'; end $$`;

describe("classifyDatabaseError()", () => {
	it("calls constraint, data and syntax errors permanent (PGlite)", async () => {
		expect(classifyDatabaseError(await pgliteError("insert into t values (1)"))).toBe("permanent"); // 23505
		expect(classifyDatabaseError(await pgliteError("insert into t values (-1)"))).toBe("permanent"); // 23514
		expect(classifyDatabaseError(await pgliteError("select 1/0"))).toBe("permanent"); // 22012
		expect(classifyDatabaseError(await pgliteError("selec 1"))).toBe("permanent"); // 42601
		expect(classifyDatabaseError(await pgliteError("select * from missing"))).toBe("permanent"); // 42P01
		expect(classifyDatabaseError(await pgliteError(raise("P0001")))).toBe("permanent");
	});

	it("calls serialization failures, deadlocks, lock and statement timeouts transient (PGlite)", async () => {
		for (const sqlstate of ["40001", "40P01", "55P03", "57014"])
			expect([sqlstate, classifyDatabaseError(await pgliteError(raise(sqlstate)))]).toEqual([sqlstate, "transient"]);
	});

	it("calls connection failures, administrator shutdowns and a closed PGlite unavailable", async () => {
		for (const sqlstate of ["08006", "57P01", "57P02", "57P03", "53300", "25006"])
			expect([sqlstate, classifyDatabaseError(await pgliteError(raise(sqlstate)))]).toEqual([sqlstate, "unavailable"]);
		const closed = await PGlite.create({ dataDir: "memory://" });
		await closed.close();
		expect(classifyDatabaseError(await closed.query("select 1").catch((e: unknown) => e))).toBe("unavailable");
	});

	it("reads pg's errors: a refused connection, a terminated session, a pool timeout, a server error", async () => {
		const pool = new pg.Pool({
			connectionString: `postgres://root@127.0.0.1:${await findFreePort()}/none`,
			connectionTimeoutMillis: 1_000,
		});
		const refused = await pool.query("select 1").catch((e: unknown) => e);
		await pool.end();
		expect((refused as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
		expect(classifyDatabaseError(refused)).toBe("unavailable");
		expect(classifyDatabaseError(new Error("Connection terminated unexpectedly"))).toBe("unavailable");
		expect(classifyDatabaseError(new Error("timeout exceeded when trying to connect"))).toBe("unavailable");
		const terminated = new pg.DatabaseError("terminating connection due to administrator command", 100, "error");
		terminated.code = "57P01";
		terminated.severity = "FATAL";
		expect(classifyDatabaseError(terminated)).toBe("unavailable");
		const unique = new pg.DatabaseError('duplicate key value violates unique constraint "t_pkey"', 100, "error");
		unique.code = "23505";
		unique.severity = "ERROR";
		expect(classifyDatabaseError(unique)).toBe("permanent");
		const aggregate = new AggregateError([refused, refused], "connect failed");
		expect(classifyDatabaseError(aggregate)).toBe("unavailable");
	});

	it("follows causes, and leaves errors that are not the database's alone", async () => {
		const wrapped = new BaseError("could not write the batch", { cause: await pgliteError("select 1/0") });
		expect(classifyDatabaseError(wrapped)).toBe("permanent");
		expect(classifyDatabaseError(new TypeError("x is undefined"))).toBeNull();
		const epipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
		expect(classifyDatabaseError(epipe)).toBe("unavailable");
		expect(classifyDatabaseError(Object.assign(new Error("HTTP 503"), { code: "HTTP_503" }))).toBeNull();
		expect(classifyDatabaseError("a string")).toBeNull();
	});
});
