/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the whole
 * service (`all` role, Postgres) on two anvil chains: ETH with the ALEPH ERC-20 and AVAX with the
 * real Superfluid protocol. Every page loads clean and draws its charts, at 1280 and 375 px; the
 * account page shows what the API says and follows the chain without a reload.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type Address, formatEther, getAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { batchTransfer, deployAlephToken, transfer } from "../../devchain/erc20.ts";
import { createFlow, type SuperfluidFramework } from "../../devchain/superfluid.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";
import { type SuperfluidFixture, startSuperfluidFixture } from "../devchain/superfluid-fixture.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { enableAccounts, testAccounts } from "../helpers/erc20-traffic.ts";
import { eventually, instanceMessage, itemHash, startSystem } from "../helpers/system.ts";
import {
	type Browser,
	chartsDrawn,
	checkPageAtBothWidths,
	launchBrowser,
	measureColdLoad,
	screenshotDir,
	waitForCharts,
	waitForDashboard,
	watchProblems,
} from "./browser.ts";

const ALEPH = 10n ** 18n;
const GENESIS = 500_000_000n * ALEPH;
const community = getDefaultSettings().communityWalletAddress;
/** whale: the genesis holder; hodl: holds and locks; drifter: locks more than it holds; payer, saver: stream on AVAX. */
const [whale, hodl, drifter, payer, saver, crn, crn2, ...crowd] = testAccounts(20, 77) as [
	Address,
	Address,
	Address,
	Address,
	Address,
	Address,
	Address,
	...Address[],
];

let eth: AnvilInstance;
let avax: SuperfluidFixture;
let ethClient: DevClient;
let avaxClient: DevClient;
let token: Address;
let sf: SuperfluidFramework;
let database: TestDatabase;
let system: Awaited<ReturnType<typeof startSystem>>;
let browser: Browser;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
let shots: string;

// biome-ignore lint/suspicious/noExplicitAny: API answers are arbitrary JSON
const api = async (path: string): Promise<any> => (await system.api(path)).body;

async function register(message: ReturnType<typeof instanceMessage>) {
	const answer = await system.api(`/v1/resources/${itemHash()}`, { method: "PUT", body: JSON.stringify({ message }) });
	expect(answer.status).toBe(201);
}

/** 80 % of what an instance on AVAX needs to `to`, 20 % to the community wallet, times `factor`. */
async function streamFor(sender: Address, to: Address, factor: bigint) {
	const message = instanceMessage(sender, { type: "superfluid", chain: "AVAX", receiver: to });
	const cost = await system.api("/api/v0/price/estimate", { method: "POST", body: JSON.stringify({ message }) });
	const required = BigInt(cost.body.cost.replace(".", "")) * factor; // 18 decimals → wei/s
	const toCrn = (required * 8n) / 10n;
	await createFlow(avaxClient, sf, { sender, receiver: to, flowRate: toCrn });
	await createFlow(avaxClient, sf, { sender, receiver: community, flowRate: required - toCrn });
	await register(message);
}

beforeAll(async () => {
	[eth, avax] = await Promise.all([startAnvil(), startSuperfluidFixture()]);
	ethClient = createDevClient(eth);
	({ client: avaxClient, sf } = avax);
	await enableAccounts(ethClient, [whale, hodl, drifter]);
	await enableAccounts(avaxClient, [payer, saver]);
	const deployed = await deployAlephToken(ethClient, { genesis: [{ address: whale, amount: GENESIS }] });
	token = deployed.address;
	database = await createTestDatabase();
	system = await startSystem({
		DATABASE_URL: database.url,
		CHAINS: "ETH,AVAX",
		ETH_RPC_URL: eth.url,
		ETH_CHAIN_ID: String(eth.chainId),
		ETH_TOKEN: token,
		ETH_START_BLOCK: String(deployed.blockNumber),
		ETH_GENESIS: `${whale}:${GENESIS}`,
		ETH_FINALITY_BLOCKS: "2",
		ETH_POLL_INTERVAL_MS: "100",
		AVAX_RPC_URL: avax.anvil.url,
		AVAX_CHAIN_ID: String(avax.anvil.chainId),
		AVAX_TOKEN: sf.token,
		AVAX_CFA: sf.cfa,
		AVAX_FINALITY_BLOCKS: "2",
		AVAX_POLL_INTERVAL_MS: "100",
		ENTITLEMENT_DEBOUNCE_MS: "50",
	});

	// Holders of every order of magnitude, from 0.05 to 5M ALEPH.
	const amounts = ["0.05", "0.5", "3", "20", "150", "900", "7000", "40000", "250000", "1200000", "5000000", "80"];
	await batchTransfer(ethClient, {
		token,
		from: whale,
		transfers: crowd.map((to, i) => ({ to, amount: (BigInt(Math.round(Number(amounts[i % amounts.length]) * 100)) * ALEPH) / 100n })),
	});
	// hodl: 2 500 ALEPH, one 1 000-ALEPH instance (covered). drifter: 1 500 for two (the newer one uncovered).
	await transfer(ethClient, { token, from: whale, to: hodl, amount: 2_500n * ALEPH });
	await transfer(ethClient, { token, from: whale, to: drifter, amount: 1_500n * ALEPH });
	await register(instanceMessage(hodl));
	await register(instanceMessage(drifter, undefined, 1_740_000_000));
	await register(instanceMessage(drifter, undefined, 1_740_000_100));
	// A resolved alert: the crowd's 0.05 holder runs one instance until topped up.
	const small = crowd[0] as Address;
	await register(instanceMessage(small));
	await eventually(
		async () => ((await api(`/v1/alerts?address=${small}&status=open`)).alerts.length > 0 ? true : undefined),
		30_000,
		"alert",
	);
	await transfer(ethClient, { token, from: whale, to: small, amount: 1_000n * ALEPH });
	await eventually(
		async () => ((await api(`/v1/alerts?address=${small}&status=resolved`)).alerts.length > 0 ? true : undefined),
		30_000,
		"resolved",
	);

	// AVAX: payer streams for an instance on 1 ALEPH (dry within a day: at risk); saver on 500 ALEPH to another CRN.
	await avax.fund(payer, ALEPH);
	await avax.fund(saver, 500n * ALEPH);
	await avax.fund(hodl, 42n * ALEPH);
	await streamFor(payer, crn, 1n);
	await streamFor(saver, crn2, 2n);

	await eventually(
		async () => {
			const [payerView, drifterView, dry] = await Promise.all([
				api(`/v1/accounts/${payer}`),
				api(`/v1/accounts/${drifter}`),
				api("/v1/stats/running-dry"),
			]);
			return payerView.status === "at_risk" && drifterView.status === "insufficient" && dry.accounts.length === 2 ? true : undefined;
		},
		30_000,
		"the scenario to show through the API",
	);

	browser = await launchBrowser({ origin: system.url as string });
	page = await browser.context.newPage();
	problems = watchProblems(page);
	shots = screenshotDir();
	console.log(`dashboard screenshots: ${shots}`);
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await system?.stop();
	await database?.drop();
	await Promise.all([eth?.stop(), avax?.anvil.stop()]);
});

const url = (path: string) => `${system.url}${path}`;

/** Charts each page draws with the scenario's data. */
const PAGES: [name: string, path: () => string, charts: number][] = [
	["overview", () => "/dashboard", 2],
	["holders", () => "/dashboard/holders", 1],
	["streams", () => "/dashboard/streams", 1],
	["credits", () => "/dashboard/credits", 0],
	["account", () => `/dashboard/account?address=${hodl}`, 1],
	["alerts", () => "/dashboard/alerts", 1],
];

describe("every page", () => {
	for (const [name, path, charts] of PAGES) {
		it(`${name}: loads with no console error and no failed request, draws its charts, fits 1280 and 375 px`, async () => {
			await checkPageAtBothWidths(page, problems, { url: url(path()), charts, name, shots });
		});
	}

	it("credits: says no network feed is configured (none is)", async () => {
		await problems.navigate(url("/dashboard/credits"));
		await waitForDashboard(page);
		await expect.poll(() => page.textContent("#credit-totals")).toContain("No network feed configured");
		expect(await page.textContent("[data-field=credit-spend]")).toContain("0 resources");
		expect(problems.list).toEqual([]);
	});
});

/** The exact `data-value` of an amount in the stat `field` of the page. */
const statValue = (field: string) => page.getAttribute(`[data-field=${field}] .amount`, "data-value");

describe("the account page", () => {
	it("shows the same balance, locked amount and status as the API for an address searched in any case", async () => {
		const expected = await api(`/v1/accounts/${hodl}`);
		for (const typed of [hodl.toLowerCase(), `0x${hodl.slice(2).toUpperCase()}`]) {
			problems.clear();
			await page.setViewportSize({ width: 1280, height: 800 });
			await problems.navigate(url("/dashboard"));
			await waitForDashboard(page);
			await page.fill("#search-address", typed);
			await Promise.all([page.waitForURL(/\/dashboard\/account\?address=/), page.press("#search-address", "Enter")]);
			await waitForDashboard(page);
			await page.waitForSelector("[data-field=balance] .amount");
			expect(await page.textContent("[data-field=address]")).toBe(getAddress(hodl));
			expect(await statValue("balance")).toBe(expected.balance.aleph);
			expect(await statValue("locked")).toBe(expected.locked.hold.aleph);
			expect(await page.getAttribute("[data-field=status] .badge", "data-status")).toBe(expected.status);
			// What a reader sees is that exact figure, digits grouped.
			expect((await page.textContent("[data-field=balance] .stat-value"))?.replaceAll(",", "")).toBe(`${expected.balance.aleph} ALEPH`);
			expect(problems.list).toEqual([]);
		}
		expect(expected).toMatchObject({ balance: { aleph: "2542" }, locked: { hold: { aleph: "1000" } }, status: "ok" });
	});

	it("marks the resource that is not covered, and the at-risk stream account's critical time", async () => {
		await problems.navigate(url(`/dashboard/account?address=${drifter}`));
		await waitForDashboard(page);
		await page.waitForSelector("#resources .badge-cut");
		expect(await page.getAttribute("[data-field=status] .badge", "data-status")).toBe("insufficient");
		expect(await page.locator("#resources .badge-cut").count()).toBe(1);
		expect(await page.locator("#resources .badge-next").count()).toBe(1);

		const expected = await api(`/v1/accounts/${payer}`);
		await problems.navigate(url(`/dashboard/account?address=${payer}`));
		await waitForDashboard(page);
		await page.waitForSelector("#streams time[data-relative]");
		expect(await page.getAttribute("[data-field=status] .badge", "data-status")).toBe("at_risk");
		expect(await page.getAttribute("#streams time[data-relative]", "datetime")).toBe(expected.streams.AVAX.criticalAt);
		expect(await page.textContent("#streams time[data-relative]")).toMatch(/^in \d+h \d\dm$/);
		await page.screenshot({ path: join(shots, "account-at-risk-1280.png"), fullPage: true });
		expect(problems.list).toEqual([]);
	});

	it("shows the new balance after a transfer on the chain, without a reload", async () => {
		await problems.navigate(url(`/dashboard/account?address=${hodl}`));
		await waitForDashboard(page);
		await page.waitForSelector("[data-field=balance] .amount");
		const before = await statValue("balance");
		await page.evaluate(() => {
			(window as unknown as { stillHere: boolean }).stillHere = true;
		});
		await transfer(ethClient, { token, from: whale, to: hodl, amount: 123_456n * 10n ** 15n });
		const after = (await eventually(
			async () => {
				const a = await api(`/v1/accounts/${hodl}`);
				return a.balance.aleph !== before ? a : undefined;
			},
			30_000,
			"the API to see the transfer",
		)) as { balance: { aleph: string } };
		expect(after.balance.aleph).toBe("2665.456");
		await page.waitForFunction(
			(value) => document.querySelector("[data-field=balance] .amount")?.getAttribute("data-value") === value,
			after.balance.aleph,
			{ timeout: 30_000 },
		);
		expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
		// The history chart has the new transfer too.
		expect((await chartsDrawn(page)).undrawn).toEqual([]);
		expect(problems.list).toEqual([]);
	});

	it("copies the checksummed address with its button", async () => {
		await page.click(".account-head button.copy");
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(getAddress(hodl));
	});
});

/** Each row of a table's body: the addresses it shows (their full form) and its exact amounts. */
const tableRows = (selector: string) =>
	page.$$eval(`${selector} .table-wrap tbody tr`, (rows) =>
		rows.map((row) => ({
			cells: [...row.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? ""),
			addresses: [...row.querySelectorAll("code.address")].map((c) => c.getAttribute("title")),
			amounts: [...row.querySelectorAll(".amount")].map((a) => a.getAttribute("data-value")),
		})),
	);

describe("the lists, as the API gives them", () => {
	type Holder = { address: string; balance: { aleph: string } };
	const expectHolders = async (path: string, holders: Holder[], first: number) => {
		await problems.navigate(url(path));
		await waitForDashboard(page);
		await page.waitForSelector("#top tbody tr");
		// Ranks and addresses: the balances of AVAX streamers move every second between two reads.
		const rows = await tableRows("#top");
		expect(rows.map((r) => [r.cells[0], r.addresses[0]])).toEqual(holders.map((h, i) => [String(first + i), h.address]));
	};

	it("holders: the API's order in all and per chain with the chain switch, a later page from its cursor", async () => {
		await page.setViewportSize({ width: 1280, height: 800 });
		const all = await api("/v1/stats/holders?limit=25");
		expect(all.holders.length).toBeGreaterThan(10);
		await expectHolders("/dashboard/holders", all.holders, 1);

		const eth = await api("/v1/stats/holders?chain=ETH&limit=25");
		await Promise.all([page.waitForURL(/chain=ETH/), page.click("nav.choices a:text-is('ETH')")]);
		await waitForDashboard(page);
		await page.waitForSelector("#top tbody tr");
		// ETH has no streams: its balances hold still, so the exact amounts match too.
		expect((await tableRows("#top")).map((r) => [r.addresses[0], r.amounts[0]])).toEqual(
			eth.holders.map((h: Holder) => [h.address, h.balance.aleph]),
		);
		expect(await page.getAttribute("nav.choices a[aria-current=true]", "href")).toContain("chain=ETH");

		// Page 2 starts where the API's cursor says, numbered on, with a way back.
		const firstFive = await api("/v1/stats/holders?limit=5");
		const cursor = firstFive.nextCursor as string;
		const later = await api(`/v1/stats/holders?limit=25&cursor=${encodeURIComponent(cursor)}`);
		await expectHolders(`/dashboard/holders?cursor=${encodeURIComponent(cursor)}&from=6`, later.holders, 6);
		expect(later.holders[0].address).toBe(all.holders[5].address);
		expect(await page.locator("#top .pager a:text-is('First page')").count()).toBe(1);
		expect(problems.list).toEqual([]);
	});

	it("streams: each receiver's ALEPH per hour, the 80/20 split, the soonest to run dry counting down", async () => {
		const flows = await api("/v1/stats/flows?limit=1000");
		const dry = await api("/v1/stats/running-dry?limit=20");
		await problems.navigate(url("/dashboard/streams"));
		await waitForDashboard(page);
		await page.waitForSelector("#receivers tbody tr");
		const perHour = (weiPerSecond: string) => formatEther(BigInt(weiPerSecond) * 3600n).replace(/\.0$/, "");
		const rows = await tableRows("#receivers");
		expect(rows.map((r) => [r.addresses[0], r.amounts[0]])).toEqual(
			flows.receivers.map((r: { receiver: string; flowRate: { weiPerSecond: string } }) => [r.receiver, perHour(r.flowRate.weiPerSecond)]),
		);
		const communityRows = rows.filter((r) => r.cells[1]?.includes("community"));
		expect(communityRows.map((r) => r.addresses[0])).toEqual([getAddress(community)]);
		// Both payers stream exactly 80 % of their price to a CRN and the rest to the community wallet.
		expect((await tableRows("#split")).map((r) => r.cells)).toEqual([["AVAX", "80.00 %", "20.00 %"]]);

		const soonest = dry.accounts[0];
		expect(getAddress(soonest.address)).toBe(getAddress(payer));
		const first = page.locator("#running-dry tbody tr").first();
		expect(await first.locator("code.address").getAttribute("title")).toBe(soonest.address);
		expect(await first.locator("time[data-relative]").getAttribute("datetime")).toBe(soonest.streams.AVAX.criticalAt);
		expect(await first.locator("time[data-relative]").textContent()).toMatch(/^in \d+h \d\dm$/);
		expect(problems.list).toEqual([]);
	});

	it("account: the account's alerts, as /v1/alerts lists them", async () => {
		const small = crowd[0] as Address;
		const { alerts } = await api(`/v1/alerts?address=${small}&limit=100`);
		expect(alerts.length).toBeGreaterThan(0);
		await problems.navigate(url(`/dashboard/account?address=${small}`));
		await waitForDashboard(page);
		await page.waitForSelector("#alerts tbody tr");
		const rows = await tableRows("#alerts");
		expect(rows.map((r) => [r.cells[1], r.cells[3]])).toEqual(
			alerts.map((a: { kind: string; status: string }) => [a.kind.replaceAll("_", " "), a.status]),
		);
		expect(problems.list).toEqual([]);
	});
});

describe("usability", () => {
	it("reaches the main navigation with Tab, showing where the focus is", async () => {
		await problems.navigate(url("/dashboard/holders"));
		await waitForDashboard(page);
		await page.keyboard.press("Tab");
		expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
		await page.keyboard.press("Tab"); // the brand link
		await page.keyboard.press("Tab");
		const focused = await page.evaluate(() => {
			const el = document.activeElement as HTMLElement;
			const style = getComputedStyle(el);
			return {
				text: el.textContent,
				inNav: el.closest("nav[aria-label=Main]") !== null,
				visible: el.matches(":focus-visible"),
				outline: `${style.outlineStyle} ${style.outlineWidth}`,
			};
		});
		expect(focused).toEqual({ text: "Overview", inNav: true, visible: true, outline: "solid 3px" });
		for (const label of ["Holders", "Streams", "Credits", "Alerts"]) {
			await page.keyboard.press("Tab");
			expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(label);
		}
		// The current page is marked for screen readers too.
		expect(await page.getAttribute("nav[aria-label=Main] a[aria-current=page]", "href")).toBe("/dashboard/holders");
		await Promise.all([page.waitForURL(/\/dashboard\/alerts$/), page.keyboard.press("Enter")]);
	});

	it("has readable contrast: every visible text is at least 4.5:1 against its background (3:1 when large), WCAG AA", async () => {
		await page.setViewportSize({ width: 1280, height: 800 });
		const failures: string[] = [];
		for (const [name, path, charts] of PAGES) {
			await problems.navigate(url(path()));
			await waitForDashboard(page);
			await waitForCharts(page, charts);
			const low = await page.evaluate(() => {
				const rgba = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number) as [number, number, number, number?];
				const luminance = ([r, g, b]: number[]) => {
					const lin = (channel: number) => {
						const v = channel / 255;
						return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
					};
					return 0.2126 * lin(r as number) + 0.7152 * lin(g as number) + 0.0722 * lin(b as number);
				};
				/** The opaque colour behind an element: its ancestors' backgrounds blended from the page's. */
				const background = (el: Element | null): number[] => {
					const layers: number[][] = [];
					for (let e = el; e; e = e.parentElement) {
						const c = rgba(getComputedStyle(e).backgroundColor);
						const alpha = c[3] ?? 1;
						if (alpha > 0) layers.push([c[0], c[1], c[2], alpha]);
						if (alpha >= 1) break;
					}
					let out = [255, 255, 255];
					for (const [r, g, b, a] of layers.reverse())
						out = [r, g, b].map((v, i) => (v as number) * (a as number) + (out[i] as number) * (1 - (a as number)));
					return out;
				};
				const out: string[] = [];
				const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
				for (let node = walker.nextNode(); node; node = walker.nextNode()) {
					const el = node.parentElement;
					if (!el || !node.textContent?.trim() || el.closest(".visually-hidden, [hidden], svg")) continue;
					const box = el.getBoundingClientRect();
					const style = getComputedStyle(el);
					if (box.width === 0 || box.height === 0 || style.visibility === "hidden" || Number(style.opacity) === 0) continue;
					const fg = rgba(style.color);
					const bg = background(el);
					const a = fg[3] ?? 1;
					const text = [fg[0], fg[1], fg[2]].map((v, i) => v * a + (bg[i] as number) * (1 - a));
					const [l1, l2] = [luminance(text), luminance(bg)].sort((x, y) => y - x) as [number, number];
					const ratio = (l1 + 0.05) / (l2 + 0.05);
					const size = Number.parseFloat(style.fontSize);
					const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
					if (ratio < (large ? 3 : 4.5)) out.push(`"${node.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
				}
				return out;
			});
			failures.push(...low.map((f) => `${name}: ${f}`));
		}
		expect(failures).toEqual([]);
	});

	it("pauses while the tab is hidden and reads the API again when it is shown", async () => {
		await problems.navigate(url("/dashboard"));
		await waitForDashboard(page);
		const setHidden = (hidden: boolean) =>
			page.evaluate((value) => {
				Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
				document.dispatchEvent(new Event("visibilitychange"));
			}, hidden);
		await setHidden(true);
		await expect.poll(() => page.getAttribute("#live-state", "data-state")).toBe("paused");
		const read = page.waitForRequest((r) => r.url().endsWith("/v1/status"));
		await setHidden(false);
		await read;
		await expect.poll(() => page.getAttribute("#live-state", "data-state")).toBe("ok");
	});

	it("filters alerts by kind, each linking to its account", async () => {
		await problems.navigate(url("/dashboard/alerts?kind=insufficient_balance&status=open"));
		await waitForDashboard(page);
		await page.waitForSelector("#alert-list tbody tr");
		const rows = await page.locator("#alert-list tbody tr").allTextContents();
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every((r) => r.includes("insufficient balance") && r.includes("open"))).toBe(true);
		const href = await page.getAttribute("#alert-list tbody tr a", "href");
		expect(href).toMatch(/^\/dashboard\/account\?address=0x[0-9a-fA-F]{40}$/);
		expect(problems.list).toEqual([]);
	});
});

describe("page weight", () => {
	it("stays small: every page, cold, with the chart library, is under 100 kB over the wire", async () => {
		const lines = [];
		for (const [name, path] of PAGES) {
			const load = await measureColdLoad(browser.context, url(path()));
			lines.push(
				`${name}: ${load.requests} requests, ${load.bytes} B (uPlot ${load.chartBytes} B), data on screen at ${load.readyMs.toFixed(0)} ms`,
			);
			expect(load.bytes, name).toBeLessThan(100_000);
			expect(load.chartBytes, name).toBeLessThan(30_000);
		}
		console.log(`cold loads:\n  ${lines.join("\n  ")}`);
	});
});

describe("/docs", () => {
	it("is Swagger UI on /openapi.json, offline, and its try-it-out calls the API", async () => {
		problems.clear();
		await page.setViewportSize({ width: 1280, height: 800 });
		await problems.navigate(url("/docs"));
		await page.waitForSelector("#operations-System-get_v1_status", { timeout: 30_000 });
		await page.click("#operations-System-get_v1_status .opblock-summary-control");
		await page.click("#operations-System-get_v1_status .try-out__btn");
		const answered = page.waitForResponse((r) => r.url() === url("/v1/status"));
		await page.click("#operations-System-get_v1_status .execute");
		expect((await answered).status()).toBe(200);
		await page.waitForSelector("#operations-System-get_v1_status .responses-table .response-col_status");
		await page.screenshot({ path: join(shots, "docs-1280.png") });
		expect(problems.list).toEqual([]);
	});
});
