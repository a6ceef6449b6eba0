import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import { backoffMs } from "../lib/sleep.ts";
import {
	concurrencyOf,
	dedupKeyOf,
	delayOf,
	type JobQueue,
	type JobRequest,
	type JobWorkers,
	type Processors,
	QUEUE_NAMES,
	QUEUE_OF,
	type QueueName,
	RECOMPUTE_ALL,
	RETRY,
} from "./jobs.ts";
import { runJob } from "./run-job.ts";

type Entry = { job: JobRequest; attempt: number; key: string };

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The job system without Redis (the embedded default, one process): the same processors, the
 * same deduplication (one waiting and at most one running recompute per address), delays,
 * retries with exponential backoff and a periodic sweep — kept in memory, so jobs queued at a
 * crash are lost; the outbox and the sweep recover them.
 */
export function createLocalQueue(options: {
	processors: Processors;
	concurrency: number;
	debounceMs: number;
	logger: Logger;
	metrics?: Metrics;
}): JobQueue & JobWorkers {
	const ready = Object.fromEntries(QUEUE_NAMES.map((q) => [q, [] as Entry[]])) as Record<QueueName, Entry[]>;
	const active = Object.fromEntries(QUEUE_NAMES.map((q) => [q, 0])) as Record<QueueName, number>;
	const counts = Object.fromEntries(QUEUE_NAMES.map((q) => [q, { waiting: 0, delayed: 0, active: 0, failed: 0, completed: 0 }])) as Record<
		QueueName,
		{ waiting: number; delayed: number; active: number; failed: number; completed: number }
	>;
	const queuedKeys = new Set<string>(); // waiting or delayed
	const runningKeys = new Set<string>();
	const rerunAfter = new Map<string, Entry>(); // added while running: runs once more after it (keepLastIfActive)
	const timers = new Set<NodeJS.Timeout>();
	const idle: (() => void)[] = [];
	let closed = false;
	let added = 0;
	const runDeps = { ...options, queue: { add: addAll } };

	const keyOf = (job: JobRequest) => dedupKeyOf(job) ?? `${job.name}.${++added}`;

	// setTimeout fires at once past 2^31 − 1 ms (~24.8 days): longer delays re-arm in steps.
	function later(ms: number, fn: () => void) {
		const step = Math.min(ms, MAX_TIMER_MS);
		const timer = setTimeout(() => {
			timers.delete(timer);
			if (ms > step) later(ms - step, fn);
			else fn();
		}, step);
		timers.add(timer);
	}

	function enqueue(entry: Entry, delayMs: number) {
		const queue = QUEUE_OF[entry.job.name];
		if (delayMs > 0) {
			counts[queue].delayed++;
			later(delayMs, () => {
				counts[queue].delayed--;
				enqueue(entry, 0);
			});
			return;
		}
		ready[queue].push(entry);
		counts[queue].waiting++;
		pump(queue);
	}

	function pump(queue: QueueName) {
		while (!closed && active[queue] < concurrencyOf(queue, options.concurrency) && ready[queue].length > 0) {
			const entry = ready[queue].shift() as Entry;
			counts[queue].waiting--;
			queuedKeys.delete(entry.key);
			runningKeys.add(entry.key);
			active[queue]++;
			counts[queue].active = active[queue];
			void run(queue, entry);
		}
		if (QUEUE_NAMES.every((q) => active[q] === 0)) for (const wake of idle.splice(0)) wake();
	}

	async function run(queue: QueueName, entry: Entry) {
		const { job } = entry;
		try {
			const result = await runJob(runDeps, { ...job, attempt: entry.attempt });
			if (result.ok) counts[queue].completed++;
			else if (result.deferredMs !== undefined) {
				if (!closed) {
					queuedKeys.add(entry.key);
					enqueue(entry, result.deferredMs);
				}
			} else if (!result.permanent && entry.attempt + 1 < RETRY[job.name].attempts && !closed) {
				queuedKeys.add(entry.key);
				enqueue({ ...entry, attempt: entry.attempt + 1 }, backoffMs(entry.attempt, RETRY[job.name].backoffMs, 60_000));
			} else counts[queue].failed++;
		} finally {
			runningKeys.delete(entry.key);
			active[queue]--;
			counts[queue].active = active[queue];
			const again = rerunAfter.get(entry.key);
			if (again) {
				rerunAfter.delete(entry.key);
				queuedKeys.add(again.key);
				enqueue(again, options.debounceMs);
			}
			pump(queue);
		}
	}

	function add(job: JobRequest) {
		if (closed) return;
		const entry: Entry = { job, attempt: 0, key: keyOf(job) };
		if (queuedKeys.has(entry.key)) return; // one waiting is enough
		if (runningKeys.has(entry.key)) {
			if (job.name === "entitlement.recompute") rerunAfter.set(entry.key, entry);
			return;
		}
		queuedKeys.add(entry.key);
		enqueue(entry, delayOf(job, options.debounceMs));
	}

	async function addAll(jobs: JobRequest[]) {
		for (const job of jobs) add(job);
	}

	let sweep: NodeJS.Timeout | undefined;
	let epoch = false;
	return {
		kind: "local",
		add: addAll,
		async scheduleSweep(everyMs) {
			clearInterval(sweep);
			sweep = setInterval(() => add(RECOMPUTE_ALL), everyMs);
			sweep.unref();
		},
		async checkEpoch() {
			const fresh = !epoch;
			epoch = true;
			return fresh;
		},
		async reachable() {
			return true;
		},
		async counts() {
			return structuredClone(counts);
		},
		async close() {
			if (closed) return;
			closed = true;
			clearInterval(sweep);
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			if (QUEUE_NAMES.some((q) => active[q] > 0)) await new Promise<void>((resolve) => idle.push(resolve));
		},
	};
}
