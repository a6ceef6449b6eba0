import { randomBytes, randomUUID } from "node:crypto";
import { type Selectable, sql } from "kysely";
import type { Db } from "../db/database.ts";
import type { WebhookDeliveriesTable, WebhooksTable } from "../db/schema.ts";

/** Webhooks one installation keeps at most: every alert is delivered to each of them. */
export const MAX_WEBHOOKS = 100;

export type Webhook = Selectable<WebhooksTable>;
export type WebhookSummary = Omit<Webhook, "secret">;

/** A fresh HMAC key: 32 random bytes in hex. */
const newSecret = () => randomBytes(32).toString("hex");

/**
 * Adds a webhook with a fresh secret, unless {@link MAX_WEBHOOKS} exist: null then. The table
 * lock (readers and deliveries are not blocked) serialises concurrent additions, so parallel
 * requests cannot pass the cap together.
 */
export async function insertWebhook(db: Db, hook: { url: string; events: string[] }): Promise<Webhook | null> {
	return db.transaction().execute(async (trx) => {
		await sql`lock table webhooks in share row exclusive mode`.execute(trx);
		const { count } = await trx.selectFrom("webhooks").select(sql<string>`count(*)`.as("count")).executeTakeFirstOrThrow();
		if (Number(count) >= MAX_WEBHOOKS) return null;
		return trx
			.insertInto("webhooks")
			.values({ id: randomUUID(), url: hook.url, events: hook.events, secret: newSecret() })
			.returningAll()
			.executeTakeFirstOrThrow();
	});
}

/** Every webhook, oldest first, without secrets. */
export async function listWebhooks(db: Db): Promise<WebhookSummary[]> {
	return db.selectFrom("webhooks").select(["id", "url", "events", "created_at"]).orderBy("created_at").orderBy("id").execute();
}

/** Removes a webhook and its deliveries; false when there was none. */
export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
	const removed = await db.deleteFrom("webhooks").where("id", "=", id).executeTakeFirst();
	return removed.numDeletedRows > 0n;
}

/** Gives a webhook a fresh secret (deliveries sign with it from now on); null when there is no such webhook. */
export async function rotateWebhookSecret(db: Db, id: string): Promise<Webhook | null> {
	const row = await db.updateTable("webhooks").set({ secret: newSecret() }).where("id", "=", id).returningAll().executeTakeFirst();
	return row ?? null;
}

/** A delivery with what sending it needs from its webhook. */
export type PendingDelivery = Pick<Selectable<WebhookDeliveriesTable>, "id" | "event" | "body" | "status" | "attempts" | "webhook_id"> &
	Pick<Webhook, "url" | "secret">;

/** A delivery and its webhook; undefined when either is gone. */
export async function loadDelivery(db: Db, id: bigint): Promise<PendingDelivery | undefined> {
	return db
		.selectFrom("webhook_deliveries as d")
		.innerJoin("webhooks as w", "w.id", "d.webhook_id")
		.select(["d.id", "d.event", "d.body", "d.status", "d.attempts", "d.webhook_id", "w.url", "w.secret"])
		.where("d.id", "=", id)
		.executeTakeFirst();
}

/** Logs one attempt on its delivery row. */
export async function recordAttempt(
	db: Db,
	id: bigint,
	attempt: { attempts: number; statusCode: number | null; error: string | null; status: WebhookDeliveriesTable["status"] },
): Promise<void> {
	await db
		.updateTable("webhook_deliveries")
		.set({
			attempts: attempt.attempts,
			last_status_code: attempt.statusCode,
			last_error: attempt.error,
			status: attempt.status,
			delivered_at: attempt.status === "delivered" ? new Date() : null,
		})
		.where("id", "=", id)
		.execute();
}
