import { sql } from "kysely";
import type { Db, Trx } from "../db/database.ts";
import { describeError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { type JobQueue, RECOMPUTE_ALL } from "./jobs.ts";

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
 * Drains the outbox whenever `wake()` is called (after a commit) and every `intervalMs` anyway.
 * Every `epochCheckMs` it also asks the queue whether its store was reset (Redis restarted
 * without persistence) and then fans out a recompute of every account.
 */
export function startOutboxDrainer(options: { db: Db; queue: JobQueue; logger: Logger; intervalMs?: number; epochCheckMs?: number }) {
	const { db, queue, logger } = options;
	const controller = new AbortController();
	let wakeUp: (() => void) | undefined;
	let pending = false;
	const loop = (async () => {
		let failures = 0;
		let epochCheckedAt = 0;
		while (!controller.signal.aborted) {
			pending = false;
			try {
				await drainOutbox(db, queue);
				if (Date.now() - epochCheckedAt > (options.epochCheckMs ?? 5_000)) {
					epochCheckedAt = Date.now();
					if (await queue.checkEpoch()) {
						logger.info("Queue store is new or was reset: recomputing every account");
						await queue.add([RECOMPUTE_ALL]);
					}
				}
				failures = 0;
			} catch (error) {
				failures++;
				logger.warn({ err: describeError(error), failures }, "Could not drain the outbox; retrying");
			}
			if (pending) continue;
			// One timer per wait, cleared when a wake or the stop ends it first.
			await new Promise<void>((resolve) => {
				const timer = setTimeout(done, failures > 0 ? Math.min(10_000, 250 * 2 ** failures) : (options.intervalMs ?? 1_000));
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
			wakeUp?.();
		},
		async stop() {
			controller.abort();
			wakeUp?.();
			await loop;
		},
	};
}
