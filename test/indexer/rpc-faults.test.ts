import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { batchTransfer, deployAlephToken } from "../../devchain/erc20.ts";
import { expectErc20IndexMatchesChain, waitIndexed } from "../helpers/chain-index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom, enableAccounts, generateErc20Traffic, testAccounts } from "../helpers/erc20-traffic.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { startTestWatcher, testChainConfig } from "../helpers/watcher.ts";

let anvil: AnvilInstance;
let client: DevClient;
let token: Address;
let startBlock: bigint;
const accounts = testAccounts(50, 11);
const random = createRandom(5);
const balances = new Map<Address, bigint>();

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	await enableAccounts(client, accounts);
	const holder = accounts[0] as Address;
	const deployed = await deployAlephToken(client, { genesis: [{ address: holder, amount: 10n ** 30n }] });
	token = deployed.address;
	startBlock = deployed.blockNumber;
	for (let i = 0; i < 30; i++) {
		await batchTransfer(client, {
			token,
			from: holder,
			transfers: Array.from({ length: 60 }, () => ({ to: random.pick(accounts), amount: random.amount(10n ** 21n) })),
		});
	}
	for (const account of accounts) balances.set(account, 0n);
	await generateErc20Traffic(client, { token, accounts: accounts.slice(1), balances, blocks: 200, random });
});

afterAll(async () => {
	await anvil?.stop();
});

describe.each([
	["avalanche", 40, 150],
	["alchemy", 25, 300],
] as const)("indexing through a faulty RPC (%s-style range errors)", (style, maxRange, maxResults) => {
	let database: TestDatabase;
	let proxies: FaultProxy[];

	beforeAll(async () => {
		database = await createTestDatabase();
		const faults = {
			http429: 0.05,
			http500: 0.05,
			timeout: 0.02,
			drop: 0.05,
			maxGetLogsRange: maxRange,
			maxGetLogsResults: maxResults,
			getLogsErrorStyle: style,
			stripBlockTimestamp: true,
		};
		proxies = await Promise.all([
			startFaultProxy({ upstream: anvil.url, seed: 1, faults }),
			startFaultProxy({ upstream: anvil.url, seed: 2, faults }),
		]);
	});
	afterAll(async () => {
		await Promise.all(proxies.map((p) => p.stop()));
		await database?.drop();
	});

	it("backfills and follows the head with every fault injected: balances equal balanceOf, sum equals totalSupply", async () => {
		// A dead URL first: the client must fall back to the others.
		const chain = testChainConfig({
			rpcUrls: ["http://127.0.0.1:1", ...proxies.map((p) => p.url)],
			chainId: anvil.chainId,
			token,
			startBlock,
			genesis: [{ address: (accounts[0] as string).toLowerCase(), amount: 10n ** 30n }],
			finalityBlocks: 6,
			pollIntervalMs: 30,
		});
		const watcher = await startTestWatcher(database, chain, { timeoutMs: 800, retries: 10, initialRange: 500 });
		try {
			await waitIndexed(database.db, client, "ETH", undefined, 120_000);
			await expectErc20IndexMatchesChain(database.db, client, "ETH", token);
			// Head following through the same faults.
			await generateErc20Traffic(client, { token, accounts: accounts.slice(1), balances, blocks: 30, random });
			await waitIndexed(database.db, client, "ETH", undefined, 120_000);
			const result = await expectErc20IndexMatchesChain(database.db, client, "ETH", token);
			expect(result.transfers).toBeGreaterThan(1_800);
		} finally {
			await watcher.stop();
		}
		const injected = proxies.reduce(
			(sum, p) => {
				for (const [k, v] of Object.entries(p.stats.injected)) sum[k] = (sum[k] ?? 0) + v;
				return sum;
			},
			{} as Record<string, number>,
		);
		for (const kind of ["http429", "http500", "timeout", "drop", "getLogsRange", "getLogsResults", "stripBlockTimestamp"]) {
			expect(injected[kind], kind).toBeGreaterThan(0);
		}
	});
});
