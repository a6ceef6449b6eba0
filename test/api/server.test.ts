/** The same app behind a real listening @hono/node-server: status and body over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startServer } from "../../src/api/server.ts";
import { checksum } from "../../src/lib/address.ts";
import { instance } from "../pricing/fixtures.ts";
import { API_KEY, addr, createTestApi, seedChains, type TestApi, transfer, WEI, ZERO } from "./helpers.ts";

const OWNER = addr(0x5e1);
let api: TestApi;
let server: ApiServer;

beforeAll(async () => {
	api = await createTestApi();
	await seedChains(api.db);
	await transfer(api.db, { chain: "BASE", block: 7n, logIndex: 1, from: ZERO, to: OWNER, value: 1_500n * WEI });
	server = await startServer(api.app, { host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
	await server.close();
	await api.database.drop();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
	fetch(`${server.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

describe("startServer()", () => {
	it("listens on a free port and serves the health and account routes", async () => {
		expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const health = await fetch(`${server.url}/health`);
		expect([health.status, await health.json()]).toEqual([200, { ok: true }]);
		const account = await fetch(`${server.url}/v1/accounts/${OWNER}`, { headers: { "x-request-id": "over-http-1" } });
		expect(account.status).toBe(200);
		expect(account.headers.get("x-request-id")).toBe("over-http-1");
		expect(await account.json()).toMatchObject({
			address: checksum(OWNER),
			balances: { BASE: { aleph: "1500" } },
			balance: { aleph: "1500" },
		});
	});

	it("answers can-pay and the CCN estimate over HTTP", async () => {
		const message = { ...instance(), sender: OWNER, content: { ...(instance().content as object), address: OWNER } };
		const res = await post("/v1/can-pay", JSON.stringify({ message }));
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ allowed: true, cost: "1000.000000000000000000", available: "1500.000000000000000000" });
		const estimate = await post("/api/v0/price/estimate", JSON.stringify({ message }));
		expect(await estimate.json()).toMatchObject({ required_tokens: 1000, payment_type: "hold", charged_address: OWNER });
	});

	it("gives every error path its status and shape over HTTP", async () => {
		const cases: [Promise<Response>, number, string][] = [
			[post("/v1/can-pay", "{nope"), 400, "invalid_json"],
			[post("/v1/can-pay", JSON.stringify({ message: {} })), 400, "invalid_message"],
			[post("/v1/can-pay", JSON.stringify({ pad: "x".repeat(300_000) })), 413, "body_too_large"],
			[post("/v1/can-pay", "{}", { "content-type": "text/plain" }), 415, "unsupported_media_type"],
			[fetch(`${server.url}/v1/accounts/0x12`), 400, "invalid_request"],
			[fetch(`${server.url}/nowhere`), 404, "not_found"],
			[fetch(`${server.url}/v1/resources/${"ab".repeat(32)}`, { method: "DELETE" }), 401, "missing_api_key"],
			[
				fetch(`${server.url}/v1/resources/${"ab".repeat(32)}`, { method: "DELETE", headers: { authorization: "Bearer x" } }),
				403,
				"invalid_api_key",
			],
			[
				fetch(`${server.url}/v1/resources/${"ab".repeat(32)}`, { method: "DELETE", headers: { authorization: `Bearer ${API_KEY}` } }),
				404,
				"not_found",
			],
		];
		for (const [response, status, code] of cases) {
			const res = await response;
			expect(res.status).toBe(status);
			expect(res.headers.get("content-type")).toContain("application/json");
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
		}
	});

	it("answers 503 when the data is stale, then recovers", async () => {
		await seedChains(api.db, { ageSeconds: { ETH: 3_600 } });
		const stale = await fetch(`${server.url}/v1/stats/supply`);
		expect([stale.status, stale.headers.get("retry-after")]).toEqual([503, "5"]);
		await seedChains(api.db);
		expect((await fetch(`${server.url}/v1/stats/supply`)).status).toBe(200);
	});

	it("turns an unexpected failure into a 500 with the request id, logged server-side only", async () => {
		const failing = await createTestApi({
			ready: async () => {
				throw new Error("connection string postgres://secret@db");
			},
		});
		const other = await startServer(failing.app, { host: "127.0.0.1", port: 0 });
		try {
			const res = await fetch(`${other.url}/ready`, { headers: { "x-request-id": "req-500" } });
			expect(res.status).toBe(500);
			const text = await res.text();
			expect(JSON.parse(text)).toEqual({
				error: {
					code: "internal_error",
					message: "An internal error occurred; quote the request id when reporting it.",
					requestId: "req-500",
				},
			});
			expect(text).not.toContain("secret");
			expect(failing.logs.find((l) => l.level === 50)).toMatchObject({ request_id: "req-500", path: "/ready" });
		} finally {
			await other.close();
			await failing.database.drop();
		}
		await expect(fetch(`${other.url}/health`)).rejects.toThrow();
	});
});
