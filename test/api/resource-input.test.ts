import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { createPgliteDatabase } from "../helpers/database.ts";
import { instance, type Json, TIME_2023 } from "../pricing/fixtures.ts";
import { API_KEY, addr, createTestApi, NOW, seedChains, type TestApi, writeCounts } from "./helpers.ts";

// Message content a CCN never stores (findings 5, 18, 19 of issue 10): every route taking a
// message answers 400 naming the field, on Postgres and on PGlite, and writes nothing.

const OWNER = addr(0x1e5);
let postgres: TestApi;
let pglite: TestApi;
let embedded: Database;

beforeAll(async () => {
	postgres = await createTestApi();
	embedded = await createPgliteDatabase();
	pglite = await createTestApi({ db: embedded.db });
	await seedChains(postgres.db);
	await seedChains(embedded.db);
});
afterAll(async () => {
	await postgres.database.drop();
	await pglite.database.drop();
	await embedded.close();
});

const apis = () =>
	[
		["Postgres", postgres],
		["PGlite", pglite],
	] as const;

function message(overrides: Json = {}): Json {
	const m = instance(overrides) as Json & { content: Json };
	return { ...m, sender: OWNER, item_hash: undefined, content: { ...m.content, address: OWNER } };
}

const hash = () => randomBytes(32).toString("hex");

/** The request body as text: JSON.stringify itself cannot build the deepest bodies on a small stack. */
function bodyWithMetadata(metadataJson: string): string {
	return JSON.stringify({ message: message({ metadata: "__METADATA__" }) }).replace('"__METADATA__"', metadataJson);
}

function nested(levels: number): string {
	return `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

async function send(api: TestApi, path: string, method: string, body: string) {
	const headers = { "content-type": "application/json", authorization: `Bearer ${API_KEY}` };
	const res = await api.request(path, { method, headers, body });
	return { status: res.status, body: (await res.json()) as { error?: { code: string; field?: string } } };
}

describe("message content a CCN cannot store (finding 5)", () => {
	const cases: [string, string, string][] = [
		["a U+0000 in a string", JSON.stringify({ name: "a\u0000b" }), "message.content.metadata.name"],
		["a U+0000 in a key", JSON.stringify({ "k\u0000": 1 }), "message.content.metadata"],
		["a lone high surrogate in a string", '{"name":"x\\ud800"}', "message.content.metadata.name"],
		["a lone low surrogate in a key", '{"\\udc00k":1}', "message.content.metadata"],
		["a U+0000 deep in an array", '{"list":[1,[2,"\\u0000"]]}', "message.content.metadata.list[1][1]"],
		["5,000 levels of nesting", nested(5_000), "message.content.metadata"],
		["20,000 levels of nesting", nested(20_000), "message.content.metadata"],
	];

	it.each(cases)("PUT /v1/resources refuses %s with 400 naming the field, on both databases", async (_name, metadata, field) => {
		for (const [, api] of apis()) {
			const before = await writeCounts(api.ctx.db);
			const res = await send(api, `/v1/resources/${hash()}`, "PUT", bodyWithMetadata(metadata));
			expect(res.status).toBe(400);
			expect(res.body.error?.code).toBe("invalid_request");
			expect(res.body.error?.field?.startsWith(field)).toBe(true);
			expect(await writeCounts(api.ctx.db)).toEqual(before);
		}
	});

	it.each(cases)("POST /v1/can-pay and /api/v0/price/estimate refuse %s with 400", async (_name, metadata, field) => {
		for (const [, api] of apis()) {
			for (const path of ["/v1/can-pay", "/api/v0/price/estimate"]) {
				const res = await send(api, path, "POST", bodyWithMetadata(metadata));
				expect([path, res.status]).toEqual([path, 400]);
				expect(res.body.error?.field?.startsWith(field)).toBe(true);
			}
		}
	});

	it("keeps the field of a refused answer short, however long the path", async () => {
		const res = await send(postgres, `/v1/resources/${hash()}`, "PUT", bodyWithMetadata(nested(20_000)));
		expect(res.body.error?.field?.length).toBeLessThanOrEqual(200);
	});

	it("registers what a CCN stores: surrogate pairs, a literal backslash-u text, 1,000 levels of content", async () => {
		for (const [, api] of apis()) {
			for (const metadata of [JSON.stringify({ name: "🦊 ünïcode \u2028" }), JSON.stringify({ note: "\\u0000" }), nested(1_000)]) {
				const res = await send(api, `/v1/resources/${hash()}`, "PUT", bodyWithMetadata(metadata));
				expect(res.status).toBe(201);
			}
		}
	});
});

describe("item hash shapes (finding 18)", () => {
	const base32 = (n: number) => Array.from(randomBytes(n), (b) => "abcdefghijklmnopqrstuvwxyz234567"[b % 32]).join("");
	const base58 = (n: number) =>
		Array.from(randomBytes(n), (b) => "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"[b % 58]).join("");

	it.each([
		["a 3 KB CID-like hash", `b${base32(3_000)}`],
		["a 60-character CIDv1", `bafy${base32(56)}`],
		["a CIDv1 that is not dag-pb base32 (aleph-message refuses it)", `bafk${base32(55)}`],
		["a 47-character CIDv0", `Qm${base58(45)}`],
	])("refuses %s with 400 naming item_hash, on both databases", async (_name, itemHash) => {
		for (const [, api] of apis()) {
			const before = await writeCounts(api.ctx.db);
			for (const [method, body] of [
				["PUT", JSON.stringify({ message: message() })],
				["DELETE", ""],
			] as const) {
				const res = await api.request(`/v1/resources/${itemHash}`, {
					method,
					headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
					...(body ? { body } : {}),
				});
				expect(res.status).toBe(400);
				expect(((await res.json()) as { error: { field: string } }).error.field).toBe("item_hash");
			}
			expect(await writeCounts(api.ctx.db)).toEqual(before);
		}
	});

	it("accepts the shapes aleph-message accepts: sha256 hex, CIDv0 (46), CIDv1 bafy (59)", async () => {
		for (const [, api] of apis()) {
			for (const itemHash of [hash(), `Qm${base58(44)}`, `bafy${base32(55)}`]) {
				const res = await send(api, `/v1/resources/${itemHash}`, "PUT", JSON.stringify({ message: message() }));
				expect([itemHash, res.status]).toEqual([itemHash, 201]);
			}
		}
	});
});

describe("acceptedAt (finding 19)", () => {
	const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
	const SKEW = 600;

	it.each([
		["year 0000", "0000-01-01T00:00:00Z"],
		["year 1", "0001-01-01T00:00:00.000Z"],
		["before the message's own time", iso(TIME_2023 - SKEW - 1)],
		["further in the future than the clock skew", iso(Number(NOW) + SKEW + 1)],
		["year 9999", "9999-12-31T23:59:59Z"],
	])("refuses %s with 400 naming acceptedAt, on both databases", async (_name, acceptedAt) => {
		for (const [, api] of apis()) {
			const before = await writeCounts(api.ctx.db);
			const res = await send(api, `/v1/resources/${hash()}`, "PUT", JSON.stringify({ message: message(), acceptedAt }));
			expect(res.status).toBe(400);
			expect(res.body.error).toMatchObject({ code: "invalid_request", field: "acceptedAt" });
			expect(await writeCounts(api.ctx.db)).toEqual(before);
		}
	});

	it("accepts the message's time, the clock and anything between (within the skew); the clock when absent", async () => {
		for (const [, api] of apis()) {
			for (const acceptedAt of [iso(TIME_2023 - SKEW), iso(TIME_2023), "2026-01-02T03:04:05Z", iso(Number(NOW) + SKEW), undefined]) {
				const itemHash = hash();
				const res = await send(api, `/v1/resources/${itemHash}`, "PUT", JSON.stringify({ message: message(), acceptedAt }));
				expect([acceptedAt, res.status]).toEqual([acceptedAt, 201]);
				const row = await api.ctx.db
					.selectFrom("resources")
					.select("accepted_at")
					.where("item_hash", "=", itemHash)
					.executeTakeFirstOrThrow();
				expect(row.accepted_at.getTime()).toBe(acceptedAt === undefined ? Number(NOW) * 1000 : Math.round(new Date(acceptedAt).getTime()));
			}
		}
	});
});
