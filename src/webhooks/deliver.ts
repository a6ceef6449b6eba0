import type { Db } from "../db/database.ts";
import { RetryableError } from "../lib/errors.ts";
import { DeferredJob } from "../queue/jobs.ts";
import { type Lookup, RefusedDestinationError, resolveDestination } from "./destination.ts";
import { MAX_ANSWER_HEADER_BYTES, type PostOutcome, postTo } from "./post.ts";
import { loadDelivery, recordAttempt } from "./queries.ts";
import { signBody } from "./signature.ts";

/** Deadline of one attempt, from resolving the host to the answer's headers, ms. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * Attempts in flight to one webhook in one process; its other deliveries wait in the queue
 * (deferred, no attempt counted), so a receiver that never answers holds at most this many
 * worker slots and the other webhooks keep theirs.
 */
export const WEBHOOK_LANES = 2;

/** How a delivery reaches its receivers. */
export type WebhookDeliveryOptions = {
	/** Deliver to loopback, private and other non-public addresses (`WEBHOOK_ALLOW_PRIVATE=1`). */
	allowPrivate: boolean;
	/** Deadline of one attempt, ms. Default: {@link WEBHOOK_TIMEOUT_MS}. */
	timeoutMs?: number;
	/** Resolves a host to every address. Default: the system resolver (`dns.lookup`). */
	lookup?: Lookup;
};

export type DeliverWebhook = (deliveryId: string) => Promise<"delivered" | "failed" | "dropped">;

type Attempt = { statusCode: number | null; error: string | null; refused: boolean };

function attemptOf(outcome: PostOutcome, timeoutMs: number): Attempt {
	if ("statusCode" in outcome) {
		const ok = outcome.statusCode >= 200 && outcome.statusCode < 300;
		return { statusCode: outcome.statusCode, error: ok ? null : `HTTP ${outcome.statusCode}`, refused: false };
	}
	const error = {
		timeout: `no answer within ${timeoutMs} ms`,
		headers_too_large: `the answer's headers exceed ${MAX_ANSWER_HEADER_BYTES / 1024} KiB`,
		connection: "connection failed",
	}[outcome.failure];
	return { statusCode: null, error, refused: false };
}

/**
 * Creates the processor of `webhook.deliver`: POSTs one delivery to its webhook with the
 * signature header and logs the attempt on the delivery row. The destination is checked when
 * resolved (non-public addresses refused unless allowed) and connected to as checked; the whole
 * attempt has one deadline. A failed attempt throws a `RetryableError` (the queue retries with
 * backoff) until the last of `maxAttempts`, which marks the delivery failed; a refused destination
 * fails it at once. A delivery whose webhook was removed is dropped.
 */
export function createWebhookDelivery(deps: { db: Db; maxAttempts: number } & WebhookDeliveryOptions): DeliverWebhook {
	const { db, maxAttempts, allowPrivate, lookup } = deps;
	const timeoutMs = deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
	const inFlight = new Map<string, number>();

	async function attempt(url: URL, headers: Record<string, string>, body: string): Promise<Attempt> {
		const signal = AbortSignal.timeout(timeoutMs);
		const deadline = new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
		deadline.catch(() => {}); // it rejects after a finished attempt too
		try {
			const destination = await Promise.race([resolveDestination(url, { allowPrivate, lookup }), deadline]);
			return attemptOf(await postTo(url, destination, { headers, body, signal }), timeoutMs);
		} catch (error) {
			if (error instanceof RefusedDestinationError) return { statusCode: null, error: `refused: ${error.message}`, refused: true };
			return attemptOf({ failure: signal.aborted ? "timeout" : "connection" }, timeoutMs);
		}
	}

	return async function deliverWebhook(deliveryId) {
		const delivery = await loadDelivery(db, BigInt(deliveryId));
		if (delivery?.status !== "pending") return "dropped";
		const busy = inFlight.get(delivery.webhook_id) ?? 0;
		// Spread the retries of deferred deliveries over half a second.
		if (busy >= WEBHOOK_LANES) throw new DeferredJob(250 + Math.floor(Math.random() * 500));
		inFlight.set(delivery.webhook_id, busy + 1);
		let result: Attempt;
		try {
			result = await attempt(
				new URL(delivery.url),
				{
					"content-type": "application/json",
					"user-agent": "aleph-oracle-webhook/1",
					"x-aleph-oracle-event": delivery.event,
					"x-aleph-oracle-delivery": String(delivery.id),
					"x-aleph-oracle-signature": signBody(delivery.secret, delivery.body),
				},
				delivery.body,
			);
		} finally {
			const left = (inFlight.get(delivery.webhook_id) ?? 1) - 1;
			if (left === 0) inFlight.delete(delivery.webhook_id);
			else inFlight.set(delivery.webhook_id, left);
		}
		const attempts = delivery.attempts + 1;
		const status = result.error === null ? "delivered" : result.refused || attempts >= maxAttempts ? "failed" : "pending";
		await recordAttempt(db, delivery.id, { attempts, statusCode: result.statusCode, error: result.error, status });
		if (status === "pending") throw new RetryableError(`webhook delivery ${delivery.id} attempt ${attempts} failed: ${result.error}`);
		return status;
	};
}
