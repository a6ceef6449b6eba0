import { type Address, getAbiItem, pad, parseEventLogs } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevClient } from "../../devchain/client.ts";
import {
	advanceUntilCritical,
	createFlow,
	deleteFlow,
	gdaEventsAbi,
	increaseTime,
	isAccountCriticalNow,
	type LiquidationEvent,
	liquidate,
	poolAbi,
	realtimeBalanceOfNow,
	type SuperfluidFramework,
	setupGdaDistribution,
	superTokenAbi,
} from "../../devchain/superfluid.ts";
import { type SuperfluidFixture, startSuperfluidFixture } from "./superfluid-fixture.ts";

const E18 = 10n ** 18n;
const RATE = 1_000_000_000_000_000n; // 1e15 wei/s: deposit 14.4 ALEPH at a 4 h liquidation period
let fx: SuperfluidFixture;
let client: DevClient;
let sf: SuperfluidFramework;

beforeAll(async () => {
	fx = await startSuperfluidFixture();
	({ client, sf } = fx);
});
afterAll(async () => {
	await fx?.anvil.stop();
});

/** A sender with 20 ALEPH streaming RATE to `receiver`. */
async function streamingSender(sender: Address, receiver: Address) {
	await fx.fund(sender, 20n * E18);
	await createFlow(client, sf, { sender, receiver, flowRate: RATE });
}

function transfersOf(receipt: { logs: Parameters<typeof parseEventLogs>[0]["logs"] }) {
	return parseEventLogs({
		abi: superTokenAbi,
		eventName: "Transfer",
		logs: receipt.logs,
	}).map((l) => l.args);
}

describe("liquidation", () => {
	it("a third account cannot delete a solvent sender's flow", async () => {
		const [sender, receiver, stranger] = [fx.who(1), fx.who(2), fx.who(9)];
		await streamingSender(sender, receiver);
		await expect(liquidate(client, sf, { sender, receiver, liquidator: stranger })).rejects.toThrow(/CFA_NON_CRITICAL_SENDER/);
		await deleteFlow(client, sf, { sender, receiver });
	});

	it("liquidates a critical sender from a third account (patrician period): AgreementLiquidatedV2 + Transfer to the reward account", async () => {
		const [sender, receiver, liquidator] = [fx.who(3), fx.who(2), fx.who(9)];
		await streamingSender(sender, receiver);
		await advanceUntilCritical(client, sf, {
			account: sender,
			extraSeconds: 60,
		});
		expect(await isAccountCriticalNow(client, sf, { account: sender })).toBe(true);
		// the forwarder routes a stranger's delete to deleteFlowByOperator, which needs ACL permissions
		await expect(deleteFlow(client, sf, { sender, receiver, by: liquidator })).rejects.toThrow(/CFA_ACL_OPERATOR_NO_DELETE_PERMISSIONS/);
		const { receipt, event } = await liquidate(client, sf, {
			sender,
			receiver,
			liquidator,
		});
		expect(event).toMatchObject({
			agreementClass: sf.cfa,
			liquidatorAccount: liquidator,
			targetAccount: sender,
			rewardAmountReceiver: sf.rewardAddress,
			liquidationType: 0,
		} satisfies Partial<LiquidationEvent>);
		expect(event.targetAccountBalanceDelta).toBe(-event.rewardAmount);
		expect(transfersOf(receipt)).toEqual([{ from: sender, to: sf.rewardAddress, value: event.rewardAmount }]);
		const logs = await client.getLogs({
			address: sf.token,
			event: getAbiItem({ abi: superTokenAbi, name: "AgreementLiquidatedV2" }),
			fromBlock: receipt.blockNumber,
			toBlock: receipt.blockNumber,
		});
		expect(logs).toHaveLength(1);
		expect(logs[0]?.topics[3]).toBe(pad(sender.toLowerCase() as Address));
		console.log(`patrician liquidation: reward ${event.rewardAmount} wei to ${event.rewardAmountReceiver} (TOGA)`);
	});

	it("pleb period: the liquidator gets the reward", async () => {
		const [sender, receiver, liquidator] = [fx.who(4), fx.who(2), fx.who(8)];
		await streamingSender(sender, receiver);
		await advanceUntilCritical(client, sf, {
			account: sender,
			extraSeconds: Number(sf.patricianPeriod) + 60,
		});
		const { receipt, event } = await liquidate(client, sf, {
			sender,
			receiver,
			liquidator,
		});
		expect(event.liquidationType).toBe(1);
		expect(event.rewardAmountReceiver).toBe(liquidator);
		expect(transfersOf(receipt)).toEqual([{ from: sender, to: liquidator, value: event.rewardAmount }]);
	});

	it("pirate period (insolvent): the reward account bails the sender out", async () => {
		const [sender, receiver, liquidator] = [fx.who(5), fx.who(2), fx.who(8)];
		await streamingSender(sender, receiver);
		await advanceUntilCritical(client, sf, {
			account: sender,
			extraSeconds: Number(sf.liquidationPeriod) + 60,
		});
		const before = await realtimeBalanceOfNow(client, sf, { account: sender });
		expect(before.availableBalance + before.deposit).toBeLessThan(0n);
		const { receipt, event } = await liquidate(client, sf, {
			sender,
			receiver,
			liquidator,
		});
		expect(event.liquidationType).toBe(2);
		expect(event.rewardAmountReceiver).toBe(liquidator);
		expect(event.targetAccountBalanceDelta).toBeGreaterThan(0n);
		expect(transfersOf(receipt)).toEqual([
			{ from: sf.rewardAddress, to: liquidator, value: event.rewardAmount },
			{
				from: sf.rewardAddress,
				to: sender,
				value: event.targetAccountBalanceDelta,
			},
		]);
		const after = await realtimeBalanceOfNow(client, sf, { account: sender });
		expect(after.availableBalance).toBe(0n);
		const toga = await realtimeBalanceOfNow(client, sf, {
			account: sf.rewardAddress,
		});
		console.log(
			`pirate liquidation: bailout ${event.targetAccountBalanceDelta} wei + reward ${event.rewardAmount} wei paid by the reward account, now at ${toga.availableBalance} wei`,
		);
	});
});

describe("GDA", () => {
	it("a pool distribution emits GDA and pool events with the token as topic1", async () => {
		const [distributor, member] = [sf.deployer, fx.who(7)];
		const fromBlock = (await client.getBlockNumber()) + 1n;
		const { pool } = await setupGdaDistribution(client, sf, {
			distributor,
			members: [{ address: member, units: 10n }],
			flowRate: 1_000_000n,
			amount: E18,
		});
		const tokenTopic = pad(sf.token.toLowerCase() as Address);
		const gdaLogs = await client.getLogs({ address: sf.gda, fromBlock });
		const names = parseEventLogs({ abi: gdaEventsAbi, logs: gdaLogs }).map((l) => l.eventName);
		for (const name of [
			"PoolCreated",
			"PoolConnectionUpdated",
			"FlowDistributionUpdated",
			"BufferAdjusted",
			"InstantDistributionUpdated",
		]) {
			expect(names).toContain(name);
		}
		for (const log of gdaLogs) expect(log.topics[1]).toBe(tokenTopic);
		const poolLogs = parseEventLogs({
			abi: poolAbi,
			logs: await client.getLogs({ address: pool, fromBlock }),
		});
		expect(poolLogs.map((l) => l.eventName)).toContain("MemberUnitsUpdated");
		for (const log of poolLogs) expect(log.topics[1]).toBe(tokenTopic);
		// the connected member receives the instant distribution and the flow
		const t0 = await realtimeBalanceOfNow(client, sf, { account: member });
		expect(t0.availableBalance).toBeGreaterThanOrEqual(E18);
		await increaseTime(client, 100);
		const t1 = await realtimeBalanceOfNow(client, sf, { account: member });
		expect(t1.availableBalance - t0.availableBalance).toBe(1_000_000n * (t1.timestamp - t0.timestamp));
		console.log(`GDA events: ${[...new Set(names)].join(", ")}; pool events: ${poolLogs.map((l) => l.eventName)}`);
	});
});
