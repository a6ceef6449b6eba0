import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { call, signers, T0 } from "./helpers.ts";

const [alice] = signers as [(typeof signers)[0]];
const LIST = "GET /api/v0/messages.json";
let ccn: LocalCcn;
let clean: string;

beforeAll(async () => {
	ccn = await startLocalCcn({ seed: 7 });
	for (let i = 0; i < 5; i++) ccn.insert(await alice.sign(post({ sender: alice.address, time: T0 + i, postType: "note", content: { i } })));
	clean = (await call(ccn.url, "/api/v0/messages.json")).text;
});
afterAll(() => ccn.stop());

describe("faults", () => {
	it("counts requests per route", async () => {
		ccn.resetStats();
		await call(ccn.url, "/api/v0/messages.json");
		await call(ccn.url, "/api/v0/messages.json?page=2");
		await call(ccn.url, "/api/v0/messages/hashes");
		await call(ccn.url, `/api/v0/messages/${"0".repeat(64)}`);
		expect(ccn.stats).toEqual({
			requests: 4,
			byRoute: { [LIST]: 2, "GET /api/v0/messages/hashes": 1, "GET /api/v0/messages/:item_hash": 1 },
			faults: { http500: 0, hang: 0, truncate: 0, garbage: 0 },
		});
	});

	it("answers a share of requests with HTTP 500, reproducibly for a seed", async () => {
		const run = async () => {
			const fresh = await startLocalCcn({ seed: 7 });
			fresh.setFaults({ http500: 0.3 });
			const statuses: number[] = [];
			for (let i = 0; i < 100; i++) statuses.push((await call(fresh.url, "/api/v0/messages.json")).status);
			const injected = fresh.stats.faults.http500;
			await fresh.stop();
			return { statuses, injected };
		};
		const first = await run();
		expect(first.statuses.filter((s) => s === 500)).toHaveLength(first.injected);
		expect(first.injected).toBeGreaterThan(10);
		expect(first.injected).toBeLessThan(50);
		expect((await run()).statuses).toEqual(first.statuses);
	});

	it("truncates bodies and sends garbage that is not JSON", async () => {
		ccn.setFaults({ truncate: 1 });
		const truncated = await call(ccn.url, "/api/v0/messages.json");
		expect(truncated.status).toBe(200);
		expect(clean.startsWith(truncated.text)).toBe(true);
		expect(truncated.text.length).toBe(Math.floor(clean.length / 2));
		expect(() => truncated.json()).toThrow(SyntaxError);
		ccn.setFaults({ garbage: 1 });
		const garbage = await call(ccn.url, "/api/v0/messages.json");
		expect(garbage.status).toBe(200);
		expect(garbage.headers.get("content-type")).toContain("application/json");
		expect(() => garbage.json()).toThrow(SyntaxError);
		ccn.setFaults({});
		expect((await call(ccn.url, "/api/v0/messages.json")).text).toBe(clean);
	});

	it("hangs without answering, until the client gives up", async () => {
		ccn.setFaults({ hang: 1 });
		const before = ccn.stats.faults.hang;
		await expect(fetch(`${ccn.url}/api/v0/messages.json`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
		expect(ccn.stats.faults.hang).toBe(before + 1);
		ccn.setFaults({});
	});

	it("adds latency: a client that waits less than it never gets the answer", async () => {
		ccn.setFaults({ latencyMs: 2_000 });
		await expect(fetch(`${ccn.url}/api/v0/messages.json`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
		ccn.setFaults({});
	});

	it("limits faults to the routes named", async () => {
		ccn.setFaults({ http500: 1, routes: ["GET /api/v0/messages/hashes"] });
		expect((await call(ccn.url, "/api/v0/messages.json")).status).toBe(200);
		expect((await call(ccn.url, "/api/v0/messages/hashes")).status).toBe(500);
		ccn.setFaults({});
	});

	it("stops even with a request still hanging", async () => {
		const hanging = await startLocalCcn();
		hanging.setFaults({ hang: 1 });
		const request = fetch(`${hanging.url}/api/v0/messages.json`).then(
			(r) => r.status,
			() => "closed",
		);
		await expect.poll(() => hanging.stats.faults.hang).toBe(1);
		await hanging.stop();
		expect(await request).toBe("closed");
	});
});
