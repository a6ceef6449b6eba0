import type { Db } from "../../db/database.ts";
import type { EntitlementInputs } from "../../domain/entitlement.ts";
import { loadEntitlementInputsMany } from "../../entitlements/inputs.ts";
import { readStoredInputsMany, type StoredInputs } from "../../entitlements/read.ts";
import { type AccountCache, type CacheHit, createAccountCache } from "../account-cache.ts";
import type { AccountChanges } from "../account-changes.ts";
import { type Batcher, createBatcher } from "../batch.ts";

/** The two batched readers of account state the hot routes use. */
export type AccountReaders = {
	/** The indexed state now (what `loadEntitlementInputs` reads), for can-pay. */
	live: Batcher<string, EntitlementInputs>;
	/** The inputs the queue stored (else read live), for the account and CCN balance routes. */
	stored: Batcher<string, StoredInputs>;
};

/** The cache of account inputs: the change notifications of this process, and its size per reader. */
export type AccountCacheConfig = { changes: AccountChanges; maxEntries: number };

/** Counts the lookups of one reader's cache. */
export type CacheLookups = (reader: "live" | "stored", hit: boolean) => void;

/**
 * Creates the batched readers of one app; with `cache`, each serves the accounts no commit
 * changed since they were read from memory (see `createAccountCache`).
 */
export function createAccountReaders(db: Db, chains: string[], cache?: AccountCacheConfig, lookups?: CacheLookups): AccountReaders {
	const live = (addresses: string[]) => loadEntitlementInputsMany(db, addresses, chains);
	const stored = (addresses: string[]) => readStoredInputsMany(db, addresses, chains);
	if (!cache || cache.maxEntries === 0) return { live: createBatcher(live), stored: createBatcher(stored) };
	const { changes, maxEntries } = cache;
	const liveCache = createAccountCache<EntitlementInputs>(changes, {
		maxEntries,
		expiresAtMs: firstLotExpiry,
		onLookup: lookups && ((hit) => lookups("live", hit)),
	});
	const storedCache = createAccountCache<StoredInputs>(changes, {
		maxEntries,
		expiresAtMs: (s) => firstLotExpiry(s.inputs),
		onLookup: lookups && ((hit) => lookups("stored", hit)),
	});
	return {
		live: cached(changes, liveCache, createBatcher(liveCache.loading(live)), (hit) => withCursors(hit, changes)),
		stored: cached(changes, storedCache, createBatcher(storedCache.loading(stored)), (hit) =>
			hit.value.source === "live"
				? { ...hit.value, inputs: withCursors({ value: hit.value.inputs, since: hit.since }, changes) }
				: hit.value,
		),
	};
}

/**
 * A cached account is served once the notifications of every commit that returned before the
 * request have arrived (`caughtUp`: one round trip on the listening connection per turn, not the
 * inputs' statement), so a request that starts after a writer's COMMIT returned answers with it.
 */
function cached<V>(
	changes: AccountChanges,
	cache: AccountCache<V>,
	batcher: Batcher<string, V>,
	serve: (hit: CacheHit<V>) => V,
): Batcher<string, V> {
	return {
		async load(address) {
			if (!cache.has(address)) return batcher.load(address);
			const caughtUp = await changes.caughtUp().then(
				() => true,
				() => false,
			);
			const hit = caughtUp ? cache.get(address) : undefined;
			return hit ? serve(hit) : batcher.load(address);
		},
	};
}

/**
 * The inputs with the cursors notified since they were read: no commit changed the account
 * meanwhile, so its state is the same at the newer blocks.
 */
function withCursors(hit: CacheHit<EntitlementInputs>, changes: AccountChanges): EntitlementInputs {
	const moved = changes.cursorsSince(hit.since);
	if (moved.size === 0) return hit.value;
	return { ...hit.value, chains: hit.value.chains.map((c) => (moved.has(c.chain) ? { ...c, block: moved.get(c.chain) as bigint } : c)) };
}

/** The inputs hold the credit lots not expired when read: they are current until the first of them expires. */
function firstLotExpiry(inputs: EntitlementInputs): number | null {
	let first: bigint | null = null;
	for (const lot of inputs.credits?.lots ?? [])
		if (lot.expirationMicros !== null && (first === null || lot.expirationMicros < first)) first = lot.expirationMicros;
	return first === null ? null : Number(first / 1000n);
}
