/** Every data route with the database away: 503 in the error shape with Retry-After, never 500. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../devchain/free-port.ts";
import { createApp } from "../../src/api/app.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { API_KEY, addr, NOW, testContext } from "./helpers.ts";

let database: Database;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
	// A port nobody listens on: every connection is refused, as when the server is down.
	database = await openDatabase({ databaseUrl: `postgres://root@127.0.0.1:${await findFreePort()}/gone` });
	app = createApp(testContext(database.db));
});
afterAll(async () => {
	await database?.close();
});

const message = {
	type: "STORE",
	sender: addr(1),
	time: Number(NOW),
	content: { address: addr(1), time: Number(NOW), item_type: "storage", item_hash: "a".repeat(64) },
};

const ROUTES: [string, string, unknown?][] = [
	["GET", `/v1/accounts/${addr(1)}`],
	["GET", `/v1/accounts/${addr(1)}/flows`],
	["GET", `/v1/accounts/${addr(1)}/history`],
	["GET", `/v1/accounts/${addr(1)}/resources`],
	["GET", `/api/v0/addresses/${addr(1)}/balance`],
	["POST", "/v1/can-pay", { message }],
	["GET", "/v1/status"],
	["GET", "/v1/alerts"],
	["GET", "/v1/balances-update/ETH"],
	["GET", "/v1/stats/supply"],
	["GET", "/v1/stats/holders"],
	["GET", "/v1/stats/flows"],
	["GET", "/v1/stats/totals"],
	["GET", "/v1/stats/distribution?chain=ETH"],
	["GET", "/v1/stats/alerts"],
	["GET", "/v1/stats/running-dry"],
	["GET", "/v1/webhooks"],
	["POST", "/v1/webhooks", { url: "https://hooks.example/aleph", events: ["alert.opened"] }],
	["PUT", `/v1/resources/${"b".repeat(64)}`, { message }],
	["DELETE", `/v1/resources/${"b".repeat(64)}`],
	["GET", "/metrics"],
];

describe("the database away", () => {
	it.each(ROUTES)("%s %s answers 503 database_unavailable with Retry-After", async (method, path, body) => {
		const res = await app.request(`http://oracle.test${path}`, {
			method,
			headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
		expect([res.status, await res.json()]).toEqual([
			503,
			{ error: { code: "database_unavailable", message: "The database does not answer; retry later." } },
		]);
		expect(res.headers.get("retry-after")).toBe("5");
	});

	it("keeps /health at 200 and /ready at 503 with the reason", async () => {
		expect((await app.request("http://oracle.test/health")).status).toBe(200);
		const ready = await app.request("http://oracle.test/ready");
		expect(ready.status).toBe(503);
		expect(await ready.json()).toEqual({ ok: false, reasons: ["the database does not answer"] });
	});
});
