import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { EntitlementInputs } from "../../domain/entitlement.ts";
import { inputsFromJson } from "../../entitlements/inputs.ts";
import { type Batcher, createBatcher } from "../batch.ts";
import { loadLiveInputsMany } from "./live-inputs.ts";

/** Inputs as `readEntitlement` serves them: stored by the queue, else read live. */
export type StoredInputs = { inputs: EntitlementInputs; source: "queue" | "live"; storedAt: Date | null };

/**
 * `readEntitlement`'s inputs for many accounts: one query for the rows the queue stored, and one
 * live read ({@link loadLiveInputsMany}) for the accounts it has not computed yet.
 */
export async function readInputsMany(db: Db, addresses: string[], chains: string[]): Promise<Map<string, StoredInputs>> {
	const rows = await db
		.selectFrom("entitlements")
		.select(["address", "inputs", "computed_at"])
		.where(sql<boolean>`address = any(${addresses}::text[])`)
		.execute();
	const out = new Map<string, StoredInputs>(
		rows.map((r) => [r.address, { inputs: inputsFromJson(r.inputs), source: "queue" as const, storedAt: r.computed_at }]),
	);
	const missing = addresses.filter((a) => !out.has(a));
	if (missing.length > 0) {
		for (const [address, inputs] of await loadLiveInputsMany(db, missing, chains))
			out.set(address, { inputs, source: "live", storedAt: null });
	}
	return out;
}

/** The two batched readers of account state the hot routes use. */
export type AccountReaders = {
	/** The indexed state now (what `loadEntitlementInputs` reads), for can-pay. */
	live: Batcher<string, EntitlementInputs>;
	/** What `readEntitlement` reads, for the account and CCN balance routes. */
	stored: Batcher<string, StoredInputs>;
};

/** Creates the batched readers of one app. */
export function createAccountReaders(db: Db, chains: string[]): AccountReaders {
	return {
		live: createBatcher((addresses) => loadLiveInputsMany(db, addresses, chains)),
		stored: createBatcher((addresses) => readInputsMany(db, addresses, chains)),
	};
}
