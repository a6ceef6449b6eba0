import { createRequire } from "node:module";
import { type Address, getAddress, pad, parseEventLogs, type TransactionReceipt, toEventSelector } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevClient } from "../../devchain/client.ts";
import {
	balanceOf,
	cfaAbi,
	createFlow,
	createFlowViaHost,
	deleteFlow,
	deleteFlowViaHost,
	depositForFlowRate,
	gdaEventsAbi,
	getAccountFlowInfo,
	getFlow,
	getNetFlow,
	increaseTime,
	realtimeBalanceOf,
	realtimeBalanceOfNow,
	type SuperfluidFramework,
	superTokenAbi,
	totalSupply,
	updateFlow,
	updateFlowViaHost,
} from "../../devchain/superfluid.ts";
import { type SuperfluidFixture, startSuperfluidFixture } from "./superfluid-fixture.ts";

const E18 = 10n ** 18n;
let fx: SuperfluidFixture;
let client: DevClient;
let sf: SuperfluidFramework;
const who = (i: number) => fx.who(i);
const fund = (to: Address, amount: bigint) => fx.fund(to, amount);

/** FlowUpdated and FlowUpdatedExtension logs of one transaction, fetched with getLogs. */
async function cfaEvents(receipt: TransactionReceipt) {
	const logs = await client.getLogs({
		address: sf.cfa,
		blockHash: receipt.blockHash,
	});
	const mine = logs.filter((l) => l.transactionHash === receipt.transactionHash);
	return parseEventLogs({ abi: cfaAbi, logs: mine });
}

/** Superfluid artifact JSON files in the CommonJS require cache. */
const loadedArtifacts = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("ethereum-contracts")).length;
let artifactsLoadedBeforeDeploy = -1;

beforeAll(async () => {
	artifactsLoadedBeforeDeploy = loadedArtifacts();
	fx = await startSuperfluidFixture();
	({ client, sf } = fx);
	const t = sf.timings;
	console.log(
		`Superfluid deploy: ${fx.deployMs.toFixed(0)} ms (ERC1820 ${t.erc1820Ms.toFixed(0)}, libraries ${t.librariesMs.toFixed(0)}, framework ${t.frameworkMs.toFixed(0)}, token ${t.tokenMs.toFixed(0)})`,
	);
});
afterAll(async () => {
	await fx?.anvil.stop();
});

describe("deploySuperfluid", () => {
	it("deploys the framework and ALEPH as a pure Super Token owned by the deployer", async () => {
		for (const a of [sf.host, sf.cfa, sf.gda, sf.cfaV1Forwarder, sf.token]) {
			expect(await client.getCode({ address: a })).toMatch(/^0x[0-9a-f]{10,}/);
		}
		const read = (functionName: "name" | "symbol") =>
			client.readContract({
				address: sf.token,
				abi: superTokenAbi,
				functionName,
			});
		expect(await read("name")).toBe("Aleph");
		expect(await read("symbol")).toBe("ALEPH");
		expect(await totalSupply(client, sf)).toBe(sf.initialSupply);
		expect(await balanceOf(client, sf, { account: sf.deployer })).toBe(sf.initialSupply);
		expect(sf.token).toBe(getAddress(sf.token));
		console.log(
			`PPP: liquidation ${sf.liquidationPeriod} s, patrician ${sf.patricianPeriod} s, minimum deposit ${sf.minimumDeposit} wei, reward ${sf.rewardAddress} (toga ${sf.toga})`,
		);
		expect(sf.liquidationPeriod).toBe(14_400n);
		expect(sf.patricianPeriod).toBe(1_800n);
		expect(sf.rewardAddress).toBe(sf.toga);
	});

	it("loads no Superfluid artifact on import (lazy)", () => {
		// each test file runs in a fresh process (vitest forks pool), so this counts only our import
		expect(artifactsLoadedBeforeDeploy).toBe(0);
		expect(loadedArtifacts()).toBeGreaterThan(0);
	});

	it("uses the event signatures of spec §C2", () => {
		const topic = (abi: readonly { type: string; name?: string }[], name: string) =>
			toEventSelector(abi.find((e) => e.type === "event" && e.name === name) as never);
		expect(topic(cfaAbi, "FlowUpdated")).toBe("0x57269d2ebcccecdcc0d9d2c0a0b80ead95f344e28ec20f50f709811f209d4e0e");
		expect(topic(cfaAbi, "FlowUpdatedExtension")).toBe("0x71e0c98e270fc3084227b473f176924d5303ece8c639e679998a2d7dc8e70f74");
		expect(topic(superTokenAbi, "AgreementLiquidatedV2")).toBe("0xb8381a3ce157650e06186e3e8f4dd4dc29236f2688b6eed1893d0a60d7c6386f");
		expect(topic(superTokenAbi, "AgreementStateUpdated")).toBe("0x30f416fa68fca014a0f334464c64b000ba53e99b6d2afdea9d5ca756372d5985");
		expect(topic(gdaEventsAbi, "FlowDistributionUpdated")).toBe("0xc4bd0e4bfe3a83cbd5a7a71bb33bcb6bed9e0c24d710f3fb51c85caf1cd3af36");
		expect(topic(gdaEventsAbi, "InstantDistributionUpdated")).toBe("0x6e8348961b299f365797c30cd18a91284b046858689eeb6150a5ba432fe6583e");
	});
});

describe("CFA flows", () => {
	it("forwarder and host.callAgreement both emit FlowUpdated + FlowUpdatedExtension", async () => {
		const rate = 1_000_000_000_000n; // 1e12 wei/s
		await fund(who(1), 1_000n * E18);
		await fund(who(3), 1_000n * E18);
		const viaForwarder = await createFlow(client, sf, {
			sender: who(1),
			receiver: who(2),
			flowRate: rate,
		});
		const viaHost = await createFlowViaHost(client, sf, {
			sender: who(3),
			receiver: who(4),
			flowRate: 2n * rate,
		});
		for (const [receipt, sender, receiver, r] of [
			[viaForwarder, who(1), who(2), rate],
			[viaHost, who(3), who(4), 2n * rate],
		] as const) {
			const events = await cfaEvents(receipt);
			expect(events.map((e) => e.eventName)).toEqual(["FlowUpdated", "FlowUpdatedExtension"]);
			const [updated, extension] = events;
			if (updated?.eventName !== "FlowUpdated" || extension?.eventName !== "FlowUpdatedExtension") throw new Error();
			expect(updated.topics[1]).toBe(pad(sf.token.toLowerCase() as Address));
			expect(updated.args).toMatchObject({
				token: sf.token,
				sender,
				receiver,
				flowRate: r,
				totalSenderFlowRate: -r,
			});
			expect(updated.args.totalReceiverFlowRate).toBe(r);
			const flow = await getFlow(client, sf, { sender, receiver });
			expect(flow.flowRate).toBe(r);
			expect(flow.deposit).toBeGreaterThan(0n);
			expect(flow.deposit).toBe(extension.args.deposit);
			expect(flow.deposit).toBe(await depositForFlowRate(client, sf, { flowRate: r }));
			expect(flow.owedDeposit).toBe(0n);
			expect(await getNetFlow(client, sf, { account: sender })).toBe(-r);
			const info = await getAccountFlowInfo(client, sf, { account: sender });
			expect(info).toMatchObject({ flowRate: -r, deposit: flow.deposit });
		}
	});

	it("realtimeBalanceOf moves by rate × dt after increaseTime", async () => {
		const [sender, receiver] = [who(1), who(2)];
		const rate = (await getFlow(client, sf, { sender, receiver })).flowRate;
		const before = await realtimeBalanceOfNow(client, sf, {
			account: receiver,
		});
		const dt = 3_600n;
		const after = await increaseTime(client, dt);
		const now = await realtimeBalanceOfNow(client, sf, { account: receiver });
		expect(now.timestamp).toBe(after);
		expect(now.timestamp - before.timestamp).toBeGreaterThanOrEqual(dt);
		expect(now.availableBalance - before.availableBalance).toBe(rate * (now.timestamp - before.timestamp));
		// realtimeBalanceOf is a pure function of the timestamp for a fixed state
		const t = now.timestamp + 1_000n;
		const later = await realtimeBalanceOf(client, sf, {
			account: sender,
			timestamp: t,
		});
		const current = await realtimeBalanceOf(client, sf, {
			account: sender,
			timestamp: now.timestamp,
		});
		expect(current.availableBalance - later.availableBalance).toBe(rate * 1_000n);
		// reads at an older block see the older state
		const old = await realtimeBalanceOfNow(client, sf, {
			account: receiver,
			blockNumber: sf.tokenBlockNumber,
		});
		expect(old.availableBalance).toBe(0n);
	});

	it("updates and deletes through both paths (delete emits rate 0)", async () => {
		const r1 = await updateFlow(client, sf, {
			sender: who(1),
			receiver: who(2),
			flowRate: 5n,
		});
		const r2 = await updateFlowViaHost(client, sf, {
			sender: who(3),
			receiver: who(4),
			flowRate: 7n,
		});
		expect((await getFlow(client, sf, { sender: who(1), receiver: who(2) })).flowRate).toBe(5n);
		expect((await getFlow(client, sf, { sender: who(3), receiver: who(4) })).flowRate).toBe(7n);
		expect((await cfaEvents(r1)).length + (await cfaEvents(r2)).length).toBe(4);
		const d1 = await deleteFlow(client, sf, {
			sender: who(1),
			receiver: who(2),
			by: who(2),
		});
		const d2 = await deleteFlowViaHost(client, sf, {
			sender: who(3),
			receiver: who(4),
		});
		for (const receipt of [d1, d2]) {
			const [updated] = await cfaEvents(receipt);
			expect(updated?.eventName === "FlowUpdated" && updated.args.flowRate).toBe(0n);
		}
		expect(await getNetFlow(client, sf, { account: who(1) })).toBe(0n);
	});
});
