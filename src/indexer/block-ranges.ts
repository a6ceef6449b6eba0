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

/**
 * Fetches `from`…`to` in consecutive ranges with up to `inFlight` requests at once and yields the
 * results strictly in block order. A range the provider refuses is split and fetched again;
 * any other error ends the iteration (the caller resumes from its cursor).
 */
export async function* fetchRanges<T>(options: {
	from: bigint;
	to: bigint;
	sizer: RangeSizer;
	inFlight: number;
	fetch: (from: bigint, to: bigint) => Promise<T>;
	merge: (parts: T[]) => T;
}): AsyncGenerator<RangeResult<T>> {
	const { to, sizer, inFlight, fetch, merge } = options;
	let next = options.from;
	const queue: Promise<RangeResult<T>>[] = [];

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

	try {
		while (queue.length > 0 || next <= to) {
			while (queue.length < inFlight && next <= to) {
				const start = next;
				const end = start + BigInt(sizer.size) - 1n < to ? start + BigInt(sizer.size) - 1n : to;
				next = end + 1n;
				const task = fetchSplitting(start, end).then((value) => ({
					from: start,
					to: end,
					value,
				}));
				task.catch(() => {}); // observed when awaited; avoids an unhandled rejection meanwhile
				queue.push(task);
			}
			const head = queue.shift();
			if (head) yield await head;
		}
	} finally {
		queue.length = 0;
	}
}
