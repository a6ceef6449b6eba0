import { type Address, encodeFunctionData } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alephTokenAbi } from "../../devchain/aleph-token-abi.ts";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { balanceOf, deployAlephToken } from "../../devchain/erc20.ts";
import type { ChainWatcher } from "../../src/indexer/watcher.ts";
import { expectErc20IndexMatchesChain, waitIndexed } from "../helpers/chain-index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom, enableAccounts, generateErc20Traffic, testAccounts } from "../helpers/erc20-traffic.ts";
import { startTestWatcher, testChainConfig } from "../helpers/watcher.ts";

type ReorgTx = { from: Address; to: Address; data: `0x${string}` };

let anvil: AnvilInstance;
let client: DevClient;
let database: TestDatabase;
let watcher: ChainWatcher;
let token: Address;
const accounts = testAccounts(50, 7);
const random = createRandom(1234);
const balances = new Map<Address, bigint>();

async function syncBalances() {
	for (const account of accounts) balances.set(account, await balanceOf(client, { token, account }));
}

/** The token calls of the last `depth` blocks, as anvil_reorg transaction requests. */
async function tokenCallsOfLastBlocks(depth: number): Promise<ReorgTx[]> {
	const head = await client.getBlockNumber();
	const calls: ReorgTx[] = [];
	for (let n = head - BigInt(depth) + 1n; n <= head; n++) {
		const block = await client.getBlock({ blockNumber: n, includeTransactions: true });
		for (const tx of block.transactions)
			if (tx.to?.toLowerCase() === token.toLowerCase()) calls.push({ from: tx.from, to: tx.to as Address, data: tx.input });
	}
	return calls;
}

async function reorg(depth: number, txs: [ReorgTx, number][]) {
	await client.request({ method: "anvil_reorg" as never, params: [depth, txs] as never });
}

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	database = await createTestDatabase();
	await enableAccounts(client, accounts);
	token = (await deployAlephToken(client)).address;
	await generateErc20Traffic(client, { token, accounts, balances, blocks: 40, random });
	watcher = await startTestWatcher(
		database,
		testChainConfig({ rpcUrls: [anvil.url], chainId: anvil.chainId, token, finalityBlocks: 12, pollIntervalMs: 20 }),
	);
	await waitIndexed(database.db, client, "ETH");
});

afterAll(async () => {
	await watcher?.stop();
	await database?.drop();
	await anvil?.stop();
});

describe("chain watcher following the head through anvil_reorg", () => {
	it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
		"reorg of depth %i: balances equal balanceOf, sum equals totalSupply, no orphaned row remains",
		async (depth) => {
			await generateErc20Traffic(client, { token, accounts, balances, blocks: depth + 3, random });
			await waitIndexed(database.db, client, "ETH");
			const before = await tokenCallsOfLastBlocks(depth);
			let replacement: [ReorgTx, number][];
			if (depth === 3) {
				// removes: the reorged blocks come back empty
				expect(before.length).toBeGreaterThan(0);
				replacement = [];
			} else if (depth === 6) {
				// reorders: the same calls, reversed and spread over other blocks
				expect(before.length).toBeGreaterThan(1);
				replacement = before.reverse().map((tx, i) => [tx, i % depth]);
			} else {
				const to = random.pick(accounts);
				const amount = 10n ** 18n + BigInt(depth);
				replacement = [
					[
						{
							from: accounts[0] as Address,
							to: token,
							data: encodeFunctionData({ abi: alephTokenAbi, functionName: "mint", args: [to, amount] }),
						},
						depth - 1,
					],
				];
			}
			const oldHash = (await client.getBlock()).hash;
			await reorg(depth, replacement);
			expect((await client.getBlock()).hash).not.toBe(oldHash);
			await waitIndexed(database.db, client, "ETH");
			await expectErc20IndexMatchesChain(database.db, client, "ETH", token);
			await syncBalances();
		},
	);

	it("keeps following after the reorgs", async () => {
		await generateErc20Traffic(client, { token, accounts, balances, blocks: 20, random });
		await waitIndexed(database.db, client, "ETH");
		const result = await expectErc20IndexMatchesChain(database.db, client, "ETH", token);
		expect(result.transfers).toBeGreaterThan(50);
	});
});
