import { sql, type Transaction } from "kysely";
import type { Db } from "../db/database.ts";
import type { Tables } from "../db/schema.ts";
import { type AlertCondition, computeEntitlement, type Entitlement } from "../domain/entitlement.ts";
import type { Settings } from "../pricing/index.ts";
import type { JobQueue, JobRequest } from "../queue/jobs.ts";
import { inputsToJson, loadEntitlementInputs } from "./inputs.ts";

export type RecomputeDeps = {
	db: Db;
	queue: JobQueue;
	chains: string[];
	settings: Settings;
	horizonSeconds: number;
	/** Unix seconds; tests move time. */
	now?: () => bigint;
};

export type AlertEvent = {
	event: "alert.opened" | "alert.resolved";
	alert: { id: string; address: string; kind: string; subject: string; detail: unknown; openedAt: string; resolvedAt: string | null };
};

/**
 * Recomputes one account: reads its inputs in one snapshot, computes the entitlement, stores it,
 * opens alerts for new conditions and resolves those that vanished, writes one webhook delivery
 * per subscribed webhook and transition — all in one transaction — then enqueues the deliveries
 * and the checks at the moments its streams will cross the alert horizon and go critical.
 */
export async function recomputeEntitlement(
	deps: RecomputeDeps,
	address: string,
): Promise<{ entitlement: Entitlement; events: AlertEvent[] }> {
	const now = deps.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
	const { entitlement, events, deliveries } = await deps.db
		.transaction()
		.setIsolationLevel("repeatable read")
		.execute(async (trx) => {
			const inputs = await loadEntitlementInputs(trx, address, deps.chains);
			const entitlement = computeEntitlement(inputs, { now, settings: deps.settings, horizonSeconds: deps.horizonSeconds });
			const asOf = Object.fromEntries(Object.entries(entitlement.asOf).map(([c, b]) => [c, b.toString()]));
			await trx
				.insertInto("entitlements")
				.values({
					address,
					status: entitlement.status,
					balance: entitlement.balance,
					locked_hold: entitlement.lockedHold,
					critical_at: entitlement.criticalAt,
					inputs: sql`${JSON.stringify(inputsToJson(inputs))}::jsonb`,
					as_of: sql`${JSON.stringify(asOf)}::jsonb`,
					computed_at: new Date(Number(now) * 1000),
				})
				.onConflict((oc) =>
					oc.column("address").doUpdateSet((eb) => ({
						status: eb.ref("excluded.status"),
						balance: eb.ref("excluded.balance"),
						locked_hold: eb.ref("excluded.locked_hold"),
						critical_at: eb.ref("excluded.critical_at"),
						inputs: eb.ref("excluded.inputs"),
						as_of: eb.ref("excluded.as_of"),
						computed_at: eb.ref("excluded.computed_at"),
						recomputes: sql`entitlements.recomputes + 1`,
					})),
				)
				.execute();
			const events = await transitionAlerts(trx, address, entitlement.conditions);
			const deliveries = await recordDeliveries(trx, events);
			return { entitlement, events, deliveries };
		});

	const jobs: JobRequest[] = deliveries.map((id) => ({ name: "webhook.deliver", data: { deliveryId: id } }));
	for (const s of Object.values(entitlement.streams)) {
		if (s.criticalAt === null) continue;
		// Recompute when the stream enters the alert horizon and when it goes critical.
		for (const at of [s.criticalAt - BigInt(deps.horizonSeconds), s.criticalAt]) {
			if (at > now) jobs.push({ name: "entitlement.critical-check", data: { address, at: Number(at) }, delayMs: Number(at - now) * 1000 });
		}
	}
	if (jobs.length > 0) await deps.queue.add(jobs);
	return { entitlement, events };
}

type Trx = Transaction<Tables>;

async function transitionAlerts(trx: Trx, address: string, conditions: AlertCondition[]): Promise<AlertEvent[]> {
	const open = await trx.selectFrom("alerts").selectAll().where("address", "=", address).where("status", "=", "open").execute();
	const key = (kind: string, subject: string) => `${kind}|${subject}`;
	const wanted = new Map(conditions.map((c) => [key(c.kind, c.subject), c]));
	const events: AlertEvent[] = [];
	for (const alert of open) {
		if (wanted.has(key(alert.kind, alert.subject))) continue;
		const resolved = await trx
			.updateTable("alerts")
			.set({ status: "resolved", resolved_at: new Date() })
			.where("id", "=", alert.id)
			.returningAll()
			.executeTakeFirstOrThrow();
		events.push({ event: "alert.resolved", alert: alertJson(resolved) });
	}
	const present = new Set(open.map((a) => key(a.kind, a.subject)));
	for (const [k, c] of wanted) {
		if (present.has(k)) continue;
		const opened = await trx
			.insertInto("alerts")
			.values({
				address,
				kind: c.kind,
				subject: c.subject,
				status: "open",
				detail: sql`${JSON.stringify(c.detail)}::jsonb`,
				resolved_at: null,
			})
			.onConflict((oc) => oc.columns(["address", "kind", "subject"]).where("status", "=", "open").doNothing())
			.returningAll()
			.executeTakeFirst();
		if (opened) events.push({ event: "alert.opened", alert: alertJson(opened) });
	}
	return events;
}

function alertJson(row: {
	id: bigint;
	address: string;
	kind: string;
	subject: string;
	detail: unknown;
	opened_at: Date;
	resolved_at: Date | null;
}): AlertEvent["alert"] {
	return {
		id: row.id.toString(),
		address: row.address,
		kind: row.kind,
		subject: row.subject,
		detail: row.detail,
		openedAt: row.opened_at.toISOString(),
		resolvedAt: row.resolved_at?.toISOString() ?? null,
	};
}

async function recordDeliveries(trx: Trx, events: AlertEvent[]): Promise<string[]> {
	if (events.length === 0) return [];
	const hooks = await trx.selectFrom("webhooks").select(["id", "events"]).execute();
	const rows = events.flatMap((e) =>
		hooks
			.filter((h) => h.events.includes(e.event) || h.events.includes("*"))
			.map((h) => ({ webhook_id: h.id, event: e.event, body: JSON.stringify({ event: e.event, alert: e.alert }) })),
	);
	if (rows.length === 0) return [];
	const inserted = await trx
		.insertInto("webhook_deliveries")
		.values(
			rows.map((r) => ({
				...r,
				status: "pending" as const,
				last_status_code: null,
				last_error: null,
				delivered_at: null,
				next_attempt_at: null,
			})),
		)
		.returning("id")
		.execute();
	return inserted.map((r) => r.id.toString());
}
