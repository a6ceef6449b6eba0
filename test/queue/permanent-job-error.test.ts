/** A job that hits a database error retrying cannot fix fails once, on both back-ends, and /metrics counts it. */
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessors } from "../../jobs/processors.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createMetrics } from "../../src/lib/metrics.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";
import { startJobSystem } from "../../src/queue/job-system.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { eventually } from "../helpers/system.ts";

const REDIS_URL = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;
let database: TestDatabase;

beforeAll(async () => {
	database = await createTestDatabase();
	// Every entitlement write violates a check: no retry can make it pass.
	await sql
		.raw(`create sequence attempts;
		create function refuse() returns trigger language plpgsql as $$
		begin
			perform nextval('attempts');
			raise exception 'refused by the test' using errcode = '23514';
		end $$;
		create trigger refuse before insert on entitlements for each row execute function refuse();`)
		.execute(database.db);
});
afterAll(async () => {
	await database?.drop();
});

/** How many times a recompute tried to write (sequences are not rolled back). */
async function attempts(): Promise<bigint> {
	const { rows } = await sql<{ n: bigint }>`select last_value - 1 + (case when is_called then 1 else 0 end) as n from attempts`.execute(
		database.db,
	);
	return rows[0]?.n ?? 0n;
}

async function system(prefix?: string) {
	const metrics = createMetrics();
	const jobs = await startJobSystem({
		redisUrl: prefix ? REDIS_URL : null,
		prefix,
		workers: true,
		processors: createProcessors({ db: database.db, chains: ["ETH"], settings: getDefaultSettings(), horizonSeconds: 86_400 }),
		concurrency: 1,
		debounceMs: 0,
		logger: createLogger("silent"),
		metrics,
	});
	return { jobs, metrics };
}

const permanentCount = async (metrics: ReturnType<typeof createMetrics>) =>
	(await metrics.jobs.get()).values.find((v) => v.labels.name === "entitlement.recompute" && v.labels.outcome === "permanent")?.value ?? 0;

describe("a permanent database error in a job", () => {
	it("fails the job once in the in-process queue", async () => {
		const before = await attempts();
		const { jobs, metrics } = await system();
		try {
			await jobs.queue.add([{ name: "entitlement.recompute", data: { address: `0x${randomBytes(20).toString("hex")}` } }]);
			await eventually(async () => ((await jobs.queue.counts()).entitlements.failed === 1 ? true : undefined), 90_000, "the failed job");
			expect((await attempts()) - before).toBe(1n);
			expect(await permanentCount(metrics)).toBe(1);
		} finally {
			await jobs.close();
		}
	});

	it("fails the job once on BullMQ (UnrecoverableError)", async () => {
		const before = await attempts();
		const prefix = `test-permanent-${randomBytes(4).toString("hex")}`;
		const { jobs, metrics } = await system(prefix);
		const queue = new Queue("entitlements", { connection: { url: REDIS_URL }, prefix });
		try {
			await jobs.queue.add([{ name: "entitlement.recompute", data: { address: `0x${randomBytes(20).toString("hex")}` } }]);
			const [failed] = await eventually(async () => {
				const list = await queue.getFailed();
				return list.length > 0 ? list : undefined;
			}, 90_000);
			expect(failed?.attemptsMade).toBe(1);
			expect(failed?.failedReason).toContain("refused by the test");
			expect((await attempts()) - before).toBe(1n);
			expect(await permanentCount(metrics)).toBe(1);
		} finally {
			await queue.obliterate({ force: true });
			await queue.close();
			await jobs.close();
		}
	});
});
