import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { expectErc20IndexMatchesChain, waitIndexed } from "../helpers/chain-index.ts";
import { type CliProcess, spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom, enableAccounts, generateErc20Traffic, testAccounts } from "../helpers/erc20-traffic.ts";
import { eventually } from "../helpers/system.ts";

let anvil: AnvilInstance;
let client: DevClient;
let database: TestDatabase;
let token: Address;
let startBlock: bigint;
const accounts = testAccounts(30, 51);
const random = createRandom(8);
const balances = new Map<Address, bigint>();

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	database = await createTestDatabase();
	await enableAccounts(client, accounts);
	const deployed = await deployAlephToken(client, { genesis: [{ address: accounts[0] as Address, amount: 10n ** 27n }] });
	token = deployed.address;
	startBlock = deployed.blockNumber;
	balances.set(accounts[0] as Address, 10n ** 27n);
	await generateErc20Traffic(client, { token, accounts, balances, blocks: 60, random });
});

afterAll(async () => {
	await database?.drop();
	await anvil?.stop();
});

describe("two watcher processes for one chain", () => {
	// Several processes on one database share their jobs through Redis (without it, the second is refused).
	const redisUrl = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;
	const env = () => ({
		DATABASE_URL: database.url,
		REDIS_URL: redisUrl,
		CHAINS: "ETH",
		ETH_RPC_URL: anvil.url,
		ETH_CHAIN_ID: String(anvil.chainId),
		ETH_TOKEN: token,
		ETH_START_BLOCK: String(startBlock),
		ETH_GENESIS: `${accounts[0]}:${10n ** 27n}`,
		ETH_FINALITY_BLOCKS: "3",
		ETH_POLL_INTERVAL_MS: "50",
		LOG_LEVEL: "info",
	});
	const leads = (cli: CliProcess) => cli.output().includes('"msg":"Took the writer lock"');

	it("only one writes; the other stands by and takes over when the first is killed", async () => {
		const first = spawnCli("watch", env());
		await eventually(async () => (leads(first) ? true : undefined), 60_000, "a first leader");
		const second = spawnCli("watch", env());
		await eventually(async () => (second.output().includes("Standing by") ? true : undefined), 60_000, "a standby");
		await waitIndexed(database.db, client, "ETH");
		expect(leads(second)).toBe(false);

		first.child.kill("SIGKILL");
		await first.exited;
		await generateErc20Traffic(client, { token, accounts, balances, blocks: 20, random });
		await eventually(async () => (leads(second) ? true : undefined), 30_000, "the standby to take over");
		await waitIndexed(database.db, client, "ETH");
		const result = await expectErc20IndexMatchesChain(database.db, client, "ETH", token);
		expect(result.transfers).toBeGreaterThan(60);
		second.child.kill("SIGTERM");
		expect((await second.exited).code).toBe(0);
	});
});
