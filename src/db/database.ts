import { mkdirSync } from "node:fs";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import { withCopy } from "./copy.ts";
import { createPgliteDialect } from "./pglite-dialect.ts";
import type { Tables } from "./schema.ts";

export type Db = Kysely<Tables>;

/** A transaction on the database (the writes of one batch, one recompute, one ledger change). */
export type Trx = Transaction<Tables>;

/** An open database: kysely on top, the driver kind, and a way to close it. */
export type Database = {
	db: Db;
	kind: "postgres" | "pglite";
	close(): Promise<void>;
};

export type OpenDatabaseOptions = {
	/** Postgres connection string; null selects the embedded PGlite in `dataDir`. */
	databaseUrl: string | null;
	/** PGlite data directory, or `memory://` for a throwaway database. */
	dataDir?: string;
	/** Connections in the pg pool. Default: `10`. */
	poolSize?: number;
	/** Name reported to Postgres in pg_stat_activity. */
	applicationName?: string;
	/** Close idle pg connections after this many ms; 0 keeps them (a session holding a lock). Default: `10_000`. */
	idleTimeoutMs?: number;
};

// int8 and numeric come back as bigint on both drivers. Every numeric column of the schema has
// scale 0 (uint256 values, wei), so the conversion is exact.
const parseBigInt = (value: string) => BigInt(value);

/** Opens Postgres when a URL is given, else the embedded PGlite. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
	if (options.databaseUrl) {
		const pool = new pg.Pool({
			connectionString: options.databaseUrl,
			max: options.poolSize ?? 10,
			application_name: options.applicationName ?? "aleph-oracle",
			idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
			types: {
				getTypeParser: ((oid: number, format?: string) =>
					oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
						? parseBigInt
						: pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
			},
		});
		// An idle client losing its connection must not crash the process; the next query reconnects.
		pool.on("error", () => {});
		const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: withCopy(pool) }) });
		return { db, kind: "postgres", close: () => db.destroy() };
	}
	const dataDir = options.dataDir ?? "./.data";
	if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
	const client = await PGlite.create({
		dataDir,
		parsers: {
			[pgliteTypes.INT8]: parseBigInt,
			[pgliteTypes.NUMERIC]: parseBigInt,
		},
	});
	const db = new Kysely<Tables>({ dialect: createPgliteDialect(client) });
	return {
		db,
		kind: "pglite",
		close: async () => {
			await db.destroy();
			await client.close();
		},
	};
}

/** True when the database answers a trivial query. */
export async function pingDatabase(db: Db): Promise<boolean> {
	try {
		await sql`select 1`.execute(db);
		return true;
	} catch {
		return false;
	}
}
