import { RetryableError } from "../lib/errors.ts";
import { LogRangeError } from "../rpc/errors.ts";

/**
 * The eth_getLogs range size, adapted to the provider as Ponder does: it grows by 10 % after
 * each success up to `max` (or the range a provider said works), drops to the provider's
 * suggestion when it gives one, and halves on a bare "too large" refusal.
 */
export type RangeSizer = {
	/** Blocks to ask for next. */
	readonly size: number;
	succeeded(blocks: number): void;
	/** Adapts to a refusal of a `blocks`-wide request; returns the new size. */
	refused(blocks: number, error: LogRangeError): number;
};

export function createRangeSizer(initial: number, max: number): RangeSizer {
	let size = Math.max(1, Math.min(initial, max));
	let ceiling = max;
	return {
		get size() {
			return size;
		},
		succeeded(blocks) {
			if (blocks >= size) size = Math.min(ceiling, Math.max(size + 1, Math.floor(size * 1.1)));
		},
		refused(blocks, error) {
			if (error.suggestedBlocks !== undefined && error.suggestedBlocks < blocks) {
				ceiling = Math.max(1, error.suggestedBlocks);
				size = ceiling;
			} else {
				size = Math.max(1, Math.floor(Math.min(size, blocks) / 2));
			}
			return size;
		},
	};
}

export type RangeResult<T> = { from: bigint; to: bigint; value: T };

export type RangeFetchOptions<T> = {
	from: bigint;
	to: bigint;
	sizer: RangeSizer;
	/** Requests in flight at once. */
	inFlight: number;
	fetch: (from: bigint, to: bigint) => Promise<T>;
	/** Joins the parts of a range that was split after a refusal, in order. */
	merge: (parts: T[]) => T;
	/** Weight of a fetched range (e.g. its logs). Default: 1. */
	weigh?: (value: T) => number;
	/**
	 * Weight of fetched ranges waiting to be taken above which no new request starts (the
	 * back-pressure that bounds memory while the consumer is slower than the fetching). Default:
	 * no bound beyond `inFlight`.
	 */
	maxBuffered?: number;
};

/** Fetches a block range ahead of its consumer; see `createRangeFetcher`. */
export type RangeFetcher<T> = {
	/**
	 * Waits for the next range in block order, then also takes the ranges fetched right after it
	 * while their total weight stays within `maxWeight`. Empty once every block was taken.
	 * Rejects with a fetch's error when that range is next (the ranges before it come first).
	 */
	take(maxWeight?: number): Promise<RangeResult<T>[]>;
	/** Starts no more requests; those in flight finish and are dropped. */
	close(): void;
};

type Slot<T> = { from: bigint; to: bigint; done: boolean; value?: T; error?: unknown; weight: number; settled: Promise<void> };

/**
 * Fetches `from`…`to` in consecutive ranges with up to `inFlight` requests at once, and keeps
 * fetching while the consumer works, until `maxBuffered` is reached. A range the provider
 * refuses is split and fetched again; any other error stops new requests and reaches the
 * consumer in block order (the caller resumes from its cursor).
 */
export function createRangeFetcher<T>(options: RangeFetchOptions<T>): RangeFetcher<T> {
	const { to, sizer, inFlight, fetch, merge, weigh = () => 1, maxBuffered = Number.POSITIVE_INFINITY } = options;
	let next = options.from;
	let running = 0;
	let buffered = 0;
	let stopped = false;
	const slots: Slot<T>[] = [];

	async function fetchSplitting(from: bigint, to: bigint): Promise<T> {
		const blocks = Number(to - from + 1n);
		try {
			const value = await fetch(from, to);
			sizer.succeeded(blocks);
			return value;
		} catch (error) {
			if (!(error instanceof LogRangeError)) throw error;
			if (blocks === 1)
				throw new RetryableError(`the provider refuses the logs of block ${from} alone: ${error.message}`, { cause: error });
			const size = BigInt(Math.min(sizer.refused(blocks, error), blocks - 1));
			const parts: T[] = [];
			for (let start = from; start <= to; start += size) {
				const end = start + size - 1n < to ? start + size - 1n : to;
				parts.push(await fetchSplitting(start, end));
			}
			return merge(parts);
		}
	}

	function schedule() {
		while (!stopped && running < inFlight && buffered < maxBuffered && next <= to) {
			const start = next;
			const end = start + BigInt(sizer.size) - 1n < to ? start + BigInt(sizer.size) - 1n : to;
			next = end + 1n;
			running++;
			const slot = { from: start, to: end, done: false, weight: 0 } as Slot<T>;
			slot.settled = fetchSplitting(start, end)
				.then(
					(value) => {
						slot.value = value;
						slot.weight = weigh(value);
						buffered += slot.weight;
					},
					(error) => {
						slot.error = error;
						stopped = true; // nothing after a failed range can be applied before it
					},
				)
				.finally(() => {
					slot.done = true;
					running--;
					schedule();
				});
			slots.push(slot);
		}
	}

	function shift(): RangeResult<T> {
		const slot = slots.shift() as Slot<T>;
		buffered -= slot.weight;
		return { from: slot.from, to: slot.to, value: slot.value as T };
	}

	return {
		async take(maxWeight = 0) {
			schedule();
			const first = slots[0];
			if (!first) return [];
			await first.settled;
			if (first.error !== undefined) throw first.error;
			let weight = first.weight;
			const taken = [shift()];
			for (let slot = slots[0]; slot?.done && slot.error === undefined && weight + slot.weight <= maxWeight; slot = slots[0]) {
				weight += slot.weight;
				taken.push(shift());
			}
			schedule();
			return taken;
		},
		close() {
			stopped = true;
			slots.length = 0;
		},
	};
}

/** `createRangeFetcher` as an async iterator of single ranges, in block order. */
export async function* fetchRanges<T>(options: RangeFetchOptions<T>): AsyncGenerator<RangeResult<T>> {
	const fetcher = createRangeFetcher({ ...options, maxBuffered: options.maxBuffered ?? options.inFlight });
	try {
		for (;;) {
			const ranges = await fetcher.take();
			if (ranges.length === 0) return;
			yield* ranges;
		}
	} finally {
		fetcher.close();
	}
}
