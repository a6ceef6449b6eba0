import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, seedChains, type TestApi } from "./helpers.ts";

let api: TestApi;
beforeAll(async () => {
	api = await createTestApi();
});
afterAll(async () => {
	await api.database.drop();
});

describe("GET /health", () => {
	it("answers 200 even with no chain indexed", async () => {
		const res = await api.request("/health");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true });
	});
});

describe("GET /ready", () => {
	it("answers 503 with the reasons while chains are missing, lagging or stale, then 200", async () => {
		let res = await api.request("/ready");
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual({
			ok: false,
			reasons: ["ETH has not been indexed yet", "AVAX has not been indexed yet", "BASE has not been indexed yet"],
		});

		await seedChains(api.db, { ageSeconds: { BASE: 301 }, head: 1_050n });
		res = await api.request("/ready");
		expect(res.status).toBe(503);
		const body = (await res.json()) as { reasons: string[] };
		expect(body.reasons).toEqual([
			"BASE was last updated 301 s ago (limit 300 s)",
			"ETH is 50 blocks behind its head (limit 10)",
			"AVAX is 50 blocks behind its head (limit 10)",
			"BASE is 50 blocks behind its head (limit 10)",
		]);

		await seedChains(api.db);
		res = await api.request("/ready");
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ ok: true, reasons: [] });
	});

	it("uses ctx.ready when given", async () => {
		const custom = await createTestApi({ ready: async () => ({ ok: false, reasons: ["draining"] }) });
		try {
			const res = await custom.request("/ready");
			expect(res.status).toBe(503);
			expect(await res.json()).toEqual({ ok: false, reasons: ["draining"] });
		} finally {
			await custom.database.drop();
		}
	});
});

describe("GET /v1/status", () => {
	it("lists every configured chain with cursor, head, lag and progress", async () => {
		await seedChains(api.db, { block: 2_000n, head: 2_003n, ageSeconds: { AVAX: 400 } });
		const res = await api.request("/v1/status");
		expect(res.status).toBe(200);
		const body = (await res.json()) as { chains: Record<string, unknown>[]; staleAfterSeconds: number };
		expect(body.staleAfterSeconds).toBe(300);
		expect(body.chains.map((c) => c.chain)).toEqual(["ETH", "AVAX", "BASE"]);
		expect(body.chains[1]).toEqual({
			chain: "AVAX",
			chainId: 43_114,
			startBlock: 1,
			indexedBlock: 2_000,
			headBlock: 2_003,
			headReadAt: expect.any(String),
			lagBlocks: 3,
			finalizedBlock: 1_990,
			updatedAt: expect.any(String),
			stale: true,
			progress: { phase: "live", blocksPerSecond: 0, logsPerSecond: 0, etaSeconds: null },
		});
		expect(body.chains[0]?.stale).toBe(false);
		expect(Date.parse(body.chains[0]?.headReadAt as string) - Date.parse(body.chains[1]?.updatedAt as string)).toBeGreaterThan(399_000);
		expect(body).toMatchObject({ queue: { kind: "local", reachable: true } });
		await seedChains(api.db);
	});
});

describe("GET /metrics", () => {
	it("exposes per-chain gauges read from the chains table and HTTP latencies by route pattern", async () => {
		await seedChains(api.db, { block: 3_000n, head: 3_007n });
		await api.request("/v1/accounts/0x00000000000000000000000000000000000000aa");
		const res = await api.request("/metrics");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/plain");
		const text = await res.text();
		expect(text).toContain('aleph_oracle_watcher_indexed_block{chain="AVAX"} 3000');
		expect(text).toContain('aleph_oracle_watcher_head_block{chain="ETH"} 3007');
		expect(text).toContain('aleph_oracle_watcher_lag_blocks{chain="BASE"} 7');
		expect(text).toMatch(
			/aleph_oracle_http_request_duration_seconds_count\{route="\/v1\/accounts\/:address",method="GET",status="200"\} 1/,
		);
		expect(text).not.toContain("0x00000000000000000000000000000000000000aa");
		await seedChains(api.db);
	});
});

describe("request ids, access logs, CORS, unknown routes", () => {
	it("echoes a valid X-Request-Id and logs it with the route pattern", async () => {
		const res = await api.request("/v1/status", { headers: { "x-request-id": "abc-123" } });
		expect(res.headers.get("x-request-id")).toBe("abc-123");
		const line = api.logs.find((l) => l.request_id === "abc-123");
		expect(line).toMatchObject({ method: "GET", route: "/v1/status", status: 200, msg: "Served request" });
	});

	it("replaces an invalid request id with a generated one", async () => {
		const res = await api.request("/health", { headers: { "x-request-id": "bad id!" } });
		expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
	});

	it("allows any origin on GET analytics routes, and answers preflights", async () => {
		let res = await api.request("/v1/stats/supply", { headers: { origin: "https://app.example" } });
		expect(res.headers.get("access-control-allow-origin")).toBe("*");
		res = await api.request("/v1/stats/supply");
		expect(res.headers.get("access-control-allow-origin")).toBeNull();
		res = await api.request("/v1/accounts/0x00000000000000000000000000000000000000aa", {
			method: "OPTIONS",
			headers: { origin: "https://app.example", "access-control-request-method": "GET" },
		});
		expect(res.status).toBe(204);
		expect(res.headers.get("access-control-allow-methods")).toContain("GET");
		res = await api.request("/v1/webhooks", { method: "OPTIONS", headers: { origin: "https://app.example" } });
		expect(res.headers.get("access-control-allow-origin")).toBeNull();
	});

	it("answers 404 in the error shape for an unknown path", async () => {
		const res = await api.request("/v2/nothing");
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: { code: "not_found", message: "No route serves GET /v2/nothing." } });
	});
});

describe("GET /openapi.json and GET /docs", () => {
	it("documents every route once, with parameters, bodies and error responses", async () => {
		const res = await api.request("/openapi.json");
		expect(res.status).toBe(200);
		const doc = (await res.json()) as {
			paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
		};
		const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
		expect(routes.sort()).toEqual(
			[
				"GET /health",
				"GET /ready",
				"GET /metrics",
				"GET /v1/status",
				"GET /v1/accounts/{address}",
				"GET /v1/accounts/{address}/flows",
				"GET /v1/accounts/{address}/history",
				"GET /v1/accounts/{address}/resources",
				"POST /v1/can-pay",
				"PUT /v1/resources/{item_hash}",
				"DELETE /v1/resources/{item_hash}",
				"POST /api/v0/price/estimate",
				"GET /api/v0/price/{item_hash}",
				"GET /api/v0/addresses/{address}/balance",
				"GET /api/v0/credit_balances",
				"GET /api/v0/addresses/{address}/credit_history",
				"GET /api/v0/addresses/{address}/credit_history/summary",
				"GET /api/v0/messages/{item_hash}/consumed_credits",
				"GET /v1/balances-update/{chain}",
				"GET /v1/stats/supply",
				"GET /v1/stats/holders",
				"GET /v1/stats/flows",
				"GET /v1/stats/totals",
				"GET /v1/stats/distribution",
				"GET /v1/stats/alerts",
				"GET /v1/stats/running-dry",
				"GET /v1/alerts",
				"GET /v1/webhooks",
				"POST /v1/webhooks",
				"DELETE /v1/webhooks/{id}",
				"POST /v1/webhooks/{id}/rotate",
				"GET /openapi.json",
				"GET /docs",
				"GET /dashboard",
			].sort(),
		);
		const history = doc.paths["/v1/accounts/{address}/history"]?.get;
		expect(history?.parameters?.map((p) => p.name)).toEqual(["address", "chain", "fromBlock", "toBlock", "order", "limit", "cursor"]);
		expect(Object.keys(doc.paths["/v1/can-pay"]?.post?.responses ?? {})).toEqual(["200", "400", "413", "503"]);
	});

	it("serves Swagger UI from the oracle itself, reading /openapi.json, under a self-only CSP", async () => {
		const res = await api.request("/docs");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/html");
		const csp = res.headers.get("content-security-policy") ?? "";
		expect(csp).toContain("script-src 'self';");
		expect(csp).toContain("connect-src 'self';");
		expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
		const html = await res.text();
		// Offline: every script and stylesheet is a path on this origin.
		const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
		expect(urls.every((u) => u.startsWith("/"))).toBe(true);
		expect(html).not.toMatch(/<script>|<style>|\son\w+=/);
		for (const asset of ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/docs.js"]) {
			expect(urls).toContain(asset);
			const file = await api.request(asset, { headers: { "accept-encoding": "gzip" } });
			expect(file.status, asset).toBe(200);
			expect(file.headers.get("content-encoding")).toBe("gzip");
		}
		const init = await (await api.request("/docs/assets/docs.js")).text();
		expect(init).toContain('url: "/openapi.json"');
		expect(init).toContain("validatorUrl: null");
	});
});
