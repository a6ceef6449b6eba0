/**
 * The database goes away under a running oracle (`aleph-oracle all` in a child process, following
 * the head of an anvil chain and serving): every session terminated, or a server of the test's own
 * stopped for 5 s. It must index again, answer only 200 or 503 meanwhile, end with every balance
 * right and never exit; a database away for longer than DATABASE_MAX_OUTAGE_SECONDS exits 2.
 * Recovery times are printed.
 */
import { sql } from "kysely";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { balanceOf, type DeployedAlephToken, deployAlephToken, transfer } from "../../devchain/erc20.ts";
import { findFreePort } from "../../devchain/free-port.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { sleep } from "../../src/lib/sleep.ts";
import { type CliProcess, spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { enableAccounts, testAccounts } from "../helpers/erc20-traffic.ts";
import { type PrivatePostgres, startPrivatePostgres } from "../helpers/private-postgres.ts";
import { type PrivateRedis, startPrivateRedis } from "../helpers/private-redis.ts";
import { eventually } from "../helpers/system.ts";

let anvil: AnvilInstance;
let client: DevClient;
let token: DeployedAlephToken;
let postgres: PrivatePostgres;
let redis: PrivateRedis;
const holder = testAccounts(1, 71)[0] as Address;
const accounts = testAccounts(12, 72);
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	await enableAccounts(client, [holder]);
	token = await deployAlephToken(client, { genesis: [{ address: holder, amount: 10n ** 30n }] });
	[postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
});
afterAll(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	await postgres?.remove();
	await redis?.kill();
	await anvil?.stop();
});

function env(databaseUrl: string, port: number, extra: Record<string, string> = {}) {
	return {
		DATABASE_URL: databaseUrl,
		CHAINS: "ETH",
		ETH_RPC_URL: anvil.url,
		ETH_CHAIN_ID: String(anvil.chainId),
		ETH_TOKEN: token.address,
		ETH_START_BLOCK: String(token.blockNumber),
		ETH_GENESIS: `${holder}:${10n ** 30n}`,
		ETH_FINALITY_BLOCKS: "2",
		ETH_POLL_INTERVAL_MS: "100",
		ENTITLEMENT_DEBOUNCE_MS: "50",
		PORT: String(port),
		...extra,
	};
}

/** `aleph-oracle all` in a child process, killed after the file if still running. */
function spawnOracle(environment: Record<string, string>): CliProcess {
	const oracle = spawnCli("all", environment);
	cleanups.push(async () => {
		if (oracle.child.exitCode === null && oracle.child.signalCode === null) oracle.child.kill("SIGKILL");
		await oracle.exited;
	});
	return oracle;
}

/** Transfers to the test accounts, one block each, until stopped. */
function startTraffic() {
	let running = true;
	let n = 0;
	const done = (async () => {
		while (running) {
			await transfer(client, {
				token: token.address,
				from: holder,
				to: accounts[n % accounts.length] as Address,
				amount: BigInt(++n) * 10n ** 15n,
			});
			await sleep(100);
		}
	})();
	return {
		async stop() {
			running = false;
			await done;
		},
	};
}

/** Requests to data routes in a loop, recording every status (or "refused" when nothing answers). */
function startClients(apiUrl: string) {
	const statuses = new Map<string, number>();
	let running = true;
	const paths = (a: string) => [
		`/v1/accounts/${a}`,
		`/api/v0/addresses/${a}/balance`,
		"/v1/status",
		"/v1/stats/holders?chain=ETH",
		"/ready",
	];
	const done = (async () => {
		for (let i = 0; running; i++) {
			const path = paths(accounts[i % accounts.length] as string)[i % 5] as string;
			const status = await fetch(`${apiUrl}${path}`)
				.then(async (r) => {
					await r.arrayBuffer();
					return String(r.status);
				})
				.catch(() => "refused");
			statuses.set(status, (statuses.get(status) ?? 0) + 1);
			await sleep(10);
		}
	})();
	return {
		statuses,
		async stop() {
			running = false;
			await done;
		},
	};
}

const indexedBlock = async (db: Database) =>
	(
		await db.db
			.selectFrom("chains")
			.select("indexed_block")
			.executeTakeFirst()
			.catch(() => undefined)
	)?.indexed_block ?? -1n;

/**
 * Runs the oracle on `databaseUrl` with traffic and clients, applies `outage` `rounds` times and
 * measures after each how long until a block past the head at the outage's end is indexed.
 */
async function survive(name: string, databaseUrl: string, extra: Record<string, string>, rounds: number, outage: () => Promise<void>) {
	const port = await findFreePort();
	const oracle = spawnOracle(env(databaseUrl, port, extra));
	const observer = await openDatabase({ databaseUrl, poolSize: 1, applicationName: "test observer" });
	cleanups.push(() => observer.close());
	const apiUrl = `http://127.0.0.1:${port}`;
	await eventually(
		async () => ((await fetch(`${apiUrl}/ready`).catch(() => undefined))?.status === 200 ? true : undefined),
		120_000,
		"ready",
	);
	const traffic = startTraffic();
	const clients = startClients(apiUrl);
	const recoveries: number[] = [];
	try {
		for (let round = 0; round < rounds; round++) {
			await sleep(1_000);
			await outage();
			const back = Date.now();
			const head = await client.getBlockNumber();
			await eventually(
				async () => ((await indexedBlock(observer)) > head ? true : undefined),
				60_000,
				`${name}: indexing after round ${round + 1}`,
			);
			recoveries.push(Date.now() - back);
		}
	} finally {
		await traffic.stop();
		await clients.stop();
	}
	console.log(`${name}: new blocks indexed ${recoveries.map((ms) => `${ms} ms`).join(", ")} after the database came back`);
	console.log(`${name}: answers ${JSON.stringify(Object.fromEntries(clients.statuses))}`);

	const head = await client.getBlockNumber();
	await eventually(async () => ((await indexedBlock(observer)) >= head ? true : undefined), 60_000, `${name}: caught up`);
	for (const account of [holder, ...accounts]) {
		const onChain = await balanceOf(client, { token: token.address, account });
		const indexed = await observer.db
			.selectFrom("balances")
			.select("amount")
			.where("chain", "=", "ETH")
			.where("address", "=", account.toLowerCase())
			.executeTakeFirst();
		expect([account, indexed?.amount ?? 0n]).toEqual([account, onChain]);
		await eventually(
			async () => {
				const body = (await (await fetch(`${apiUrl}/v1/accounts/${account}`)).json()) as {
					source: string;
					balances: { ETH: { wei: string } };
				};
				return body.source === "queue" && body.balances.ETH.wei === onChain.toString() ? true : undefined;
			},
			60_000,
			`${name}: entitlement of ${account}`,
		);
	}
	expect([...clients.statuses.keys()].filter((s) => s !== "200" && s !== "503")).toEqual([]);
	expect(clients.statuses.get("200")).toBeGreaterThan(0);
	expect(oracle.child.exitCode).toBeNull();
	oracle.child.kill("SIGTERM");
	expect((await oracle.exited).code).toBe(0);
}

describe("the database away under a running oracle", () => {
	it("survives every one of its sessions terminated, 3 times (in-process jobs)", async () => {
		const database: TestDatabase = await createTestDatabase();
		cleanups.push(() => database.drop());
		await survive("pg_terminate_backend", database.url, {}, 3, async () => {
			const { rows } = await sql<{ n: bigint }>`select count(pg_terminate_backend(pid)) as n from pg_stat_activity
				where datname = current_database() and application_name like 'aleph-oracle %'`.execute(database.db);
			expect(rows[0]?.n).toBeGreaterThan(0n);
		});
	});

	it("survives its server stopped for 5 s and started again (BullMQ jobs)", async () => {
		const url = await postgres.createDatabase("outage");
		await survive("server stopped 5 s", url, { REDIS_URL: redis.url }, 1, async () => {
			await postgres.stop();
			await sleep(5_000);
			await postgres.start();
		});
	});

	it("exits 2 with one line when the database stays away longer than DATABASE_MAX_OUTAGE_SECONDS", async () => {
		const url = await postgres.createDatabase("away");
		const port = await findFreePort();
		const oracle = spawnOracle(env(url, port, { REDIS_URL: redis.url, DATABASE_MAX_OUTAGE_SECONDS: "3" }));
		await eventually(async () => fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined), 120_000, "the API");
		await postgres.stop();
		try {
			const exited = await Promise.race([oracle.exited, sleep(60_000).then(() => null)]);
			expect([exited?.code, oracle.output()]).toEqual([2, expect.any(String)]);
			const fatal = oracle
				.output()
				.trim()
				.split("\n")
				.filter((line) => line.includes('"level":60'));
			expect(fatal).toHaveLength(1);
			expect(fatal[0]).toContain("The database has not answered for 3 s");
		} finally {
			await postgres.start();
		}
	});
});
