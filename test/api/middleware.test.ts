/** The API's middlewares and error handling, each on a tiny Hono app of its own: no database. */
import { Writable } from "node:stream";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { ApiEnv } from "../../src/api/context.ts";
import { ApiError, createErrorHandler, notFound, validationHook } from "../../src/api/errors.ts";
import { accessLog } from "../../src/api/middleware/access-log.ts";
import { requireApiKey } from "../../src/api/middleware/api-key.ts";
import { bodyLimit } from "../../src/api/middleware/body-limit.ts";
import { createMetrics } from "../../src/lib/metrics.ts";

/** A logger writing JSON lines into `lines`. */
function capture() {
	const lines: Record<string, unknown>[] = [];
	let raw = "";
	const logger = pino(
		{ level: "info" },
		new Writable({
			write(chunk, _encoding, done) {
				raw += chunk.toString();
				lines.push(
					...chunk
						.toString()
						.split("\n")
						.filter(Boolean)
						.map((l: string) => JSON.parse(l)),
				);
				done();
			},
		}),
	);
	return { logger, lines, raw: () => raw };
}

/** An app with the error handler, answering 200 on `/`, `/write` (POST) and `/accounts/:address`. */
function tinyApp(...middlewares: MiddlewareHandler<ApiEnv>[]) {
	const app = new Hono<ApiEnv>();
	app.use(requestId());
	for (const m of middlewares) app.use(m);
	app.onError(createErrorHandler(capture().logger));
	app.get("/", (c) => c.json({ ok: true }));
	app.post("/write", async (c) => c.json({ length: (await c.req.text()).length }));
	app.get("/accounts/:address", (c) => c.json({ address: c.req.param("address") }));
	return app;
}

const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;

describe("requireApiKey()", () => {
	const app = tinyApp(requireApiKey(["key-one", "a-much-longer-second-key"]));
	const get = (authorization?: string) => app.request("/", authorization === undefined ? {} : { headers: { authorization } });

	it.each([
		["no Authorization header", undefined, 401, "missing_api_key"],
		["another scheme", "Basic abc", 401, "missing_api_key"],
		["a wrong key", "Bearer key-two", 403, "invalid_api_key"],
		["a prefix of a key", "Bearer key-on", 403, "invalid_api_key"],
	])("refuses %s", async (_, authorization, status, code) => {
		const res = await get(authorization);
		expect(res.status).toBe(status);
		expect(await errorOf(res)).toMatchObject({ code, field: "authorization" });
		if (status === 401) expect(res.headers.get("www-authenticate")).toBe('Bearer realm="aleph-oracle"');
	});

	it.each(["Bearer key-one", "bearer a-much-longer-second-key", "Bearer\tkey-one  "])("lets %j through", async (authorization) => {
		expect((await get(authorization)).status).toBe(200);
	});

	it("disables the route when no key is configured", async () => {
		const res = await tinyApp(requireApiKey([])).request("/", { headers: { authorization: "Bearer anything" } });
		expect([res.status, (await errorOf(res)).code]).toEqual([403, "write_routes_disabled"]);
	});
});

describe("bodyLimit()", () => {
	const app = tinyApp(bodyLimit(100));
	const post = (body: string, init: RequestInit = {}, env?: unknown) => app.request("/write", { method: "POST", body, ...init }, env);

	it("counts a streamed body (no Content-Length framing) and refuses one byte over", async () => {
		expect(await (await post("x".repeat(100))).json()).toEqual({ length: 100 });
		const res = await post("x".repeat(101));
		expect([res.status, await errorOf(res)]).toEqual([
			413,
			{ code: "body_too_large", message: "The request body exceeds 100 bytes.", field: "body" },
		]);
	});

	it("behind node-server, trusts Content-Length (Node enforces it) without reading the body", async () => {
		const node = { incoming: {} };
		const over = await post("small", { headers: { "content-length": "101" } }, node);
		expect(over.status).toBe(413);
		expect((await post("x".repeat(50), { headers: { "content-length": "50" } }, node)).status).toBe(200);
	});

	it("leaves GET requests alone", async () => {
		expect((await app.request("/")).status).toBe(200);
	});
});

describe("accessLog()", () => {
	it("logs one line per request and times it under the route pattern, never the raw path or headers", async () => {
		const { logger, lines, raw } = capture();
		const metrics = createMetrics();
		const app = new Hono<ApiEnv>();
		app.use(requestId());
		app.use(accessLog(logger, metrics));
		app.get("/accounts/:address", (c) => c.json({}));
		await app.request("/accounts/0xabc", { headers: { "x-request-id": "req-1", authorization: "Bearer secret-key" } });
		await app.request("/nowhere");
		expect(lines).toEqual([
			expect.objectContaining({
				msg: "Served request",
				request_id: "req-1",
				method: "GET",
				route: "/accounts/:address",
				path: "/accounts/0xabc",
				status: 200,
			}),
			expect.objectContaining({ route: "unmatched", status: 404 }),
		]);
		expect(raw()).not.toContain("secret-key");
		const series = (await metrics.httpSeconds.get()).values.filter(
			(v) => v.metricName === "aleph_oracle_http_request_duration_seconds_count",
		);
		expect(series.map((v) => [v.labels.route, v.labels.status, v.value]).sort()).toEqual([
			["/accounts/:address", "200", 1],
			["unmatched", "404", 1],
		]);
	});
});

describe("createErrorHandler(), validationHook, notFound", () => {
	it("answers an ApiError with its status, code, field and headers", async () => {
		const app = tinyApp();
		app.get("/fail", () => {
			throw new ApiError(409, "conflict", "Already there.", "item_hash", { "retry-after": "3" });
		});
		const res = await app.request("/fail");
		expect([res.status, res.headers.get("retry-after"), await errorOf(res)]).toEqual([
			409,
			"3",
			{ code: "conflict", message: "Already there.", field: "item_hash" },
		]);
	});

	it("maps Hono's own 4xx exceptions to a code of the error shape", async () => {
		const app = tinyApp();
		app.get("/media", () => {
			throw new HTTPException(415);
		});
		expect(await errorOf(await app.request("/media"))).toEqual({
			code: "unsupported_media_type",
			message: "Send the body as application/json.",
		});
	});

	it("turns anything else into a 500 with the request id, the details logged server-side only", async () => {
		const { logger, lines } = capture();
		const app = new Hono<ApiEnv>();
		app.use(requestId());
		app.onError(createErrorHandler(logger));
		app.get("/boom", () => {
			throw new Error("connection string postgres://secret@db");
		});
		const res = await app.request("/boom", { headers: { "x-request-id": "req-500" } });
		const text = await res.text();
		expect([res.status, JSON.parse(text).error]).toEqual([500, expect.objectContaining({ code: "internal_error", requestId: "req-500" })]);
		expect(text).not.toContain("secret");
		expect(lines[0]).toMatchObject({ level: 50, request_id: "req-500", path: "/boom" });
	});

	it("answers a zod failure 400 naming the field in the pricing engine's path format", async () => {
		const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
		const body = z.object({ content: z.object({ volumes: z.array(z.object({ size_mib: z.number() })) }) });
		app.openapi(
			createRoute({
				method: "post",
				path: "/check",
				request: { body: { content: { "application/json": { schema: body } } } },
				responses: { 200: { description: "ok" } },
			}),
			(c) => c.json({}, 200),
		);
		const res = await app.request("/check", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ content: { volumes: [{ size_mib: "big" }] } }),
		});
		expect(res.status).toBe(400);
		expect(await errorOf(res)).toMatchObject({ code: "invalid_request", field: "content.volumes[0].size_mib" });
	});

	it("answers 404 in the error shape for a path no route serves", async () => {
		const app = new Hono<ApiEnv>();
		app.notFound(notFound);
		const res = await app.request("/nowhere", { method: "DELETE" });
		expect([res.status, await errorOf(res)]).toEqual([404, { code: "not_found", message: "No route serves DELETE /nowhere." }]);
	});
});
