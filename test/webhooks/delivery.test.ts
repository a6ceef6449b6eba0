import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessors } from "../../jobs/processors.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";
import { startJobSystem } from "../../src/queue/job-system.ts";
import type { WebhookDeliveryOptions } from "../../src/webhooks/deliver.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { eventually, startReceiver } from "../helpers/system.ts";

// Webhook deliveries at connect time (issue 10: findings 14 and 17): non-public destinations are
// refused however the URL spells them, the checked address is the one connected to, an attempt
// has one deadline, and a receiver that never answers holds back nobody else.

const REDIS_URL = "redis://127.0.0.1:6379/0";
let database: TestDatabase;
const systems: { close(): Promise<void> }[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
	database = await createTestDatabase();
});
afterAll(async () => {
	// Receivers first (their open requests end), then what a failed test left running.
	for (const cleanup of cleanups.reverse()) await cleanup();
	for (const system of systems) await system.close();
	await database?.drop();
});

/** The job system of a `work` process (in-process queue unless a prefix for BullMQ is given). */
async function jobSystem(webhooks: WebhookDeliveryOptions, bullPrefix?: string) {
	const system = await startJobSystem({
		redisUrl: bullPrefix ? REDIS_URL : null,
		prefix: bullPrefix,
		workers: true,
		processors: createProcessors({ db: database.db, chains: ["ETH"], settings: getDefaultSettings(), horizonSeconds: 86_400 }, webhooks),
		concurrency: 2,
		debounceMs: 0,
		logger: createLogger("silent"),
	});
	systems.push(system);
	return system;
}

async function stop(system: { close(): Promise<void> }) {
	systems.splice(systems.indexOf(system), 1);
	await system.close();
}

/** A webhook row as stored (rows registered before this version, or under WEBHOOK_ALLOW_PRIVATE=1) and one pending delivery to it. */
async function webhookWithDelivery(url: string): Promise<{ webhookId: string; deliveryId: string }> {
	const webhookId = await addWebhook(url);
	return { webhookId, deliveryId: await addDelivery(webhookId) };
}

async function addWebhook(url: string): Promise<string> {
	const id = randomUUID();
	await database.db
		.insertInto("webhooks")
		.values({ id, url, events: ["*"], secret: randomBytes(32).toString("hex") })
		.execute();
	return id;
}

async function addDelivery(webhookId: string): Promise<string> {
	const row = await database.db
		.insertInto("webhook_deliveries")
		.values({
			webhook_id: webhookId,
			event: "alert.opened",
			body: JSON.stringify({ event: "alert.opened", n: randomUUID() }),
			status: "pending",
			last_status_code: null,
			last_error: null,
			delivered_at: null,
			next_attempt_at: null,
		})
		.returning("id")
		.executeTakeFirstOrThrow();
	return row.id.toString();
}

const deliver = (system: Awaited<ReturnType<typeof jobSystem>>, ids: string[]) =>
	system.queue.add(ids.map((deliveryId) => ({ name: "webhook.deliver" as const, data: { deliveryId } })));

async function deliveryRow(id: string) {
	return database.db
		.selectFrom("webhook_deliveries")
		.select(["status", "attempts", "last_error", "last_status_code"])
		.where("id", "=", BigInt(id))
		.executeTakeFirstOrThrow();
}

/** Waits until every delivery has made at least one attempt. */
async function attempted(ids: string[], timeoutMs = 30_000) {
	return eventually(
		async () => {
			const rows = await Promise.all(ids.map(deliveryRow));
			return rows.every((r) => r.attempts > 0) ? rows : undefined;
		},
		timeoutMs,
		"an attempt of every delivery",
	);
}

/** An HTTP server answering with `handler`; closed at the end of the file. */
async function server(handler: (req: IncomingMessage, res: ServerResponse) => void) {
	const requests: IncomingMessage[] = [];
	const http = createServer((req, res) => {
		requests.push(req);
		handler(req, res);
	});
	await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
	cleanups.push(() => {
		http.closeAllConnections();
		return new Promise<void>((resolve) => http.close(() => resolve()));
	});
	return { port: (http.address() as AddressInfo).port, requests, http };
}

/** A TCP server that runs `onSocket` for each connection (answers no HTTP parser would write). */
async function rawServer(onSocket: (socket: Socket) => void) {
	const sockets = new Set<Socket>();
	const tcp = createTcpServer((socket) => {
		sockets.add(socket);
		socket.on("error", () => {});
		onSocket(socket);
	});
	await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
	cleanups.push(() => {
		for (const socket of sockets) socket.destroy();
		return new Promise<void>((resolve) => tcp.close(() => resolve()));
	});
	return { port: (tcp.address() as AddressInfo).port };
}

describe("connect-time checks (finding 14)", () => {
	it("refuses every spelling of a non-public destination, with the receiver's own port: nothing reaches it", async () => {
		const receiver = await startReceiver();
		cleanups.push(() => receiver.close());
		const port = new URL(receiver.url).port;
		const urls = [
			`http://127.0.0.1:${port}/hook`,
			`http://localhost:${port}/hook`,
			`http://[::1]:${port}/hook`,
			`http://0.0.0.0:${port}/hook`,
			`http://2130706433:${port}/hook`,
			`http://0177.0.0.1:${port}/hook`,
			`http://0x7f.1:${port}/hook`,
			`http://127.1:${port}/hook`,
			`http://[::ffff:127.0.0.1]:${port}/hook`,
			"http://169.254.169.254/latest/meta-data/",
			"http://127.0.0.1:6379/",
		];
		const system = await jobSystem({ allowPrivate: false });
		const ids = [];
		for (const url of urls) ids.push((await webhookWithDelivery(url)).deliveryId);
		await deliver(system, ids);
		const rows = await attempted(ids);
		expect(receiver.received).toEqual([]);
		for (const [i, row] of rows.entries()) {
			// Refused for good: no retry can make the destination public.
			expect([urls[i], row.status, row.attempts, row.last_status_code]).toEqual([urls[i], "failed", 1, null]);
			expect(row.last_error).toMatch(/non-public address/);
		}
		await stop(system);
	});

	it("refuses a name when any of its addresses is non-public, before connecting", async () => {
		const receiver = await startReceiver();
		cleanups.push(() => receiver.close());
		const port = new URL(receiver.url).port;
		const looked: string[] = [];
		const system = await jobSystem({
			allowPrivate: false,
			lookup: async (hostname) => {
				looked.push(hostname);
				return [
					{ address: "93.184.215.14", family: 4 },
					{ address: "127.0.0.1", family: 4 },
				];
			},
		});
		const { deliveryId } = await webhookWithDelivery(`http://mixed.test:${port}/hook`);
		await deliver(system, [deliveryId]);
		const [row] = await attempted([deliveryId]);
		expect(looked).toEqual(["mixed.test"]);
		expect(receiver.received).toEqual([]);
		expect(row).toMatchObject({ status: "failed", attempts: 1 });
		expect(row?.last_error).toMatch(/mixed\.test resolves to a non-public address \(127\.0\.0\.1\)/);
		await stop(system);
	});

	it("connects to the address it checked: one resolution per attempt, Host and path kept (no DNS rebinding)", async () => {
		const receiver = await startReceiver();
		cleanups.push(() => receiver.close());
		const port = new URL(receiver.url).port;
		let lookups = 0;
		// The first answer is the receiver; any later one points where nothing listens.
		const system = await jobSystem({
			allowPrivate: true,
			lookup: async () => [{ address: lookups++ === 0 ? "127.0.0.1" : "127.0.0.2", family: 4 }],
		});
		const { deliveryId } = await webhookWithDelivery(`http://rebind.test:${port}/hook?x=1`);
		await deliver(system, [deliveryId]);
		const [row] = await attempted([deliveryId]);
		expect(row).toMatchObject({ status: "delivered", attempts: 1, last_status_code: 204 });
		expect(lookups).toBe(1);
		expect(receiver.received.map((r) => r.headers.host)).toEqual([`rebind.test:${port}`]);
		await stop(system);
	});

	it("never follows a redirect", async () => {
		const target = await startReceiver();
		cleanups.push(() => target.close());
		const redirecting = await server((_req, res) => res.writeHead(307, { location: target.url }).end());
		const system = await jobSystem({ allowPrivate: true });
		const { deliveryId } = await webhookWithDelivery(`http://127.0.0.1:${redirecting.port}/hook`);
		await deliver(system, [deliveryId]);
		const [row] = await attempted([deliveryId]);
		expect(row).toMatchObject({ status: "pending", last_status_code: 307, last_error: "HTTP 307" });
		expect(redirecting.requests.length).toBeGreaterThan(0);
		expect(target.received).toEqual([]);
		await stop(system);
	});
});

describe("one deadline per attempt, and a capped read (finding 17)", () => {
	it("ends an attempt at its deadline whether the receiver never answers or trickles its headers; never waits for a body", async () => {
		const silent = await rawServer(() => {});
		const trickling = await rawServer((socket) => {
			socket.write("HTTP/1.1 200 OK\r\nX-Slow: ");
			const timer = setInterval(() => socket.write("a"), 20);
			socket.on("close", () => clearInterval(timer));
		});
		const endlessBody = await rawServer((socket) => {
			socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
			const timer = setInterval(() => socket.write(`400\r\n${"x".repeat(1024)}\r\n`), 5);
			socket.on("close", () => clearInterval(timer));
		});
		const hugeHeaders = await rawServer((socket) => socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`));
		const system = await jobSystem({ allowPrivate: true, timeoutMs: 300 });
		const ids = [];
		for (const { port } of [silent, trickling, endlessBody, hugeHeaders])
			ids.push((await webhookWithDelivery(`http://127.0.0.1:${port}/hook`)).deliveryId);
		await deliver(system, ids);
		const [neverAnswered, trickled, streamed, huge] = await attempted(ids);
		expect(neverAnswered).toMatchObject({ status: "pending", last_status_code: null, last_error: "no answer within 300 ms" });
		expect(trickled).toMatchObject({ status: "pending", last_status_code: null, last_error: "no answer within 300 ms" });
		expect(streamed).toMatchObject({ status: "delivered", last_status_code: 200, last_error: null });
		expect(huge).toMatchObject({ status: "pending", last_status_code: null, last_error: "the answer's headers exceed 8 KiB" });
		await stop(system);
	});
});

describe.each([
	["the in-process queue", undefined],
	["BullMQ", `webhook-burst-${randomBytes(4).toString("hex")}`],
])("a receiver that never answers, during a burst, on %s (finding 17)", (_name, prefix) => {
	it("holds back no delivery to the other webhooks", async () => {
		if (prefix) cleanups.push(() => removeKeys(prefix));
		const open = new Set<IncomingMessage>();
		let seen = 0;
		let ended = 0;
		const hanging = await server((req) => {
			seen++;
			open.add(req);
			req.socket.on("close", () => {
				ended++;
				open.delete(req);
			});
		});
		const fast = [await startReceiver(), await startReceiver()];
		for (const receiver of fast) cleanups.push(() => receiver.close());
		// The deadline is far beyond the test: the hanging attempts stay open throughout.
		const system = await jobSystem({ allowPrivate: true, timeoutMs: 600_000 }, prefix);
		const hooks = [await addWebhook(`http://127.0.0.1:${hanging.port}/hook`), ...(await Promise.all(fast.map((r) => addWebhook(r.url))))];
		const ALERTS = 30;
		const ids: string[][] = hooks.map(() => []);
		const inOrder: string[] = [];
		// Written and enqueued in the order an alert storm writes them: the hanging receiver's first, for each alert.
		for (let alert = 0; alert < ALERTS; alert++) {
			for (const [i, hook] of hooks.entries()) {
				const id = await addDelivery(hook);
				ids[i]?.push(id);
				inOrder.push(id);
			}
		}
		await deliver(system, inOrder);

		await eventually(
			async () => (fast.every((r) => r.received.length === ALERTS) ? true : undefined),
			30_000,
			"every delivery to the answering receivers",
		);
		// Every other delivery went through while the hanging receiver still held every request it got.
		expect([seen, ended]).toEqual([open.size, 0]);
		expect(seen).toBeGreaterThan(0);
		expect(seen).toBeLessThanOrEqual(2);
		const hangingRows = await Promise.all((ids[0] ?? []).map(deliveryRow));
		expect(hangingRows.every((r) => r.status === "pending" && r.attempts === 0)).toBe(true);
		for (const list of ids.slice(1)) {
			const rows = await Promise.all(list.map(deliveryRow));
			expect(rows.every((r) => r.status === "delivered")).toBe(true);
		}
		// Stop listening before ending the open requests: a deferred delivery starting now must not hang again.
		hanging.http.close();
		hanging.http.closeAllConnections();
		await stop(system);
	});
});

async function removeKeys(prefix: string) {
	const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
	try {
		const keys = await redis.keys(`${prefix}:*`);
		if (keys.length > 0) await redis.del(...keys);
	} finally {
		redis.disconnect();
	}
}
