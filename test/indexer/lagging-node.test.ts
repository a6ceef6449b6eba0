import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { sleep } from "../../src/lib/sleep.ts";
import { waitIndexed } from "../helpers/chain-index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom, enableAccounts, generateErc20Traffic, testAccounts } from "../helpers/erc20-traffic.ts";
import { startTestWatcher, testChainConfig } from "../helpers/watcher.ts";

let ahead: AnvilInstance;
let behind: AnvilInstance;
let client: DevClient;
let database: TestDatabase;
let token: Address;
const accounts = testAccounts(10, 61);

beforeAll(async () => {
	ahead = await startAnvil();
	client = createDevClient(ahead);
	database = await createTestDatabase();
	await enableAccounts(client, accounts);
	token = (await deployAlephToken(client)).address;
	await generateErc20Traffic(client, { token, accounts, balances: new Map(), blocks: 30, random: createRandom(3) });
});

afterAll(async () => {
	await database?.drop();
	await behind?.stop();
	await ahead?.stop();
});

describe("a node whose head is behind the indexed block", () => {
	it("does not make the watcher rewind what it applied", async () => {
		const config = { chainId: ahead.chainId, token, finalityBlocks: 10, pollIntervalMs: 20 };
		const first = await startTestWatcher(database, testChainConfig({ ...config, rpcUrls: [ahead.url] }));
		const indexed = await waitIndexed(database.db, client, "ETH");
		await first.stop();
		const transfers = await database.db
			.selectFrom("transfers")
			.select((eb) => eb.fn.countAll<bigint>().as("n"))
			.executeTakeFirstOrThrow();

		// A node of the same chain that is 3 blocks behind: the same blocks up to its head, no more.
		behind = await startAnvil({ extraArgs: ["--fork-url", ahead.url, "--fork-block-number", String(indexed - 3n)] });
		expect((await createDevClient(behind).getBlock({ blockNumber: indexed - 3n })).hash).toBe(
			(await client.getBlock({ blockNumber: indexed - 3n })).hash,
		);
		const second = await startTestWatcher(database, testChainConfig({ ...config, rpcUrls: [behind.url] }));
		await sleep(1_500);
		await second.stop();
		const cursor = await database.db.selectFrom("chains").select(["indexed_block"]).executeTakeFirstOrThrow();
		expect(cursor.indexed_block).toBe(indexed);
		expect(
			await database.db
				.selectFrom("transfers")
				.select((eb) => eb.fn.countAll<bigint>().as("n"))
				.executeTakeFirstOrThrow(),
		).toEqual(transfers);
	});
});
