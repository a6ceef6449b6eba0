import { Writable } from "node:stream";
import { sql } from "kysely";
import { createApp } from "../../src/api/app.ts";
import type { ApiContext } from "../../src/api/context.ts";
import { type ChainConfig, type Config, loadConfig } from "../../src/config/env.ts";
import type { Db } from "../../src/db/database.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/lib/metrics.ts";
import { getDefaultPricing, getDefaultSettings } from "../../src/pricing/index.ts";
import type { JobQueue, JobRequest } from "../../src/queue/jobs.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

/** Unix seconds every test app runs at: 2027-01-15T08:00:00Z. */
export const NOW = 1_800_000_000n;
export const API_KEY = "test-key-0123456789abcdef";
export const WEI = 10n ** 18n;
export const ZERO = "0x0000000000000000000000000000000000000000";
/** The default settings' community wallet, lowercase. */
export const COMMUNITY = getDefaultSettings().communityWalletAddress.toLowerCase();

/** A deterministic lowercase address from a number. */
export function addr(n: number): string {
	return `0x${n.toString(16).padStart(40, "0")}`;
}

function chain(name: string, chainId: number, cfa: string | null): ChainConfig {
	return {
		name,
		chainId,
		rpcUrls: ["http://127.0.0.1:9"],
		token: addr(0xa1e9 + chainId),
		cfa,
		startBlock: 1n,
		finalityBlocks: 10,
		pollIntervalMs: 1_000,
		maxBlockRange: 1_000,
		genesis: [],
		maxLagBlocks: 10,
	};
}

/** ETH (transfers only), AVAX and BASE (transfers and streams). */
export function testConfig(overrides: Partial<Config> = {}): Config {
	return {
		databaseUrl: null,
		dataDir: "",
		redisUrl: null,
		host: "127.0.0.1",
		port: 0,
		logLevel: "silent",
		chains: [chain("ETH", 1, null), chain("AVAX", 43_114, addr(0xcfa1)), chain("BASE", 8_453, addr(0xcfa2))],
		pricingFile: null,
		settingsFile: null,
		apiKeys: [API_KEY],
		staleAfterSeconds: 300,
		alertHorizonSeconds: 86_400,
		sweepIntervalSeconds: 600,
		workerConcurrency: 1,
		rpcTimeoutMs: 1_000,
		entitlementDebounceMs: 0,
		webhookAllowPrivate: false,
		metricsPort: null,
		databaseMaxOutageSeconds: 300,
		feed: loadConfig({}).feed,
		accountCacheEntries: 0,
		...overrides,
	};
}

/** A job queue that records what it is given. */
export function recordingQueue(): JobQueue & { jobs: JobRequest[] } {
	const jobs: JobRequest[] = [];
	return {
		kind: "local",
		jobs,
		add: async (added) => {
			jobs.push(...added);
		},
		scheduleSweep: async () => {},
		checkEpoch: async () => false,
		reachable: async () => true,
		counts: async () => ({ entitlements: {}, webhooks: {} }),
		close: async () => {},
	};
}

export type TestApi = {
	app: ReturnType<typeof createApp>;
	ctx: ApiContext;
	db: Db;
	database: TestDatabase;
	queue: ReturnType<typeof recordingQueue>;
	/** Every log line the app wrote, parsed. */
	logs: Record<string, unknown>[];
	/** Raw log text, to check that nothing secret was written. */
	rawLogs(): string;
	request(path: string, init?: RequestInit & { json?: unknown; key?: string | null }): Promise<Response>;
};

/** An app context on `db`: test configuration, default aggregates, a recording queue, clock at {@link NOW}, no freshness cache, no logs. */
export function testContext(db: Db, overrides: Partial<ApiContext> = {}): ApiContext {
	return {
		config: testConfig(),
		db,
		pricing: getDefaultPricing(),
		settings: getDefaultSettings(),
		queue: recordingQueue(),
		logger: createLogger("silent"),
		metrics: createMetrics(),
		now: () => NOW,
		freshnessTtlMs: 0,
		...overrides,
	};
}

/**
 * A fresh test database and an app on it (no freshness cache, clock at {@link NOW}). `wrapDb`
 * wraps the app's database handle (e.g. with a query-counting plugin); `db` stays unwrapped.
 */
export async function createTestApi(
	overrides: Partial<ApiContext> = {},
	config: Partial<Config> = {},
	wrapDb: (db: Db) => Db = (db) => db,
): Promise<TestApi> {
	const database = await createTestDatabase();
	const queue = recordingQueue();
	let raw = "";
	const stream = new Writable({
		write(chunk, _encoding, done) {
			raw += chunk.toString();
			done();
		},
	});
	const ctx = testContext(wrapDb(database.db), {
		config: testConfig(config),
		queue,
		logger: createLogger("info", {}, stream),
		...overrides,
	});
	const app = createApp(ctx);
	return {
		app,
		ctx,
		db: database.db,
		database,
		queue,
		get logs() {
			return raw
				.split("\n")
				.filter(Boolean)
				.map((line) => JSON.parse(line) as Record<string, unknown>);
		},
		rawLogs: () => raw,
		async request(path, init = {}) {
			const { json, key, ...rest } = init;
			const headers = new Headers(rest.headers);
			if (json !== undefined) headers.set("content-type", "application/json");
			if (key !== null && (key !== undefined || json !== undefined)) headers.set("authorization", `Bearer ${key ?? API_KEY}`);
			return app.request(`http://oracle.test${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
		},
	};
}

/** The cursor rows of every configured chain, updated `ageSeconds` ago by the database's clock, their head just read. */
export async function seedChains(db: Db, options: { ageSeconds?: Record<string, number>; block?: bigint; head?: bigint } = {}) {
	const block = options.block ?? 1_000n;
	for (const [name, chainId] of [
		["ETH", 1n],
		["AVAX", 43_114n],
		["BASE", 8_453n],
	] as const) {
		const age = options.ageSeconds?.[name] ?? 0;
		await db
			.insertInto("chains")
			.values({
				chain: name,
				chain_id: chainId,
				token: addr(0xa1e9 + Number(chainId)),
				cfa: name === "ETH" ? null : addr(name === "AVAX" ? 0xcfa1 : 0xcfa2),
				start_block: 1n,
				indexed_block: block,
				indexed_hash: `0x${"ab".repeat(32)}`,
				indexed_timestamp: NOW,
				head_block: options.head ?? block + 2n,
				finalized_block: block - 10n,
				// Ages by the database's clock, as the watcher writes them (the app's clock is NOW).
				updated_at: sql<Date>`now() - make_interval(secs => ${age})`,
				head_read_at: sql<Date>`now()`,
				progress: sql`${JSON.stringify({ phase: "live", blocksPerSecond: 0, logsPerSecond: 0, etaSeconds: null })}::jsonb`,
			})
			.onConflict((oc) =>
				oc.column("chain").doUpdateSet((eb) => ({
					updated_at: eb.ref("excluded.updated_at"),
					head_read_at: eb.ref("excluded.head_read_at"),
					indexed_block: eb.ref("excluded.indexed_block"),
					head_block: eb.ref("excluded.head_block"),
					finalized_block: eb.ref("excluded.finalized_block"),
				})),
			)
			.execute();
	}
}

/** A transfer row plus its effect on `balances` (what the watcher writes). */
export async function transfer(
	db: Db,
	t: { chain: string; block: bigint; logIndex: number; from: string; to: string; value: bigint; txHash?: string | null },
) {
	await db
		.insertInto("transfers")
		.values({
			chain: t.chain,
			block_number: t.block,
			log_index: t.logIndex,
			tx_hash: t.txHash === undefined ? `0x${t.block.toString(16).padStart(60, "0")}${t.logIndex.toString(16).padStart(4, "0")}` : t.txHash,
			block_timestamp: t.txHash === null ? null : NOW - 1_000n + t.block,
			from_address: t.from,
			to_address: t.to,
			value: t.value,
		})
		.execute();
	for (const [address, delta] of [
		[t.from, -t.value],
		[t.to, t.value],
	] as const) {
		if (address === ZERO) continue;
		await sql`insert into balances (chain, address, amount) values (${t.chain}, ${address}, ${delta.toString()}::numeric)
			on conflict (chain, address) do update set amount = balances.amount + excluded.amount`.execute(db);
	}
}

/** A CFA state row of an account. */
export async function streamAccount(
	db: Db,
	s: { chain: string; address: string; streamed?: bigint; netFlowRate: bigint; deposit?: bigint; updatedAt?: bigint },
) {
	await db
		.insertInto("stream_accounts")
		.values({
			chain: s.chain,
			address: s.address,
			streamed: s.streamed ?? 0n,
			net_flow_rate: s.netFlowRate,
			deposit: s.deposit ?? 0n,
			owed_deposit: 0n,
			updated_at: s.updatedAt ?? NOW,
			updated_block: 900n,
		})
		.execute();
}

/** An open flow. */
export async function flow(
	db: Db,
	f: { chain: string; sender: string; receiver: string; rate: bigint; deposit?: bigint; openedAt?: bigint },
) {
	await db
		.insertInto("flows")
		.values({
			chain: f.chain,
			sender: f.sender,
			receiver: f.receiver,
			flow_rate: f.rate,
			deposit: f.deposit ?? f.rate * 14_400n,
			owed_deposit: 0n,
			opened_at: f.openedAt ?? NOW - 3_600n,
			updated_at: f.openedAt ?? NOW - 3_600n,
			updated_block: 950n,
		})
		.execute();
}

/** Row counts of the tables a request could write to. */
export async function writeCounts(db: Db): Promise<Record<string, number>> {
	const tables = ["resources", "webhooks", "outbox", "alerts", "entitlements", "webhook_deliveries"] as const;
	const counts: Record<string, number> = {};
	for (const table of tables) {
		const row = await db.selectFrom(table).select(sql<bigint>`count(*)`.as("n")).executeTakeFirstOrThrow();
		counts[table] = Number(row.n);
	}
	return counts;
}

/** A ledger row with chosen costs (wei), accepted `agoSeconds` before {@link NOW}. */
export async function resource(
	db: Db,
	r: {
		itemHash: string;
		owner: string;
		paymentType: "hold" | "superfluid" | "credit";
		hold?: bigint;
		stream?: bigint;
		credit?: bigint;
		chain?: string;
		receiver?: string;
		agoSeconds: number;
	},
) {
	await db
		.insertInto("resources")
		.values({
			item_hash: r.itemHash,
			owner: r.owner,
			message_type: "INSTANCE",
			payment_type: r.paymentType,
			chain: r.chain ?? null,
			receiver: r.receiver ?? null,
			cost_hold: r.hold ?? 0n,
			cost_stream: r.stream ?? 0n,
			cost_credit: r.credit ?? 0n,
			cost_rows: sql`'[]'::jsonb`,
			message: sql`'{}'::jsonb`,
			message_time: Number(NOW) - r.agoSeconds,
			accepted_at: new Date((Number(NOW) - r.agoSeconds) * 1000),
		})
		.execute();
}
