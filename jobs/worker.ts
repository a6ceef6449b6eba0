import type { Db } from "../src/db/database.ts";
import type { RecomputeDeps } from "../src/entitlements/recompute.ts";
import type { Logger } from "../src/lib/logger.ts";
import type { Metrics } from "../src/lib/metrics.ts";
import type { Settings } from "../src/pricing/index.ts";
import { createBullQueue, startBullWorkers } from "../src/queue/bull.ts";
import type { JobQueue } from "../src/queue/jobs.ts";
import { createLocalQueue } from "../src/queue/local.ts";
import type { WebhookDeliveryOptions } from "../src/webhooks/deliver.ts";
import { createProcessors } from "./processors.ts";

export type JobSystemOptions = {
	db: Db;
	/** Redis URL for BullMQ; null runs the processors in this process. */
	redisUrl: string | null;
	/** Run workers in this process (`work` and `all` roles; always true without Redis). */
	workers: boolean;
	concurrency: number;
	chains: string[];
	settings: Settings;
	horizonSeconds: number;
	/** Wait before a recompute runs, collapsing bursts for one account, ms. Default: `200`. */
	debounceMs?: number;
	/** BullMQ key prefix (tests isolate themselves with it). */
	prefix?: string;
	/** How deliveries reach webhooks. Default: non-public destinations refused. */
	webhooks?: WebhookDeliveryOptions;
	logger: Logger;
	metrics?: Metrics;
	now?: () => bigint;
};

/** The queue (producer) and, when asked, the workers of this process. `close()` drains them. */
export function startJobSystem(options: JobSystemOptions): { queue: JobQueue; close(): Promise<void> } {
	const debounceMs = options.debounceMs ?? 200;
	// The processors enqueue follow-up jobs, and the in-process queue needs the processors to be
	// built: `deps.queue` is set right after the queue exists, before any job can run.
	const deps: RecomputeDeps = {
		db: options.db,
		queue: undefined as unknown as JobQueue,
		chains: options.chains,
		settings: options.settings,
		horizonSeconds: options.horizonSeconds,
		now: options.now,
	};
	if (!options.redisUrl) {
		const local = createLocalQueue({
			processors: createProcessors(deps, options.webhooks),
			concurrency: options.concurrency,
			debounceMs,
			logger: options.logger,
			metrics: options.metrics,
		});
		deps.queue = local;
		return { queue: local, close: () => local.close() };
	}
	const queue = createBullQueue({ redisUrl: options.redisUrl, prefix: options.prefix, debounceMs });
	deps.queue = queue;
	const workers = options.workers
		? startBullWorkers({
				redisUrl: options.redisUrl,
				prefix: options.prefix,
				processors: createProcessors(deps, options.webhooks),
				concurrency: options.concurrency,
				logger: options.logger,
				metrics: options.metrics,
			})
		: undefined;
	return {
		queue,
		async close() {
			await workers?.close();
			await queue.close();
		},
	};
}
