import { listKnownAccounts } from "../src/entitlements/known-accounts.ts";
import { type RecomputeDeps, recomputeEntitlements } from "../src/entitlements/recompute.ts";
import type { JobOutcome, JobRequest } from "../src/queue/jobs.ts";

/** Accounts recomputed per page of the fan-out, in one transaction. */
export const FAN_OUT_PAGE = 1_000;

/**
 * One step of "recompute every account": lists the next `FAN_OUT_PAGE` known accounts after
 * `after` and returns the next step and this page's recompute as separate jobs, so the listing
 * runs ahead and several workers recompute pages at once. (Deliveries left pending by a crash
 * are the outbox drainer's: it enqueues them again.)
 */
export async function recomputeAllStep(deps: RecomputeDeps, run: string, after: string | null): Promise<JobOutcome> {
	const page = await listKnownAccounts(deps.db, after, { limit: FAN_OUT_PAGE });
	const last = page.at(-1);
	const next: JobRequest[] = [];
	if (last !== undefined) next.push({ name: "entitlement.recompute-page", data: { run, after, through: last } });
	if (last !== undefined && page.length === FAN_OUT_PAGE) next.push({ name: "entitlement.recompute-all", data: { run, after: last } });
	return { result: { accounts: page.length, next: page.length === FAN_OUT_PAGE ? last : null }, next };
}

/** Recomputes one page of the fan-out (the known accounts in (`after`, `through`]) in one batch. */
export async function recomputePage(deps: RecomputeDeps, after: string | null, through: string): Promise<JobOutcome> {
	const { entitlements, jobs } = await recomputeEntitlements(deps, await listKnownAccounts(deps.db, after, { through }));
	return { result: { accounts: entitlements.length }, next: jobs };
}
