import { type Address, encodeFunctionData } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alephTokenAbi } from "../../devchain/aleph-token-abi.ts";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { balanceOf, deployAlephToken, transfer } from "../../devchain/erc20.ts";
import {
	createFlow,
	deploySuperfluid,
	getNetFlow,
	latestTimestamp,
	realtimeBalanceOf,
	type SuperfluidFramework,
	superTokenAbi,
} from "../../devchain/superfluid.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";
import { verifySignature } from "../../src/webhooks/signature.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { enableAccounts, testAccounts } from "../helpers/erc20-traffic.ts";
import { eventually, flushRedis, instanceMessage, itemHash, startReceiver, startSystem } from "../helpers/system.ts";

const ALEPH = 10n ** 18n;
// A database index of its own, so suites run side by side on one machine rarely share it.
const REDIS_URL = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;
let eth: AnvilInstance;
let avax: AnvilInstance;
let ethClient: DevClient;
let avaxClient: DevClient;
let token: Address;
let sf: SuperfluidFramework;
let database: TestDatabase;
let system: Awaited<ReturnType<typeof startSystem>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret: string;
const [holder, x, z, payer, short, crn, w] = testAccounts(7, 41) as [Address, Address, Address, Address, Address, Address, Address];
const community = getDefaultSettings().communityWalletAddress as Address;

const account = async (address: string) => (await system.api(`/v1/accounts/${address}`)).body;
const alertsOf = async (address: string) =>
	(await system.api(`/v1/alerts?address=${address}&status=open`)).body.alerts as { kind: string; subject: string }[];

beforeAll(async () => {
	[eth, avax] = await Promise.all([startAnvil(), startAnvil({ disableCodeSizeLimit: true })]);
	ethClient = createDevClient(eth);
	avaxClient = createDevClient(avax);
	await enableAccounts(ethClient, [holder, x, z, w]);
	await enableAccounts(avaxClient, [payer, short]);
	const deployed = await deployAlephToken(ethClient, { genesis: [{ address: holder, amount: 10n ** 30n }] });
	token = deployed.address;
	sf = await deploySuperfluid(avaxClient);
	for (const [to, amount] of [
		[payer, ALEPH],
		[short, 100n * ALEPH],
	] as const) {
		const hash = await avaxClient.writeContract({
			address: sf.token,
			abi: superTokenAbi,
			functionName: "transfer",
			args: [to, amount],
			account: sf.deployer,
			gas: 500_000n,
		});
		await avaxClient.waitForTransactionReceipt({ hash });
	}
	database = await createTestDatabase();
	await flushRedis(REDIS_URL);
	receiver = await startReceiver({ failFirst: 1 });
	system = await startSystem({
		DATABASE_URL: database.url,
		REDIS_URL,
		CHAINS: "ETH,AVAX",
		ETH_RPC_URL: eth.url,
		ETH_CHAIN_ID: String(eth.chainId),
		ETH_TOKEN: token,
		ETH_START_BLOCK: String(deployed.blockNumber),
		ETH_GENESIS: `${holder}:${10n ** 30n}`,
		ETH_FINALITY_BLOCKS: "2",
		ETH_POLL_INTERVAL_MS: "50",
		AVAX_RPC_URL: avax.url,
		AVAX_CHAIN_ID: String(avax.chainId),
		AVAX_TOKEN: sf.token,
		AVAX_CFA: sf.cfa,
		AVAX_FINALITY_BLOCKS: "2",
		AVAX_POLL_INTERVAL_MS: "50",
		ENTITLEMENT_DEBOUNCE_MS: "100",
		SWEEP_INTERVAL_SECONDS: "2",
		// The receiver listens on 127.0.0.1.
		WEBHOOK_ALLOW_PRIVATE: "1",
	});
	const hook = await system.api("/v1/webhooks", {
		method: "POST",
		body: JSON.stringify({ url: receiver.url, events: ["alert.opened", "alert.resolved"] }),
	});
	expect(hook.status).toBe(201);
	secret = hook.body.secret;
});

afterAll(async () => {
	await system?.stop();
	await receiver?.close();
	await database?.drop();
	await Promise.all([eth?.stop(), avax?.stop()]);
});

describe("entitlements recomputed by the queue", () => {
	it("turns insufficient, opens an alert and delivers a signed webhook after the block is indexed; a top-up resolves it", async () => {
		await transfer(ethClient, { token, from: holder, to: x, amount: 1_500n * ALEPH });
		// Registered once the balance is indexed, so no alert opens (and resolves) in between.
		await eventually(async () => ((await account(x)).balance?.aleph === "1500" ? true : undefined), 30_000, "x funded");
		const registered = await system.api(`/v1/resources/${itemHash()}`, {
			method: "PUT",
			body: JSON.stringify({ message: instanceMessage(x) }),
		});
		expect(registered.status).toBe(201);
		await eventually(
			async () => ((await account(x)).source === "queue" && (await account(x)).status === "ok" ? true : undefined),
			30_000,
			"x ok",
		);

		const opened = (r: { body: string }) => r.body.includes("insufficient_balance") && r.body.includes("alert.opened");
		expect(receiver.received.some(opened)).toBe(false);
		const receipt = await transfer(ethClient, { token, from: x, to: holder, amount: 600n * ALEPH });
		const delivery = await eventually(async () => receiver.received.find(opened), 30_000, "webhook");
		// It comes from the indexed block (how fast is bench/entitlements.ts's block → entitlement latency).
		const row = await database.db.selectFrom("chains").select("indexed_block").where("chain", "=", "ETH").executeTakeFirstOrThrow();
		expect(row.indexed_block).toBeGreaterThanOrEqual(receipt.blockNumber);
		expect(verifySignature(secret, delivery.body, delivery.headers["x-aleph-oracle-signature"] as string)).toBe(true);
		expect(verifySignature("another secret", delivery.body, delivery.headers["x-aleph-oracle-signature"] as string)).toBe(false);
		const body = JSON.parse(delivery.body);
		expect(body).toMatchObject({ event: "alert.opened", alert: { address: x.toLowerCase(), kind: "insufficient_balance" } });
		expect((await account(x)).status).toBe("insufficient");
		expect((await alertsOf(x)).map((a) => a.kind)).toEqual(["insufficient_balance"]);

		await transfer(ethClient, { token, from: holder, to: x, amount: 200n * ALEPH });
		await eventually(
			async () =>
				receiver.received.find((r) => {
					const event = JSON.parse(r.body);
					return event.event === "alert.resolved" && event.alert.id === body.alert.id;
				}),
			30_000,
			"resolved webhook",
		);
		expect((await account(x)).status).toBe("ok");
		expect(await alertsOf(x)).toEqual([]);
		const log = await database.db.selectFrom("webhook_deliveries").select(["status", "attempts"]).execute();
		expect(log.every((d) => d.status === "delivered")).toBe(true);
		expect(log.some((d) => d.attempts > 1)).toBe(true); // the receiver refused the first attempt
	});

	it("flags a pay-as-you-go account whose stream will run dry (at_risk, right critical time) and one streaming too little", async () => {
		const settings = getDefaultSettings();
		const cost = await system.api("/api/v0/price/estimate", {
			method: "POST",
			body: JSON.stringify({ message: instanceMessage(payer, { type: "superfluid", chain: "AVAX", receiver: crn }) }),
		});
		const required = BigInt(cost.body.cost.replace(".", "")); // 18 decimals → wei/s
		const toCrn = (required * 8n) / 10n;
		await createFlow(avaxClient, sf, { sender: payer, receiver: crn, flowRate: toCrn });
		await createFlow(avaxClient, sf, { sender: payer, receiver: community, flowRate: required - toCrn });
		await createFlow(avaxClient, sf, { sender: short, receiver: crn, flowRate: toCrn / 2n });
		await createFlow(avaxClient, sf, { sender: short, receiver: community, flowRate: required - toCrn });
		for (const owner of [payer, short]) {
			const put = await system.api(`/v1/resources/${itemHash()}`, {
				method: "PUT",
				body: JSON.stringify({ message: instanceMessage(owner, { type: "superfluid", chain: "AVAX", receiver: crn }) }),
			});
			expect(put.status).toBe(201);
		}
		expect(settings.communityWalletAddress.toLowerCase()).toBe(community.toLowerCase());

		const payerView = await eventually(
			async () => {
				const a = await account(payer);
				return a.status === "at_risk" ? a : undefined;
			},
			30_000,
			"payer at_risk",
		).catch(async (e) => {
			console.log(JSON.stringify(await account(payer), null, 1));
			throw e;
		});
		// The protocol's own numbers at the indexed block: critical when available + net × dt < 0.
		const block = BigInt(payerView.asOf.AVAX);
		const t = (await avaxClient.getBlock({ blockNumber: block })).timestamp;
		const real = await realtimeBalanceOf(avaxClient, sf, { account: payer, timestamp: t, blockNumber: block });
		const net = await getNetFlow(avaxClient, sf, { account: payer, blockNumber: block });
		const expected = t + real.availableBalance / -net + 1n;
		expect(BigInt(Date.parse(payerView.streams.AVAX.criticalAt) / 1000)).toBe(expected);
		expect(expected).toBeGreaterThan(await latestTimestamp(avaxClient));
		expect((await alertsOf(payer)).map((a) => a.kind)).toEqual(["stream_running_dry"]);

		const shortView = await eventually(
			async () => {
				const a = await account(short);
				return a.status === "insufficient" ? a : undefined;
			},
			30_000,
			"short insufficient",
		);
		expect(shortView.payg).toEqual([
			expect.objectContaining({ chain: "AVAX", receiver: expect.stringMatching(new RegExp(crn, "i")), ok: false }),
		]);
		expect((await alertsOf(short)).map((a) => `${a.kind}:${a.subject}`)).toEqual([`stream_below_requirement:AVAX:${crn.toLowerCase()}`]);
	});

	it("recomputes an account touched by 1 000 transfers in one block a handful of times, ending right", async () => {
		await transfer(ethClient, { token, from: holder, to: z, amount: ALEPH });
		await eventually(async () => ((await account(z)).source === "queue" ? true : undefined), 30_000, "z computed");
		const before = await recomputesOf(z);
		// All in one block, whatever the machine's speed: one commit touches z once.
		await ethClient.setAutomine(false);
		let last: `0x${string}` | undefined;
		for (let i = 0; i < 20; i++) {
			const data = encodeFunctionData({
				abi: alephTokenAbi,
				functionName: "batchTransfer",
				args: [Array(50).fill(z), Array.from({ length: 50 }, (_, j) => BigInt(i * 50 + j + 1))],
			});
			last = await ethClient.sendTransaction({ account: holder, to: token, data, gas: 3_000_000n, chain: null });
		}
		await ethClient.mine({ blocks: 1 });
		await ethClient.setAutomine(true);
		const receipt = await ethClient.waitForTransactionReceipt({ hash: last as `0x${string}` });
		expect((await ethClient.getBlock({ blockNumber: receipt.blockNumber })).transactions).toHaveLength(20);
		const expected = await balanceOf(ethClient, { token, account: z });
		const final = await eventually(
			async () => {
				const a = await account(z);
				return a.balances.ETH.wei === expected.toString() ? a : undefined;
			},
			30_000,
			"z final balance",
		);
		await new Promise((r) => setTimeout(r, 1_000)); // let any straggling recompute finish
		const recomputes = (await recomputesOf(z)) - before;
		expect(recomputes).toBeGreaterThanOrEqual(1n);
		expect(recomputes).toBeLessThanOrEqual(5n);
		expect(final.balance.wei).toBe(expected.toString());
	});

	it("flips a can-pay verdict when a transfer lands on the chain", async () => {
		const canPay = async () =>
			(await system.api("/v1/can-pay", { method: "POST", body: JSON.stringify({ message: instanceMessage(w) }) })).body;
		const refused = await canPay();
		expect([refused.allowed, refused.errorCode]).toEqual([false, 5]);
		const receipt = await transfer(ethClient, { token, from: holder, to: w, amount: 1_000n * ALEPH });
		const allowed = await eventually(
			async () => {
				const answer = await canPay();
				return answer.allowed === true ? answer : undefined;
			},
			10_000,
			"can-pay to flip",
		);
		expect(BigInt(allowed.asOf.ETH)).toBeGreaterThanOrEqual(receipt.blockNumber);
		expect(allowed.errorCode).toBeNull();
	});

	it("the periodic sweep repairs an entitlement made wrong behind the queue's back", async () => {
		const good = await database.db.selectFrom("entitlements").selectAll().where("address", "=", x.toLowerCase()).executeTakeFirstOrThrow();
		await database.db
			.updateTable("entitlements")
			.set({
				status: "insufficient",
				balance: 0n,
				inputs: JSON.stringify({ address: x.toLowerCase(), chains: [], flows: [], resources: [] }) as never,
			})
			.where("address", "=", x.toLowerCase())
			.execute();
		expect((await account(x)).balance.wei).toBe("0");
		const repaired = await eventually(
			async () => {
				const a = await account(x);
				return a.balance.wei === good.balance.toString() ? a : undefined;
			},
			20_000,
			"sweep repair",
		);
		expect(repaired.status).toBe("ok");
	});

	it("exposes queue depths and job counts in /metrics", async () => {
		const text = await (await fetch(`${system.url}/metrics`)).text();
		expect(text).toMatch(/aleph_oracle_queue_jobs\{queue="entitlements",state="completed"\} [1-9]/);
		expect(text).toMatch(/aleph_oracle_queue_jobs\{queue="webhooks",state="waiting"\} \d+/);
		expect(text).toMatch(/aleph_oracle_jobs_total\{queue="entitlements",name="entitlement.recompute",outcome="completed"\} [1-9]/);
		expect(text).toMatch(/aleph_oracle_jobs_total\{queue="webhooks",name="webhook.deliver",outcome="completed"\} [1-9]/);
	});
});

async function recomputesOf(address: string): Promise<bigint> {
	const row = await database.db
		.selectFrom("entitlements")
		.select("recomputes")
		.where("address", "=", address.toLowerCase())
		.executeTakeFirst();
	return row?.recomputes ?? 0n;
}
