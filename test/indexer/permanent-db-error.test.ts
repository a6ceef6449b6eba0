/** A database error that retrying cannot fix stops the watcher (exit 2, one line); a passing one is retried. */
import { sql } from "kysely";
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { type DeployedAlephToken, deployAlephToken, transfer } from "../../devchain/erc20.ts";
import { findFreePort } from "../../devchain/free-port.ts";
import { openDatabase } from "../../src/db/database.ts";
import { createChainWatcher } from "../../src/indexer/watcher.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createRpcClient } from "../../src/rpc/client.ts";
import { runCli, spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/system.ts";
import { testChainConfig } from "../helpers/watcher.ts";

let anvil: AnvilInstance;
let client: DevClient;
let token: DeployedAlephToken;
let holder: Address;
const databases: TestDatabase[] = [];

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	[holder] = (await client.getAddresses()) as [Address];
	token = await deployAlephToken(client, { genesis: [{ address: holder, amount: 10n ** 24n }] });
	await transfer(client, { token: token.address, from: holder, to: "0x00000000000000000000000000000000000000b0", amount: 1n });
});
afterAll(async () => {
	for (const database of databases) await database.drop();
	await anvil?.stop();
});

/** A database whose `transfers` table refuses inserts with `sqlstate` (while `times` lasts: -1 for ever). */
async function refusingDatabase(sqlstate: string, times: number): Promise<TestDatabase> {
	const database = await createTestDatabase();
	databases.push(database);
	await sql
		.raw(`create sequence refusals;
		create function refuse() returns trigger language plpgsql as $$
		begin
			if ${times} < 0 or nextval('refusals') <= ${times} then
				raise exception 'refused by the test' using errcode = '${sqlstate}';
			end if;
			return new;
		end $$;
		create trigger refuse before insert on transfers for each row execute function refuse();`)
		.execute(database.db);
	return database;
}

const env = (database: TestDatabase) => ({
	DATABASE_URL: database.url,
	CHAINS: "ETH",
	ETH_RPC_URL: anvil.url,
	ETH_CHAIN_ID: String(anvil.chainId),
	ETH_TOKEN: token.address,
	ETH_START_BLOCK: String(token.blockNumber),
	ETH_FINALITY_BLOCKS: "1",
	ETH_POLL_INTERVAL_MS: "50",
});

describe("the watcher on database errors", () => {
	it("stops with exit code 2 and one line on a constraint violation", async () => {
		const database = await refusingDatabase("23514", -1);
		const { code, output } = await runCli("watch", env(database), 60_000);
		expect(code).toBe(2);
		const fatal = output
			.trim()
			.split("\n")
			.filter((line) => line.includes('"level":60'));
		expect(fatal).toHaveLength(1);
		expect(fatal[0]).toContain("ETH");
		expect(fatal[0]).toContain("refused by the test");
		const { rows } = await sql<{ n: bigint }>`select count(*) as n from transfers`.execute(database.db);
		expect(rows[0]?.n).toBe(0n);
	});

	it("retries serialization failures and indexes the block", async () => {
		const database = await refusingDatabase("40001", 3);
		const watcher = spawnCli("watch", env(database));
		try {
			await eventually(
				async () => {
					const { rows } = await sql<{ n: bigint }>`select count(*) as n from transfers`.execute(database.db);
					return rows[0]?.n === 1n ? true : undefined;
				},
				60_000,
				"the transfer indexed",
			);
		} finally {
			watcher.child.kill("SIGTERM");
		}
		expect((await watcher.exited).code).toBe(0);
	});

	it("keeps asking for the writer lock while the database does not answer", async () => {
		const gone = await openDatabase({ databaseUrl: `postgres://root@127.0.0.1:${await findFreePort()}/gone`, poolSize: 1 });
		let lines = "";
		const logger = createLogger(
			"warn",
			{},
			{
				write(line: string) {
					lines += line;
				},
			},
		);
		const chain = testChainConfig({ rpcUrls: [anvil.url], chainId: anvil.chainId, token: token.address });
		const watcher = createChainWatcher({ chain, db: gone.db, rpc: createRpcClient({ urls: chain.rpcUrls }), logger, standbyPollMs: 10 });
		let settled = false;
		const running = watcher.start().finally(() => {
			settled = true;
		});
		try {
			await eventually(
				async () => (lines.split("Could not ask for the writer lock").length > 3 ? true : undefined),
				30_000,
				"three attempts",
			);
			expect(settled).toBe(false);
		} finally {
			await watcher.stop();
			await gone.close();
		}
		await running;
	});
});
