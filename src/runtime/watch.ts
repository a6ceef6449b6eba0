import type { Config } from "../config/env.ts";
import { type Database, openDatabase } from "../db/database.ts";
import { type ChainWatcher, createChainWatcher } from "../indexer/watcher.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import { createRpcClient } from "../rpc/client.ts";
import type { Shutdown } from "./shutdown.ts";

/**
 * Starts one watcher per configured chain. On Postgres each watcher gets its own one-connection
 * pool: the session that holds the chain's writer lock is the one that writes. On PGlite (one
 * process by construction) they share the database.
 */
export async function startWatchers(options: {
	config: Config;
	database: Database;
	logger: Logger;
	metrics: Metrics;
	shutdown: Shutdown;
	onCommit?: (chain: string, touched: string[]) => void;
}): Promise<ChainWatcher[]> {
	const { config, database, logger, metrics, shutdown } = options;
	const watchers: ChainWatcher[] = [];
	for (const chain of config.chains) {
		const db =
			database.kind === "postgres"
				? await openDatabase({
						databaseUrl: config.databaseUrl,
						poolSize: 1,
						idleTimeoutMs: 0,
						applicationName: `aleph-oracle watch ${chain.name}`,
					})
				: database;
		const rpc = createRpcClient({
			urls: chain.rpcUrls,
			timeoutMs: config.rpcTimeoutMs,
			logger: logger.child({ chain: chain.name }),
			observe: (method, outcome, seconds) => {
				metrics.rpcRequests.inc({ chain: chain.name, method, outcome });
				metrics.rpcSeconds.observe({ chain: chain.name, method }, seconds);
			},
		});
		const watcher = createChainWatcher({
			chain,
			db: db.db,
			rpc,
			logger,
			metrics,
			onCommit: (touched) => options.onCommit?.(chain.name, touched),
		});
		watchers.push(watcher);
		shutdown.add(`watcher ${chain.name}`, async () => {
			await watcher.stop();
			if (db !== database) await db.close();
		});
	}
	return watchers;
}
