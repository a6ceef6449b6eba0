import { randomUUID } from "node:crypto";
import { type RecomputeDeps, recomputeEntitlement } from "../src/entitlements/recompute.ts";
import { type Processors, RETRY } from "../src/queue/jobs.ts";
import { createWebhookDelivery, type WebhookDeliveryOptions } from "../src/webhooks/deliver.ts";
import { recomputeAllStep, recomputePage } from "./recompute-all.ts";

/**
 * The processor of every job. Critical checks go through a regular recompute so that two
 * recomputes of one account never run at once (the recompute job is deduplicated per address).
 */
export function createProcessors(deps: RecomputeDeps, webhooks: WebhookDeliveryOptions = { allowPrivate: false }): Processors {
	const deliverWebhook = createWebhookDelivery({ db: deps.db, maxAttempts: RETRY["webhook.deliver"].attempts, ...webhooks });
	return {
		"entitlement.recompute": async ({ address }) => {
			const { entitlement, jobs } = await recomputeEntitlement(deps, address);
			return { result: entitlement?.status ?? "superseded", next: jobs };
		},
		"entitlement.recompute-all": ({ run, after }) => recomputeAllStep(deps, run ?? randomUUID(), after),
		"entitlement.recompute-page": ({ after, through }) => recomputePage(deps, after, through),
		"entitlement.critical-check": async ({ address }) => ({ next: [{ name: "entitlement.recompute", data: { address }, delayMs: 0 }] }),
		"webhook.deliver": async ({ deliveryId }) => ({ result: await deliverWebhook(deliveryId) }),
	};
}
