import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { API_KEY, addr, createTestApi, type TestApi } from "../api/helpers.ts";
import { instance, type Json, SUPERFLUID } from "../pricing/fixtures.ts";

// Every node processes every message, so the same registration arriving twice at once is the
// normal case (finding 6 of issue 10): one 201, the rest 200 (or 409 for another message), never a 500.

const OWNER = addr(0x6ace);
const ROUNDS = 25;
const PARALLEL = 20;
let api: TestApi;
let wide: Database;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
	api = await createTestApi();
	// As many connections as parallel requests, so the transactions really overlap.
	wide = await openDatabase({ databaseUrl: api.database.url, poolSize: PARALLEL });
	app = createApp({ ...api.ctx, db: wide.db });
});
afterAll(async () => {
	await wide.close();
	await api.database.drop();
});

function message(overrides: Json = {}): Json {
	const m = instance(overrides) as Json & { content: Json };
	return { ...m, sender: OWNER, item_hash: undefined, content: { ...m.content, address: OWNER } };
}

async function put(itemHash: string, body: Json): Promise<number> {
	const res = await app.request(`http://oracle.test/v1/resources/${itemHash}`, {
		method: "PUT",
		headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
		body: JSON.stringify(body),
	});
	await res.arrayBuffer();
	return res.status;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

async function outboxRows(): Promise<number> {
	const row = await api.db
		.selectFrom("outbox")
		.select(sql<string>`count(*)`.as("n"))
		.where("address", "=", OWNER)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

describe("PUT /v1/resources/{item_hash} under concurrency, on Postgres", () => {
	it(`answers one 201 and ${PARALLEL - 1} × 200 to ${PARALLEL} identical registrations at once, ${ROUNDS} rounds in a row`, async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const itemHash = randomBytes(32).toString("hex");
			const outboxBefore = await outboxRows();
			const statuses = await Promise.all(Array.from({ length: PARALLEL }, () => put(itemHash, { message: message() })));
			expect({ round, created: count(statuses, 201), unchanged: count(statuses, 200) }).toEqual({
				round,
				created: 1,
				unchanged: PARALLEL - 1,
			});
			// One row, and the owner queued once (only the registration that wrote it).
			const rows = await api.db.selectFrom("resources").select("item_hash").where("item_hash", "=", itemHash).execute();
			expect(rows).toHaveLength(1);
			expect(await outboxRows()).toBe(outboxBefore + 1);
		}
	});

	it("keeps the first message and answers 409 to another one under the same hash, even at the same moment", async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const itemHash = randomBytes(32).toString("hex");
			const bodies = Array.from({ length: PARALLEL }, (_, i) => ({ message: i % 2 === 0 ? message() : message({ payment: SUPERFLUID }) }));
			const statuses = await Promise.all(bodies.map((body) => put(itemHash, body)));
			const row = await api.db.selectFrom("resources").select("payment_type").where("item_hash", "=", itemHash).executeTakeFirstOrThrow();
			const winner = row.payment_type === "superfluid" ? 1 : 0;
			const expected = bodies.map((_, i) => (i % 2 === winner ? [200, 201] : [409]));
			expect(statuses.map((status, i) => (expected[i]?.includes(status) ? "as expected" : status))).toEqual(
				bodies.map(() => "as expected"),
			);
			expect({ round, created: count(statuses, 201), conflicts: count(statuses, 409) }).toEqual({
				round,
				created: 1,
				conflicts: PARALLEL / 2,
			});
		}
	});
});
