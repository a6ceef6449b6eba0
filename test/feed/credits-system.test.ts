/**
 * The whole system (`all`: a chain watcher, the feed follower, the queue on Redis, the API) with
 * credits from a local CCN: a credit INSTANCE's can-pay verdict, allowed with enough credits and
 * refused with code 6 one credit below one day of it, flipping when the post that changes it is
 * applied; the account's credits; the credit alerts opening, resolving and going out as signed
 * webhooks.
 */
import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { creditDistribution, creditExpense } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { createDevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { verifySignature } from "../../src/webhooks/signature.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { eventually, flushRedis, instanceMessage, itemHash, startReceiver, startSystem } from "../helpers/system.ts";
import { issuer } from "./helpers.ts";

const REDIS_URL = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;
const OWNER = "0x00000000000000000000000000000000000c4ed1";
const X = "0x00000000000000000000000000000000000c4ed2";
/** One day of a 1 vCPU / 2 GiB / 20 GiB instance: 3.958333333333333333 credits/s × 86400. */
const DAY_OF_INSTANCE = 342_000;

let anvil: AnvilInstance;
let ccn: LocalCcn;
let database: TestDatabase;
let system: Awaited<ReturnType<typeof startSystem>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret: string;
let clock = Math.floor(Date.now() / 1000) - 3600;

/** A credit INSTANCE of 1 vCPU, 2 GiB, a 20 GiB rootfs, of now. */
const creditInstance = (address: string) => instanceMessage(address, { type: "credit", chain: "ETH" }, Math.floor(Date.now() / 1000));

async function grant(address: string, amount: number) {
	ccn.insert(
		await issuer.sign(
			creditDistribution({ sender: issuer.address, address: issuer.address, time: clock++, credits: [{ address, amount }] }),
		),
	);
}
async function spend(address: string, amount: number) {
	ccn.insert(
		await issuer.sign(
			creditExpense({ sender: issuer.address, address: issuer.address, time: clock++, credits: [{ address, amount, ref: "r" }] }),
		),
	);
}
const canPay = async (address: string) =>
	(await system.api("/v1/can-pay", { method: "POST", body: JSON.stringify({ message: creditInstance(address) }) })).body;
const account = async (address: string) => (await system.api(`/v1/accounts/${address}`)).body;
const openAlerts = async (address: string) =>
	((await system.api(`/v1/alerts?address=${address}&status=open`)).body.alerts as { kind: string }[]).map((a) => a.kind).sort();

beforeAll(async () => {
	anvil = await startAnvil();
	const deployed = await deployAlephToken(createDevClient(anvil), { genesis: [] });
	ccn = await startLocalCcn();
	database = await createTestDatabase();
	await flushRedis(REDIS_URL);
	receiver = await startReceiver();
	system = await startSystem({
		DATABASE_URL: database.url,
		REDIS_URL,
		CHAINS: "ETH",
		ETH_RPC_URL: anvil.url,
		ETH_CHAIN_ID: String(anvil.chainId),
		ETH_TOKEN: deployed.address as Address,
		ETH_START_BLOCK: String(deployed.blockNumber),
		ETH_FINALITY_BLOCKS: "2",
		ETH_POLL_INTERVAL_MS: "50",
		ALEPH_API_URLS: ccn.url,
		ALEPH_FEED_POLL_MS: "50",
		CREDIT_ISSUERS: issuer.address,
		ENTITLEMENT_DEBOUNCE_MS: "50",
		ALERT_HORIZON_SECONDS: String(3 * 86_400),
		WEBHOOK_ALLOW_PRIVATE: "1",
	});
	const hook = await system.api("/v1/webhooks", {
		method: "POST",
		body: JSON.stringify({ url: receiver.url, events: ["alert.opened", "alert.resolved"] }),
	});
	secret = hook.body.secret;
	await eventually(async () => ((await system.api("/ready")).status === 200 ? true : undefined), 60_000, "the system ready");
});

afterAll(async () => {
	await system?.stop();
	await receiver?.close();
	await ccn?.stop();
	await database?.drop();
	await anvil?.stop();
});

describe("credit can-pay", () => {
	it("refuses a credit INSTANCE with code 6 one credit below one day of it, and flips to allowed once the credit that covers it is applied", async () => {
		await grant(OWNER, DAY_OF_INSTANCE - 1);
		const no = await eventually(
			async () => {
				const v = await canPay(OWNER);
				return v.available === `${DAY_OF_INSTANCE - 1}.000000000000000000` ? v : undefined;
			},
			60_000,
			"the first grant applied",
		);
		expect(no).toMatchObject({
			allowed: false,
			errorCode: 6,
			reason: "credit_insufficient",
			paymentType: "credit",
			creditBalanceKnown: true,
			required: "341999.999999999999971200",
		});
		await grant(OWNER, 1);
		const yes = await eventually(
			async () => ((await canPay(OWNER)).allowed === true ? canPay(OWNER) : undefined),
			60_000,
			"the flip to allowed",
		);
		expect(yes).toMatchObject({
			errorCode: null,
			reason: "credit_sufficient",
			creditBalanceKnown: true,
			available: "342000.000000000000000000",
		});
		await spend(OWNER, 1);
		await eventually(async () => ((await canPay(OWNER)).errorCode === 6 ? true : undefined), 60_000, "the flip back to refused");
	});

	it("the CCN balance route answers the credits, known", async () => {
		const { body } = await system.api(`/api/v0/addresses/${OWNER}/balance?include_credit_details=true`);
		expect(body).toMatchObject({
			credit_balance: DAY_OF_INSTANCE - 1,
			credit_balance_known: true,
			credit_balance_details: [{ expiration_date: null, amount: DAY_OF_INSTANCE - 1 }],
		});
	});
});

describe("credit alerts", () => {
	it("credits_running_out (within the horizon), then credit_insufficient (under a day), then resolved, each a signed webhook", async () => {
		const put = await system.api(`/v1/resources/${itemHash()}`, { method: "PUT", body: JSON.stringify({ message: creditInstance(X) }) });
		expect(put.status).toBe(201);
		await grant(X, 500_000);
		await eventually(
			async () => ((await openAlerts(X)).join() === "credits_running_out" ? true : undefined),
			60_000,
			"credits_running_out",
		);
		const a = await account(X);
		expect(a.status).toBe("at_risk");
		expect(a.credits).toMatchObject({
			known: true,
			balance: 500_000,
			perSecond: "3.958333333333333333",
			perDay: "341999.9999999999999712",
		});
		// 500 000 credits at 3.958333… per second last 126 315 s.
		expect(a.credits.runwaySeconds).toBeGreaterThan(126_000);
		expect(a.credits.runwaySeconds).toBeLessThanOrEqual(126_315);

		await spend(X, 200_000);
		await eventually(
			async () => ((await openAlerts(X)).join() === "credit_insufficient" ? true : undefined),
			60_000,
			"credit_insufficient",
		);
		expect((await account(X)).status).toBe("insufficient");

		await grant(X, 10_000_000);
		await eventually(async () => ((await openAlerts(X)).length === 0 ? true : undefined), 60_000, "the alerts resolved");
		expect((await account(X)).status).toBe("ok");

		// Deliveries are at least once and run concurrently: their set, not their order.
		const expected = [
			"alert.opened credit_insufficient",
			"alert.opened credits_running_out",
			"alert.resolved credit_insufficient",
			"alert.resolved credits_running_out",
		];
		const delivered = () =>
			[
				...new Set(
					receiver.received
						.map((r) => JSON.parse(r.body) as { event: string; alert: { address: string; kind: string } })
						.filter((b) => b.alert.address === X)
						.map((b) => `${b.event} ${b.alert.kind}`),
				),
			].sort();
		await eventually(async () => (delivered().length >= expected.length ? true : undefined), 60_000, "four webhooks");
		expect(delivered()).toEqual(expected);
		for (const r of receiver.received) expect(verifySignature(secret, r.body, String(r.headers["x-aleph-oracle-signature"]))).toBe(true);
	});
});
