import type { AccountChanges } from "./account-changes.ts";
import type { LoadMany } from "./batch.ts";

/** A cached value and the change it is known to be current after (the generation its read started at). */
export type CacheHit<V> = { value: V; since: number };

/** A bounded (LRU) cache of per-account values, evicted by the commits that change them. */
export type AccountCache<V> = {
	/** The cached value of `address`, if any, current and not expired. */
	get(address: string): CacheHit<V> | undefined;
	/** Whether `address` has an entry (a miss is counted as a lookup; `get` counts the hit). */
	has(address: string): boolean;
	/** `loadMany` that caches what it loads, for each address no change may have touched since the read started. */
	loading(loadMany: LoadMany<string, V>): LoadMany<string, V>;
	readonly size: number;
};

export type AccountCacheOptions<V> = {
	/** Most accounts kept; the least recently used go first. */
	maxEntries: number;
	/** When a value stops being current without any commit (a credit lot expiring), epoch ms; null: never. */
	expiresAtMs?: (value: V) => number | null;
	/** Epoch ms. Default: `Date.now`. */
	now?: () => number;
	/** Told of each lookup, found (`true`) or not. */
	onLookup?: (hit: boolean) => void;
};

type Entry<V> = { value: V; since: number; expiresAt: number | null };

/**
 * Creates a cache fed by reads and emptied by `changes`: an account's entry goes as soon as a
 * notification names it (or all of them), and a read caches an account only when no
 * notification that could concern it arrived between the start of the read and its result (the
 * read's snapshot may predate a commit notified meanwhile). Nothing is stored or served while the
 * notifications are not received.
 */
export function createAccountCache<V>(changes: AccountChanges, options: AccountCacheOptions<V>): AccountCache<V> {
	const entries = new Map<string, Entry<V>>();
	const now = options.now ?? Date.now;
	changes.subscribe((change) => {
		if (change.kind === "all") entries.clear();
		else if (change.kind === "accounts") for (const address of change.addresses) entries.delete(address);
	});

	return {
		get(address) {
			const entry = changes.live ? entries.get(address) : undefined;
			if (entry !== undefined) entries.delete(address);
			if (entry === undefined || (entry.expiresAt !== null && now() >= entry.expiresAt)) {
				options.onLookup?.(false);
				return undefined;
			}
			entries.set(address, entry);
			options.onLookup?.(true);
			return { value: entry.value, since: entry.since };
		},
		has(address) {
			const found = changes.live && entries.has(address);
			if (!found) options.onLookup?.(false);
			return found;
		},
		loading(loadMany) {
			return async (addresses) => {
				const read = changes.beginRead();
				try {
					const values = await loadMany(addresses);
					for (const [address, value] of values) {
						if (changes.changedSince(read.since, address)) continue;
						entries.delete(address);
						entries.set(address, { value, since: read.since, expiresAt: options.expiresAtMs?.(value) ?? null });
					}
					for (const address of entries.keys()) {
						if (entries.size <= options.maxEntries) break;
						entries.delete(address);
					}
					return values;
				} finally {
					read.end();
				}
			};
		},
		get size() {
			return entries.size;
		},
	};
}
