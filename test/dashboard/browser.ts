/// <reference lib="dom" />
/**
 * Debian's Chromium driven by playwright-core (no browser download): a fresh profile per launch,
 * and a record of everything a page reports as wrong (console errors, uncaught exceptions, failed
 * requests, HTTP errors).
 */
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
];

export type Browser = { context: BrowserContext; close(): Promise<void> };

/** A headless Chromium with a fresh user-data directory, removed on close. */
export async function launchBrowser(options: { origin?: string } = {}): Promise<Browser> {
	const profile = await mkdtemp(join(tmpdir(), "dashboard-chromium-"));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ARGS,
		viewport: { width: 1280, height: 800 },
	});
	if (options.origin) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: options.origin });
	return {
		context,
		async close() {
			await context.close();
			await rm(profile, { recursive: true, force: true });
		},
	};
}

/** What went wrong on a page, as lines; empty when nothing did. */
export type Problems = { list: string[]; clear(): void };

/**
 * Records console errors, uncaught exceptions, requests that failed and answers of 400 and above.
 * A request aborted while the test itself navigates away is not a failure of the page.
 */
export function watchProblems(page: Page): Problems & { navigate(url: string): Promise<void> } {
	const list: string[] = [];
	let navigating = false;
	page.on("console", (message) => {
		if (message.type() === "error") list.push(`console error: ${message.text()} (${message.location().url})`);
	});
	page.on("pageerror", (error) => list.push(`uncaught: ${error.message}`));
	page.on("requestfailed", (request) => {
		const reason = request.failure()?.errorText ?? "failed";
		if (navigating && reason === "net::ERR_ABORTED") return;
		list.push(`request failed: ${request.method()} ${request.url()} ${reason}`);
	});
	page.on("response", (response) => {
		if (response.status() >= 400) list.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
	});
	return {
		list,
		clear: () => {
			list.length = 0;
		},
		async navigate(url: string) {
			navigating = true;
			try {
				await page.goto(url);
			} finally {
				navigating = false;
			}
		},
	};
}

/** Waits until the dashboard page has mounted and read the API once. */
export async function waitForDashboard(page: Page): Promise<void> {
	await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
}

/**
 * For every visible chart: whether its canvas holds pixels of one of its series colours (so
 * data was drawn, not only axes). Returns `{ charts, undrawn }` by chart label.
 */
export async function chartsDrawn(page: Page): Promise<{ charts: number; undrawn: string[] }> {
	return page.evaluate(() => {
		const hex = (h: string) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
		const charts = [...document.querySelectorAll<HTMLElement>(".chart[data-colors]")].filter((c) => !c.closest("[hidden]") && !c.hidden);
		const undrawn = charts
			.filter((chart) => {
				const colors = (chart.dataset.colors ?? "").split(",").map(hex);
				const canvas = chart.querySelector("canvas");
				const ctx = canvas?.getContext("2d");
				if (!canvas || !ctx || canvas.width === 0 || canvas.height === 0) return true;
				const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
				for (let i = 0; i < data.length; i += 4) {
					if ((data[i + 3] ?? 0) < 250) continue;
					const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
					if (colors.some(([cr = 0, cg = 0, cb = 0]) => Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(b - cb) <= 6)) return false;
				}
				return true;
			})
			.map((chart) => chart.getAttribute("aria-label") ?? "a chart");
		return { charts: charts.length, undrawn };
	});
}

/** Waits until every visible chart of the page has drawn its data. */
export async function waitForCharts(page: Page, minimum: number): Promise<number> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const { charts, undrawn } = await chartsDrawn(page);
		if (charts >= minimum && undrawn.length === 0) return charts;
		if (Date.now() > deadline)
			throw new Error(`charts not drawn: ${charts} found (expected ≥ ${minimum}), undrawn: ${undrawn.join(" | ")}`);
		await page.waitForTimeout(100);
	}
}

/** Waits until every chart has followed its container's width (they resize on the next frame). */
export async function waitForChartsToFit(page: Page): Promise<void> {
	await page.waitForFunction(() => [...document.querySelectorAll(".chart")].every((c) => c.scrollWidth <= c.clientWidth + 1), null, {
		timeout: 10_000,
	});
}

/** Whether the page is wider than the viewport (it must not be). */
export async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; widest: string[] }> {
	return page.evaluate(() => {
		// The elements that reach past the right edge, to name the culprit.
		const widest = [...document.querySelectorAll("body *")]
			.filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest(".table-wrap"))
			.slice(-3)
			.map((el) => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
		return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, widest };
	});
}

/**
 * Opens a dashboard page at 1280 px, then at 375 px: it loads with no problem, draws `charts`
 * charts at both widths and does not overflow at 375 px; a screenshot of each width goes to
 * `shots` as `<name>-1280.png` and `<name>-375.png`. Leaves the page at 375 px.
 */
export async function checkPageAtBothWidths(
	page: Page,
	problems: ReturnType<typeof watchProblems>,
	options: { url: string; charts: number; name: string; shots: string },
): Promise<void> {
	const { url, charts, name, shots } = options;
	problems.clear();
	await page.setViewportSize({ width: 1280, height: 800 });
	await problems.navigate(url);
	await waitForDashboard(page);
	expect(await waitForCharts(page, charts)).toBe(charts);
	await page.screenshot({ path: join(shots, `${name}-1280.png`), fullPage: true });

	await page.setViewportSize({ width: 375, height: 800 });
	await waitForChartsToFit(page);
	await waitForCharts(page, charts);
	await page.screenshot({ path: join(shots, `${name}-375.png`), fullPage: true });
	const size = await overflow(page);
	expect(size.scrollWidth, `${name} at 375 px: ${size.widest.join(", ")}`).toBeLessThanOrEqual(size.innerWidth);
	expect(problems.list).toEqual([]);
}

/** The folder screenshots go to (git-ignored), created. */
export function screenshotDir(): string {
	const dir = resolve("test-results", "dashboard");
	mkdirSync(dir, { recursive: true });
	return dir;
}

/** What a first visit to a page costs: requests, bytes over the wire (headers included), the chart library's share, time to data. */
export type ColdLoad = { requests: number; bytes: number; chartBytes: number; readyMs: number };

/**
 * Opens `url` in a new tab with the cache disabled and counts every byte received until the page
 * has shown the API's data and the network is idle. `readyMs` is the page's own
 * `dashboard-ready` mark: from the start of the navigation to the first data on screen (for
 * `/docs`, when Swagger UI has listed the operations).
 */
export async function measureColdLoad(context: BrowserContext, url: string, docs = false): Promise<ColdLoad> {
	const page = await context.newPage();
	try {
		const cdp = await context.newCDPSession(page);
		await cdp.send("Network.enable");
		await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
		const urls = new Map<string, string>();
		const sizes = new Map<string, number>();
		cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
		cdp.on("Network.loadingFinished", (e) => sizes.set(e.requestId, e.encodedDataLength));
		await page.goto(url);
		let readyMs: number;
		if (docs) {
			await page.waitForSelector(".opblock", { timeout: 30_000 });
			readyMs = await page.evaluate(() => performance.now());
		} else {
			await waitForDashboard(page);
			readyMs = await page.evaluate(() => performance.getEntriesByName("dashboard-ready")[0]?.startTime ?? Number.NaN);
		}
		await page.waitForLoadState("networkidle");
		let bytes = 0;
		let chartBytes = 0;
		for (const [id, size] of sizes) {
			bytes += size;
			if (/\/vendor\/uplot\./.test(urls.get(id) ?? "")) chartBytes += size;
		}
		return { requests: sizes.size, bytes, chartBytes, readyMs };
	} finally {
		await page.close();
	}
}
