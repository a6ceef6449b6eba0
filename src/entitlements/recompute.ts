import { sql, type Transaction } from "kysely";
import type { Db } from "../db/database.ts";
import type { Tables } from "../db/schema.ts";
import { type AlertCondition, computeEntitlement, type Entitlement } from "../domain/entitlement.ts";
import type { Settings } from "../pricing/index.ts";
import type { JobRequest } from "../queue/jobs.ts";
import { inputsToJson, loadEntitlementInputsMany } from "./inputs.ts";

export type RecomputeDeps = {
	db: Db;
	chains: string[];
	settings: Settings;
	horizonSeconds: number;
	/** A network feed is configured: credit balances are known (once backfilled) and alert. */
	creditFeed?: boolean;
	/** Unix seconds; tests move time. */
	now?: () => bigint;
};

export type AlertEvent = {
	event: "alert.opened" | "alert.resolved";
	alert: { id: string; address: string; kind: string; subject: string; detail: unknown; openedAt: string; resolvedAt: string | null };
};

type Trx = Transaction<Tables>;

/**
 * Recomputes the entitlements of `addresses` (lowercase): reads their inputs in one snapshot,
 * computes each, stores them, opens alerts for new conditions and resolves those that vanished,
 * writes one webhook delivery per subscribed webhook and transition — in one transaction, with
 * set-based queries whatever the number of accounts. Returns the jobs to enqueue next: the
 * deliveries, and the checks at the moments streams cross the alert horizon and go critical.
 */
export async function recomputeEntitlements(
	deps: RecomputeDeps,
	addresses: string[],
): Promise<{ entitlements: Entitlement[]; events: AlertEvent[]; jobs: JobRequest[] }> {
	const now = deps.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
	const unique = [...new Set(addresses)];
	// Read everything in one snapshot, and remember how recent that snapshot is.
	const { inputs, snapshot } = await deps.db
		.transaction()
		.setIsolationLevel("repeatable read")
		.execute(async (trx) => {
			const { rows } = await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(trx);
			return { snapshot: rows[0]?.snapshot ?? null, inputs: await loadEntitlementInputsMany(trx, unique, deps.chains) };
		});
	const computed = [...inputs.values()].map((i) =>
		computeEntitlement(i, { now, settings: deps.settings, horizonSeconds: deps.horizonSeconds, creditFeed: deps.creditFeed === true }),
	);
	// Write in another transaction: rows recomputed meanwhile from a newer snapshot are kept, and
	// only the accounts actually written move their alerts (the row lock orders racing writers).
	const { entitlements, events, deliveries } = await deps.db.transaction().execute(async (trx) => {
		const written = await storeEntitlements(trx, computed, [...inputs.values()].map(inputsToJson), now, snapshot);
		const entitlements = computed.filter((e) => written.has(e.address));
		const events = await transitionAlerts(trx, entitlements);
		const deliveries = await recordDeliveries(trx, events);
		return { entitlements, events, deliveries };
	});

	const jobs: JobRequest[] = deliveries.map((id) => ({ name: "webhook.deliver", data: { deliveryId: id } }));
	const horizon = BigInt(deps.horizonSeconds);
	for (const e of entitlements) {
		// Recompute when a stream enters the alert horizon and when it goes critical, and when a
		// credit lot expires: the balance drops then without any message. Credits are otherwise
		// spent only by expense posts, and each one recomputes the account (through the outbox).
		const moments = Object.values(e.streams).flatMap((s) => (s.criticalAt === null ? [] : [s.criticalAt - horizon, s.criticalAt]));
		if (e.credits.nextExpiryAt !== null) moments.push(e.credits.nextExpiryAt);
		for (const at of new Set(moments)) {
			if (at > now)
				jobs.push({ name: "entitlement.critical-check", data: { address: e.address, at: Number(at) }, delayMs: Number(at - now) * 1000 });
		}
	}
	return { entitlements, events, jobs };
}

/** Upserts the entitlements unless a newer snapshot already wrote them; returns the addresses written. */
async function storeEntitlements(
	trx: Trx,
	entitlements: Entitlement[],
	inputs: string[],
	now: bigint,
	snapshot: string | null,
): Promise<Set<string>> {
	if (entitlements.length === 0) return new Set();
	const str = (v: bigint | null) => (v === null ? null : v.toString());
	const { rows } = await sql<{
		address: string;
	}>`insert into entitlements (address, status, balance, locked_hold, critical_at, inputs, as_of, computed_at, snapshot)
		select address, status, balance, locked_hold, critical_at, inputs::jsonb, as_of::jsonb, ${new Date(Number(now) * 1000)}::timestamptz, ${snapshot}::pg_snapshot
		from unnest(${entitlements.map((e) => e.address)}::text[], ${entitlements.map((e) => e.status)}::text[], ${entitlements.map((e) => str(e.balance))}::numeric[],
			${entitlements.map((e) => str(e.lockedHold))}::numeric[], ${entitlements.map((e) => str(e.criticalAt))}::int8[], ${inputs}::text[],
			${entitlements.map((e) => JSON.stringify(Object.fromEntries(Object.entries(e.asOf).map(([c, b]) => [c, b.toString()]))))}::text[])
			as t(address, status, balance, locked_hold, critical_at, inputs, as_of)
		on conflict (address) do update set status = excluded.status, balance = excluded.balance, locked_hold = excluded.locked_hold,
			critical_at = excluded.critical_at, inputs = excluded.inputs, as_of = excluded.as_of, computed_at = excluded.computed_at,
			snapshot = excluded.snapshot, recomputes = entitlements.recomputes + 1
		where snapshot_sees_all_of(excluded.snapshot, entitlements.snapshot)
		returning address`.execute(trx);
	return new Set(rows.map((r) => r.address));
}

const conditionKey = (address: string, kind: string, subject: string) => `${address}|${kind}|${subject}`;

async function transitionAlerts(trx: Trx, entitlements: Entitlement[]): Promise<AlertEvent[]> {
	const addresses = entitlements.map((e) => e.address);
	const open = await trx
		.selectFrom("alerts")
		.selectAll()
		.where("status", "=", "open")
		.where(sql<boolean>`address = any(${addresses}::text[])`)
		.execute();
	const wanted = new Map<string, { address: string; condition: AlertCondition }>();
	for (const e of entitlements)
		for (const c of e.conditions) wanted.set(conditionKey(e.address, c.kind, c.subject), { address: e.address, condition: c });
	const events: AlertEvent[] = [];
	const vanished = open.filter((a) => !wanted.has(conditionKey(a.address, a.kind, a.subject)));
	if (vanished.length > 0) {
		const resolved = await trx
			.updateTable("alerts")
			.set({ status: "resolved", resolved_at: new Date() })
			.where(sql<boolean>`id = any(${vanished.map((a) => a.id.toString())}::int8[])`)
			.returningAll()
			.execute();
		for (const row of resolved) events.push({ event: "alert.resolved", alert: alertJson(row) });
	}
	const present = new Set(open.map((a) => conditionKey(a.address, a.kind, a.subject)));
	const fresh = [...wanted].filter(([k]) => !present.has(k)).map(([, v]) => v);
	if (fresh.length > 0) {
		const opened = await sql<Tables["alerts"] & { id: bigint; opened_at: Date }>`insert into alerts (address, kind, subject, status, detail)
			select address, kind, subject, 'open', detail::jsonb from unnest(${fresh.map((f) => f.address)}::text[], ${fresh.map((f) => f.condition.kind)}::text[],
				${fresh.map((f) => f.condition.subject)}::text[], ${fresh.map((f) => JSON.stringify(f.condition.detail))}::text[]) as t(address, kind, subject, detail)
			on conflict (address, kind, subject) where status = 'open' do nothing returning *`.execute(trx);
		for (const row of opened.rows) events.push({ event: "alert.opened", alert: alertJson(row) });
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

/**
 * Recomputes one account (see `recomputeEntitlements`). `entitlement` is null when a recompute
 * from a newer snapshot wrote the account first: that one is current, and nothing is left to do.
 */
export async function recomputeEntitlement(
	deps: RecomputeDeps,
	address: string,
): Promise<{ entitlement: Entitlement | null; events: AlertEvent[]; jobs: JobRequest[] }> {
	const { entitlements, events, jobs } = await recomputeEntitlements(deps, [address]);
	return { entitlement: entitlements[0] ?? null, events, jobs };
}
