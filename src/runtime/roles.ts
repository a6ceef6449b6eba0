import { createApp } from "../api/app.ts";
import { startServer } from "../api/server.ts";
import type { Config } from "../config/env.ts";
import { openDatabase } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import type { RecomputeDeps } from "../entitlements/recompute.ts";
import { PermanentError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { createMetrics } from "../lib/metrics.ts";
import { sleep } from "../lib/sleep.ts";
import { observeQueueDepths, startJobSystem } from "../queue/job-system.ts";
import type { JobQueue, Processors } from "../queue/jobs.ts";
import { startOutboxDrainer } from "../queue/outbox.ts";
import { queuePrefix, redisAddress } from "../queue/redis-names.ts";
import type { WebhookDeliveryOptions } from "../webhooks/deliver.ts";
import { startAccountCache } from "./account-cache.ts";
import { fanOutOnAggregateChange, loadAggregates } from "./aggregates.ts";
import { checkChainIds } from "./check-chains.ts";
import { watchDatabase } from "./database-watch.ts";
import { startFeed } from "./feed.ts";
import { holdLocalJobsLock } from "./local-jobs-lock.ts";
import { startMetricsServer } from "./metrics-server.ts";
import { checkChainSet, readInstallationId, recordChainSet } from "./service-state.ts";
import { createShutdown } from "./shutdown.ts";
import { startWatchers } from "./watch.ts";

export const ROLES = ["migrate", "watch", "work", "serve", "all", "demo"] as const;
export type Role = (typeof ROLES)[number];

/** A running service: the API URL when it serves one, a promise that rejects on an unrecoverable failure, and how to stop it. */
export type Running = { url: string | null; done: Promise<never>; stop(): Promise<void> };

/** Builds the job processors (`createProcessors` of `jobs/processors.ts`, passed in by the composition root). */
export type ProcessorFactory = (deps: RecomputeDeps, webhooks: WebhookDeliveryOptions) => Processors;

/** How long `work` waits for Redis at start before it gives up (exit 2), ms. */
const REDIS_START_WAIT_MS = 10_000;

/**
 * Starts the components of a role — `watch` (chain watchers, and the network feed follower when
 * `ALEPH_API_URLS` is set), `work` (queue workers), `serve`
 * (API) or `all` — on the configured database and queue, after checking that the database serves
 * the configured chains. Without `REDIS_URL` the job processors run in this process (one process
 * per database: a lock refuses a second). Each component registers its cleanup; `stop()` runs them
 * in reverse order (the API stops taking requests, watchers finish their batch, workers drain, the
 * database closes). `done` rejects when a component fails beyond recovery: a permanent error, or
 * the database away for longer than `DATABASE_MAX_OUTAGE_SECONDS`.
 *
 * With Redis away at start, `work` (which can do nothing else) gives up after a few seconds;
 * `serve`, `watch` and `all` start degraded — they index and answer, the outbox keeps the work,
 * and `/ready` says that nothing is recomputed — and catch up once Redis answers.
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
		const chains = config.chains.map((c) => c.name);
		await checkChainSet(database.db, role, chains);
		const failures: Promise<never>[] = [];
		const runsWorkers = role === "work" || role === "all" || !config.redisUrl;
		if (!config.redisUrl && config.databaseUrl) {
			const lock = await holdLocalJobsLock(config.databaseUrl, logger);
			shutdown.add("in-process jobs lock", () => lock.release());
			failures.push(lock.lost);
		}
		const metrics = createMetrics();
		const jobs = await startJobSystem({
			redisUrl: config.redisUrl,
			prefix: queuePrefix(await readInstallationId(database.db)),
			workers: runsWorkers,
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
		if (role === "work" && config.redisUrl) await waitForRedis(jobs.queue, config.redisUrl);
		const drainer = startOutboxDrainer({
			db: database.db,
			queue: jobs.queue,
			logger,
			sweepEveryMs: config.sweepIntervalSeconds * 1_000,
			onStart: runsWorkers
				? async () => {
						if (await fanOutOnAggregateChange(database.db, jobs.queue, aggregates))
							logger.info("Pricing or settings changed: recomputing every account");
					}
				: undefined,
		});
		shutdown.add("outbox drainer", () => drainer.stop());

		if (role === "watch" || role === "all") {
			await checkChainIds(config.chains, logger);
			const watchers = await startWatchers({ config, database, logger, metrics, shutdown, onCommit: () => drainer.wake() });
			failures.push(...watchers.map((w) => w.start().then(() => new Promise<never>(() => {}))));
			if (config.feed.urls.length > 0) {
				const feed = await startFeed({ config, database, logger, metrics, shutdown, onCommit: () => drainer.wake() });
				failures.push(feed.start().then(() => new Promise<never>(() => {})));
			}
		}
		let url: string | null = null;
		if (role === "serve" || role === "all") {
			const accountCache = startAccountCache(config, database, logger);
			if (accountCache) shutdown.add("account cache listener", () => accountCache.close());
			const app = createApp({ config, db: database.db, ...aggregates, queue: jobs.queue, logger, metrics, accountCache });
			const server = await startServer(app, { host: config.host, port: config.port });
			shutdown.add("api server", () => server.close());
			url = server.url;
			logger.info({ url }, `Serving the API on ${url}`);
		} else if (config.metricsPort !== null) {
			const server = await startMetricsServer({
				host: config.host,
				port: config.metricsPort,
				metrics,
				refresh: runsWorkers ? () => observeQueueDepths(jobs.queue, metrics) : undefined,
			});
			shutdown.add("metrics server", () => server.close());
			logger.info({ url: server.url }, `Serving metrics on ${server.url}/metrics`);
		}
		if (database.kind === "postgres") {
			const watchdog = watchDatabase({ db: database.db, maxOutageSeconds: config.databaseMaxOutageSeconds, logger });
			shutdown.add("database watchdog", () => watchdog.stop());
			failures.push(watchdog.failed);
		}
		// Each failure promise rejects only on an unrecoverable error; the CLI logs it once.
		const done = failures.length > 0 ? Promise.race(failures) : new Promise<never>(() => {});
		done.catch(() => {});
		return { url, done, stop: () => shutdown.run() };
	} catch (error) {
		await shutdown.run();
		throw error;
	}
}

/** Resolves once Redis answers; throws after {@link REDIS_START_WAIT_MS}. */
async function waitForRedis(queue: JobQueue, redisUrl: string): Promise<void> {
	const deadline = performance.now() + REDIS_START_WAIT_MS;
	while (!(await queue.reachable())) {
		if (performance.now() > deadline)
			throw new PermanentError(
				`Redis at ${redisAddress(redisUrl)} did not answer within ${REDIS_START_WAIT_MS / 1_000} s (REDIS_URL): no job can run without it`,
			);
		await sleep(250);
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
			const chains = config.chains.map((c) => c.name);
			const previous = await recordChainSet(database.db, chains);
			if (previous !== null && previous.join(",") !== [...chains].sort().join(","))
				logger.warn({ previous, chains }, `The database now serves ${[...chains].sort().join(",")} (it served ${previous.join(",")})`);
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
