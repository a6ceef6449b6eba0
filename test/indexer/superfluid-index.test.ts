import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import {
	createFlow,
	createFlowViaHost,
	deleteFlow,
	deleteFlowViaHost,
	deploySuperfluid,
	increaseTime,
	isAccountCriticalNow,
	latestTimestamp,
	liquidate,
	type SuperfluidFramework,
	setNextBlockTimestamp,
	setupGdaDistribution,
	superTokenAbi,
	updateFlow,
	updateFlowViaHost,
} from "../../devchain/superfluid.ts";
import type { ChainWatcher } from "../../src/indexer/watcher.ts";
import { waitIndexed } from "../helpers/chain-index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { enableAccounts, testAccounts } from "../helpers/erc20-traffic.ts";
import { expectStreamIndexMatchesChain, indexedStreamState } from "../helpers/stream-index.ts";
import { startTestWatcher, testChainConfig } from "../helpers/watcher.ts";

const ALEPH = 10n ** 18n;
let anvil: AnvilInstance;
let client: DevClient;
let sf: SuperfluidFramework;
let database: TestDatabase;
let watcher: ChainWatcher;
const accounts = testAccounts(24, 21);
const [payer, crn, community, dry, liquidator, a, b, c, d, e] = accounts as [
	Address,
	Address,
	Address,
	Address,
	Address,
	Address,
	Address,
	Address,
	Address,
	Address,
];

async function send(to: Address, amount: bigint, from: Address = sf.deployer) {
	const hash = await client.writeContract({
		address: sf.token,
		abi: superTokenAbi,
		functionName: "transfer",
		args: [to, amount],
		account: from,
		gas: 500_000n,
	});
	await client.waitForTransactionReceipt({ hash });
}

async function synced() {
	await waitIndexed(database.db, client, "AVAX");
	return expectStreamIndexMatchesChain(database.db, client, sf, "AVAX", [...accounts, sf.deployer, sf.toga]);
}

beforeAll(async () => {
	anvil = await startAnvil({ disableCodeSizeLimit: true });
	client = createDevClient(anvil);
	sf = await deploySuperfluid(client);
	await enableAccounts(client, accounts);
	for (const [i, account] of accounts.entries()) await send(account, BigInt(1_000 + i * 37) * ALEPH);
	database = await createTestDatabase();
	watcher = await startTestWatcher(
		database,
		testChainConfig({
			name: "AVAX",
			rpcUrls: [anvil.url],
			chainId: anvil.chainId,
			token: sf.token,
			cfa: sf.cfa.toLowerCase(),
			finalityBlocks: 3,
			pollIntervalMs: 20,
		}),
	);
});

afterAll(async () => {
	await watcher?.stop();
	await database?.drop();
	await anvil?.stop();
});

describe("Superfluid streams indexed against the real protocol", () => {
	it("transfers and flows created, updated and deleted through the forwarder and host.callAgreement", async () => {
		await createFlow(client, sf, { sender: a, receiver: b, flowRate: 3_000_000_000n });
		await createFlowViaHost(client, sf, { sender: c, receiver: d, flowRate: 7_777_777_777n });
		await createFlow(client, sf, { sender: b, receiver: c, flowRate: 1_000_000_001n });
		await synced();
		await increaseTime(client, 1_000);
		await updateFlow(client, sf, { sender: a, receiver: b, flowRate: 5_000_000_000n });
		await updateFlowViaHost(client, sf, { sender: c, receiver: d, flowRate: 1_234_567n });
		await send(e, 5n * ALEPH, a);
		await createFlow(client, sf, { sender: e, receiver: a, flowRate: 10_000_000n });
		await synced();
		await increaseTime(client, 86_400);
		await deleteFlow(client, sf, { sender: a, receiver: b });
		await deleteFlowViaHost(client, sf, { sender: c, receiver: d, by: d });
		const result = await synced();
		expect(result.flows).toBe(2);
	});

	it("a pay-as-you-go account streaming 80 % to a CRN and 20 % to the community wallet", async () => {
		const required = 15_277_777_777_777n; // 0.055 ALEPH/h, in wei/s
		const toCrn = (required * 8n) / 10n;
		await createFlow(client, sf, { sender: payer, receiver: crn, flowRate: toCrn });
		await createFlow(client, sf, { sender: payer, receiver: community, flowRate: required - toCrn });
		await increaseTime(client, 3_600);
		await synced();
		const flows = await database.db
			.selectFrom("flows")
			.selectAll()
			.where("sender", "=", payer.toLowerCase())
			.orderBy("flow_rate", "desc")
			.execute();
		expect(flows.map((f) => [f.receiver, f.flow_rate])).toEqual([
			[crn.toLowerCase(), toCrn],
			[community.toLowerCase(), required - toCrn],
		]);
		const state = await indexedStreamState(database.db, "AVAX", payer, (await latestTimestamp(client)) + 10n);
		expect(state.netFlowRate).toBe(-required);
	});

	it("predicts the critical time of a sender running dry within one block, and indexes its liquidation", async () => {
		// Leave `dry` with a little more than its deposit, streaming fast.
		const rate = 10n ** 15n;
		await createFlow(client, sf, { sender: dry, receiver: e, flowRate: rate });
		const cursor = await waitIndexed(database.db, client, "AVAX");
		const predicted = (await indexedStreamState(database.db, "AVAX", dry, 0n)).criticalAt as bigint;
		expect(predicted).not.toBeNull();
		expect(cursor).toBeGreaterThan(0n);
		await setNextBlockTimestamp(client, predicted - 1n);
		await client.mine({ blocks: 1 });
		expect(await isAccountCriticalNow(client, sf, { account: dry })).toBe(false);
		await setNextBlockTimestamp(client, predicted);
		await client.mine({ blocks: 1 });
		expect(await isAccountCriticalNow(client, sf, { account: dry })).toBe(true);
		await increaseTime(client, 600);
		await synced();
		const { event } = await liquidate(client, sf, { sender: dry, receiver: e, liquidator });
		expect(event.targetAccount.toLowerCase()).toBe(dry.toLowerCase());
		await synced();
		const rows = await database.db.selectFrom("liquidations").selectAll().where("chain", "=", "AVAX").execute();
		expect(rows.map((r) => [r.target, r.liquidator, r.reward_amount])).toEqual([
			[dry.toLowerCase(), liquidator.toLowerCase(), event.rewardAmount],
		]);
		expect(await database.db.selectFrom("flows").selectAll().where("sender", "=", dry.toLowerCase()).execute()).toEqual([]);
	});

	it("rolls back an anvil_reorg that removes a block holding a flow update", async () => {
		await increaseTime(client, 100);
		await createFlow(client, sf, { sender: d, receiver: a, flowRate: 123_456_789n });
		await client.mine({ blocks: 1 });
		await waitIndexed(database.db, client, "AVAX");
		expect(
			await database.db
				.selectFrom("flows")
				.select("flow_rate")
				.where("sender", "=", d.toLowerCase())
				.where("receiver", "=", a.toLowerCase())
				.executeTakeFirst(),
		).toEqual({ flow_rate: 123_456_789n });
		await client.request({ method: "anvil_reorg" as never, params: [2, []] as never });
		await increaseTime(client, 50);
		await synced();
		expect(
			await database.db
				.selectFrom("flows")
				.select("flow_rate")
				.where("sender", "=", d.toLowerCase())
				.where("receiver", "=", a.toLowerCase())
				.executeTakeFirst(),
		).toBeUndefined();
	});

	it("flags accounts a GDA pool touches and serves their balance from realtimeBalanceOf", async () => {
		await setupGdaDistribution(client, sf, {
			distributor: b,
			members: [
				{ address: c, units: 3n },
				{ address: d, units: 1n },
			],
			flowRate: 4_000_000n,
			amount: 40n * ALEPH,
		});
		await increaseTime(client, 500);
		await synced();
		const flagged = await database.db.selectFrom("agreement_flags").select("address").distinct().where("chain", "=", "AVAX").execute();
		expect(flagged.map((f) => f.address)).toEqual(expect.arrayContaining([b.toLowerCase(), c.toLowerCase(), d.toLowerCase()]));
		expect((await indexedStreamState(database.db, "AVAX", c, 0n)).source).toBe("rpc");
	});
});
