import type { Db } from "../db/database.ts";
import { computeEntitlement, type Entitlement } from "../domain/entitlement.ts";
import type { Settings } from "../pricing/index.ts";
import { inputsFromJson, loadEntitlementInputs } from "./inputs.ts";

export type ReadEntitlementOptions = { chains: string[]; settings: Settings; horizonSeconds: number; now: bigint };

/**
 * The entitlement of an account as served by the API: the inputs the queue last stored for it,
 * evaluated at `now` (so stream balances and critical times are current), or — for an account
 * the queue has not computed yet, including an unknown one — the inputs read live.
 * `source` tells which; `storedAt` is when the queue stored them.
 */
export async function readEntitlement(
	db: Db,
	address: string,
	options: ReadEntitlementOptions,
): Promise<{ entitlement: Entitlement; source: "queue" | "live"; storedAt: Date | null; recomputes: bigint }> {
	const stored = await db
		.selectFrom("entitlements")
		.select(["inputs", "computed_at", "recomputes"])
		.where("address", "=", address)
		.executeTakeFirst();
	const inputs = stored ? inputsFromJson(stored.inputs) : await loadEntitlementInputs(db, address, options.chains);
	return {
		entitlement: computeEntitlement(inputs, { now: options.now, settings: options.settings, horizonSeconds: options.horizonSeconds }),
		source: stored ? "queue" : "live",
		storedAt: stored?.computed_at ?? null,
		recomputes: stored?.recomputes ?? 0n,
	};
}

/** The entitlement from the indexed state as it is now (for can-pay: no queue lag). */
export async function liveEntitlement(db: Db, address: string, options: ReadEntitlementOptions): Promise<Entitlement> {
	const inputs = await loadEntitlementInputs(db, address, options.chains);
	return computeEntitlement(inputs, { now: options.now, settings: options.settings, horizonSeconds: options.horizonSeconds });
}
