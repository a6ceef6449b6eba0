import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { RetryableError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import {
	concurrencyOf,
	dedupKeyOf,
	delayOf,
	type JobQueue,
	type JobRequest,
	type JobWorkers,
	jobIdOf,
	type Processors,
	QUEUE_NAMES,
	QUEUE_OF,
	type QueueName,
	RECOMPUTE_ALL,
	RETRY,
} from "./jobs.ts";
import { queuePrefix, redisAddress } from "./redis-names.ts";
import { runJob } from "./run-job.ts";

export { queuePrefix, redisAddress };

const SWEEP_SCHEDULER = "entitlement-sweep";

/** How long a producer's command waits for a connection being made before it fails, ms. */
const CONNECT_WAIT_MS = 2_000;

function connection(redisUrl: string, worker: boolean) {
	const url = new URL(redisUrl);
	return {
		host: url.hostname,
		port: Number(url.port || 6379),
		username: url.username || undefined,
		password: url.password ? decodeURIComponent(url.password) : undefined,
		db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
		tls: url.protocol === "rediss:" ? {} : undefined,
		// Workers wait through Redis restarts; producers fail fast (the outbox keeps what they could not add).
		maxRetriesPerRequest: null,
		enableOfflineQueue: worker,
	};
}

/** Resolves within `ms`: true when Redis answered a PING. */
async function answers(client: Redis, ms: number): Promise<boolean> {
	if (client.status !== "ready") return false;
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			client.ping().then(() => true),
			new Promise<boolean>((resolve) => {
				timer = setTimeout(resolve, ms, false);
			}),
		]);
	} catch {
		return false;
	} finally {
		clearTimeout(timer);
	}
}

/**
 * BullMQ on Redis. `entitlement.recompute` is deduplicated per address with `keepLastIfActive`:
 * a burst of adds while one is waiting collapses into it, and adds while one runs leave exactly
 * one more to run after it, so the last change is always recomputed and never in parallel.
 */
export function createBullQueue(options: { redisUrl: string; prefix?: string; debounceMs: number }): JobQueue {
	// One connection for both queues. BullMQ would wait for it forever before a first command;
	// `ready()` refuses within CONNECT_WAIT_MS instead while Redis is away, so callers back off
	// and the outbox keeps the work.
	const client = new Redis(connection(options.redisUrl, false));
	client.on("error", () => {});
	const queues = Object.fromEntries(
		QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: client, prefix: options.prefix })]),
	) as Record<QueueName, Queue>;
	for (const queue of Object.values(queues)) queue.on("error", () => {});
	const ready = async () => {
		if (client.status === "ready") return;
		// A connection being made (at start, after a drop) is given a moment.
		const connected = await new Promise<boolean>((resolve) => {
			const timer = setTimeout(() => done(false), CONNECT_WAIT_MS);
			const onReady = () => done(true);
			function done(value: boolean) {
				clearTimeout(timer);
				client.off("ready", onReady);
				resolve(value);
			}
			client.once("ready", onReady);
		});
		if (!connected) throw new RetryableError(`Redis at ${redisAddress(options.redisUrl)} does not answer`);
	};

	function jobOptions(job: JobRequest) {
		const retry = RETRY[job.name];
		const base = {
			attempts: retry.attempts,
			backoff: { type: "exponential", delay: retry.backoffMs },
			removeOnComplete: { count: 1_000 },
			removeOnFail: { count: 10_000 },
			delay: delayOf(job, options.debounceMs),
			jobId: jobIdOf(job),
		};
		if (job.name === "entitlement.recompute") return { ...base, deduplication: { id: dedupKeyOf(job) as string, keepLastIfActive: true } };
		return base;
	}

	return {
		kind: "bullmq",
		async add(jobs) {
			await ready();
			const byQueue = new Map<QueueName, JobRequest[]>();
			for (const job of jobs) byQueue.set(QUEUE_OF[job.name], [...(byQueue.get(QUEUE_OF[job.name]) ?? []), job]);
			for (const [name, list] of byQueue) {
				// One add per job (ioredis pipelines them), each with its own deduplication options.
				await Promise.all(list.map((job) => queues[name].add(job.name, job.data, jobOptions(job))));
			}
		},
		async scheduleSweep(everyMs) {
			await ready();
			await queues.entitlements.upsertJobScheduler(
				SWEEP_SCHEDULER,
				{ every: everyMs },
				{ name: RECOMPUTE_ALL.name, data: RECOMPUTE_ALL.data, opts: { attempts: RETRY["entitlement.recompute-all"].attempts } },
			);
		},
		async checkEpoch() {
			await ready();
			// Redis without persistence forgets its queues on restart: a missing epoch key means
			// jobs may have been lost, so every account is recomputed.
			const key = `${options.prefix ?? "bull"}:aleph-oracle:epoch`;
			const created = await client.set(key, String(Date.now()), "NX");
			return created === "OK";
		},
		reachable: () => answers(client, 1_000),
		async counts() {
			await ready();
			const out = {} as Record<QueueName, Record<string, number>>;
			for (const name of QUEUE_NAMES) out[name] = await queues[name].getJobCounts("waiting", "delayed", "active", "failed", "completed");
			return out;
		},
		async close() {
			await Promise.all(Object.values(queues).map((q) => q.close()));
			client.disconnect();
		},
	};
}

/**
 * BullMQ workers for both queues, running `runJob`; their follow-up jobs go to `queue`. A
 * permanent failure fails the job without retries; anything else is retried with exponential
 * backoff. `close()` waits for active jobs, unless Redis is away: their outcome could not be
 * recorded anyway (they run again elsewhere once stalled), so it does not wait for Redis.
 */
export function startBullWorkers(options: {
	redisUrl: string;
	prefix?: string;
	processors: Processors;
	queue: JobQueue;
	concurrency: number;
	logger: Logger;
	metrics?: Metrics;
}): JobWorkers {
	const { logger } = options;
	const workers = QUEUE_NAMES.map((queue) => {
		const worker = new Worker(
			queue,
			async (job: Job, token?: string) => {
				const run = await runJob(options, { name: job.name, data: job.data, attempt: job.attemptsMade, id: job.id });
				if (run.ok) return run.result;
				if (run.deferredMs !== undefined) {
					await job.moveToDelayed(Date.now() + run.deferredMs, token);
					throw new DelayedError();
				}
				if (run.permanent) throw new UnrecoverableError(run.error instanceof Error ? run.error.message : String(run.error));
				throw run.error;
			},
			// Jobs take milliseconds: a worker killed mid-job has its job moved back to waiting within seconds.
			{
				connection: connection(options.redisUrl, true),
				prefix: options.prefix,
				concurrency: concurrencyOf(queue, options.concurrency),
				lockDuration: 10_000,
				stalledInterval: 5_000,
			},
		);
		worker.on("error", (error) => logger.warn({ queue, err: error }, "Worker connection error"));
		return worker;
	});
	return {
		async close() {
			const force = !(await options.queue.reachable());
			await Promise.all(workers.map((w) => w.close(force)));
		},
	};
}
