/**
 * The jobs of the service: names, payloads, and which queue runs them. Payloads hold ids only,
 * never secrets; processors read the current state from the database.
 */
export type JobPayloads = {
	/** Recompute one account's entitlement (deduplicated per address). */
	"entitlement.recompute": { address: string };
	/**
	 * Fan out a recompute of every known account, one page of addresses after `after`. `run`
	 * names one fan-out (its pages deduplicate by it); null starts a new one.
	 */
	"entitlement.recompute-all": { run: string | null; after: string | null };
	/** Recompute the known accounts of one fan-out page: addresses in (`after`, `through`]. */
	"entitlement.recompute-page": { run: string; after: string | null; through: string };
	/** Recompute an account at a moment its streams cross a threshold (running dry, critical). */
	"entitlement.critical-check": { address: string; at: number };
	/** POST one webhook delivery. */
	"webhook.deliver": { deliveryId: string };
};

export type JobName = keyof JobPayloads;
export type QueueName = "entitlements" | "webhooks";

/** Every job name has exactly one queue (webhooks apart, so a slow receiver never delays entitlements). */
export const QUEUE_OF: Record<JobName, QueueName> = {
	"entitlement.recompute": "entitlements",
	"entitlement.recompute-all": "entitlements",
	"entitlement.recompute-page": "entitlements",
	"entitlement.critical-check": "entitlements",
	"webhook.deliver": "webhooks",
};

export const QUEUE_NAMES: QueueName[] = ["entitlements", "webhooks"];

/**
 * Jobs a worker runs at once on a queue, given `WORKER_CONCURRENCY`: deliveries mostly wait on
 * receivers, so the webhook queue runs at least 16 (one slow receiver takes at most
 * `WEBHOOK_LANES` of them).
 */
export function concurrencyOf(queue: QueueName, configured: number): number {
	return queue === "webhooks" ? Math.max(configured, 16) : configured;
}

/**
 * Thrown by a processor that cannot run its job now: the queue runs it again after `delayMs`
 * without counting an attempt (BullMQ `moveToDelayed`, the local queue re-enqueues it).
 */
export class DeferredJob extends Error {
	override name = "DeferredJob";
	constructor(readonly delayMs: number) {
		super(`deferred by ${delayMs} ms`);
	}
}

/** One job to enqueue. `delayMs` postpones it. */
export type JobRequest = { [N in JobName]: { name: N; data: JobPayloads[N]; delayMs?: number } }[JobName];

/** What a processor returns: its result (kept by BullMQ) and the jobs to enqueue once it succeeded. */
export type JobOutcome = { result?: unknown; next?: JobRequest[] };

/**
 * The processors of all jobs; BullMQ workers and the in-process queue call the same functions.
 * A processor never holds the queue: it returns its follow-up jobs and the runner enqueues them.
 */
export type Processors = { [N in JobName]: (data: JobPayloads[N]) => Promise<JobOutcome> };

/** Producer side of the job system. */
export type JobQueue = {
	readonly kind: "bullmq" | "local";
	add(jobs: JobRequest[]): Promise<void>;
	/** Registers the periodic sweep (idempotent across processes). */
	scheduleSweep(everyMs: number): Promise<void>;
	/**
	 * True the first time it runs against a fresh queue store (first start, or Redis restarted
	 * without its data): the caller then recomputes every account, since queued jobs may be lost.
	 */
	checkEpoch(): Promise<boolean>;
	/** True when the store answers now (Redis answers a PING within a second; always for the in-process queue). */
	reachable(): Promise<boolean>;
	/** Jobs waiting, delayed, active and failed per queue (metrics, status). */
	counts(): Promise<Record<QueueName, Record<string, number>>>;
	close(): Promise<void>;
};

/** Consumer side: runs the processors until closed (draining active jobs). */
export type JobWorkers = { close(): Promise<void> };

/** Retry policy per job name: attempts and the first backoff delay (doubling after). */
export const RETRY: Record<JobName, { attempts: number; backoffMs: number }> = {
	"entitlement.recompute": { attempts: 8, backoffMs: 250 },
	"entitlement.recompute-all": { attempts: 8, backoffMs: 1_000 },
	"entitlement.recompute-page": { attempts: 8, backoffMs: 1_000 },
	"entitlement.critical-check": { attempts: 8, backoffMs: 1_000 },
	"webhook.deliver": { attempts: 10, backoffMs: 1_000 },
};

/** A new fan-out of every account. */
export const RECOMPUTE_ALL: JobRequest = { name: "entitlement.recompute-all", data: { run: null, after: null } };

/** A stable job id where duplicates must collapse into one job; undefined otherwise. */
export function jobIdOf(job: JobRequest): string | undefined {
	switch (job.name) {
		case "entitlement.recompute-all":
			return job.data.run === null ? undefined : `recompute-all.${job.data.run}.${job.data.after ?? "start"}`;
		case "entitlement.recompute-page":
			return `recompute-page.${job.data.run}.${job.data.after ?? "start"}`;
		case "entitlement.critical-check":
			return `critical.${job.data.address}.${job.data.at}`;
		case "webhook.deliver":
			return `delivery.${job.data.deliveryId}`;
		case "entitlement.recompute":
			return undefined;
	}
}

/** Wait before a recompute runs by default, collapsing bursts of changes to one account, ms. */
export const DEFAULT_DEBOUNCE_MS = 200;

/**
 * The key under which both back-ends collapse duplicates: one waiting (and at most one running)
 * recompute per address; the job id for the others; undefined when nothing collapses.
 */
export function dedupKeyOf(job: JobRequest): string | undefined {
	return job.name === "entitlement.recompute" ? `recompute.${job.data.address}` : jobIdOf(job);
}

/** When a job runs after it is added, ms: its own delay, else the debounce for a recompute. */
export function delayOf(job: JobRequest, debounceMs: number): number {
	return job.delayMs ?? (job.name === "entitlement.recompute" ? debounceMs : 0);
}
