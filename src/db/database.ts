import { mkdirSync } from "node:fs";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import { withCopy } from "./copy.ts";
import { createPgliteDialect } from "./pglite-dialect.ts";
import { seedFromTemplate } from "./pglite-template.ts";
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
	/**
	 * Longest wait for a pg connection (a new one, or a free one of a busy pool), ms; past it the
	 * query fails as `unavailable` instead of hanging on a server that does not answer. Default: `10_000`.
	 */
	connectionTimeoutMs?: number;
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
			connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
			// A server that vanished without closing the socket is noticed instead of waited on for ever.
			keepAlive: true,
			types: {
				getTypeParser: ((oid: number, format?: string) =>
					oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
						? parseBigInt
						: pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
			},
		});
		// A client losing its connection must not crash the process, idle (the pool's "error") or
		// checked out between two statements of a transaction (the client's own "error", which pg
		// leaves unhandled): the statement in flight or the next one fails instead, and the pool
		// connects anew.
		pool.on("error", () => {});
		pool.on("connect", (client) => client.on("error", () => {}));
		const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: withCopy(pool) }) });
		return { db, kind: "postgres", close: () => db.destroy() };
	}
	const dataDir = options.dataDir ?? "./.data";
	// A new directory starts as a copy of the install's empty cluster, else PGlite runs initdb.
	if (!dataDir.startsWith("memory://") && !seedFromTemplate(dataDir)) mkdirSync(dataDir, { recursive: true });
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

/**
 * Takes (or confirms: it is reentrant in one session) the session advisory lock named `name`;
 * false when another session holds it. The lock lives as long as the session: hold it on a
 * connection of its own.
 */
export async function tryAdvisoryLock(db: Db, name: string): Promise<boolean> {
	const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext(${name})) as locked`.execute(db);
	return rows[0]?.locked === true;
}
