import { existsSync } from "node:fs";
import { z } from "zod";
import { isEvmAddress } from "../lib/address.ts";
import { ConfigError } from "../lib/errors.ts";
import { CHAIN_DEFAULTS, GENERIC_CHAIN } from "./chains.ts";

/** pyaleph's `aleph.credit_balances.addresses`. */
export const DEFAULT_CREDIT_ISSUERS = ["0x2E4454fAD1906c0Ce6e45cBFA05cE898Ac3AC1dC"];
/** Owner of the network's `pricing` and `settings` aggregates. */
export const DEFAULT_PRICING_OWNER = "0xFba561a84A537fCaa567bb7A2257e7142701ae2A";

/** Everything one chain watcher needs, resolved from the environment and the built-in defaults. */
export type ChainConfig = {
	/** Aleph chain name: `ETH`, `AVAX`, `BASE`, … */
	name: string;
	chainId: number;
	rpcUrls: string[];
	/** Lowercase token address. */
	token: string;
	/** Lowercase CFAv1 address, or null when streams are not indexed on this chain. */
	cfa: string | null;
	startBlock: bigint;
	finalityBlocks: number;
	pollIntervalMs: number;
	maxBlockRange: number;
	/** Balances credited without a Transfer event, wei. */
	genesis: { address: string; amount: bigint }[];
	/** /ready fails when the watcher is more than this many blocks behind the head. */
	maxLagBlocks: number;
};

export type Config = {
	databaseUrl: string | null;
	dataDir: string;
	redisUrl: string | null;
	host: string;
	port: number;
	logLevel: string;
	chains: ChainConfig[];
	pricingFile: string | null;
	settingsFile: string | null;
	apiKeys: string[];
	/** Answers that depend on indexed data return 503 when the data is older than this, seconds. */
	staleAfterSeconds: number;
	/** A stream running dry within this horizon opens an alert, seconds. */
	alertHorizonSeconds: number;
	/** Period of the safety-net sweep that recomputes every entitlement, seconds. */
	sweepIntervalSeconds: number;
	/** Jobs a worker runs at once. */
	workerConcurrency: number;
	/** Per-request timeout of JSON-RPC calls, milliseconds. */
	rpcTimeoutMs: number;
	/** Wait before an account's recompute runs, collapsing bursts of changes, milliseconds. */
	entitlementDebounceMs: number;
	/** Webhooks may reach loopback, private and other non-public addresses. */
	webhookAllowPrivate: boolean;
	/** Port of the metrics listener of `watch` and `work` (on `host`); null: none. */
	metricsPort: number | null;
	/** A database that does not answer for longer than this stops the process (exit 2), seconds. */
	databaseMaxOutageSeconds: number;
	/** The network feed (the CCNs whose message lists are followed); no feed: credit balances unknown. */
	feed: FeedConfig;
	/** Accounts whose inputs the API keeps in memory (Postgres only), per reader; 0: none. */
	accountCacheEntries: number;
};

export type FeedConfig = {
	/** Base URLs of CCN APIs (`ALEPH_API_URLS`), without a trailing slash; empty: no feed. */
	urls: string[];
	/** How often each CCN is polled, ms (`ALEPH_FEED_POLL_MS`). */
	pollMs: number;
	/** How far behind its watermark each poll reads again, seconds (`ALEPH_FEED_LOOKBACK_SECONDS`). */
	lookbackSeconds: number;
	/** Per-request timeout, ms (`ALEPH_FEED_TIMEOUT_MS`). */
	timeoutMs: number;
	/** A feed not caught up for this long is stale; `/ready` fails when every feed is, seconds (`ALEPH_FEED_MAX_LAG_SECONDS`). */
	maxLagSeconds: number;
	/** `content.address` values whose distributions and expenses count (`CREDIT_ISSUERS`), as configured. */
	creditIssuers: string[];
	/** Owner of the `pricing` and `settings` aggregates (`PRICING_OWNER`). */
	pricingOwner: string;
};

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const url = (protocols: string[]) =>
	z.string().refine(
		(value) => {
			try {
				return protocols.includes(new URL(value).protocol);
			} catch {
				return false;
			}
		},
		{
			message: `must be a URL (${protocols.map((p) => `${p}//`).join(" or ")})`,
		},
	);
const intIn = (min: number, max: number) =>
	z
		.string()
		.regex(/^\d+$/, "must be a whole number")
		.transform(Number)
		.refine((n) => n >= min && n <= max, {
			message: `must be between ${min} and ${max}`,
		});
const address = z.string().refine(isEvmAddress, {
	message: "must be a 0x-prefixed 20-byte hex address",
});
const existingFile = z.string().refine((p) => existsSync(p), { message: "file does not exist" });

/** A comma-separated list of items, trimmed, empty items dropped. */
const csv = (item: z.ZodType<string, string>, min: number, what: string) =>
	z
		.string()
		.transform((s) =>
			s
				.split(",")
				.map((p) => p.trim())
				.filter(Boolean),
		)
		.pipe(z.array(item).min(min, what));

/** `addr:wei,addr:wei` → genesis balances. */
const genesisList = z.string().transform((value, ctx) => {
	const out: { address: string; amount: bigint }[] = [];
	for (const part of value
		.split(",")
		.map((p) => p.trim())
		.filter(Boolean)) {
		const [addr, amount] = part.split(":");
		if (!addr || !amount || !isEvmAddress(addr) || !/^\d+$/.test(amount)) {
			ctx.addIssue({
				code: "custom",
				message: `"${part}" is not <address>:<wei>`,
			});
			return z.NEVER;
		}
		out.push({ address: addr.toLowerCase(), amount: BigInt(amount) });
	}
	return out;
});

type Issue = { variable: string; message: string };

function read<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T>, issues: Issue[]): T | undefined {
	const raw = env[name];
	if (raw === undefined || raw === "") return undefined;
	const parsed = schema.safeParse(raw);
	if (parsed.success) return parsed.data;
	for (const issue of parsed.error.issues) issues.push({ variable: name, message: issue.message });
	return undefined;
}

function readChain(env: NodeJS.ProcessEnv, name: string, issues: Issue[]): ChainConfig | undefined {
	const defaults = CHAIN_DEFAULTS[name];
	const v = (suffix: string) => `${name}_${suffix}`;
	const rpcUrls =
		read(
			env,
			v("RPC_URL"),
			z
				.string()
				.transform((s) =>
					s
						.split(",")
						.map((u) => u.trim())
						.filter(Boolean),
				)
				.pipe(z.array(url(["http:", "https:"])).min(1, "needs at least one URL")),
			issues,
		) ?? defaults?.rpcUrls;
	const chainId = read(env, v("CHAIN_ID"), intIn(1, 2 ** 53 - 1), issues) ?? defaults?.chainId;
	// Mainnet-only defaults apply only to the mainnet chain id.
	const mainnet = defaults !== undefined && chainId === defaults.chainId;
	const token = read(env, v("TOKEN"), address, issues) ?? (mainnet ? defaults.token : undefined);
	const cfaRaw = read(env, v("CFA"), z.union([z.literal("none"), address]), issues);
	const startBlock = read(env, v("START_BLOCK"), intIn(0, 2 ** 53 - 1), issues) ?? (mainnet ? defaults.startBlock : 0);
	const finalityBlocks =
		read(env, v("FINALITY_BLOCKS"), intIn(1, 10_000), issues) ?? defaults?.finalityBlocks ?? GENERIC_CHAIN.finalityBlocks;
	const pollIntervalMs =
		read(env, v("POLL_INTERVAL_MS"), intIn(10, 3_600_000), issues) ?? defaults?.pollIntervalMs ?? GENERIC_CHAIN.pollIntervalMs;
	const maxBlockRange =
		read(env, v("MAX_BLOCK_RANGE"), intIn(1, 10_000_000), issues) ?? defaults?.maxBlockRange ?? GENERIC_CHAIN.maxBlockRange;
	const maxLagBlocks = read(env, v("MAX_LAG_BLOCKS"), intIn(0, 10_000_000), issues) ?? finalityBlocks;
	const genesis = read(env, v("GENESIS"), genesisList, issues) ?? (mainnet && token === defaults.token ? defaults.genesis : []);
	if (!rpcUrls)
		issues.push({
			variable: v("RPC_URL"),
			message: `is required: ${name} has no built-in endpoint`,
		});
	if (chainId === undefined && !issues.some((i) => i.variable === v("CHAIN_ID")))
		issues.push({
			variable: v("CHAIN_ID"),
			message: `is required: ${name} has no built-in chain id`,
		});
	if (!token && !issues.some((i) => i.variable === v("TOKEN")))
		issues.push({
			variable: v("TOKEN"),
			message: `is required: no built-in token for ${name} on chain id ${chainId}`,
		});
	if (!rpcUrls || chainId === undefined || !token) return undefined;
	const pick = (raw: string | undefined, fallback: string | undefined) =>
		raw === "none" ? null : ((raw ?? (mainnet ? fallback : undefined) ?? null)?.toLowerCase() ?? null);
	return {
		name,
		chainId,
		rpcUrls,
		token: token.toLowerCase(),
		cfa: pick(cfaRaw, defaults?.cfa),
		startBlock: BigInt(startBlock),
		finalityBlocks,
		pollIntervalMs,
		maxBlockRange,
		genesis,
		maxLagBlocks,
	};
}

/** The `ALEPH_*`, `CREDIT_ISSUERS` and `PRICING_OWNER` variables. */
function readFeed(env: NodeJS.ProcessEnv, issues: Issue[]): FeedConfig {
	const urls = read(env, "ALEPH_API_URLS", csv(url(["http:", "https:"]), 0, ""), issues) ?? [];
	return {
		urls: [...new Set(urls.map((u) => u.replace(/\/+$/, "")))],
		pollMs: read(env, "ALEPH_FEED_POLL_MS", intIn(10, 3_600_000), issues) ?? 10_000,
		lookbackSeconds: read(env, "ALEPH_FEED_LOOKBACK_SECONDS", intIn(0, 31_536_000), issues) ?? 7_200,
		timeoutMs: read(env, "ALEPH_FEED_TIMEOUT_MS", intIn(100, 600_000), issues) ?? 30_000,
		maxLagSeconds: read(env, "ALEPH_FEED_MAX_LAG_SECONDS", intIn(1, 31_536_000), issues) ?? 600,
		creditIssuers: read(env, "CREDIT_ISSUERS", csv(z.string(), 1, "needs at least one address"), issues) ?? DEFAULT_CREDIT_ISSUERS,
		pricingOwner: read(env, "PRICING_OWNER", z.string().min(1), issues) ?? DEFAULT_PRICING_OWNER,
	};
}

/**
 * Parses and checks the whole configuration at once. Throws a `ConfigError` listing every bad
 * variable by name; never reads anything at import time.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const issues: Issue[] = [];
	const chainNames = read(
		env,
		"CHAINS",
		z
			.string()
			.transform((s) =>
				s
					.split(",")
					.map((c) => c.trim().toUpperCase())
					.filter(Boolean),
			)
			.pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "chain names are letters, digits and _")).min(1, "needs at least one chain")),
		issues,
	) ?? ["ETH", "AVAX", "BASE"];
	if (new Set(chainNames).size !== chainNames.length) issues.push({ variable: "CHAINS", message: "lists a chain twice" });
	const chains = [...new Set(chainNames)].flatMap((name) => readChain(env, name, issues) ?? []);
	const config: Config = {
		databaseUrl: read(env, "DATABASE_URL", url(["postgres:", "postgresql:"]), issues) ?? null,
		dataDir: read(env, "DATA_DIR", z.string(), issues) ?? "./.data",
		redisUrl: read(env, "REDIS_URL", url(["redis:", "rediss:"]), issues) ?? null,
		host: read(env, "HOST", z.string().min(1), issues) ?? "127.0.0.1",
		port: read(env, "PORT", intIn(0, 65_535), issues) ?? 3000,
		logLevel:
			read(
				env,
				"LOG_LEVEL",
				z.enum(LOG_LEVELS, {
					message: `must be one of ${LOG_LEVELS.join(", ")}`,
				}),
				issues,
			) ?? "info",
		chains,
		pricingFile: read(env, "PRICING_FILE", existingFile, issues) ?? null,
		settingsFile: read(env, "SETTINGS_FILE", existingFile, issues) ?? null,
		apiKeys:
			read(
				env,
				"API_KEYS",
				z
					.string()
					.transform((s) =>
						s
							.split(",")
							.map((k) => k.trim())
							.filter(Boolean),
					)
					.pipe(z.array(z.string().min(16, "each key needs at least 16 characters"))),
				issues,
			) ?? [],
		staleAfterSeconds: read(env, "STALE_AFTER_SECONDS", intIn(1, 31_536_000), issues) ?? 300,
		alertHorizonSeconds: read(env, "ALERT_HORIZON_SECONDS", intIn(0, 31_536_000), issues) ?? 86_400,
		sweepIntervalSeconds: read(env, "SWEEP_INTERVAL_SECONDS", intIn(1, 31_536_000), issues) ?? 600,
		workerConcurrency: read(env, "WORKER_CONCURRENCY", intIn(1, 1_000), issues) ?? 8,
		rpcTimeoutMs: read(env, "RPC_TIMEOUT_MS", intIn(100, 600_000), issues) ?? 10_000,
		entitlementDebounceMs: read(env, "ENTITLEMENT_DEBOUNCE_MS", intIn(0, 60_000), issues) ?? 200,
		webhookAllowPrivate: read(env, "WEBHOOK_ALLOW_PRIVATE", z.enum(["0", "1"], { message: "must be 1 (allow) or 0" }), issues) === "1",
		metricsPort: read(env, "METRICS_PORT", intIn(0, 65_535), issues) ?? null,
		databaseMaxOutageSeconds: read(env, "DATABASE_MAX_OUTAGE_SECONDS", intIn(1, 86_400), issues) ?? 300,
		feed: readFeed(env, issues),
		accountCacheEntries: read(env, "ACCOUNT_CACHE_ENTRIES", intIn(0, 10_000_000), issues) ?? 20_000,
	};
	if (issues.length > 0) throw new ConfigError(issues);
	return Object.freeze(config);
}
