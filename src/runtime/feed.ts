import type { Config } from "../config/env.ts";
import { type Database, openDatabase } from "../db/database.ts";
import { createFeedFollower, type FeedFollower } from "../feed/follower.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import { loadPricing, loadSettings } from "../pricing/index.ts";
import type { Shutdown } from "./shutdown.ts";

/**
 * Starts the network feed follower (`ALEPH_API_URLS`). On Postgres it gets its own one-connection
 * pool: the session that holds the feed's writer lock is the one that writes. On PGlite (one
 * process by construction) it shares the database.
 */
export async function startFeed(options: {
	config: Config;
	database: Database;
	logger: Logger;
	metrics: Metrics;
	shutdown: Shutdown;
	onCommit?: (touched: string[]) => void;
}): Promise<FeedFollower> {
	const { config, database, shutdown } = options;
	const db =
		database.kind === "postgres"
			? await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1, idleTimeoutMs: 0, applicationName: "aleph-oracle feed" })
			: database;
	const follower = createFeedFollower({
		db: db.db,
		readDb: database.db,
		feed: config.feed,
		logger: options.logger,
		metrics: options.metrics,
		...(options.onCommit ? { onCommit: options.onCommit } : {}),
		// The files override the network's aggregates (validated at start by loadAggregates).
		...(config.pricingFile ? { pricingFile: loadPricing(config.pricingFile) } : {}),
		...(config.settingsFile ? { settingsFile: loadSettings(config.settingsFile) } : {}),
	});
	shutdown.add("feed follower", async () => {
		await follower.stop();
		if (db !== database) await db.close();
	});
	return follower;
}
