/** Loads many keys at once; a key missing from the result is an error for its caller. */
export type LoadMany<K, V> = (keys: K[]) => Promise<Map<K, V>>;

/** One-key facade over a {@link LoadMany}. */
export type Batcher<K, V> = { load(key: K): Promise<V> };

type Waiter<V> = { resolve(value: V): void; reject(error: unknown): void };

/**
 * Coalesces the single-key loads of concurrent requests into set-based loads: keys asked during
 * one event-loop turn go out together, at most `maxInFlight` loads run at once, and keys asked
 * while they run wait for the next one (so under load batches grow instead of queries piling up
 * on the pool). Every key is read by a load that starts after it was asked: nothing is cached.
 */
export function createBatcher<K, V>(loadMany: LoadMany<K, V>, options: { maxBatch?: number; maxInFlight?: number } = {}): Batcher<K, V> {
	const maxBatch = options.maxBatch ?? 256;
	const maxInFlight = options.maxInFlight ?? 2;
	let pending = new Map<K, Waiter<V>[]>();
	let inFlight = 0;
	let scheduled = false;

	function schedule() {
		if (scheduled || pending.size === 0 || inFlight >= maxInFlight) return;
		scheduled = true;
		setImmediate(flush);
	}

	function flush() {
		scheduled = false;
		while (pending.size > 0 && inFlight < maxInFlight) {
			const batch = new Map<K, Waiter<V>[]>();
			for (const [key, waiters] of pending) {
				if (batch.size >= maxBatch) break;
				batch.set(key, waiters);
				pending.delete(key);
			}
			inFlight++;
			run(batch).finally(() => {
				inFlight--;
				schedule();
			});
		}
		if (pending.size === 0) pending = new Map();
	}

	async function run(batch: Map<K, Waiter<V>[]>) {
		try {
			const values = await loadMany([...batch.keys()]);
			for (const [key, waiters] of batch) {
				const value = values.get(key);
				for (const w of waiters)
					value === undefined ? w.reject(new Error(`batch load returned nothing for ${String(key)}`)) : w.resolve(value);
			}
		} catch (error) {
			for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
		}
	}

	return {
		load(key) {
			return new Promise<V>((resolve, reject) => {
				const waiters = pending.get(key);
				if (waiters) waiters.push({ resolve, reject });
				else pending.set(key, [{ resolve, reject }]);
				schedule();
			});
		},
	};
}
