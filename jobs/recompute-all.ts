import { sql } from "kysely";
import { type RecomputeDeps, recomputeEntitlements } from "../src/entitlements/recompute.ts";

/** Accounts recomputed per page of the fan-out, in one transaction. */
export const FAN_OUT_PAGE = 1_000;

/**
 * One page of "recompute every account": takes the next `FAN_OUT_PAGE` known accounts (anyone
 * with a balance, a stream, a resource or an entitlement) after `after`, enqueues the next page
 * at once (so several workers share the fan-out), then recomputes this page in one batch. The
 * first page also re-enqueues webhook deliveries left pending by a crash.
 */
export async function recomputeAllPage(
	deps: RecomputeDeps,
	run: string,
	after: string | null,
): Promise<{ accounts: number; next: string | null }> {
	const { db, queue } = deps;
	const from = after ?? "";
	const { rows } = await sql<{ address: string }>`select address from (
		(select address from balances where address > ${from} order by address limit ${FAN_OUT_PAGE})
		union (select address from stream_accounts where address > ${from} order by address limit ${FAN_OUT_PAGE})
		union (select owner from resources where owner > ${from} order by owner limit ${FAN_OUT_PAGE})
		union (select address from entitlements where address > ${from} order by address limit ${FAN_OUT_PAGE})
	) a order by address limit ${FAN_OUT_PAGE}`.execute(db);
	const next = rows.length === FAN_OUT_PAGE ? (rows.at(-1)?.address ?? null) : null;
	if (next) await queue.add([{ name: "entitlement.recompute-all", data: { run, after: next } }]);
	if (after === null) {
		const stale = await db
			.selectFrom("webhook_deliveries")
			.select("id")
			.where("status", "=", "pending")
			.where("created_at", "<", new Date(Date.now() - 60_000))
			.execute();
		await queue.add(stale.map((d) => ({ name: "webhook.deliver" as const, data: { deliveryId: d.id.toString() } })));
	}
	await recomputeEntitlements(
		deps,
		rows.map((r) => r.address),
	);
	return { accounts: rows.length, next };
}
