import type { Config } from "../config/env.ts";
import { openDatabase } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import type { Logger } from "../lib/logger.ts";
import { createMetrics } from "../lib/metrics.ts";
import { checkChainIds } from "./check-chains.ts";
import { createShutdown } from "./shutdown.ts";
import { startWatchers } from "./watch.ts";

export const ROLES = ["migrate", "watch", "all"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Runs one role of the service until SIGINT/SIGTERM (exit code 0 after draining) or an
 * unrecoverable error (thrown). `migrate` applies the migrations and returns.
 */
export async function runRole(role: Role, config: Config, logger: Logger): Promise<number> {
	const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
	const shutdown = createShutdown(logger);
	shutdown.add("database", () => database.close());
	try {
		const applied = await migrate(database.db);
		logger.info(
			{ applied, database: database.kind },
			applied.length > 0 ? `Applied ${applied.length} migrations` : "Database schema is up to date",
		);
		if (role === "migrate") return 0;

		const metrics = createMetrics();
		const running: Promise<void>[] = [];
		if (role === "watch" || role === "all") {
			await checkChainIds(config.chains, logger);
			const watchers = await startWatchers({ config, database, logger, metrics, shutdown });
			running.push(...watchers.map((w) => w.start()));
		}

		const stopped = new Promise<number>((resolve) => {
			const stop = (signal: string) => {
				logger.info({ signal }, "Shutting down");
				resolve(0);
			};
			process.once("SIGINT", () => stop("SIGINT"));
			process.once("SIGTERM", () => stop("SIGTERM"));
		});
		// A component's start() rejects only on an unrecoverable error; that ends the process.
		const failed = Promise.race(running.map((r) => r.then(() => new Promise<never>(() => {}))));
		return await Promise.race([stopped, failed]);
	} finally {
		await shutdown.run();
	}
}
