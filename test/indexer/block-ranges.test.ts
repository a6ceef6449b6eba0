import { describe, expect, it } from "vitest";
import { createRangeFetcher, createRangeSizer, fetchRanges } from "../../src/indexer/block-ranges.ts";
import { LogRangeError, parseLogRangeError } from "../../src/rpc/errors.ts";

describe("parseLogRangeError()", () => {
	it.each([
		["Log response size exceeded. ... this block range should work: [0x1, 0x7cf]", 1999],
		["requested too many blocks from 0 to 4000, maximum is set to 2048", 2048],
		["eth_getLogs is limited to a 10000 range", 10000],
		["query returned more than 10000 results", undefined],
		["block range too large", undefined],
		["no backend is currently healthy to serve traffic", undefined],
	])("%s → %s blocks", (message, blocks) => {
		const error = parseLogRangeError(message);
		expect(error).toBeInstanceOf(LogRangeError);
		expect(error?.suggestedBlocks).toBe(blocks);
	});

	it("does not mistake other errors for range refusals", () => {
		expect(parseLogRangeError("execution reverted")).toBeUndefined();
		expect(parseLogRangeError("invalid argument 0: hex string has length 3")).toBeUndefined();
	});
});

describe("fetchRanges()", () => {
	it("covers the range exactly once, in order, splitting refused ranges and adapting the size", async () => {
		const sizer = createRangeSizer(50, 1000);
		const asked: [bigint, bigint][] = [];
		const fetch = async (from: bigint, to: bigint) => {
			asked.push([from, to]);
			if (to - from + 1n > 64n) throw new LogRangeError("query returned more than 10000 results", undefined);
			await new Promise((r) => setTimeout(r, Number(to % 3n)));
			return [[from, to] as const];
		};
		const seen: (readonly [bigint, bigint])[] = [];
		for await (const r of fetchRanges({ from: 10n, to: 2000n, sizer, inFlight: 3, fetch, merge: (parts) => parts.flat() })) {
			expect(r.value[0]?.[0]).toBe(r.from);
			expect(r.value.at(-1)?.[1]).toBe(r.to);
			seen.push(...r.value);
		}
		let next = 10n;
		for (const [from, to] of seen) {
			expect(from).toBe(next);
			next = to + 1n;
		}
		expect(next).toBe(2001n);
		expect(sizer.size).toBeLessThanOrEqual(64);
		expect(asked.some(([f, t]) => t - f + 1n > 64n)).toBe(true);
	});

	it("takes a provider's suggested range as a ceiling", () => {
		const sizer = createRangeSizer(500, 10_000);
		sizer.refused(500, new LogRangeError("maximum is set to 100", 100));
		for (let i = 0; i < 50; i++) sizer.succeeded(sizer.size);
		expect(sizer.size).toBe(100);
	});

	it("stops at the first error that is not about the range", async () => {
		const sizer = createRangeSizer(10, 10);
		const run = async () => {
			for await (const _ of fetchRanges({
				from: 0n,
				to: 100n,
				sizer,
				inFlight: 2,
				fetch: async (from) => {
					if (from >= 30n) throw new Error("boom");
					return from;
				},
				merge: (p) => p[0] ?? 0n,
			}));
		};
		await expect(run()).rejects.toThrow("boom");
	});
});

describe("createRangeFetcher()", () => {
	/** A fetch whose answers the test releases by hand; `asked` lists the ranges requested. */
	function manualFetch() {
		const asked: bigint[] = [];
		const pending = new Map<bigint, () => void>();
		return {
			asked,
			release: (from: bigint) => pending.get(from)?.(),
			fetch: (from: bigint, to: bigint) => {
				asked.push(from);
				return new Promise<bigint[]>((resolve) => pending.set(from, () => resolve([from, to])));
			},
		};
	}
	const settle = () => new Promise((r) => setTimeout(r, 5));

	it("keeps fetching while the consumer works, up to the buffered weight, and merges what is ready into one take", async () => {
		const f = manualFetch();
		const fetcher = createRangeFetcher({
			from: 0n,
			to: 99n,
			sizer: createRangeSizer(10, 10),
			inFlight: 2,
			fetch: f.fetch,
			merge: (parts) => parts.flat(),
			weigh: () => 10,
			maxBuffered: 30,
		});
		const first = fetcher.take(100);
		await settle();
		expect(f.asked).toEqual([0n, 10n]);
		f.release(0n);
		f.release(10n);
		const taken = await first;
		expect(taken.map((r) => r.from)).toEqual([0n, 10n]);
		// Nobody takes now: fetching goes on (2 in flight at a time) until 30 is buffered.
		for (const from of [20n, 30n, 40n]) {
			await settle();
			f.release(from);
		}
		await settle();
		expect(f.asked).toEqual([0n, 10n, 20n, 30n, 40n, 50n]);
		// A take of at most 20 takes the first ready range and the next while within the weight.
		expect((await fetcher.take(20)).map((r) => r.from)).toEqual([20n, 30n]);
		await settle();
		expect(f.asked.at(-1)).toBe(60n);
		fetcher.close();
	});

	it("hands the ranges before a failed one first, then the error", async () => {
		const fetcher = createRangeFetcher({
			from: 0n,
			to: 49n,
			sizer: createRangeSizer(10, 10),
			inFlight: 5,
			fetch: async (from) => {
				if (from === 20n) throw new Error("boom");
				return from;
			},
			merge: (p) => p[0] ?? 0n,
		});
		await settle();
		expect((await fetcher.take(Number.POSITIVE_INFINITY)).map((r) => r.from)).toEqual([0n, 10n]);
		await expect(fetcher.take()).rejects.toThrow("boom");
	});
});
