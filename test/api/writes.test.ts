import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksum } from "../../src/lib/address.ts";
import { instance, type Json, SUPERFLUID } from "../pricing/fixtures.ts";
import { API_KEY, addr, createTestApi, recordingQueue, type TestApi, writeCounts } from "./helpers.ts";

const OWNER = addr(0x0e1);
const HASH = "a1".repeat(32);
let api: TestApi;
beforeAll(async () => {
	api = await createTestApi();
});
afterAll(async () => {
	await api.database.drop();
});

function message(overrides: Json = {}, itemHash = HASH): Json {
	const m = instance(overrides) as Json & { content: Json };
	return { ...m, sender: OWNER, item_hash: itemHash, content: { ...m.content, address: OWNER.toUpperCase().replace("0X", "0x") } };
}

describe("API keys on write routes", () => {
	it.each([
		["no Authorization header", null, 401, "missing_api_key"],
		["a malformed header", "Basic abc", 401, "missing_api_key"],
		["a wrong key", "Bearer nope-nope-nope-nope", 403, "invalid_api_key"],
		["a prefix of the key", `Bearer ${API_KEY.slice(0, -1)}`, 403, "invalid_api_key"],
	])("refuses %s", async (_name, header, status, code) => {
		const before = await writeCounts(api.db);
		for (const [path, method] of [
			[`/v1/resources/${HASH}`, "PUT"],
			[`/v1/resources/${HASH}`, "DELETE"],
			["/v1/webhooks", "POST"],
			["/v1/webhooks", "GET"],
			["/v1/webhooks/00000000-0000-0000-0000-000000000000", "DELETE"],
			["/v1/webhooks/00000000-0000-0000-0000-000000000000/rotate", "POST"],
		] as const) {
			const headers: Record<string, string> = { "content-type": "application/json" };
			if (header) headers.authorization = header;
			const res = await api.request(path, {
				method,
				headers,
				...(method === "GET" ? {} : { body: JSON.stringify({ message: message(), url: "https://x.example", events: ["*"] }) }),
			});
			expect(res.status).toBe(status);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
			if (status === 401) expect(res.headers.get("www-authenticate")).toBe('Bearer realm="aleph-oracle"');
		}
		expect(await writeCounts(api.db)).toEqual(before);
	});

	it("disables write routes when no key is configured", async () => {
		const closed = await createTestApi({}, { apiKeys: [] });
		try {
			const res = await closed.request(`/v1/resources/${HASH}`, { method: "PUT", json: { message: message() } });
			expect(res.status).toBe(403);
			expect(await res.json()).toEqual({
				error: { code: "write_routes_disabled", message: "Write routes are disabled: the server has no API keys configured." },
			});
		} finally {
			await closed.database.drop();
		}
	});

	it("never logs the key", async () => {
		await api.request("/v1/webhooks", { method: "POST", json: { url: "https://hooks.example/a", events: ["*"] } });
		await api.request("/v1/webhooks", { method: "POST", json: {}, key: "another-secret-key-123" });
		expect(api.rawLogs()).not.toContain(API_KEY);
		expect(api.rawLogs()).not.toContain("another-secret-key-123");
		expect(
			api.logs
				.filter((l) => l.route === "/v1/webhooks")
				.slice(-2)
				.map((l) => l.status),
		).toEqual([201, 403]);
	});
});

describe("PUT /v1/resources/{item_hash}", () => {
	it("registers (201), is idempotent (200), refuses another message under the same hash (409)", async () => {
		const acceptedAt = "2026-01-02T03:04:05.000Z";
		let res = await api.request(`/v1/resources/${HASH}`, { method: "PUT", json: { message: message(), acceptedAt } });
		expect(res.status).toBe(201);
		const body = (await res.json()) as Record<string, unknown>;
		expect(body).toMatchObject({
			itemHash: HASH,
			created: true,
			owner: checksum(OWNER),
			paymentType: "hold",
			costs: { hold: { aleph: "1000" }, stream: { alephPerSecond: "0.000015277777777777" }, credit: "3.958333333333333333" },
			missingSizes: [],
		});
		expect(api.queue.jobs).toEqual([{ name: "entitlement.recompute", data: { address: OWNER } }]);
		const row = await api.db.selectFrom("resources").selectAll().where("item_hash", "=", HASH).executeTakeFirstOrThrow();
		expect([row.owner, row.accepted_at.toISOString(), row.cost_hold]).toEqual([OWNER, acceptedAt, 1000n * 10n ** 18n]);
		expect(await api.db.selectFrom("outbox").select("address").where("address", "=", OWNER).execute()).toHaveLength(1);

		res = await api.request(`/v1/resources/${HASH}`, { method: "PUT", json: { message: message() } });
		expect([res.status, ((await res.json()) as { created: boolean }).created]).toEqual([200, false]);
		const reordered = Object.fromEntries(Object.entries(message()).reverse());
		res = await api.request(`/v1/resources/${HASH}`, { method: "PUT", json: { message: reordered } });
		expect(res.status).toBe(200);
		expect(api.queue.jobs).toHaveLength(1);

		res = await api.request(`/v1/resources/${HASH}`, { method: "PUT", json: { message: message({ payment: SUPERFLUID }) } });
		expect(res.status).toBe(409);
		expect(await res.json()).toEqual({
			error: { code: "conflict", message: `Item ${HASH} is registered with another message.`, field: "message" },
		});
	});

	it.each([
		["a bad item hash", "nothash", { message: message() }, "invalid_request", "item_hash"],
		["an item_hash that differs from the path", "b2".repeat(32), { message: message() }, "invalid_message", "message.item_hash"],
		[
			"a POST message",
			"b3".repeat(32),
			{ message: { type: "POST", sender: OWNER, time: 1, item_hash: "b3".repeat(32), content: { address: OWNER } } },
			"invalid_message",
			"message.type",
		],
		[
			"a bad volume",
			"b4".repeat(32),
			{ message: message({ volumes: [{ ephemeral: true, size_mib: 0 }] }, "b4".repeat(32)) },
			"invalid_message",
			"message.content.volumes[0].size_mib",
		],
		[
			"a non-EVM owner",
			"b5".repeat(32),
			{ message: { ...message({}, "b5".repeat(32)), content: { ...(message().content as Json), address: "not-evm" } } },
			"invalid_address",
			"message.content.address",
		],
		[
			"a bad acceptedAt",
			"b6".repeat(32),
			{ message: message({}, "b6".repeat(32)), acceptedAt: "yesterday" },
			"invalid_request",
			"acceptedAt",
		],
	])("refuses %s with 400 and writes nothing", async (_name, hash, body, code, field) => {
		const before = await writeCounts(api.db);
		const res = await api.request(`/v1/resources/${hash}`, { method: "PUT", json: body });
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: Record<string, string> }).error).toMatchObject({ code, field });
		expect(await writeCounts(api.db)).toEqual(before);
	});
});

describe("DELETE /v1/resources/{item_hash}", () => {
	it("forgets (204), queues the owner's recompute, then 404", async () => {
		api.queue.jobs.length = 0;
		let res = await api.request(`/v1/resources/${HASH}`, { method: "DELETE", key: API_KEY });
		expect(res.status).toBe(204);
		expect(await res.text()).toBe("");
		expect(api.queue.jobs).toEqual([{ name: "entitlement.recompute", data: { address: OWNER } }]);
		res = await api.request(`/v1/resources/${HASH}`, { method: "DELETE", key: API_KEY });
		expect(res.status).toBe(404);
		expect(((await res.json()) as { error: { code: string; field: string } }).error).toMatchObject({
			code: "not_found",
			field: "item_hash",
		});
	});

	it("still answers when the queue refuses the nudge (the outbox row is the guarantee)", async () => {
		const failing = await createTestApi({
			queue: {
				...recordingQueue(),
				add: async () => {
					throw new Error("queue down");
				},
			},
		});
		try {
			const res = await failing.request(`/v1/resources/${HASH}`, { method: "PUT", json: { message: message() } });
			expect(res.status).toBe(201);
			expect(failing.logs.some((l) => l.msg === "Could not enqueue a recompute; the outbox will")).toBe(true);
		} finally {
			await failing.database.drop();
		}
	});
});

describe("POST /v1/webhooks and DELETE /v1/webhooks/{id}", () => {
	it("creates a webhook with a secret, then removes it", async () => {
		const res = await api.request("/v1/webhooks", {
			method: "POST",
			json: { url: "https://hooks.example/aleph", events: ["alert.opened", "alert.resolved"] },
		});
		expect(res.status).toBe(201);
		const hook = (await res.json()) as { id: string; secret: string; url: string; events: string[] };
		expect(hook).toMatchObject({ url: "https://hooks.example/aleph", events: ["alert.opened", "alert.resolved"] });
		expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
		const row = await api.db.selectFrom("webhooks").selectAll().where("id", "=", hook.id).executeTakeFirstOrThrow();
		expect([row.url, row.events, row.secret]).toEqual([hook.url, hook.events, hook.secret]);

		let del = await api.request(`/v1/webhooks/${hook.id.toUpperCase()}`, { method: "DELETE", key: API_KEY });
		expect(del.status).toBe(204);
		del = await api.request(`/v1/webhooks/${hook.id}`, { method: "DELETE", key: API_KEY });
		expect(del.status).toBe(404);
		del = await api.request("/v1/webhooks/42", { method: "DELETE", key: API_KEY });
		expect([del.status, ((await del.json()) as { error: { field: string } }).error.field]).toEqual([400, "id"]);
	});

	it.each([
		["ftp://hooks.example/x", ["*"], "url"],
		["https://user:pw@hooks.example/x", ["*"], "url"],
		["not a url", ["*"], "url"],
		["https://hooks.example/x", [], "events"],
		["https://hooks.example/x", ["alert.deleted"], "events[0]"],
		["https://hooks.example/x", ["*", "*"], "events"],
	])("refuses %s %j with 400 and writes nothing", async (url, events, field) => {
		const before = await writeCounts(api.db);
		const res = await api.request("/v1/webhooks", { method: "POST", json: { url, events } });
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: { code: string; field: string } }).error).toMatchObject({ code: "invalid_request", field });
		expect(await writeCounts(api.db)).toEqual(before);
	});
});
