/**
 * Fuzzing every route with malformed JSON, wrong types, huge numbers, bad addresses and oversized
 * bodies: never a 5xx, never a write on a refused request, always the error shape, and every 400
 * names the field at fault.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instance, type Json, processInstance, store } from "../pricing/fixtures.ts";
import { API_KEY, addr, createTestApi, seedChains, type TestApi, transfer, WEI, writeCounts, ZERO } from "./helpers.ts";

let api: TestApi;
beforeAll(async () => {
	api = await createTestApi();
	await seedChains(api.db);
	await transfer(api.db, { chain: "ETH", block: 1n, logIndex: 0, from: ZERO, to: addr(1), value: 5n * WEI });
});
afterAll(async () => {
	await api.database.drop();
});

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const EXPECTED = new Set([200, 201, 204, 400, 401, 403, 404, 409, 413, 415]);
/** Every input a 400 may name: path and query parameters, and the roots of the JSON bodies. */
const FIELDS = new Set([
	"address",
	"chain",
	"fromBlock",
	"toBlock",
	"limit",
	"cursor",
	"order",
	"status",
	"receiver",
	"item_hash",
	"id",
	"body",
	"message",
	"sizes",
	"acceptedAt",
	"url",
	"events",
]);

/** Values that break parsers: huge, negative, fractional, non-finite-ish, wrong types. */
const nasty = fc.oneof(
	fc.constantFrom("1e400", "-1", "0", "1.5", "99999999999999999999999999", "NaN", "Infinity", "", " ", "null", "%00", "0x", "ETH", "eth"),
	fc.string({ maxLength: 40 }),
	fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF"), minLength: 38, maxLength: 42 }).map((h) => `0x${h}`),
	fc.integer().map(String),
);

const segment = fc.oneof(nasty, fc.string({ maxLength: 300 })).map((s) => encodeURIComponent(s) || "x");
const address = fc.oneof(segment, fc.constant(addr(1)), fc.constant(addr(1).toUpperCase().replace("0X", "0x")));

/** A valid message with one field somewhere replaced by something else. */
const mutated = fc
	.tuple(
		fc.constantFrom<Json>(
			instance(),
			processInstance(),
			store("Qm", 1.8e9),
			instance({ payment: { type: "superfluid", chain: "AVAX", receiver: addr(9) } }),
		),
		fc.array(
			fc.constantFrom(
				"content",
				"rootfs",
				"size_mib",
				"resources",
				"vcpus",
				"memory",
				"payment",
				"type",
				"volumes",
				"time",
				"address",
				"0",
				"parent",
				"ref",
				"receiver",
				"chain",
			),
			{ minLength: 1, maxLength: 4 },
		),
		fc.oneof(fc.anything(), fc.constantFrom(1e308, -1, 2 ** 64, 0.5, "x", null, [], {}, true)),
	)
	.map(([message, path, value]) => {
		const copy = structuredClone(message) as Record<string, unknown>;
		let node: Record<string, unknown> = copy;
		for (const key of path.slice(0, -1)) {
			const child = node[key];
			if (child === null || typeof child !== "object") break;
			node = child as Record<string, unknown>;
		}
		node[path.at(-1) as string] = value;
		return copy;
	});

const jsonBody = fc.oneof(
	fc.json({ maxDepth: 4 }),
	fc.string({ maxLength: 200 }),
	fc.constantFrom(
		"{",
		'{"message":',
		"[",
		"{}",
		"null",
		'{"message":{"type":"INSTANCE"}}',
		'{"message":1e400}',
		`{"message":{},"sizes":{"a":1e400}}`,
	),
	mutated.map((message) => JSON.stringify({ message })),
	fc
		.tuple(mutated, fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.integer(), fc.double(), fc.string())))
		.map(([message, sizes]) => JSON.stringify({ message, sizes })),
	fc.record({ url: nasty, events: fc.array(nasty, { maxLength: 4 }) }).map((b) => JSON.stringify(b)),
	fc.constant(JSON.stringify({ message: instance(), pad: "x".repeat(270_000) })),
);

const query = fc
	.dictionary(fc.constantFrom("chain", "fromBlock", "toBlock", "limit", "cursor", "order", "status", "address", "receiver"), nasty, {
		maxKeys: 4,
	})
	.map((q) => new URLSearchParams(q).toString());

type Target = { name: string; method: string; path: fc.Arbitrary<string>; body?: boolean; write?: boolean };

const targets: Target[] = [
	{ name: "GET account", method: "GET", path: address.map((a) => `/v1/accounts/${a}`) },
	{ name: "GET flows", method: "GET", path: address.map((a) => `/v1/accounts/${a}/flows`) },
	{ name: "GET history", method: "GET", path: fc.tuple(address, query).map(([a, q]) => `/v1/accounts/${a}/history?${q}`) },
	{ name: "GET resources", method: "GET", path: fc.tuple(address, query).map(([a, q]) => `/v1/accounts/${a}/resources?${q}`) },
	{ name: "GET ccn balance", method: "GET", path: address.map((a) => `/api/v0/addresses/${a}/balance`) },
	{ name: "GET balances-update", method: "GET", path: segment.map((c) => `/v1/balances-update/${c}`) },
	{
		name: "GET stats",
		method: "GET",
		path: fc.tuple(fc.constantFrom("supply", "holders", "flows"), query).map(([s, q]) => `/v1/stats/${s}?${q}`),
	},
	{ name: "GET alerts", method: "GET", path: query.map((q) => `/v1/alerts?${q}`) },
	{
		name: "GET status/health/docs",
		method: "GET",
		path: fc.tuple(fc.constantFrom("/v1/status", "/health", "/openapi.json", "/metrics"), query).map(([p, q]) => `${p}?${q}`),
	},
	{ name: "POST can-pay", method: "POST", path: fc.constant("/v1/can-pay"), body: true, write: true },
	{ name: "POST price estimate", method: "POST", path: fc.constant("/api/v0/price/estimate"), body: true, write: true },
	{
		name: "PUT resource",
		method: "PUT",
		path: fc.oneof(segment, fc.constant("ab".repeat(32))).map((h) => `/v1/resources/${h}`),
		body: true,
		write: true,
	},
	{ name: "DELETE resource", method: "DELETE", path: segment.map((h) => `/v1/resources/${h}`), write: true },
	{ name: "POST webhooks", method: "POST", path: fc.constant("/v1/webhooks"), body: true, write: true },
	{ name: "DELETE webhook", method: "DELETE", path: segment.map((id) => `/v1/webhooks/${id}`), write: true },
];

const contentType = fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", null);
const authorization = fc.constantFrom(`Bearer ${API_KEY}`, `Bearer ${API_KEY}`, "Bearer wrong-key-000000000000", "", null);

describe("fuzzing every route", () => {
	it.each(targets)("$name: no 5xx, error shape, field named, no write when refused", async (target) => {
		const before = await writeCounts(api.db);
		await fc.assert(
			fc.asyncProperty(
				target.path,
				target.body ? jsonBody : fc.constant(null),
				contentType,
				authorization,
				async (path, body, type, auth) => {
					const headers: Record<string, string> = {};
					if (type && body !== null) headers["content-type"] = type;
					if (auth !== null) headers.authorization = auth;
					const counts = target.write ? await writeCounts(api.db) : null;
					const res = await api.app.request(`http://oracle.test${path}`, {
						method: target.method,
						headers,
						...(body === null ? {} : { body }),
					});
					expect(EXPECTED.has(res.status), `${target.method} ${path} → ${res.status}`).toBe(true);
					const text = await res.text();
					if (res.status < 400) return;
					const parsed = JSON.parse(text) as { error: { code: string; message: string; field?: string } };
					expect(Object.keys(parsed)).toEqual(["error"]);
					expect(parsed.error.code).toMatch(/^[a-z0-9_]+$/);
					expect(parsed.error.message).toMatch(/^[A-Z`].*[.!?]$/s);
					if (res.status === 400) expect(FIELDS.has(/^[^.[]*/.exec(parsed.error.field ?? "")?.[0] ?? ""), text).toBe(true);
					if (counts) expect(await writeCounts(api.db)).toEqual(counts);
				},
			),
			{ numRuns: RUNS },
		);
		if (!target.write) expect(await writeCounts(api.db)).toEqual(before);
	});
});
