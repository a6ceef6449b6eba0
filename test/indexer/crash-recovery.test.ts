import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { batchTransfer, deployAlephToken } from "../../devchain/erc20.ts";
import { sleep } from "../../src/lib/sleep.ts";
import { expectErc20IndexMatchesChain, waitIndexed } from "../helpers/chain-index.ts";
import { spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom, enableAccounts, generateErc20Traffic, testAccounts } from "../helpers/erc20-traffic.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";

let anvil: AnvilInstance;
let client: DevClient;
let database: TestDatabase;
let token: Address;
let startBlock: bigint;
let proxy: FaultProxy;
const accounts = testAccounts(60, 3);
const random = createRandom(99);

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	database = await createTestDatabase();
	await enableAccounts(client, accounts);
	const holder = accounts[0] as Address;
	const deployed = await deployAlephToken(client, { genesis: [{ address: holder, amount: 10n ** 30n }] });
	token = deployed.address;
	startBlock = deployed.blockNumber;
	// Dense blocks (batch transfers) and sparse ones (random traffic), so a kill lands mid-batch.
	for (let i = 0; i < 150; i++) {
		await batchTransfer(client, {
			token,
			from: holder,
			transfers: Array.from({ length: 40 }, () => ({ to: random.pick(accounts), amount: random.amount(10n ** 22n) })),
		});
	}
	const balances = new Map<Address, bigint>();
	for (const account of accounts) balances.set(account, 0n);
	await generateErc20Traffic(client, { token, accounts: accounts.slice(1), balances, blocks: 300, random });
	proxy = await startFaultProxy({ upstream: anvil.url });
});

afterAll(async () => {
	await proxy?.stop();
	await database?.drop();
	await anvil?.stop();
});

describe("watcher killed with SIGKILL during a backfill", () => {
	const env = () => ({
		DATABASE_URL: database.url,
		CHAINS: "ETH",
		ETH_RPC_URL: proxy.url,
		ETH_CHAIN_ID: String(anvil.chainId),
		ETH_TOKEN: token,
		ETH_START_BLOCK: String(startBlock),
		ETH_GENESIS: `${accounts[0]}:${10n ** 30n}`,
		ETH_FINALITY_BLOCKS: "5",
		ETH_MAX_BLOCK_RANGE: "7",
		ETH_POLL_INTERVAL_MS: "50",
	});

	it("resumes from its cursor after each kill: balances equal balanceOf at the indexed block every time", async () => {
		const cursors: bigint[] = [];
		const head = await client.getBlockNumber();
		for (let kill = 0; kill < 5; kill++) {
			// The watcher cannot index past the gate, so every kill lands before the end of the
			// backfill however fast the machine is.
			proxy.setLogsGate(startBlock + ((head - startBlock) * BigInt(kill + 1)) / 6n);
			const cli = spawnCli("watch", env());
			// Kill at a random moment once the process is writing.
			const before = await cursor();
			const deadline = Date.now() + 30_000;
			while (((await cursor()) <= before || (await cursor()) < startBlock) && Date.now() < deadline) await sleep(20);
			await sleep(random.int(0, 400));
			cli.child.kill("SIGKILL");
			const { signal } = await cli.exited;
			expect(signal).toBe("SIGKILL");
			const at = await cursor();
			cursors.push(at);
			// The state at the cursor is whole: nothing lost, nothing counted twice.
			await expectErc20IndexMatchesChain(database.db, client, "ETH", token);
		}
		expect(new Set(cursors).size).toBeGreaterThan(1);
		expect(cursors.at(-1)).toBeLessThan(head);

		proxy.setLogsGate(null);
		const cli = spawnCli("watch", env());
		await waitIndexed(database.db, client, "ETH", head, 120_000);
		const result = await expectErc20IndexMatchesChain(database.db, client, "ETH", token);
		expect(result.transfers).toBeGreaterThan(6_000);
		cli.child.kill("SIGTERM");
		expect((await cli.exited).code).toBe(0);
	});

	async function cursor(): Promise<bigint> {
		const row = await database.db.selectFrom("chains").select("indexed_block").where("chain", "=", "ETH").executeTakeFirst();
		return row?.indexed_block ?? -1n;
	}
});
