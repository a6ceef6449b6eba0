import type { ChainConfig } from "../../src/config/env.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { type ChainWatcher, createChainWatcher } from "../../src/indexer/watcher.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createRpcClient } from "../../src/rpc/client.ts";

/** A chain config for a local chain, with test-friendly defaults. */
export function testChainConfig(overrides: Partial<ChainConfig> & Pick<ChainConfig, "rpcUrls" | "chainId" | "token">): ChainConfig {
	return {
		name: "ETH",
		cfa: null,
		startBlock: 0n,
		finalityBlocks: 5,
		pollIntervalMs: 50,
		maxBlockRange: 10_000,
		genesis: [],
		maxLagBlocks: 10,
		...overrides,
		token: overrides.token.toLowerCase(),
	};
}

/**
 * Starts a watcher in this process; `stop()` it in the test's cleanup. On Postgres it gets its
 * own one-connection pool (the session holding the writer lock), as in production.
 */
export async function startTestWatcher(
	database: Database & { url?: string },
	chain: ChainConfig,
	options: { initialRange?: number; timeoutMs?: number; retries?: number } = {},
): Promise<ChainWatcher> {
	const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
	const rpc = createRpcClient({
		urls: chain.rpcUrls,
		timeoutMs: options.timeoutMs ?? 5_000,
		retries: options.retries ?? 6,
		logger,
		observe: process.env.TEST_RPC_TRACE ? (m, o, s) => console.log("rpc", m, o, Math.round(s * 1000)) : undefined,
	});
	const own =
		database.kind === "postgres" && database.url
			? await openDatabase({ databaseUrl: database.url, poolSize: 1, idleTimeoutMs: 0 })
			: database;
	const watcher = createChainWatcher({ chain, db: own.db, rpc, logger, initialRange: options.initialRange, standbyPollMs: 100 });
	watcher.start().catch((error) => {
		logger.error({ err: error }, "watcher failed");
	});
	return {
		chain: watcher.chain,
		start: () => watcher.start(),
		get leader() {
			return watcher.leader;
		},
		async stop() {
			await watcher.stop();
			if (own !== database) await own.close();
		},
	};
}
