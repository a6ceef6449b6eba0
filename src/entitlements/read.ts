import { sql } from "kysely";
import type { Db } from "../db/database.ts";
import type { EntitlementInputs } from "../domain/entitlement.ts";
import { inputsFromJson, loadEntitlementInputsMany } from "./inputs.ts";

/** Inputs as the API serves them: stored by the queue, else read live. */
export type StoredInputs = { inputs: EntitlementInputs; source: "queue" | "live"; storedAt: Date | null };

/**
 * The inputs the queue last stored for each account, or — for an account it has not computed yet,
 * including an unknown one — the inputs read live. Two statements whatever the number of accounts.
 * The API evaluates them at request time, so stream balances and critical times are current.
 */
export async function readStoredInputsMany(db: Db, addresses: string[], chains: string[]): Promise<Map<string, StoredInputs>> {
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
		for (const [address, inputs] of await loadEntitlementInputsMany(db, missing, chains))
			out.set(address, { inputs, source: "live", storedAt: null });
	}
	return out;
}
