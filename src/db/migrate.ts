import { readdir, readFile } from "node:fs/promises";
import { sql } from "kysely";
import type { Db } from "./database.ts";

const MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url);
// Any constant works; it only has to be the same for every process of this service.
const MIGRATION_LOCK_KEY = 7_301_999_001;

/** The SQL files of `migrations/`, in name order. */
export async function listMigrations(): Promise<{ name: string; sql: string }[]> {
	const names = (await readdir(MIGRATIONS_DIR)).filter((n) => n.endsWith(".sql")).sort();
	return Promise.all(
		names.map(async (name) => ({
			name,
			sql: await readFile(new URL(name, MIGRATIONS_DIR), "utf8"),
		})),
	);
}

/**
 * Applies the migrations not applied yet, in one transaction under an advisory lock, so that
 * several processes starting at once apply each migration exactly once. Forward only.
 * Returns the names it applied.
 */
export async function migrate(db: Db): Promise<string[]> {
	const migrations = await listMigrations();
	return db.transaction().execute(async (trx) => {
		await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
		await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(
			trx,
		);
		const done = new Set((await sql<{ name: string }>`select name from schema_migrations`.execute(trx)).rows.map((r) => r.name));
		const applied: string[] = [];
		for (const migration of migrations) {
			if (done.has(migration.name)) continue;
			await sql.raw(migration.sql).execute(trx);
			await sql`insert into schema_migrations (name) values (${migration.name})`.execute(trx);
			applied.push(migration.name);
		}
		return applied;
	});
}
