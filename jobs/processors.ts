import { randomUUID } from "node:crypto";
import { type RecomputeDeps, recomputeEntitlement } from "../src/entitlements/recompute.ts";
import type { Processors } from "../src/queue/jobs.ts";
import { deliverWebhook } from "../src/webhooks/deliver.ts";
import { recomputeAllStep, recomputePage } from "./recompute-all.ts";

/**
 * The processor of every job. Critical checks go through a regular recompute so that two
 * recomputes of one account never run at once (the recompute job is deduplicated per address).
 */
export function createProcessors(deps: RecomputeDeps): Processors {
	return {
		"entitlement.recompute": async ({ address }) => {
			const { entitlement, jobs } = await recomputeEntitlement(deps, address);
			return { result: entitlement.status, next: jobs };
		},
		"entitlement.recompute-all": ({ run, after }) => recomputeAllStep(deps, run ?? randomUUID(), after),
		"entitlement.recompute-page": ({ after, through }) => recomputePage(deps, after, through),
		"entitlement.critical-check": async ({ address }) => ({ next: [{ name: "entitlement.recompute", data: { address }, delayMs: 0 }] }),
		"webhook.deliver": async ({ deliveryId }) => ({ result: await deliverWebhook(deps.db, deliveryId) }),
	};
}
