import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { findFreePort } from "../../devchain/free-port.ts";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";

/** A Postgres server of one test's own (own port and folder), so stopping it disturbs nobody. */
export type PrivatePostgres = {
	port: number;
	/** Connection string of `database` (trust auth, user root). */
	url(database?: string): string;
	createDatabase(name: string): Promise<string>;
	/** Fast shutdown: sessions are terminated, new connections refused. */
	stop(): Promise<void>;
	start(): Promise<void>;
	/** Stops the server and removes its folder. */
	remove(): Promise<void>;
};

/**
 * Creates a cluster with the machine's Postgres 15 binaries (`initdb`, `pg_ctl`) in a temporary
 * folder and starts it on a free port, listening on 127.0.0.1 only. Postgres refuses to run as
 * root: as root, the binaries run as the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
	const folder = mkdtempSync(join(tmpdir(), "oracle-pg-"));
	const data = join(folder, "data");
	const port = await findFreePort();
	const asRoot = process.getuid?.() === 0;
	if (asRoot) {
		const { stdout } = await run("id", ["-u", "postgres"]);
		const { stdout: gid } = await run("id", ["-g", "postgres"]);
		chownSync(folder, Number(stdout.trim()), Number(gid.trim()));
	}
	const pgRun = (binary: string, args: string[]) =>
		asRoot ? run("runuser", ["-u", "postgres", "--", join(BIN, binary), ...args]) : run(join(BIN, binary), args);
	await pgRun("initdb", ["-D", data, "-U", "root", "--auth=trust", "--no-sync", "--no-instructions", "-E", "UTF8"]);
	const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
	const url = (database = "postgres") => `postgres://root@127.0.0.1:${port}/${database}`;
	const start = async () => {
		await pgRun("pg_ctl", ["-D", data, "-o", options, "-l", join(folder, "log"), "-w", "-t", "60", "start"]);
	};
	const stop = async () => {
		await pgRun("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
	};
	await start();
	let running = true;
	return {
		port,
		url,
		async createDatabase(name) {
			const client = new pg.Client({ connectionString: url() });
			await client.connect();
			try {
				await client.query(`create database ${name}`);
			} finally {
				await client.end();
			}
			return url(name);
		},
		async stop() {
			await stop();
			running = false;
		},
		async start() {
			await start();
			running = true;
		},
		async remove() {
			if (running) await stop().catch(() => {});
			running = false;
			rmSync(folder, { recursive: true, force: true });
		},
	};
}
