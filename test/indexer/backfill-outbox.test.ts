import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { batchTransfer, deployAlephToken, transfer } from "../../devchain/erc20.ts";
import { writeBatch } from "../../src/indexer/batch.ts";
import { sleep } from "../../src/lib/sleep.ts";
import { waitIndexed } from "../helpers/chain-index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom, enableAccounts, testAccounts } from "../helpers/erc20-traffic.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { startTestWatcher, testChainConfig } from "../helpers/watcher.ts";

let anvil: AnvilInstance;
let client: DevClient;
let database: TestDatabase;
let proxy: FaultProxy;
let token: Address;
let startBlock: bigint;
const accounts = testAccounts(40, 7);
const holder = accounts[0] as Address;
const random = createRandom(5);

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	database = await createTestDatabase();
	await enableAccounts(client, accounts);
	const deployed = await deployAlephToken(client, { genesis: [{ address: holder, amount: 10n ** 30n }] });
	token = deployed.address;
	startBlock = deployed.blockNumber;
	for (let i = 0; i < 60; i++) {
		await batchTransfer(client, {
			token,
			from: holder,
			transfers: Array.from({ length: 5 }, () => ({ to: random.pick(accounts.slice(1)), amount: random.amount(10n ** 20n) })),
		});
	}
	proxy = await startFaultProxy({ upstream: anvil.url });
});

afterAll(async () => {
	await proxy?.stop();
	await database?.drop();
	await anvil?.stop();
});

const outbox = async () =>
	new Set((await database.db.selectFrom("outbox").select("address").where("chain", "=", "ETH").execute()).map((r) => r.address));
const balanceHolders = async () =>
	new Set((await database.db.selectFrom("balances").select("address").where("chain", "=", "ETH").execute()).map((r) => r.address));
const cursor = async () =>
	(await database.db.selectFrom("chains").select(["indexed_block", "finalized_block"]).where("chain", "=", "ETH").executeTakeFirst()) ?? {
		indexed_block: -1n,
		finalized_block: null,
	};

describe("the outbox during a backfill", () => {
	const chain = () =>
		testChainConfig({
			rpcUrls: [proxy.url],
			chainId: anvil.chainId,
			token,
			startBlock,
			maxBlockRange: 4,
			genesis: [{ address: holder.toLowerCase(), amount: 10n ** 30n }],
		});

	it("holds only the genesis until the backfill reaches the finalized block, then every account; resumed after an interruption", async () => {
		const head = await client.getBlockNumber();
		// Stop the first watcher halfway: it cannot fetch past the gate.
		const gate = startBlock + (head - startBlock) / 2n;
		proxy.setLogsGate(gate);
		const first = await startTestWatcher(database, chain(), { initialRange: 4 });
		const deadline = Date.now() + 60_000;
		while ((await cursor()).indexed_block < gate - 4n && Date.now() < deadline) await sleep(20);
		await first.stop();

		const midway = await cursor();
		expect(midway.indexed_block).toBeLessThan(midway.finalized_block as bigint);
		expect((await balanceHolders()).size).toBeGreaterThan(10);
		expect([...(await outbox())]).toEqual([holder.toLowerCase()]);

		proxy.setLogsGate(null);
		const second = await startTestWatcher(database, chain(), { initialRange: 4 });
		try {
			await waitIndexed(database.db, client, "ETH", head);
			const all = await outbox();
			for (const account of await balanceHolders()) expect(all).toContain(account);

			// Live blocks put the accounts they touch in the outbox at once.
			await database.db.deleteFrom("outbox").execute();
			const fresh = testAccounts(1, 99)[0] as Address;
			await transfer(client, { token, from: holder, to: fresh, amount: 1n });
			await waitIndexed(database.db, client, "ETH");
			expect(await outbox()).toEqual(new Set([holder.toLowerCase(), fresh.toLowerCase()]));
		} finally {
			await second.stop();
		}
	});

	it("puts every account of the chain in the outbox when a node that lags ends a backfill with a head block", async () => {
		// A backfill stopped at block 10 of 20; the node now says the head is 12 (finalized 9).
		await database.db
			.insertInto("chains")
			.values({
				chain: "LAG",
				chain_id: 9n,
				token: "0xt",
				cfa: null,
				start_block: 1n,
				indexed_block: 10n,
				indexed_hash: "0xa",
				indexed_timestamp: 1n,
				head_block: 25n,
				finalized_block: 20n,
				progress: null,
			})
			.execute();
		await database.db
			.insertInto("balances")
			.values(["0x1", "0x2", "0x3"].map((address) => ({ chain: "LAG", address, amount: 1n })))
			.execute();
		const block = (number: bigint, hash: string, parentHash: string) => ({ number, hash, parentHash, timestamp: number });
		const transfer = (b: bigint, to: string) => ({
			kind: "transfer" as const,
			block: b,
			logIndex: 0,
			txHash: `0x${b}`,
			timestamp: b,
			from: "0x1",
			to,
			value: 1n,
		});
		const write = (from: bigint, fromHash: string, to: ReturnType<typeof block>, recipient: string) =>
			database.db.transaction().execute((trx) =>
				writeBatch(trx, {
					chain: "LAG",
					from: { number: from, hash: fromHash },
					to,
					events: [transfer(to.number, recipient)],
					blocks: [to],
					head: 12n,
					finalized: 9n,
				}),
			);
		const lagOutbox = async () =>
			new Set((await database.db.selectFrom("outbox").select("address").where("chain", "=", "LAG").execute()).map((r) => r.address));

		await write(10n, "0xa", block(11n, "0xb", "0xa"), "0x4");
		expect(await lagOutbox()).toEqual(new Set(["0x1", "0x2", "0x3", "0x4"]));
		await database.db.deleteFrom("outbox").where("chain", "=", "LAG").execute();
		await write(11n, "0xb", block(12n, "0xc", "0xb"), "0x5");
		expect(await lagOutbox()).toEqual(new Set(["0x1", "0x5"]));
	});
});
