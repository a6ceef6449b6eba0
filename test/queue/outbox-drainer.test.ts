/** The outbox drainer on PGlite with hand-written queues: its backoff, and what it does on a new queue epoch. */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { createLogger } from "../../src/lib/logger.ts";
import type { JobQueue, JobRequest } from "../../src/queue/jobs.ts";
import { startOutboxDrainer } from "../../src/queue/outbox.ts";
import { createPgliteDatabase } from "../helpers/database.ts";

const logger = createLogger("silent");
let database: Database;
beforeEach(async () => {
	database = await createPgliteDatabase();
});
afterEach(async () => {
	await database.close();
});

/** A queue that records every call; `add` throws while `failing`. */
function fakeQueue(options: { failing?: boolean; newEpoch?: boolean } = {}) {
	const calls = { adds: 0, jobs: [] as JobRequest[], sweeps: [] as number[] };
	let epoch = options.newEpoch ?? false;
	const queue: JobQueue = {
		kind: "bullmq",
		async add(jobs) {
			calls.adds++;
			if (options.failing) throw new Error("Redis is away");
			calls.jobs.push(...jobs);
		},
		async scheduleSweep(everyMs) {
			calls.sweeps.push(everyMs);
		},
		async checkEpoch() {
			const fresh = epoch;
			epoch = false;
			return fresh;
		},
		async reachable() {
			return !options.failing;
		},
		async counts() {
			return { entitlements: {}, webhooks: {} };
		},
		async close() {},
	};
	return { queue, calls };
}

async function until(check: () => boolean, what: string) {
	for (let i = 0; i < 2_000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
	if (!check()) throw new Error(`never happened: ${what}`);
}

async function pendingDelivery(ageSeconds: number): Promise<string> {
	const webhook = randomUUID();
	await sql`insert into webhooks (id, url, events, secret) values (${webhook}, 'https://hooks.example/', '{*}', 'secret')`.execute(
		database.db,
	);
	const { rows } = await sql<{ id: bigint }>`insert into webhook_deliveries (webhook_id, event, body, created_at)
		values (${webhook}, 'alert.opened', '{}', now() - make_interval(secs => ${ageSeconds})) returning id`.execute(database.db);
	return String(rows[0]?.id);
}

describe("startOutboxDrainer()", () => {
	it("keeps its backoff while the queue fails, however often a commit wakes it", async () => {
		await sql`insert into outbox (address, chain) values ('0x00000000000000000000000000000000000000a1', 'ETH')`.execute(database.db);
		const { queue, calls } = fakeQueue({ failing: true });
		const drainer = startOutboxDrainer({ db: database.db, queue, logger, sweepEveryMs: 600_000, retryBaseMs: 60_000 });
		try {
			await until(() => calls.adds === 1, "the first failed drain");
			for (let i = 0; i < 100; i++) {
				drainer.wake();
				await new Promise((r) => setTimeout(r, 1));
			}
			expect(calls.adds).toBe(1);
		} finally {
			await drainer.stop();
		}
		const { rows } = await sql<{ n: bigint }>`select count(*) as n from outbox`.execute(database.db);
		expect(rows[0]?.n).toBe(1n); // nothing lost: the row waits for the next drain
	});

	it("on a new queue epoch registers the sweep, fans out and re-enqueues every pending delivery", async () => {
		const young = await pendingDelivery(1);
		const old = await pendingDelivery(3_600);
		await sql`update webhook_deliveries set status = 'delivered' where id = ${old}`.execute(database.db);
		const oldPending = await pendingDelivery(3_600);
		const { queue, calls } = fakeQueue({ newEpoch: true });
		const drainer = startOutboxDrainer({ db: database.db, queue, logger, sweepEveryMs: 20_000 });
		try {
			await until(() => calls.jobs.some((j) => j.name === "webhook.deliver"), "deliveries re-enqueued");
		} finally {
			await drainer.stop();
		}
		expect(calls.sweeps).toEqual([20_000]);
		expect(calls.jobs.filter((j) => j.name === "entitlement.recompute-all")).toHaveLength(1);
		const deliveries = calls.jobs.flatMap((j) => (j.name === "webhook.deliver" ? [j.data.deliveryId] : []));
		expect(deliveries.sort()).toEqual([young, oldPending].sort());
	});

	it("re-enqueues deliveries pending for over a minute when the epoch is unchanged", async () => {
		await pendingDelivery(1);
		const stale = await pendingDelivery(120);
		const { queue, calls } = fakeQueue();
		const drainer = startOutboxDrainer({ db: database.db, queue, logger, sweepEveryMs: 20_000 });
		try {
			await until(() => calls.jobs.some((j) => j.name === "webhook.deliver"), "stale deliveries re-enqueued");
		} finally {
			await drainer.stop();
		}
		expect(calls.sweeps).toEqual([20_000]); // registered on the first pass, with this process's interval
		expect(calls.jobs).toEqual([{ name: "webhook.deliver", data: { deliveryId: stale } }]);
	});
});
