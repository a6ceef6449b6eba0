import { isPermanentDatabaseError } from "../db/errors.ts";
import { PermanentError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import { DeferredJob, type JobName, type JobQueue, type Processors, QUEUE_OF } from "./jobs.ts";

export type RunJobDeps = {
	processors: Processors;
	/** Where the processor's follow-up jobs go. */
	queue: Pick<JobQueue, "add">;
	logger: Logger;
	metrics?: Metrics;
};

/** One attempt of a job, as a back-end hands it over (`attempt` counts from 0). */
export type JobAttempt = { name: string; data: unknown; attempt: number; id?: string };

/**
 * How an attempt ended. A `permanent` failure must not be retried (a `PermanentError`, a database
 * error that retrying cannot fix, an unknown job). A `deferred` job asked to run again after `delayMs` without spending an attempt.
 */
export type JobRun =
	| { ok: true; result: unknown }
	| { ok: false; deferredMs: number }
	| { ok: false; deferredMs?: undefined; error: unknown; permanent: boolean };

/**
 * Runs one attempt of a job the same way on every back-end: the processor, then its follow-up
 * jobs enqueued (a failure to enqueue fails the attempt, so the job runs again), the job metrics
 * (outcome `completed`, `failed` or `permanent`), and one "Job failed" warning per failed attempt.
 */
export async function runJob(deps: RunJobDeps, job: JobAttempt): Promise<JobRun> {
	const { logger, metrics } = deps;
	const processor = deps.processors[job.name as JobName] as ((data: unknown) => ReturnType<Processors[JobName]>) | undefined;
	if (!processor) {
		logger.warn({ job: job.name, job_id: job.id }, "Job failed: no processor for this job name");
		return { ok: false, error: new PermanentError(`no processor for job ${job.name}`), permanent: true };
	}
	const labels = { queue: QUEUE_OF[job.name as JobName], name: job.name };
	const started = performance.now();
	try {
		const outcome = await processor(job.data);
		if (outcome.next && outcome.next.length > 0) await deps.queue.add(outcome.next);
		metrics?.jobs.inc({ ...labels, outcome: "completed" });
		return { ok: true, result: outcome.result };
	} catch (error) {
		if (error instanceof DeferredJob) return { ok: false, deferredMs: error.delayMs };
		const permanent = error instanceof PermanentError || isPermanentDatabaseError(error);
		metrics?.jobs.inc({ ...labels, outcome: permanent ? "permanent" : "failed" });
		logger.warn({ job: job.name, job_id: job.id, attempt: job.attempt + 1, permanent, err: error }, "Job failed");
		return { ok: false, error, permanent };
	} finally {
		metrics?.jobSeconds.observe(labels, (performance.now() - started) / 1000);
	}
}
