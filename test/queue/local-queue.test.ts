/** The job runner and the in-process queue, with hand-written processors: no Redis, no database. */
import { describe, expect, it } from "vitest";
import { PermanentError } from "../../src/lib/errors.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/lib/metrics.ts";
import type { JobOutcome, JobRequest, Processors } from "../../src/queue/jobs.ts";
import { createLocalQueue } from "../../src/queue/local.ts";
import { runJob } from "../../src/queue/run-job.ts";

const logger = createLogger("silent");
const idle = async (): Promise<JobOutcome> => ({});

/** Processors that do nothing, with some replaced. */
function processors(overrides: Partial<Processors> = {}): Processors {
	return {
		"entitlement.recompute": idle,
		"entitlement.recompute-all": idle,
		"entitlement.recompute-page": idle,
		"entitlement.critical-check": idle,
		"webhook.deliver": idle,
		...overrides,
	};
}

/** A promise with its resolve, to hold a job open. */
function gate() {
	let open = () => {};
	const opened = new Promise<void>((resolve) => {
		open = resolve;
	});
	return { open, opened };
}

/** Waits until `check()` holds, yielding to timers in between. */
async function until(check: () => boolean, what: string) {
	for (let i = 0; i < 2_000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
	if (!check()) throw new Error(`never happened: ${what}`);
}

describe("runJob()", () => {
	const recompute = (address: string): JobRequest => ({ name: "entitlement.recompute", data: { address } });

	it("enqueues the follow-up jobs a processor returns, and counts the job", async () => {
		const added: JobRequest[] = [];
		const metrics = createMetrics();
		const run = await runJob(
			{
				processors: processors({
					"entitlement.critical-check": async ({ address }) => ({ result: "checked", next: [recompute(address)] }),
				}),
				queue: { add: async (jobs) => void added.push(...jobs) },
				logger,
				metrics,
			},
			{ name: "entitlement.critical-check", data: { address: "0xa", at: 1 }, attempt: 0 },
		);
		expect(run).toEqual({ ok: true, result: "checked" });
		expect(added).toEqual([recompute("0xa")]);
		const counted = (await metrics.jobs.get()).values.map((v) => [v.labels.name, v.labels.outcome, v.value]);
		expect(counted).toEqual([["entitlement.critical-check", "completed", 1]]);
	});

	it("fails the attempt, retryably, when its follow-ups cannot be enqueued", async () => {
		const run = await runJob(
			{
				processors: processors({ "entitlement.critical-check": async ({ address }) => ({ next: [recompute(address)] }) }),
				queue: {
					add: async () => {
						throw new Error("Redis is down");
					},
				},
				logger,
			},
			{ name: "entitlement.critical-check", data: { address: "0xa", at: 1 }, attempt: 0 },
		);
		expect(run).toMatchObject({ ok: false, permanent: false, error: new Error("Redis is down") });
	});

	it("enqueues nothing for a failed processor, and calls a PermanentError or an unknown job permanent", async () => {
		const added: JobRequest[] = [];
		const deps = {
			processors: processors({
				"webhook.deliver": async () => {
					throw new PermanentError("gone");
				},
			}),
			queue: { add: async (jobs: JobRequest[]) => void added.push(...jobs) },
			logger,
		};
		expect(await runJob(deps, { name: "webhook.deliver", data: { deliveryId: "1" }, attempt: 0 })).toMatchObject({
			ok: false,
			permanent: true,
		});
		expect(await runJob(deps, { name: "no.such.job", data: {}, attempt: 0 })).toMatchObject({ ok: false, permanent: true });
		expect(added).toEqual([]);
	});
});

describe("createLocalQueue()", () => {
	it("runs one recompute per address at a time: adds while one waits collapse, an add while it runs runs once more after it", async () => {
		const held = gate();
		const runs: string[] = [];
		const queue = createLocalQueue({
			processors: processors({
				"entitlement.recompute": async ({ address }) => {
					runs.push(address);
					if (runs.length === 1) await held.opened;
					return {};
				},
			}),
			concurrency: 4,
			debounceMs: 0,
			logger,
		});
		await queue.add([{ name: "entitlement.recompute", data: { address: "0xa" } }]);
		await until(() => runs.length === 1, "the first run");
		// Three adds while it runs leave exactly one more run.
		for (let i = 0; i < 3; i++) await queue.add([{ name: "entitlement.recompute", data: { address: "0xa" } }]);
		await queue.add([{ name: "entitlement.recompute", data: { address: "0xb" } }]);
		await until(() => runs.includes("0xb"), "0xb runs beside it");
		held.open();
		await until(() => runs.length === 3, "the rerun");
		await queue.close();
		expect(runs).toEqual(["0xa", "0xb", "0xa"]);
		expect((await queue.counts()).entitlements).toMatchObject({ completed: 3, failed: 0, waiting: 0, delayed: 0, active: 0 });
	});

	it("runs the follow-up jobs a processor returns", async () => {
		const recomputed: string[] = [];
		const queue = createLocalQueue({
			processors: processors({
				"entitlement.critical-check": async ({ address }) => ({ next: [{ name: "entitlement.recompute", data: { address }, delayMs: 0 }] }),
				"entitlement.recompute": async ({ address }) => {
					recomputed.push(address);
					return {};
				},
			}),
			concurrency: 1,
			debounceMs: 0,
			logger,
		});
		await queue.add([{ name: "entitlement.critical-check", data: { address: "0xc", at: 1 } }]);
		await until(() => recomputed.length === 1, "the recompute");
		await queue.close();
		expect(recomputed).toEqual(["0xc"]);
	});

	it("retries a failing job until it succeeds, and never retries a permanent failure", async () => {
		let attempts = 0;
		let permanent = 0;
		const queue = createLocalQueue({
			processors: processors({
				"entitlement.recompute": async () => {
					attempts++;
					if (attempts < 3) throw new Error("database restarting");
					return {};
				},
				"webhook.deliver": async () => {
					permanent++;
					throw new PermanentError("receiver removed");
				},
			}),
			concurrency: 2,
			debounceMs: 0,
			logger,
		});
		await queue.add([
			{ name: "entitlement.recompute", data: { address: "0xd" } },
			{ name: "webhook.deliver", data: { deliveryId: "7" } },
		]);
		await until(() => attempts === 3 && permanent === 1, "the third attempt and the delivery");
		// A retry would be scheduled (delayed) at once; a permanent failure is counted failed instead.
		const counts = await queue.counts();
		await queue.close();
		expect(counts.entitlements).toMatchObject({ completed: 1, failed: 0, delayed: 0 });
		expect(counts.webhooks).toMatchObject({ completed: 0, failed: 1, delayed: 0, waiting: 0 });
	});
});
