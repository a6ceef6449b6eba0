import { createApp } from "../api/app.ts";
import { startServer } from "../api/server.ts";
import type { Config } from "../config/env.ts";
import { openDatabase } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import type { RecomputeDeps } from "../entitlements/recompute.ts";
import type { Logger } from "../lib/logger.ts";
import { createMetrics } from "../lib/metrics.ts";
import { startJobSystem } from "../queue/job-system.ts";
import type { Processors } from "../queue/jobs.ts";
import { startOutboxDrainer } from "../queue/outbox.ts";
import type { WebhookDeliveryOptions } from "../webhooks/deliver.ts";
import { fanOutOnAggregateChange, loadAggregates } from "./aggregates.ts";
import { checkChainIds } from "./check-chains.ts";
import { startFeed } from "./feed.ts";
import { createShutdown } from "./shutdown.ts";
import { startWatchers } from "./watch.ts";

export const ROLES = ["migrate", "watch", "work", "serve", "all", "demo"] as const;
export type Role = (typeof ROLES)[number];

/** A running service: how to wait for its end, and the API URL when it serves one. */
export type Running = { url: string | null; done: Promise<number>; stop(): Promise<void> };

/** Builds the job processors (`createProcessors` of `jobs/processors.ts`, passed in by the composition root). */
export type ProcessorFactory = (deps: RecomputeDeps, webhooks: WebhookDeliveryOptions) => Processors;

/**
 * Starts the components of a role — `watch` (chain watchers, and the network feed follower when
 * `ALEPH_API_URLS` is set), `work` (queue workers), `serve`
 * (API) or `all` — on the configured database and queue. Without `REDIS_URL` the job processors
 * run in this process. Each component registers its cleanup; `stop()` runs them in reverse order
 * (the API stops taking requests, watchers finish their batch, workers drain, the database closes).
 * `done` settles with 2 when a component fails beyond recovery.
 */
export async function startRole(
	role: Exclude<Role, "migrate" | "demo">,
	config: Config,
	logger: Logger,
	createProcessors: ProcessorFactory,
): Promise<Running> {
	const aggregates = loadAggregates(config);
	const database = await openDatabase({
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		applicationName: `aleph-oracle ${role}`,
	});
	const shutdown = createShutdown(logger);
	shutdown.add("database", () => database.close());
	try {
		const applied = await migrate(database.db);
		logger.info(
			{ applied, database: database.kind },
			applied.length > 0 ? `Applied ${applied.length} migrations` : "Database schema is up to date",
		);
		const metrics = createMetrics();
		const chains = config.chains.map((c) => c.name);
		const working = role === "work" || role === "all";
		const jobs = startJobSystem({
			redisUrl: config.redisUrl,
			workers: working || !config.redisUrl,
			processors: createProcessors(
				{
					db: database.db,
					chains,
					settings: aggregates.settings,
					horizonSeconds: config.alertHorizonSeconds,
					creditFeed: config.feed.urls.length > 0,
				},
				{ allowPrivate: config.webhookAllowPrivate },
			),
			concurrency: config.workerConcurrency,
			debounceMs: config.entitlementDebounceMs,
			logger,
			metrics,
		});
		shutdown.add("jobs", () => jobs.close());
		const drainer = startOutboxDrainer({ db: database.db, queue: jobs.queue, logger });
		shutdown.add("outbox drainer", () => drainer.stop());
		if (working || !config.redisUrl) {
			await jobs.queue.scheduleSweep(config.sweepIntervalSeconds * 1_000);
			if (await fanOutOnAggregateChange(database.db, jobs.queue, aggregates))
				logger.info("Pricing or settings changed: recomputing every account");
		}

		const failures: Promise<void>[] = [];
		if (role === "watch" || role === "all") {
			await checkChainIds(config.chains, logger);
			const watchers = await startWatchers({ config, database, logger, metrics, shutdown, onCommit: () => drainer.wake() });
			failures.push(...watchers.map((w) => w.start()));
			if (config.feed.urls.length > 0) {
				const feed = await startFeed({ config, database, logger, metrics, shutdown, onCommit: () => drainer.wake() });
				failures.push(feed.start());
			}
		}
		let url: string | null = null;
		if (role === "serve" || role === "all") {
			const app = createApp({ config, db: database.db, ...aggregates, queue: jobs.queue, logger, metrics });
			const server = await startServer(app, { host: config.host, port: config.port });
			shutdown.add("api server", () => server.close());
			url = server.url;
			logger.info({ url }, `Serving the API on ${url}`);
		}
		// A component's start() rejects only on an unrecoverable error.
		const done = Promise.race(failures.map((f) => f.then(() => new Promise<number>(() => {})))).catch((error) => {
			logger.fatal({ err: error }, "A component stopped on an unrecoverable error");
			throw error;
		});
		return { url, done, stop: () => shutdown.run() };
	} catch (error) {
		await shutdown.run();
		throw error;
	}
}

/**
 * Runs a role until SIGINT/SIGTERM (exit code 0 after draining) or an unrecoverable error
 * (thrown, after cleanup). `migrate` applies the migrations and returns 0.
 */
export async function runRole(
	role: Exclude<Role, "demo">,
	config: Config,
	logger: Logger,
	createProcessors: ProcessorFactory,
): Promise<number> {
	if (role === "migrate") {
		const database = await openDatabase({
			databaseUrl: config.databaseUrl,
			dataDir: config.dataDir,
			applicationName: "aleph-oracle migrate",
		});
		try {
			const applied = await migrate(database.db);
			logger.info({ applied }, applied.length > 0 ? `Applied ${applied.length} migrations` : "Database schema is up to date");
			return 0;
		} finally {
			await database.close();
		}
	}
	// Installed before the role starts, so a signal during start-up stops it cleanly too. A
	// terminal's Ctrl-C may reach the process twice (process group, tsx): the handlers stay
	// installed so a repeated signal does not kill it before it has drained.
	let stopping = false;
	const signalled = new Promise<number>((resolve) => {
		const stop = (signal: string) => {
			if (stopping) return;
			stopping = true;
			logger.info({ signal }, "Shutting down");
			resolve(0);
		};
		process.on("SIGINT", () => stop("SIGINT"));
		process.on("SIGTERM", () => stop("SIGTERM"));
	});
	const running = await startRole(role, config, logger, createProcessors);
	try {
		return await Promise.race([signalled, running.done]);
	} finally {
		await running.stop();
	}
}
