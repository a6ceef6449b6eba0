import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.ts";
import { ConfigError } from "../../src/lib/errors.ts";

function issuesOf(env: Record<string, string>): string[] {
	try {
		loadConfig(env);
	} catch (error) {
		if (error instanceof ConfigError) return error.issues.map((i) => i.variable);
		throw error;
	}
	return [];
}

describe("loadConfig()", () => {
	it("defaults to the three mainnet chains with their tokens, CFAs and the Ethereum genesis", () => {
		const config = loadConfig({});
		expect(config.chains.map((c) => [c.name, c.chainId, c.cfa !== null])).toEqual([
			["ETH", 1, false],
			["AVAX", 43114, true],
			["BASE", 8453, true],
		]);
		expect(config.chains[0]?.genesis).toEqual([
			{ address: "0xb6e45adfa0c7d70886bbfc990790d64620f1bae8", amount: 500_000_000n * 10n ** 18n },
		]);
		expect(config.databaseUrl).toBeNull();
		expect(config.redisUrl).toBeNull();
		expect([config.host, config.port, config.dataDir]).toEqual(["127.0.0.1", 3000, "./.data"]);
	});

	it("drops mainnet-only defaults on another chain id: the token must be named, no CFA, start block 0", () => {
		expect(issuesOf({ CHAINS: "AVAX", AVAX_CHAIN_ID: "31337", AVAX_RPC_URL: "http://127.0.0.1:8545" })).toEqual(["AVAX_TOKEN"]);
		const config = loadConfig({
			CHAINS: "AVAX",
			AVAX_CHAIN_ID: "31337",
			AVAX_RPC_URL: "http://127.0.0.1:8545",
			AVAX_TOKEN: "0x00000000000000000000000000000000000000aA",
		});
		expect(config.chains[0]).toMatchObject({ cfa: null, startBlock: 0n, genesis: [], token: "0x00000000000000000000000000000000000000aa" });
	});

	it("parses several RPC URLs, a CFA, genesis balances and per-chain tuning", () => {
		const config = loadConfig({
			CHAINS: "base",
			BASE_RPC_URL: "http://a:1, https://b/x",
			BASE_CHAIN_ID: "84532",
			BASE_TOKEN: "0x00000000000000000000000000000000000000aa",
			BASE_CFA: "0x00000000000000000000000000000000000000bb",
			BASE_GENESIS: "0x00000000000000000000000000000000000000cc:5,0x00000000000000000000000000000000000000dd:7",
			BASE_FINALITY_BLOCKS: "12",
			BASE_POLL_INTERVAL_MS: "250",
			BASE_START_BLOCK: "100",
		});
		expect(config.chains[0]).toMatchObject({
			name: "BASE",
			rpcUrls: ["http://a:1", "https://b/x"],
			cfa: "0x00000000000000000000000000000000000000bb",
			genesis: [
				{ address: "0x00000000000000000000000000000000000000cc", amount: 5n },
				{ address: "0x00000000000000000000000000000000000000dd", amount: 7n },
			],
			finalityBlocks: 12,
			pollIntervalMs: 250,
			startBlock: 100n,
		});
	});

	it("reports every bad variable by name at once", () => {
		expect(
			issuesOf({
				DATABASE_URL: "mysql://x",
				REDIS_URL: "http://x",
				PORT: "70000",
				LOG_LEVEL: "loud",
				CHAINS: "ETH,eth",
				ETH_RPC_URL: "not a url",
				ETH_TOKEN: "0x123",
				ETH_CHAIN_ID: "-1",
				ETH_FINALITY_BLOCKS: "ten",
				API_KEYS: "short",
				PRICING_FILE: "/does/not/exist.json",
			}).sort(),
		).toEqual([
			"API_KEYS",
			"CHAINS",
			"DATABASE_URL",
			"ETH_CHAIN_ID",
			"ETH_FINALITY_BLOCKS",
			"ETH_RPC_URL",
			"ETH_TOKEN",
			"LOG_LEVEL",
			"PORT",
			"PRICING_FILE",
			"REDIS_URL",
		]);
	});

	it("requires the RPC URL, chain id and token of a chain without built-in defaults", () => {
		expect(issuesOf({ CHAINS: "GNOSIS" }).sort()).toEqual(["GNOSIS_CHAIN_ID", "GNOSIS_RPC_URL", "GNOSIS_TOKEN"]);
	});

	it("accepts 'none' to turn streams off on a chain that has a CFA by default", () => {
		expect(loadConfig({ CHAINS: "AVAX", AVAX_CFA: "none" }).chains[0]?.cfa).toBeNull();
	});

	it("refuses private webhook destinations unless WEBHOOK_ALLOW_PRIVATE=1", () => {
		expect(loadConfig({}).webhookAllowPrivate).toBe(false);
		expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "0" }).webhookAllowPrivate).toBe(false);
		expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "1" }).webhookAllowPrivate).toBe(true);
		expect(issuesOf({ WEBHOOK_ALLOW_PRIVATE: "yes" })).toEqual(["WEBHOOK_ALLOW_PRIVATE"]);
	});

	it("reads the network feed: no feed by default, CCN URLs deduplicated without a trailing slash, the interface's defaults", () => {
		expect(loadConfig({}).feed).toEqual({
			urls: [],
			pollMs: 10_000,
			lookbackSeconds: 7_200,
			timeoutMs: 30_000,
			maxLagSeconds: 600,
			creditIssuers: ["0x2E4454fAD1906c0Ce6e45cBFA05cE898Ac3AC1dC"],
			pricingOwner: "0xFba561a84A537fCaa567bb7A2257e7142701ae2A",
		});
		const feed = loadConfig({
			ALEPH_API_URLS: "https://api2.aleph.im/, https://api3.aleph.im,https://api2.aleph.im",
			ALEPH_FEED_POLL_MS: "5000",
			ALEPH_FEED_LOOKBACK_SECONDS: "0",
			CREDIT_ISSUERS: "0xaaa, 0xbbb",
			PRICING_OWNER: "0xccc",
		}).feed;
		expect(feed).toMatchObject({
			urls: ["https://api2.aleph.im", "https://api3.aleph.im"],
			pollMs: 5_000,
			lookbackSeconds: 0,
			creditIssuers: ["0xaaa", "0xbbb"],
			pricingOwner: "0xccc",
		});
		expect(
			issuesOf({
				ALEPH_API_URLS: "ftp://x",
				ALEPH_FEED_POLL_MS: "1",
				ALEPH_FEED_LOOKBACK_SECONDS: "-1",
				ALEPH_FEED_TIMEOUT_MS: "fast",
				ALEPH_FEED_MAX_LAG_SECONDS: "0",
				CREDIT_ISSUERS: " , ",
			}),
		).toEqual([
			"ALEPH_API_URLS",
			"ALEPH_FEED_POLL_MS",
			"ALEPH_FEED_LOOKBACK_SECONDS",
			"ALEPH_FEED_TIMEOUT_MS",
			"ALEPH_FEED_MAX_LAG_SECONDS",
			"CREDIT_ISSUERS",
		]);
	});
});
