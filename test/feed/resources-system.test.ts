/**
 * The whole system (`all`: a chain watcher, the feed follower, the queue on Redis, the API) with a
 * randomized network of a few hundred resource messages on a local CCN: every valid resource's
 * `GET /api/v0/price/{h}` equals an independent computation written in the test (spec §6.3, with
 * the pricing aggregate in force at the message's time), forgotten ones answer 410 and invalid
 * ones 404, every owner's `locked_amount` is the sum of its hold costs; a pricing element arriving
 * late re-prices the messages after it and only those; a credit can-pay counts the owner's
 * network resources: (existing + new) × 86 400 credits, allowed at that, refused with code 6 one
 * credit below.
 */
import type { Address } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { creditDistribution, pricingAggregate } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { type AlephMessage, createSigner } from "../../devchain/ccn/sign.ts";
import { createDevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { DEFAULT_PRICE_AGGREGATE, DEFAULT_SETTINGS_AGGREGATE } from "../../src/pricing/index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom } from "../helpers/erc20-traffic.ts";
import { eventually, flushRedis, instanceMessage, startSystem } from "../helpers/system.ts";
import { issuer } from "./helpers.ts";
import { independentPrice, type Price, wei } from "./independent-price.ts";
import { buildNetwork, type Network } from "./resource-network.ts";

const REDIS_URL = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;
const random = createRandom(20261213);
const NOW_S = Math.floor(Date.now() / 1000);
const T0 = 1_765_000_000;
/** The first pricing element (in the backfill) and the one that arrives late, between them. */
const TP1 = 1_768_000_000;
const TP2 = 1_771_000_000;
const pricer = createSigner(generatePrivateKey());

// biome-ignore lint/suspicious/noExplicitAny: aggregate JSON
const P1: any = {
	instance: {
		...(DEFAULT_PRICE_AGGREGATE.instance as object),
		price: {
			storage: { payg: "0.000001", holding: "0.06", credit: "0.2" },
			compute_unit: { payg: "0.06", holding: "1100", credit: "15000" },
		},
	},
	storage: { price: { storage: { holding: "0.4", credit: "0.19" } } },
};
// biome-ignore lint/suspicious/noExplicitAny: aggregate JSON
const P2: any = {
	program_persistent: {
		...(DEFAULT_PRICE_AGGREGATE.program_persistent as object),
		price: {
			storage: { payg: "0.000001", holding: "0.06", credit: "1" },
			compute_unit: { payg: "0.06", holding: "1200", credit: "60000" },
		},
	},
	instance: {
		...(DEFAULT_PRICE_AGGREGATE.instance as object),
		price: {
			storage: { payg: "0.000002", holding: "0.07", credit: "0.3" },
			compute_unit: { payg: "0.07", holding: "1300", credit: "16000" },
		},
	},
};

let anvil: AnvilInstance;
let ccn: LocalCcn;
let database: TestDatabase;
let system: Awaited<ReturnType<typeof startSystem>>;
let network: Network;
let p2: AlephMessage;

/** The pricing in force at `t` given the elements published so far. */
const pricingAt = (t: number, late: boolean) => ({
	...DEFAULT_PRICE_AGGREGATE,
	...(t >= TP1 ? P1 : {}),
	...(late && t >= TP2 ? P2 : {}),
});

function expected(hash: string, late: boolean): Price & { charged_address: string } {
	const r = network.resources.get(hash);
	if (!r) throw new Error(`no resource ${hash}`);
	const c = r.content as { time: number; address: string };
	return { ...independentPrice(r.type, c, pricingAt(c.time, late), DEFAULT_SETTINGS_AGGREGATE, network.sizes), charged_address: c.address };
}

async function price(hash: string) {
	return system.api(`/api/v0/price/${hash}`);
}

async function checkEveryPrice(late: boolean) {
	for (const [hash, r] of network.resources) {
		const answer = await price(hash);
		if (r.fate === "valid") {
			const e = expected(hash, late);
			expect({ hash, status: answer.status, body: answer.body }).toEqual({
				hash,
				status: 200,
				body: {
					charged_address: e.charged_address,
					cost: e.cost,
					detail: e.detail.map((d) => ({ ...d, size_mib: null })),
					payment_type: e.payment_type,
					required_tokens: Number(e.cost),
				},
			});
		} else {
			expect({ hash, status: answer.status }).toEqual({ hash, status: r.fate === "forgotten" ? 410 : 404 });
		}
	}
}

beforeAll(async () => {
	anvil = await startAnvil();
	const deployed = await deployAlephToken(createDevClient(anvil), { genesis: [] });
	ccn = await startLocalCcn();
	database = await createTestDatabase();
	await flushRedis(REDIS_URL);
	network = await buildNetwork(random, ccn, { count: 320, t0: T0, t1: NOW_S - 3600 });
	const p1 = await pricer.sign(pricingAggregate({ sender: pricer.address, address: pricer.address, time: TP1, content: P1 }));
	p2 = await pricer.sign(pricingAggregate({ sender: pricer.address, address: pricer.address, time: TP2, content: P2 }));
	// Published in a random order: many arrive after messages of a later time.
	const all = [p1, ...network.messages];
	for (let i = all.length - 1; i > 0; i--) {
		const j = random.int(0, i);
		[all[i], all[j]] = [all[j] as AlephMessage, all[i] as AlephMessage];
	}
	for (const m of all) ccn.insert(m);
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
		ALEPH_FEED_LOOKBACK_SECONDS: "60",
		CREDIT_ISSUERS: issuer.address,
		PRICING_OWNER: pricer.address,
		ENTITLEMENT_DEBOUNCE_MS: "50",
	});
	await eventually(async () => ((await system.api("/ready")).status === 200 ? true : undefined), 60_000, "the system ready");
	// Backfilled, and the delegated messages judged (their owners' security aggregates are followed from the second poll on).
	const valid = [...network.resources.values()].filter((r) => r.fate === "valid").map((r) => r.message.item_hash);
	const forgotten = [...network.resources.values()].filter((r) => r.fate === "forgotten").map((r) => r.message.item_hash);
	await eventually(
		async () => {
			const rows = await database.db.selectFrom("resources").select("item_hash").execute();
			const have = new Set(rows.map((r) => r.item_hash));
			return valid.every((h) => have.has(h)) && forgotten.every((h) => !have.has(h)) ? true : undefined;
		},
		120_000,
		"the network's resources in place",
	);
}, 240_000);

afterAll(async () => {
	await system?.stop();
	await ccn?.stop();
	await database?.drop();
	await anvil?.stop();
});

describe("every resource of the network, from the feed", () => {
	it("prices every valid resource as the spec computes it; forgotten ones are 410, invalid ones 404, a FORGET is 400", async () => {
		const kinds = [...network.resources.values()];
		expect(kinds.filter((r) => r.fate === "forgotten").length).toBeGreaterThan(5);
		expect(kinds.filter((r) => r.fate === "unauthorized").length).toBeGreaterThan(5);
		expect(network.forgets.filter((f) => !f.applied).length).toBeGreaterThan(1);
		await checkEveryPrice(false);
		expect((await price(network.forgets[0]?.hash as string)).status).toBe(400);
		expect((await price("zz")).status).toBe(400);
		expect((await price("ab".repeat(32))).status).toBe(404);
		const status = (await system.api("/v1/status")).body.pricing;
		expect(status.pricing).toMatchObject({ source: "network", elements: 1 });
	});

	it("answers every owner's locked_amount as the sum of its hold costs", async () => {
		for (const owner of network.owners) {
			let sum = 0n;
			for (const [hash, r] of network.resources)
				if (r.fate === "valid" && (r.content.address as string).toLowerCase() === owner) {
					const e = expected(hash, false);
					if (e.payment_type === "hold") sum += wei(e.cost);
				}
			const answer = await system.api(`/api/v0/addresses/${owner}/balance`);
			expect({ owner, locked: wei(answer.body.exact.locked_amount) }).toEqual({ owner, locked: sum });
		}
	});

	it("re-prices from a late pricing element's time on, and keeps the prices before it", async () => {
		ccn.insert(p2);
		await eventually(
			async () => ((await system.api("/v1/status")).body.pricing.pricing.latest?.itemHash === p2.item_hash ? true : undefined),
			60_000,
			"the late pricing element applied",
		);
		const affected = [...network.resources.values()].filter(
			(r) =>
				r.fate === "valid" &&
				(r.content.time as number) >= TP2 &&
				JSON.stringify(expected(r.message.item_hash, true)) !== JSON.stringify(expected(r.message.item_hash, false)),
		);
		expect(affected.length).toBeGreaterThan(10);
		await checkEveryPrice(true);
	});

	it("can-pay for a new credit INSTANCE needs (existing + new) × 86 400 credits: allowed at that, refused with code 6 one credit below", async () => {
		// The owner with the most credit resources on the network.
		const perOwner = new Map<string, bigint>();
		for (const [hash, r] of network.resources) {
			if (r.fate !== "valid") continue;
			const e = expected(hash, true);
			if (e.payment_type !== "credit") continue;
			const owner = (r.content.address as string).toLowerCase();
			perOwner.set(owner, (perOwner.get(owner) ?? 0n) + wei(e.cost));
		}
		const [owner, existing] = [...perOwner].sort((a, b) => (a[1] < b[1] ? 1 : -1))[0] as [string, bigint];
		const message = instanceMessage(owner, { type: "credit", chain: "ETH" }, NOW_S);
		const fresh = wei(independentPrice("INSTANCE", message.content, pricingAt(NOW_S, true), DEFAULT_SETTINGS_AGGREGATE, new Map()).cost);
		const required = (existing + fresh) * 86_400n;
		const needed = (required + 10n ** 18n - 1n) / 10n ** 18n;
		const canPay = async () => (await system.api("/v1/can-pay", { method: "POST", body: JSON.stringify({ message }) })).body;
		const grant = async (amount: bigint, time: number) =>
			ccn.insert(
				await issuer.sign(
					creditDistribution({
						sender: issuer.address,
						address: issuer.address,
						time,
						credits: [{ address: owner, amount: Number(amount) }],
					}),
				),
			);
		await grant(needed - 1n, NOW_S - 60);
		const no = await eventually(
			async () => {
				const v = await canPay();
				return v.available === `${needed - 1n}.000000000000000000` ? v : undefined;
			},
			60_000,
			"the first grant applied",
		);
		expect(no).toMatchObject({ allowed: false, errorCode: 6, reason: "credit_insufficient", paymentType: "credit" });
		expect(wei(no.required)).toBe(required);
		await grant(1n, NOW_S - 30);
		const yes = await eventually(async () => ((await canPay()).allowed === true ? canPay() : undefined), 60_000, "the flip to allowed");
		expect(wei(yes.required)).toBe(required);
		// The account's resources: every one from the network, with its predicted cut and run-out time.
		const listed = (await system.api(`/v1/accounts/${owner}/resources?limit=1000`)).body.resources as {
			source: string;
			paymentType: string;
			predictedCut: boolean | null;
			runsOutAt: string | null;
		}[];
		expect(listed.length).toBeGreaterThan(0);
		expect(listed.every((r) => r.source === "network")).toBe(true);
		const credits = listed.filter((r) => r.paymentType === "credit");
		expect(credits.every((r) => r.predictedCut === false && r.runsOutAt !== null)).toBe(true);
	});

	it("keeps registered and network resources one set: a PUT of a network resource changes nothing, its DELETE is 409", async () => {
		const [hash, r] = [...network.resources].find(([, x]) => x.fate === "valid" && x.type === "INSTANCE") as [
			string,
			{ content: object; message: AlephMessage },
		];
		const before = await price(hash);
		const put = await system.api(`/v1/resources/${hash}`, {
			method: "PUT",
			body: JSON.stringify({
				message: { type: "INSTANCE", sender: r.message.sender, time: r.message.time, item_hash: hash, content: r.content },
				acceptedAt: new Date(r.message.time * 1000).toISOString(),
			}),
		});
		expect(put.status).toBe(200);
		expect((await system.api(`/v1/resources/${hash}`, { method: "DELETE" })).status).toBe(409);
		expect(await price(hash)).toEqual(before);
	});
});
