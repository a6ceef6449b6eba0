import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { createProcessors } from "../../jobs/processors.ts";
import { loadConfig } from "../../src/config/env.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { type Running, startRole } from "../../src/runtime/roles.ts";

export const API_KEY = "queue-test-key-0123456789";

/** Empties one Redis database (each test file uses its own index, so files can run in parallel). */
export async function flushRedis(url: string): Promise<void> {
	const redis = new Redis(url, { maxRetriesPerRequest: 1 });
	await redis.flushdb();
	redis.disconnect();
}

/** An API answer; tests read arbitrary JSON bodies. */
// biome-ignore lint/suspicious/noExplicitAny: the body is whatever JSON the route returned
export type ApiAnswer = { status: number; body: any };

/** Runs the `all` role in this process with the given environment (plus test defaults). */
export async function startSystem(
	env: Record<string, string>,
): Promise<Running & { api: (path: string, init?: RequestInit) => Promise<ApiAnswer> }> {
	const config = loadConfig({ HOST: "127.0.0.1", PORT: "0", API_KEYS: API_KEY, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent", ...env });
	const running = await startRole("all", config, createLogger(config.logLevel), createProcessors);
	const api = async (path: string, init: RequestInit = {}) => {
		const response = await fetch(`${running.url}${path}`, {
			...init,
			headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}`, ...init.headers },
		});
		const text = await response.text();
		return { status: response.status, body: text ? JSON.parse(text) : null };
	};
	return { ...running, api };
}

export type Received = { at: number; body: string; headers: IncomingHttpHeaders };

/**
 * A local HTTP endpoint recording every POST it receives (a webhook receiver). It answers 503 to
 * the first `failFirst` requests, and to every request while `refuse()` is true.
 */
export async function startReceiver(options: { failFirst?: number; refuse?: () => boolean } = {}) {
	const received: Received[] = [];
	let failures = options.failFirst ?? 0;
	const server = createServer((req, res) => {
		let body = "";
		req.on("data", (d) => {
			body += d;
		});
		req.on("end", () => {
			if (failures > 0 || options.refuse?.()) {
				failures--;
				res.writeHead(503).end();
				return;
			}
			received.push({ at: Date.now(), body, headers: req.headers });
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** Polls `check` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = "condition"): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

/** A random 64-hex item hash. */
export function itemHash(): string {
	return randomBytes(32).toString("hex");
}

const NODE_HASH = "dc3d1d194a990b5c54380c3c0439562fefa42f5a46807cba1c500ec3affecf04";
const PARENT_REF = "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595";

/** An INSTANCE message of 1 vCPU / 2 GiB / 20 GiB rootfs: 1000 ALEPH held, or 0.055 ALEPH/h streamed. */
export function instanceMessage(
	address: string,
	payment?: { type: "superfluid"; chain: string; receiver: string } | { type: "credit"; chain: string },
	time = 1_740_000_000,
) {
	return {
		type: "INSTANCE",
		sender: address,
		time,
		content: {
			address,
			time,
			rootfs: { parent: { ref: PARENT_REF, use_latest: true }, size_mib: 20480, persistence: "host" },
			volumes: [],
			resources: { vcpus: 1, memory: 2048, seconds: 30 },
			allow_amend: false,
			environment: { internet: true, aleph_api: true, reproducible: false, shared_cache: false },
			...(payment ? { payment, requirements: { node: { node_hash: NODE_HASH } } } : {}),
		},
	};
}
