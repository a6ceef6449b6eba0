import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";

/** The server the tests create their databases on (trust auth, as on the CI machine). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";

export type TestDatabase = Database & { url: string; drop(): Promise<void> };

/** Creates a fresh, migrated Postgres database for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
	const name = `oracle_test_${process.pid}_${randomBytes(4).toString("hex")}`;
	await admin(`create database ${name}`);
	const url = new URL(TEST_SERVER_URL);
	url.pathname = `/${name}`;
	const database = await openDatabase({
		databaseUrl: url.toString(),
		poolSize: 4,
	});
	await migrate(database.db);
	return {
		...database,
		url: url.toString(),
		async drop() {
			await database.close();
			await admin(`drop database if exists ${name} with (force)`);
		},
	};
}

/** A migrated in-memory PGlite database. */
export async function createPgliteDatabase(): Promise<Database> {
	const database = await openDatabase({
		databaseUrl: null,
		dataDir: "memory://",
	});
	await migrate(database.db);
	return database;
}

async function admin(statement: string) {
	const client = new pg.Client({ connectionString: TEST_SERVER_URL });
	await client.connect();
	try {
		await client.query(statement);
	} finally {
		await client.end();
	}
}
