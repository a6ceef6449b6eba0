/**
 * Dashboard states the live stack rarely shows, in a real browser against the API on a seeded
 * database: a chain in backfill (progress bar and ETA), a stale chain (its badge, and the
 * cards whose route answers 503 say why instead of breaking), an address that is not one.
 */
import { sql } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startServer } from "../../src/api/server.ts";
import { addr, createTestApi, seedChains, type TestApi, transfer, WEI, ZERO } from "../api/helpers.ts";
import { type Browser, launchBrowser, waitForDashboard, watchProblems } from "./browser.ts";

let api: TestApi;
let server: ApiServer;
let browser: Browser;
let page: Page;
let problems: ReturnType<typeof watchProblems>;

beforeAll(async () => {
	api = await createTestApi();
	await seedChains(api.db, { block: 400n, head: 1_001n, ageSeconds: { AVAX: 1_000 } });
	// ETH is backfilling: 399 of the 1 000 blocks from its start block 1, 2 minutes to go.
	await api.db
		.updateTable("chains")
		.set({ progress: sql`${JSON.stringify({ phase: "backfill", blocksPerSecond: 5, logsPerSecond: 20, etaSeconds: 120 })}::jsonb` })
		.where("chain", "=", "ETH")
		.execute();
	await transfer(api.db, { chain: "ETH", block: 0n, logIndex: -1, from: ZERO, to: addr(0xa), value: 1_000n * WEI, txHash: null });
	server = await startServer(api.app, { host: "127.0.0.1", port: 0 });
	browser = await launchBrowser();
	page = await browser.context.newPage();
	problems = watchProblems(page);
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
	await api?.database.drop();
});

describe("the overview", () => {
	it("shows a backfill's progress and ETA, a stale chain, and why the figures that need fresh data are missing", async () => {
		await problems.navigate(`${server.url}/dashboard`);
		await waitForDashboard(page);
		const eth = page.locator("#chains tbody tr", { hasText: "ETH" });
		expect(await eth.locator("progress").getAttribute("value")).toBe("399");
		expect(await eth.locator("progress").getAttribute("max")).toBe("1000");
		expect(await eth.textContent()).toContain("39 % · ETA 2m 00s");
		expect(await page.locator("#chains tbody tr", { hasText: "AVAX" }).locator(".badge").textContent()).toBe("stale");
		expect(await eth.locator(".badge").textContent()).toBe("fresh");
		// Supply needs every chain fresh: the card says so, the page goes on.
		expect(await page.locator("#supply [role=alert]").textContent()).toMatch(/stale|behind|old/i);
		expect(await page.getAttribute("#live-state", "data-state")).toBe("error");
		// The only problems are the 503 answers the page was given.
		expect(problems.list.length).toBeGreaterThan(0);
		expect(problems.list.every((p) => /\b503\b/.test(p))).toBe(true);
	});
});

describe("the account page", () => {
	it("explains an address that is not one, without asking the API", async () => {
		problems.clear();
		await problems.navigate(`${server.url}/dashboard/account?address=0x1234`);
		await waitForDashboard(page);
		expect(await page.textContent("main .notice")).toContain('"0x1234" is not an address');
		expect(problems.list).toEqual([]);
	});
});
