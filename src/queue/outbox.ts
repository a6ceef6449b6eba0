import { sql } from "kysely";
import type { Db, Trx } from "../db/database.ts";
import { describeError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { backoffMs } from "../lib/sleep.ts";
import { type JobQueue, type JobRequest, RECOMPUTE_ALL } from "./jobs.ts";

const BATCH = 5_000;

/**
 * Puts accounts whose entitlement inputs changed in the outbox, in the caller's transaction (the
 * one that changed them). `source` is the chain, or `ledger` for a resource change.
 */
export async function addToOutbox(trx: Trx, source: string, addresses: string[]): Promise<void> {
	if (addresses.length === 0) return;
	await sql`insert into outbox (address, chain) select a, ${source} from unnest(${addresses}::text[]) as a`.execute(trx);
}

/**
 * Moves the outbox (accounts whose inputs changed, written in the same transaction as the
 * change) into the entitlement queue: rows are deleted in the transaction that enqueues their
 * jobs, so a crash or a queue failure before the commit leaves them for the next pass (at least
 * once). Several drainers can run at once (SKIP LOCKED). Returns the number of rows moved.
 */
export async function drainOutbox(db: Db, queue: JobQueue): Promise<number> {
	let moved = 0;
	for (;;) {
		const count = await db.transaction().execute(async (trx) => {
			const { rows } = await sql<{ address: string }>`delete from outbox where id in (
				select id from outbox order by id limit ${BATCH} for update skip locked) returning address`.execute(trx);
			const addresses = [...new Set(rows.map((r) => r.address))];
			if (addresses.length > 0) await queue.add(addresses.map((address) => ({ name: "entitlement.recompute", data: { address } })));
			return rows.length;
		});
		moved += count;
		if (count < BATCH) return moved;
	}
}

/**
 * Webhook deliveries waiting for their job: all pending ones, or those pending for over
 * `olderThanSeconds` (by the database's clock). Their job ids are idempotent (`delivery.<id>`), so
 * adding one that is still queued, in backoff or running changes nothing.
 */
async function pendingDeliveries(db: Db, olderThanSeconds?: number): Promise<JobRequest[]> {
	const { rows } = await sql<{ id: string }>`select id::text as id from webhook_deliveries where status = 'pending'
		${olderThanSeconds === undefined ? sql`` : sql`and created_at < now() - make_interval(secs => ${olderThanSeconds})`} order by id`.execute(
		db,
	);
	return rows.map((r) => ({ name: "webhook.deliver", data: { deliveryId: r.id } }));
}

/** A delivery pending this long has lost its job (a crash between its commit and the enqueue): enqueue it again. */
const STALE_DELIVERY_SECONDS = 60;

export type OutboxDrainerOptions = {
	db: Db;
	queue: JobQueue;
	logger: Logger;
	/** Period of the sweep registered with the queue (`SWEEP_INTERVAL_SECONDS`), ms. */
	sweepEveryMs: number;
	/** Run once, after the first pass that reached the queue (a fan-out on changed aggregates). */
	onStart?: () => Promise<void>;
	/** Drain at least this often, ms. Default: `1000`. */
	intervalMs?: number;
	/** Ask the queue whether its store was reset this often, ms. Default: `5000`. */
	epochCheckMs?: number;
	/** Enqueue deliveries pending for over a minute this often, ms. Default: `60000`. */
	staleDeliveryCheckMs?: number;
	/** First delay after a failed pass, doubling up to 10 s (with jitter), ms. Default: `250`. */
	retryBaseMs?: number;
};

/**
 * The bridge from the database to the queue. It drains the outbox whenever `wake()` is called
 * (after a commit) and every `intervalMs` anyway. On its first pass that reaches the queue and then
 * every `epochCheckMs` it asks the queue whether its store is new (first start, or Redis restarted
 * without persistence): then it registers the periodic sweep, fans out a recompute of every
 * account and enqueues every pending webhook delivery, since whatever the store held is gone
 * (on a first pass against a known store it only registers the sweep, with this process's
 * interval). After that first pass it runs `onStart` once. On that pass and every
 * `staleDeliveryCheckMs` it enqueues the deliveries pending for over a minute (lost between their
 * commit and their enqueue). A failed pass backs off; a wake does not cut that wait short (it
 * only makes the next pass drain at once).
 */
export function startOutboxDrainer(options: OutboxDrainerOptions) {
	const { db, queue, logger } = options;
	const controller = new AbortController();
	let wakeUp: (() => void) | undefined;
	let pending = false;
	let failures = 0;

	async function onNewEpoch() {
		logger.info("Queue store is new or was reset: registering the sweep, recomputing every account, enqueuing pending webhook deliveries");
		await queue.scheduleSweep(options.sweepEveryMs);
		await queue.add([RECOMPUTE_ALL, ...(await pendingDeliveries(db))]);
	}

	const loop = (async () => {
		let started = false;
		let epochOwed = false;
		let epochCheckedAt = 0;
		let staleCheckedAt: number | null = null;
		while (!controller.signal.aborted) {
			pending = false;
			try {
				await drainOutbox(db, queue);
				if (!started || performance.now() - epochCheckedAt > (options.epochCheckMs ?? 5_000)) {
					// The store marks the epoch seen at once: until its work is done, this process owes it.
					if (await queue.checkEpoch()) epochOwed = true;
					else if (!started) await queue.scheduleSweep(options.sweepEveryMs);
					epochCheckedAt = performance.now();
				}
				if (epochOwed) {
					await onNewEpoch();
					epochOwed = false;
					staleCheckedAt = performance.now(); // every pending delivery was just enqueued
				}
				if (!started) {
					await options.onStart?.();
					started = true;
				}
				if (staleCheckedAt === null || performance.now() - staleCheckedAt > (options.staleDeliveryCheckMs ?? 60_000)) {
					const stale = await pendingDeliveries(db, STALE_DELIVERY_SECONDS);
					if (stale.length > 0) await queue.add(stale);
					staleCheckedAt = performance.now();
				}
				failures = 0;
			} catch (error) {
				failures++;
				logger.warn({ err: describeError(error), failures }, "Could not drain the outbox; retrying");
			}
			if (pending && failures === 0) continue;
			// One timer per wait, cleared when a wake (only while healthy) or the stop ends it first.
			await new Promise<void>((resolve) => {
				const base = options.retryBaseMs ?? 250;
				const delay = failures > 0 ? backoffMs(failures, base, Math.max(base, 10_000)) : (options.intervalMs ?? 1_000);
				const timer = setTimeout(done, delay);
				wakeUp = done;
				function done() {
					clearTimeout(timer);
					wakeUp = undefined;
					resolve();
				}
			});
		}
	})();
	return {
		wake() {
			pending = true;
			if (failures === 0) wakeUp?.();
		},
		async stop() {
			controller.abort();
			wakeUp?.();
			await loop;
		},
	};
}
