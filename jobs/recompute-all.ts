import { sql } from "kysely";
import type { Db } from "../src/db/database.ts";
import type { JobQueue } from "../src/queue/jobs.ts";

/** Accounts recomputed per page of the fan-out. */
export const FAN_OUT_PAGE = 1_000;

/**
 * One page of "recompute every account": enqueues a recompute for the next `FAN_OUT_PAGE` known
 * accounts (anyone with a balance, a stream, a resource or an entitlement) after `after`, then the
 * next page. The first page also re-enqueues webhook deliveries left pending by a crash.
 */
export async function recomputeAllPage(db: Db, queue: JobQueue, after: string | null): Promise<{ accounts: number; next: string | null }> {
	const { rows } = await sql<{ address: string }>`select address from (
		select address from balances union select address from stream_accounts
		union select owner from resources union select address from entitlements) a
		where address > ${after ?? ""} order by address limit ${FAN_OUT_PAGE}`.execute(db);
	const next = rows.length === FAN_OUT_PAGE ? (rows.at(-1)?.address ?? null) : null;
	await queue.add([
		...rows.map((r) => ({ name: "entitlement.recompute" as const, data: { address: r.address } })),
		...(next ? [{ name: "entitlement.recompute-all" as const, data: { after: next } }] : []),
	]);
	if (after === null) {
		const stale = await db
			.selectFrom("webhook_deliveries")
			.select("id")
			.where("status", "=", "pending")
			.where("created_at", "<", new Date(Date.now() - 60_000))
			.execute();
		await queue.add(stale.map((d) => ({ name: "webhook.deliver" as const, data: { deliveryId: d.id.toString() } })));
	}
	return { accounts: rows.length, next };
}
