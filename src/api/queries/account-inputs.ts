import type { Db } from "../../db/database.ts";
import type { EntitlementInputs } from "../../domain/entitlement.ts";
import { loadEntitlementInputsMany } from "../../entitlements/inputs.ts";
import { readStoredInputsMany, type StoredInputs } from "../../entitlements/read.ts";
import { type Batcher, createBatcher } from "../batch.ts";

/** The two batched readers of account state the hot routes use. */
export type AccountReaders = {
	/** The indexed state now (what `loadEntitlementInputs` reads), for can-pay. */
	live: Batcher<string, EntitlementInputs>;
	/** The inputs the queue stored (else read live), for the account and CCN balance routes. */
	stored: Batcher<string, StoredInputs>;
};

/** Creates the batched readers of one app. */
export function createAccountReaders(db: Db, chains: string[]): AccountReaders {
	return {
		live: createBatcher((addresses) => loadEntitlementInputsMany(db, addresses, chains)),
		stored: createBatcher((addresses) => readStoredInputsMany(db, addresses, chains)),
	};
}
