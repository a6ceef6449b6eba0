/**
 * The dashboard's credit views in a real browser, with a network feed: the whole service (`all`,
 * Postgres, an ETH anvil chain) following a local CCN whose issuer distributes credits. The Credits
 * page draws the distribution and lists who runs out soonest, the overview shows the feed and the
 * credits in circulation, and an account page shows the credits `/v1/accounts` gives, following the
 * feed without a reload.
 */
import type { Page } from "playwright-core";
import { type Address, getAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { creditDistribution } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { createDevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { issuer } from "../feed/helpers.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { eventually, instanceMessage, itemHash, startSystem } from "../helpers/system.ts";
import { type Browser, checkPageAtBothWidths, launchBrowser, screenshotDir, watchProblems } from "./browser.ts";

/** Holders of 10, 2 000, 300 000 and 45 000 000 credits; `spender` runs a credit instance on 400 000. */
const HOLDERS: [Address, number][] = [
	["0x00000000000000000000000000000000000d0001", 10],
	["0x00000000000000000000000000000000000d0002", 2_000],
	["0x00000000000000000000000000000000000d0003", 300_000],
	["0x00000000000000000000000000000000000d0004", 45_000_000],
];
const spender: Address = "0x00000000000000000000000000000000000d0005";

let anvil: AnvilInstance;
let ccn: LocalCcn;
let database: TestDatabase;
let system: Awaited<ReturnType<typeof startSystem>>;
let browser: Browser;
let page: Page;
let problems: ReturnType<typeof watchProblems>;
let shots: string;
let clock = Math.floor(Date.now() / 1000) - 3600;

// biome-ignore lint/suspicious/noExplicitAny: API answers are arbitrary JSON
const api = async (path: string): Promise<any> => (await system.api(path)).body;
const url = (path: string) => `${system.url}${path}`;

async function grant(address: string, amount: number) {
	ccn.insert(
		await issuer.sign(
			creditDistribution({ sender: issuer.address, address: issuer.address, time: clock++, credits: [{ address, amount }] }),
		),
	);
}

beforeAll(async () => {
	anvil = await startAnvil();
	const whale = (HOLDERS[3] as [Address, number])[0];
	const deployed = await deployAlephToken(createDevClient(anvil), { genesis: [{ address: whale, amount: 10n ** 24n }] });
	ccn = await startLocalCcn();
	database = await createTestDatabase();
	system = await startSystem({
		DATABASE_URL: database.url,
		CHAINS: "ETH",
		ETH_RPC_URL: anvil.url,
		ETH_CHAIN_ID: String(anvil.chainId),
		ETH_TOKEN: deployed.address as Address,
		ETH_START_BLOCK: String(deployed.blockNumber),
		ETH_GENESIS: `${whale}:${10n ** 24n}`,
		ETH_FINALITY_BLOCKS: "2",
		ETH_POLL_INTERVAL_MS: "50",
		ALEPH_API_URLS: ccn.url,
		ALEPH_FEED_POLL_MS: "50",
		CREDIT_ISSUERS: issuer.address,
		ENTITLEMENT_DEBOUNCE_MS: "50",
		// 400 000 credits last ~28 h at 3.96 credits/s: within the horizon, so `spender` runs out soonest.
		ALERT_HORIZON_SECONDS: String(3 * 86_400),
	});
	for (const [address, amount] of HOLDERS) await grant(address, amount);
	await grant(spender, 400_000);
	const registered = await system.api(`/v1/resources/${itemHash()}`, {
		method: "PUT",
		body: JSON.stringify({ message: instanceMessage(spender, { type: "credit", chain: "ETH" }, Math.floor(Date.now() / 1000)) }),
	});
	expect(registered.status).toBe(201);
	await eventually(
		async () => {
			const alerts = (await api(`/v1/alerts?address=${spender}&status=open`)).alerts as { kind: string }[] | undefined;
			return (await system.api("/ready")).status === 200 && alerts?.some((a) => a.kind === "credits_running_out") ? true : undefined;
		},
		60_000,
		"the feed applied and the credit alert open",
	);
	browser = await launchBrowser({ origin: system.url as string });
	page = await browser.context.newPage();
	problems = watchProblems(page);
	shots = screenshotDir();
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await system?.stop();
	await ccn?.stop();
	await database?.drop();
	await anvil?.stop();
});

async function open(path: string, charts: number, name: string) {
	await checkPageAtBothWidths(page, problems, { url: url(path), charts, name, shots });
	await page.setViewportSize({ width: 1280, height: 800 });
}

const text = async (selector: string) => (await page.locator(selector).first().textContent()) ?? "";

describe("the credit views with a network feed", () => {
	it("credits: draws the distribution, shows the credits in circulation the API gives, and who runs out soonest", async () => {
		await open("/dashboard/credits", 1, "credits-feed");
		const { credit_balances } = await api("/api/v0/credit_balances?pagination=0");
		const circulation = (credit_balances as { credits: number }[]).reduce((sum, b) => sum + BigInt(b.credits), 0n);
		expect(circulation).toBe(45_702_010n);
		await page.waitForFunction(() => document.querySelector("[data-field=credit-circulation]")?.textContent?.includes("45,702,010"));
		const soonest = await text("#credit-soonest");
		expect(soonest).toContain(getAddress(spender).slice(0, 6));
	});

	it("overview: the feed in the indexing part and the credits in circulation", async () => {
		await open("/dashboard", 2, "overview-feed");
		expect(await text("#feeds")).toContain(ccn.url);
		expect(await text("[data-field=credits]")).toContain("45,702,010");
	});

	it("account: the credits, spend and runway /v1/accounts gives, following the feed without a reload", async () => {
		await open(`/dashboard/account?address=${spender.toUpperCase().replace("0X", "0x")}`, 0, "account-credits");
		const { credits } = await api(`/v1/accounts/${spender}`);
		expect(credits).toMatchObject({ known: true, balance: 400_000 });
		expect(await text("[data-field=credits]")).toContain("400,000");
		const page1 = await page.evaluate(() => performance.getEntriesByType("navigation").length);
		await grant(spender, 600_000);
		await page.waitForFunction(() => document.querySelector("[data-field=credits]")?.textContent?.includes("1,000,000"), null, {
			timeout: 60_000,
		});
		expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(page1);
		expect((await api(`/v1/accounts/${spender}`)).credits.balance).toBe(1_000_000);
		expect(problems.list).toEqual([]);
	});
});
