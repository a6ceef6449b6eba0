import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import { DEFAULT_DEBOUNCE_MS, type JobQueue, type Processors } from "./jobs.ts";
import { createLocalQueue } from "./local.ts";

export type JobSystemOptions = {
	/** Redis URL for BullMQ; null runs the processors in this process. */
	redisUrl: string | null;
	/** Run workers in this process (`work` and `all` roles; always true without Redis). */
	workers: boolean;
	/** The job processors, built by the caller (`jobs/processors.ts`). */
	processors: Processors;
	concurrency: number;
	/** Wait before a recompute runs, collapsing bursts for one account, ms. Default: `200`. */
	debounceMs?: number;
	/** BullMQ key prefix (tests isolate themselves with it). */
	prefix?: string;
	logger: Logger;
	metrics?: Metrics;
};

/**
 * The queue (producer) and, when asked, the workers of this process. `close()` drains them.
 * BullMQ is loaded only with Redis: it is a third of what a start loads.
 */
export async function startJobSystem(options: JobSystemOptions): Promise<{ queue: JobQueue; close(): Promise<void> }> {
	const { processors, concurrency, logger, metrics } = options;
	const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
	if (!options.redisUrl) {
		const local = createLocalQueue({ processors, concurrency, debounceMs, logger, metrics });
		return { queue: local, close: () => local.close() };
	}
	const { createBullQueue, startBullWorkers } = await import("./bull.ts");
	const queue = createBullQueue({ redisUrl: options.redisUrl, prefix: options.prefix, debounceMs });
	const workers = options.workers
		? startBullWorkers({ redisUrl: options.redisUrl, prefix: options.prefix, processors, queue, concurrency, logger, metrics })
		: undefined;
	return {
		queue,
		async close() {
			await workers?.close();
			await queue.close();
		},
	};
}

/** Sets the queue-depth gauges from `queue.counts()`; a queue that does not answer within a second is left out. */
export async function observeQueueDepths(queue: JobQueue, metrics: Metrics): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	const counts = await Promise.race([
		queue.counts().catch(() => null),
		new Promise<null>((resolve) => {
			timer = setTimeout(resolve, 1_000, null);
		}),
	]);
	clearTimeout(timer);
	for (const [name, states] of Object.entries(counts ?? {})) {
		for (const [state, n] of Object.entries(states)) metrics.queueJobs.set({ queue: name, state }, n);
	}
}
