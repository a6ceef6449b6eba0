/**
 * An array kept sorted by `compare`, cheap to fill in bulk: additions are queued and merged on
 * the next read (one TimSort over two sorted runs), so inserting 200k messages in any order costs
 * one sort, and a single late insertion costs one linear merge.
 */
export type SortedIndex<T> = {
	add(item: T): void;
	/** Removes the item that compares equal to `item` (the order must be total, e.g. end with a hash). */
	remove(item: T): void;
	/** The sorted items; do not mutate. */
	items(): readonly T[];
};

/**
 * Binary search in a sorted array: the first position whose item is not before the target, or
 * with `strict` the first one after it. `probe(item)` is < 0 before the target, 0 at it, > 0 after.
 */
export function seek<T>(items: readonly T[], probe: (item: T) => number, strict = false): number {
	let low = 0;
	let high = items.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		const side = probe(items[mid] as T);
		if (side < 0 || (strict && side === 0)) low = mid + 1;
		else high = mid;
	}
	return low;
}

export function createSortedIndex<T>(compare: (a: T, b: T) => number): SortedIndex<T> {
	const sorted: T[] = [];
	let queued: T[] = [];
	const flush = () => {
		if (queued.length === 0) return;
		queued.sort(compare);
		for (const item of queued) sorted.push(item);
		queued = [];
		sorted.sort(compare);
	};
	return {
		add(item) {
			queued.push(item);
		},
		remove(item) {
			const waiting = queued.findIndex((q) => compare(q, item) === 0);
			if (waiting >= 0) {
				queued.splice(waiting, 1);
				return;
			}
			flush();
			const at = seek(sorted, (other) => compare(other, item));
			if (at < sorted.length && compare(sorted[at] as T, item) === 0) sorted.splice(at, 1);
		},
		items() {
			flush();
			return sorted;
		},
	};
}
