import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import type { Database } from "../../src/db/database.ts";
import { expectErc20IndexMatchesChain, waitIndexed } from "../helpers/chain-index.ts";
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom, enableAccounts, generateErc20Traffic, testAccounts } from "../helpers/erc20-traffic.ts";
import { startTestWatcher, testChainConfig } from "../helpers/watcher.ts";

let anvil: AnvilInstance;
let client: DevClient;
let token: Address;
const accounts = testAccounts(60);
const genesis = accounts.slice(0, 5).map((address, i) => ({ address, amount: BigInt(i + 1) * 10n ** 24n }));

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	await enableAccounts(client, accounts);
	token = (await deployAlephToken(client, { genesis })).address;
	const balances = new Map(genesis.map((g) => [g.address, g.amount]));
	const { transactions } = await generateErc20Traffic(client, {
		token,
		accounts,
		balances,
		blocks: 520,
		random: createRandom(42),
	});
	expect(transactions).toBeGreaterThan(500);
});

afterAll(async () => {
	await anvil?.stop();
});

describe.each([
	["Postgres", async () => createTestDatabase()],
	["PGlite", async () => createPgliteDatabase()],
] as const)("ERC-20 index on %s", (_name, open) => {
	let database: Database;

	beforeAll(async () => {
		database = await open();
	});
	afterAll(async () => {
		await ((database as TestDatabase).drop?.() ?? database.close());
	});

	it("indexes ≥ 500 blocks of transfers, mints and burns: every balance equals balanceOf and the sum equals totalSupply", async () => {
		const chain = testChainConfig({
			rpcUrls: [anvil.url],
			chainId: anvil.chainId,
			token,
			genesis: genesis.map((g) => ({
				address: g.address.toLowerCase(),
				amount: g.amount,
			})),
		});
		const watcher = await startTestWatcher(database, chain, { initialRange: 50 });
		try {
			await waitIndexed(database.db, client, chain.name);
			const result = await expectErc20IndexMatchesChain(database.db, client, chain.name, token);
			expect(result.accounts).toBeGreaterThanOrEqual(50);
			expect(result.block).toBeGreaterThanOrEqual(500n);
			expect(result.transfers).toBeGreaterThan(1000);
		} finally {
			await watcher.stop();
		}
	});
});
