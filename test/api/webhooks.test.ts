import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { createPgliteDatabase } from "../helpers/database.ts";
import { API_KEY, createTestApi, type TestApi, writeCounts } from "./helpers.ts";

// The webhook routes (issue 10: findings 14, 15, 16, 17).

let api: TestApi;
beforeAll(async () => {
	api = await createTestApi();
});
afterAll(async () => {
	await api.database.drop();
});

type Hook = { id: string; url: string; events: string[]; secret?: string; createdAt: string };

async function register(target: TestApi, url: string, events: string[] = ["*"]) {
	const res = await target.request("/v1/webhooks", { method: "POST", json: { url, events } });
	return { status: res.status, body: (await res.json()) as Hook & { error?: { code: string; field?: string } } };
}

/** Every loopback spelling of the issue, the metadata address, Redis, and the other non-public ranges. */
const NON_PUBLIC = [
	"http://127.0.0.1/",
	"http://127.0.0.1:8080/hook",
	"http://127.0.0.1:6379/",
	"http://localhost/",
	"http://localhost:3000/hook",
	"http://LOCALHOST./",
	"http://hooks.localhost/",
	"http://[::1]/",
	"http://[::1]:8080/",
	"http://0.0.0.0/",
	"http://0/",
	"http://2130706433/",
	"http://0177.0.0.1/",
	"http://0x7f.1/",
	"http://127.1/",
	"http://[::ffff:127.0.0.1]/",
	"http://[::ffff:7f00:1]/",
	"http://[::]/",
	"http://169.254.169.254/latest/meta-data/",
	"http://10.0.0.1/",
	"http://172.16.5.4/",
	"http://192.168.1.1/",
	"http://100.64.0.1/",
	"http://198.18.0.1/",
	"http://224.0.0.1/",
	"http://255.255.255.255/",
	"http://[fe80::1]/",
	"http://[fc00::1]/",
	"http://[fd12:3456::1]/",
	"http://[ff02::1]/",
	"http://[64:ff9b::7f00:1]/",
	"http://[2002:7f00:1::]/",
	"http://[2001:db8::1]/",
	"https://127.0.0.1/",
];

describe("POST /v1/webhooks refuses non-public destinations (finding 14)", () => {
	it.each(NON_PUBLIC)("refuses %s with 400 naming url, and writes nothing", async (url) => {
		const before = await writeCounts(api.db);
		const res = await register(api, url);
		expect([res.status, res.body.error?.code, res.body.error?.field]).toEqual([400, "invalid_request", "url"]);
		expect(await writeCounts(api.db)).toEqual(before);
	});

	it.each(["https://hooks.example/aleph", "https://93.184.215.14/hook", "http://8.8.8.8:8080/", "https://[2606:4700:4700::1111]/hook"])(
		"accepts the public destination %s (names are checked when resolved, at delivery)",
		async (url) => {
			expect((await register(api, url)).status).toBe(201);
		},
	);

	it("accepts every address with WEBHOOK_ALLOW_PRIVATE=1", async () => {
		const open = await createTestApi({}, { webhookAllowPrivate: true });
		try {
			for (const url of ["http://127.0.0.1:8080/hook", "http://localhost/", "http://[::1]/", "http://10.0.0.1/"]) {
				expect([url, (await register(open, url)).status]).toEqual([url, 201]);
			}
		} finally {
			await open.database.drop();
		}
	});
});

describe("webhook URLs are normalised and checked (finding 15)", () => {
	it.each([
		["a U+0000", "https://hooks.example/a\u0000b"],
		["a trailing U+0000", "https://hooks.example/\u0000"],
		["a tab", "https://hooks.example/a\tb"],
		["a newline", "https://hooks.example/\nx"],
		["a carriage return in the host", "https://hooks.exa\rmple/"],
		["a DEL", "https://hooks.example/\u007f"],
		["a C1 control", "https://hooks.example/\u0085"],
		["a javascript: URL", "javascript:alert(1)"],
		["a file: URL", "file:///etc/passwd"],
		["a data: URL", "data:text/plain,x"],
		["credentials", "https://user:pw@hooks.example/"],
		["no host", "http://:80/"],
	])("refuses %s with 400 naming url, and writes nothing", async (_name, url) => {
		const before = await writeCounts(api.db);
		const res = await register(api, url);
		expect([res.status, res.body.error?.field]).toEqual([400, "url"]);
		expect(await writeCounts(api.db)).toEqual(before);
	});

	it.each([
		["HTTP://Hooks.EXAMPLE:80/a/../b?q=1#fragment", "http://hooks.example/b?q=1"],
		["https://hooks.example:443", "https://hooks.example/"],
		["https://bücher.example/x y", "https://xn--bcher-kva.example/x%20y"],
	])("stores %s as %s, and answers what it stored", async (typed, stored) => {
		const res = await register(api, typed);
		expect([res.status, res.body.url]).toEqual([201, stored]);
		const row = await api.db.selectFrom("webhooks").select("url").where("id", "=", res.body.id).executeTakeFirstOrThrow();
		expect(row.url).toBe(stored);
	});
});

describe("a failed webhook insert never logs the secret (finding 16)", () => {
	let embedded: Database;
	beforeAll(async () => {
		embedded = await createPgliteDatabase();
	});
	afterAll(async () => {
		await embedded.close();
	});

	it("on Postgres and on PGlite: no query parameter, no failing row in the error log", async () => {
		const onPostgres = await createTestApi();
		const onPglite = await createTestApi({ db: embedded.db });
		try {
			for (const target of [onPostgres, onPglite]) {
				// A constraint every new row violates: the insert fails inside the database, with the secret among its values.
				await sql`alter table webhooks add constraint refuse_every_row check (false) not valid`.execute(target.ctx.db);
				const res = await register(target, "https://hooks.example/x");
				expect(res.status).toBe(500);
				const failure = target.logs.find((l) => l.msg?.toString().startsWith("Failed to serve request"));
				expect(failure?.err).toBeDefined();
				// Secrets are 64 hex digits; nothing else in these logs is.
				expect(target.rawLogs()).not.toMatch(/[0-9a-f]{64}/);
			}
		} finally {
			await onPostgres.database.drop();
			await onPglite.database.drop();
		}
	});
});

describe("GET /v1/webhooks, POST /v1/webhooks/{id}/rotate and the cap on webhooks (finding 17)", () => {
	it("lists the webhooks without their secrets, behind the key", async () => {
		const target = await createTestApi();
		try {
			const a = await register(target, "https://a.example/hook", ["alert.opened"]);
			const b = await register(target, "https://b.example/hook");
			let res = await target.request("/v1/webhooks", { key: API_KEY });
			expect(res.status).toBe(200);
			const text = await res.text();
			expect(text).not.toContain(a.body.secret);
			expect(text).not.toContain(b.body.secret);
			expect(JSON.parse(text)).toEqual({
				webhooks: [
					{ id: a.body.id, url: "https://a.example/hook", events: ["alert.opened"], createdAt: a.body.createdAt },
					{ id: b.body.id, url: "https://b.example/hook", events: ["*"], createdAt: b.body.createdAt },
				],
			});
			res = await target.request("/v1/webhooks", { key: null });
			expect(res.status).toBe(401);
			res = await target.request("/v1/webhooks", { key: "a-wrong-key-of-enough-length" });
			expect(res.status).toBe(403);
		} finally {
			await target.database.drop();
		}
	});

	it("rotates a secret: the new one is answered once and signs from now on; unknown ids are 404", async () => {
		const hook = await register(api, "https://rotate.example/hook");
		let res = await api.request(`/v1/webhooks/${hook.body.id.toUpperCase()}/rotate`, { method: "POST", key: API_KEY });
		expect(res.status).toBe(200);
		const rotated = (await res.json()) as Hook;
		expect(rotated).toMatchObject({ id: hook.body.id, url: hook.body.url, events: ["*"], createdAt: hook.body.createdAt });
		expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/);
		expect(rotated.secret).not.toBe(hook.body.secret);
		const row = await api.db.selectFrom("webhooks").select("secret").where("id", "=", hook.body.id).executeTakeFirstOrThrow();
		expect(row.secret).toBe(rotated.secret);

		res = await api.request("/v1/webhooks/00000000-0000-0000-0000-000000000000/rotate", { method: "POST", key: API_KEY });
		expect([res.status, ((await res.json()) as { error: { field: string } }).error.field]).toEqual([404, "id"]);
		res = await api.request("/v1/webhooks/42/rotate", { method: "POST", key: API_KEY });
		expect(res.status).toBe(400);
		res = await api.request(`/v1/webhooks/${hook.body.id}/rotate`, { method: "POST", key: null });
		expect(res.status).toBe(401);
	});

	it("refuses a webhook beyond the cap with 409 and writes nothing; removing one makes room", async () => {
		const { MAX_WEBHOOKS } = await import("../../src/webhooks/queries.ts");
		const target = await createTestApi();
		try {
			const ids: string[] = [];
			for (let i = 0; i < MAX_WEBHOOKS; i++) {
				const res = await register(target, `https://cap.example/${i}`);
				expect(res.status).toBe(201);
				ids.push(res.body.id);
			}
			const before = await writeCounts(target.db);
			const refused = await register(target, "https://cap.example/one-more");
			expect([refused.status, refused.body.error?.code]).toEqual([409, "too_many_webhooks"]);
			expect(await writeCounts(target.db)).toEqual(before);
			await target.request(`/v1/webhooks/${ids[0]}`, { method: "DELETE", key: API_KEY });
			expect((await register(target, "https://cap.example/one-more")).status).toBe(201);
		} finally {
			await target.database.drop();
		}
	});

	it("never lets parallel registrations exceed the cap", async () => {
		const { MAX_WEBHOOKS } = await import("../../src/webhooks/queries.ts");
		const target = await createTestApi();
		try {
			const statuses = await Promise.all(
				Array.from({ length: MAX_WEBHOOKS + 20 }, (_, i) => register(target, `https://parallel.example/${i}`).then((r) => r.status)),
			);
			expect([statuses.filter((s) => s === 201).length, statuses.filter((s) => s === 409).length]).toEqual([MAX_WEBHOOKS, 20]);
			expect((await writeCounts(target.db)).webhooks).toBe(MAX_WEBHOOKS);
		} finally {
			await target.database.drop();
		}
	});
});
