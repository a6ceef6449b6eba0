/**
 * Redis outlives a database, or a database outlives Redis: queued work must not be lost either
 * way. Each test runs the `all` role against a Redis of its own.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { queuePrefix } from "../../src/queue/bull.ts";
import { readInstallationId } from "../../src/runtime/service-state.ts";
import { verifySignature } from "../../src/webhooks/signature.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { type PrivateRedis, startPrivateRedis } from "../helpers/private-redis.ts";
import { eventually, instanceMessage, itemHash, startReceiver, startSystem } from "../helpers/system.ts";

let anvil: AnvilInstance;
let redis: PrivateRedis;
let chainEnv: Record<string, string>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
	anvil = await startAnvil();
	const token = await deployAlephToken(createDevClient(anvil));
	redis = await startPrivateRedis();
	chainEnv = {
		CHAINS: "ETH",
		ETH_RPC_URL: anvil.url,
		ETH_CHAIN_ID: String(anvil.chainId),
		ETH_TOKEN: token.address,
		ETH_START_BLOCK: String(token.blockNumber),
		ETH_GENESIS: "",
		ETH_FINALITY_BLOCKS: "2",
		ETH_POLL_INTERVAL_MS: "50",
		ENTITLEMENT_DEBOUNCE_MS: "0",
		// The receivers listen on 127.0.0.1.
		WEBHOOK_ALLOW_PRIVATE: "1",
	};
});

afterAll(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	await redis?.kill();
	await anvil?.stop();
});

/** A fresh database and the `all` role on it, with a webhook to a local receiver; cleaned up after the file. */
async function startInstallation(options: { sweepSeconds?: number; refuse?: () => boolean } = {}) {
	const database: TestDatabase = await createTestDatabase();
	const receiver = await startReceiver({ refuse: options.refuse });
	const system = await startSystem({
		...chainEnv,
		DATABASE_URL: database.url,
		REDIS_URL: redis.url,
		SWEEP_INTERVAL_SECONDS: String(options.sweepSeconds ?? 600),
	});
	cleanups.push(async () => {
		await system.stop();
		await receiver.close();
		await database.drop();
	});
	const hook = await system.api("/v1/webhooks", { method: "POST", body: JSON.stringify({ url: receiver.url, events: ["alert.opened"] }) });
	expect(hook.status).toBe(201);
	return { database, receiver, system, secret: hook.body.secret as string };
}

/** Registers a resource for an account holding nothing: its alert opens and a delivery is recorded. */
async function openAlert(system: Awaited<ReturnType<typeof startSystem>>): Promise<string> {
	const address = `0x${randomBytes(20).toString("hex")}`;
	const put = await system.api(`/v1/resources/${itemHash()}`, {
		method: "PUT",
		body: JSON.stringify({ message: instanceMessage(address) }),
	});
	expect(put.status).toBe(201);
	return address;
}

/** Whether the sweep's job scheduler of the database's queues is registered in Redis. */
async function sweepRegistered(database: TestDatabase): Promise<true | undefined> {
	const prefix = queuePrefix(await readInstallationId(database.db));
	const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
	try {
		return (await client.exists(`${prefix}:entitlements:repeat:entitlement-sweep`)) === 1 ? true : undefined;
	} finally {
		client.disconnect();
	}
}

describe("queues scoped to the database they serve", () => {
	it("delivers, signed, the webhooks of a second database run in turn against the same Redis and prefix", async () => {
		for (const round of ["first", "second"]) {
			const { database, receiver, system, secret } = await startInstallation();
			const address = await openAlert(system);
			const delivery = await eventually(
				async () => receiver.received.find((r) => r.body.includes(address)),
				30_000,
				`the ${round} database's webhook`,
			);
			expect(verifySignature(secret, delivery.body, delivery.headers["x-aleph-oracle-signature"] as string)).toBe(true);
			expect(JSON.parse(delivery.body)).toMatchObject({ event: "alert.opened", alert: { address, kind: "insufficient_balance" } });
			// The row records the answer just after the receiver gave it.
			const rows = await eventually(async () => {
				const found = await database.db.selectFrom("webhook_deliveries").select(["id", "status"]).execute();
				return found.every((r) => r.status === "delivered") ? found : undefined;
			});
			expect(rows.map((r) => r.id)).toEqual([1n]);
			await (cleanups.pop() as () => Promise<void>)();
		}
	});
});

describe("a Redis restart without persistence", () => {
	it("registers the sweep again and delivers a webhook that was waiting in its retry backoff", async () => {
		// An empty Redis, so that what the previous test left there cannot interfere.
		await redis.kill();
		await redis.start();
		let refusing = true;
		const { database, receiver, system, secret } = await startInstallation({ sweepSeconds: 3_600, refuse: () => refusing });
		expect(await eventually(() => sweepRegistered(database), 30_000, "sweep")).toBe(true);
		const address = await openAlert(system);
		// Two refused attempts: the delivery now waits in BullMQ's backoff, in Redis only.
		await eventually(
			async () => {
				const row = await database.db.selectFrom("webhook_deliveries").select("attempts").executeTakeFirst();
				return row && row.attempts >= 2 ? true : undefined;
			},
			30_000,
			"two refused attempts",
		);
		await redis.kill();
		await redis.start();
		refusing = false;
		const delivery = await eventually(async () => receiver.received.find((r) => r.body.includes(address)), 60_000, "the stranded delivery");
		expect(verifySignature(secret, delivery.body, delivery.headers["x-aleph-oracle-signature"] as string)).toBe(true);
		await eventually(async () => {
			const row = await database.db.selectFrom("webhook_deliveries").select("status").executeTakeFirstOrThrow();
			return row.status === "delivered" ? true : undefined;
		});
		expect(await eventually(() => sweepRegistered(database), 30_000, "sweep again")).toBe(true);
	});
});
