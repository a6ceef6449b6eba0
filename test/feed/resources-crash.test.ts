/**
 * A randomized network of a few thousand resource messages (several write batches) and credit
 * grants, backfilled by `aleph-oracle watch` child processes SIGKILLed at random points: after
 * every kill each stored resource has exactly its final cost (nothing half-written) and no
 * unauthorized message counts; at the end the resources, their costs, the tombstones and the
 * credit balances are those of an uninterrupted follower on another database.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { creditDistribution } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { createDevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import type { Db } from "../../src/db/database.ts";
import { sleep } from "../../src/lib/sleep.ts";
import { DEFAULT_PRICE_AGGREGATE, DEFAULT_SETTINGS_AGGREGATE } from "../../src/pricing/index.ts";
import { type CliProcess, spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom } from "../helpers/erc20-traffic.ts";
import { eventually } from "../helpers/system.ts";
import { issuer, startFollower, storedBalances, testFeed, waitSynced } from "./helpers.ts";
import { independentPrice, wei } from "./independent-price.ts";
import { buildNetwork, type Network } from "./resource-network.ts";

const random = createRandom(20261214);
const NOW_S = Math.floor(Date.now() / 1000);
const REDIS_URL = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;

let anvil: AnvilInstance;
let ccn: LocalCcn;
let database: TestDatabase;
let reference: TestDatabase;
let network: Network;
let token: string;
let startBlock: bigint;
const children: CliProcess[] = [];

type Row = { item_hash: string; owner: string; payment_type: string; cost_hold: string; cost_stream: string; cost_credit: string };

async function resourceRows(db: Db): Promise<Row[]> {
	const { rows } = await sql<Row>`select item_hash, owner, payment_type, cost_hold::text, cost_stream::text, cost_credit::text
		from resources order by item_hash`.execute(db);
	return rows;
}

/** Every stored resource has its final cost and is not an unauthorized one. */
async function expectNothingHalfWritten() {
	for (const row of await resourceRows(database.db)) {
		const r = network.resources.get(row.item_hash);
		expect(r?.fate).not.toBe("unauthorized");
		const e = independentPrice(r?.type as string, r?.content, DEFAULT_PRICE_AGGREGATE, DEFAULT_SETTINGS_AGGREGATE, network.sizes);
		const column = e.payment_type === "credit" ? row.cost_credit : e.payment_type === "superfluid" ? row.cost_stream : row.cost_hold;
		expect({ hash: row.item_hash, cost: BigInt(column) }).toEqual({ hash: row.item_hash, cost: wei(e.cost) });
	}
}

beforeAll(async () => {
	anvil = await startAnvil();
	const deployed = await deployAlephToken(createDevClient(anvil), { genesis: [] });
	token = deployed.address;
	startBlock = deployed.blockNumber;
	database = await createTestDatabase();
	reference = await createTestDatabase();
	ccn = await startLocalCcn();
	network = await buildNetwork(random, ccn, { count: 2_600, t0: 1_765_000_000, t1: NOW_S - 3600, owners: 40 });
	for (const m of network.messages) ccn.insert(m);
	for (const [i, owner] of network.owners.entries())
		ccn.insert(
			await issuer.sign(
				creditDistribution({
					sender: issuer.address,
					address: issuer.address,
					time: NOW_S - 7200 + i,
					credits: [{ address: owner, amount: 1_000_000 + i }],
				}),
			),
		);
}, 300_000);

afterAll(async () => {
	for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
	await ccn?.stop();
	await database?.drop();
	await reference?.drop();
	await anvil?.stop();
});

const env = () => ({
	DATABASE_URL: database.url,
	REDIS_URL,
	CHAINS: "ETH",
	ETH_RPC_URL: anvil.url,
	ETH_CHAIN_ID: String(anvil.chainId),
	ETH_TOKEN: token,
	ETH_START_BLOCK: String(startBlock),
	ETH_FINALITY_BLOCKS: "2",
	ETH_POLL_INTERVAL_MS: "200",
	ALEPH_API_URLS: ccn.url,
	ALEPH_FEED_POLL_MS: "50",
	CREDIT_ISSUERS: issuer.address,
	LOG_LEVEL: "info",
});

async function stored(): Promise<number> {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from feed_messages`.execute(database.db);
	return rows[0]?.n ?? 0;
}

describe("resources through `aleph-oracle watch`, killed mid-backfill", () => {
	it("after every SIGKILL nothing is half-written; at the end, the same resources, costs and balances as an uninterrupted follower", async () => {
		const harness = await startFollower(reference, testFeed([ccn.url]));
		const atKills: number[] = [];
		for (let k = 0; k < 4; k++) {
			const cli = spawnCli("watch", env());
			children.push(cli);
			const before = await stored();
			await eventually(async () => ((await stored()) > before ? true : undefined), 120_000, "the follower writing");
			await sleep(random.int(0, 400));
			cli.child.kill("SIGKILL");
			expect((await cli.exited).signal).toBe("SIGKILL");
			atKills.push(await stored());
			await expectNothingHalfWritten();
		}
		// Killed mid-backfill: some messages stored, not all.
		const total = network.messages.length + network.owners.length;
		expect(atKills.some((n) => n > 0 && n < total)).toBe(true);
		const cli = spawnCli("watch", env());
		children.push(cli);
		const valid = [...network.resources.values()].filter((r) => r.fate === "valid").map((r) => r.message.item_hash);
		await eventually(
			async () => {
				const have = new Set((await resourceRows(database.db)).map((r) => r.item_hash));
				return have.size === valid.length && valid.every((h) => have.has(h)) ? true : undefined;
			},
			180_000,
			"every valid resource in place",
		);
		await waitSynced(database.db, [ccn.url], new Date(), 120_000);
		await waitSynced(reference.db, [ccn.url], new Date(), 120_000);
		await harness.stop();
		cli.child.kill("SIGTERM");
		await cli.exited;
		await expectNothingHalfWritten();
		expect(await resourceRows(database.db)).toEqual(await resourceRows(reference.db));
		const tombstones = async (db: Db) =>
			(await db.selectFrom("forgotten_messages").select(["item_hash", "forgotten_by"]).orderBy("item_hash").execute()).map((r) => [
				r.item_hash,
				r.forgotten_by,
			]);
		expect(await tombstones(database.db)).toEqual(await tombstones(reference.db));
		expect((await tombstones(database.db)).length).toBeGreaterThan(20);
		expect(Object.fromEntries(await storedBalances(database.db))).toEqual(Object.fromEntries(await storedBalances(reference.db)));
		expect((await storedBalances(database.db)).size).toBe(network.owners.length);
	});
});
