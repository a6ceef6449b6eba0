import type { Db } from "../db/database.ts";
import { RetryableError } from "../lib/errors.ts";
import { RETRY } from "../queue/jobs.ts";
import { signBody } from "./signature.ts";

/** How long a receiver has to answer, ms. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * POSTs one delivery to its webhook with the signature header, and logs the attempt on the
 * delivery row. A non-2xx answer, a timeout or a refused connection throws a `RetryableError`
 * (the queue retries with backoff) until the last attempt, which marks the delivery failed.
 * A delivery whose webhook was removed is dropped.
 */
export async function deliverWebhook(
	db: Db,
	deliveryId: string,
	fetcher: typeof fetch = fetch,
): Promise<"delivered" | "failed" | "dropped"> {
	const delivery = await db
		.selectFrom("webhook_deliveries as d")
		.innerJoin("webhooks as w", "w.id", "d.webhook_id")
		.select(["d.id", "d.event", "d.body", "d.status", "d.attempts", "w.url", "w.secret"])
		.where("d.id", "=", BigInt(deliveryId))
		.executeTakeFirst();
	if (delivery?.status !== "pending") return "dropped";
	const attempt = delivery.attempts + 1;
	let statusCode: number | null = null;
	let error: string | null = null;
	try {
		const response = await fetcher(delivery.url, {
			method: "POST",
			headers: {
				"content-type": "application/json",
				"user-agent": "aleph-oracle-webhook/1",
				"x-aleph-oracle-event": delivery.event,
				"x-aleph-oracle-delivery": String(delivery.id),
				"x-aleph-oracle-signature": signBody(delivery.secret, delivery.body),
			},
			body: delivery.body,
			redirect: "manual",
			signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
		});
		statusCode = response.status;
		await response.body?.cancel();
		if (response.status < 200 || response.status >= 300) error = `HTTP ${response.status}`;
	} catch (e) {
		error = e instanceof Error && e.name === "TimeoutError" ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : "connection failed";
	}
	const last = attempt >= RETRY["webhook.deliver"].attempts;
	const status = error === null ? "delivered" : last ? "failed" : "pending";
	await db
		.updateTable("webhook_deliveries")
		.set({ attempts: attempt, last_status_code: statusCode, last_error: error, status, delivered_at: error === null ? new Date() : null })
		.where("id", "=", delivery.id)
		.execute();
	if (status === "pending") throw new RetryableError(`webhook delivery ${delivery.id} attempt ${attempt} failed: ${error}`);
	return status;
}
