import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import pg from "pg";
import type { Config } from "../src/config/env.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";

/** Where this run's index lives, how to create it, and how to throw it away. */
export type DemoStorage = {
	/** The settings to run the service on: `dataDir` or `databaseUrl`. */
	config: Pick<Config, "dataDir" | "databaseUrl">;
	/** One line saying where the index is, for the banner. */
	description: string;
	/** Creates the database and applies the migrations (the service then reopens it). */
	create(): Promise<void>;
	/** Removes the database unless it is to be kept (the chains it indexed are gone with the demo). */
	dispose(): Promise<void>;
};

/** A name for this run: `20261125-142501-<pid>`. */
export function runId(now = new Date()): string {
	const pad = (n: number) => String(n).padStart(2, "0");
	const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
	const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
	return `${date}-${time}-${process.pid}`;
}

/**
 * A fresh database for this run, so a previous run's chains never meet this run's: the embedded
 * PGlite in `DATA_DIR/demo/<run>`, or, when `DATABASE_URL` is set, a new database
 * `aleph_demo_<run>` on that server (the role needs CREATEDB). Nothing exists until `create()`;
 * `dispose()` is safe to call whether or not it ran, and does nothing when `keep` is set.
 */
export function planStorage(config: Config, run: string, keep: boolean): DemoStorage {
	if (!config.databaseUrl) {
		const dataDir = resolve(join(config.dataDir, "demo", run));
		return {
			config: { dataDir, databaseUrl: null },
			description: `PGlite in ${dataDir}${keep ? "" : " (removed on exit)"}`,
			create: () => createSchema({ databaseUrl: null, dataDir }),
			dispose: async () => {
				if (!keep) await rm(dataDir, { recursive: true, force: true });
			},
		};
	}
	const serverUrl = config.databaseUrl;
	const name = `aleph_demo_${run.replaceAll("-", "_")}`;
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return {
		config: { dataDir: config.dataDir, databaseUrl: url.toString() },
		description: `Postgres database ${name} on ${url.host}${keep ? "" : " (dropped on exit)"}`,
		create: async () => {
			await admin(serverUrl, `create database ${name}`);
			await createSchema({ databaseUrl: url.toString() });
		},
		dispose: async () => {
			if (!keep) await admin(serverUrl, `drop database if exists ${name} with (force)`);
		},
	};
}

/** Opens the database once to create it and apply the migrations. */
async function createSchema(where: { databaseUrl: string | null; dataDir?: string }): Promise<void> {
	const database = await openDatabase({ ...where, applicationName: "aleph-oracle demo" });
	try {
		await migrate(database.db);
	} finally {
		await database.close();
	}
}

/** Runs one statement on the server of `databaseUrl`, through the database it names. */
async function admin(databaseUrl: string, statement: string): Promise<void> {
	const client = new pg.Client({ connectionString: databaseUrl, application_name: "aleph-oracle demo" });
	await client.connect();
	try {
		await client.query(statement);
	} finally {
		await client.end();
	}
}
