import { describe, expect, it } from "vitest";
import { createBatcher } from "../../src/api/batch.ts";

function recorder(delayMs = 5) {
	const calls: string[][] = [];
	let running = 0;
	let maxRunning = 0;
	const loadMany = async (keys: string[]) => {
		calls.push(keys);
		running++;
		maxRunning = Math.max(maxRunning, running);
		await new Promise((r) => setTimeout(r, delayMs));
		running--;
		return new Map(keys.filter((k) => k !== "missing").map((k) => [k, k.toUpperCase()]));
	};
	return { calls, loadMany, maxRunning: () => maxRunning };
}

describe("createBatcher()", () => {
	it("coalesces the keys asked in one turn into one load, and duplicates into one key", async () => {
		const r = recorder();
		const batcher = createBatcher(r.loadMany);
		expect(await Promise.all(["a", "b", "a", "c"].map((k) => batcher.load(k)))).toEqual(["A", "B", "A", "C"]);
		expect(r.calls).toEqual([["a", "b", "c"]]);
	});

	it("runs at most maxInFlight loads; later keys wait and grow the next batch", async () => {
		const r = recorder(20);
		const batcher = createBatcher(r.loadMany, { maxInFlight: 1 });
		const first = batcher.load("a");
		await new Promise((resolve) => setImmediate(resolve));
		const rest = ["b", "c", "d"].map((k) => batcher.load(k));
		expect(await Promise.all([first, ...rest])).toEqual(["A", "B", "C", "D"]);
		expect(r.calls).toEqual([["a"], ["b", "c", "d"]]);
		expect(r.maxRunning()).toBe(1);
	});

	it("splits batches at maxBatch", async () => {
		const r = recorder(1);
		const batcher = createBatcher(r.loadMany, { maxBatch: 2, maxInFlight: 4 });
		await Promise.all(["a", "b", "c", "d", "e"].map((k) => batcher.load(k)));
		expect(r.calls).toEqual([["a", "b"], ["c", "d"], ["e"]]);
	});

	it("rejects a key the load did not return, and every key of a failed load", async () => {
		const r = recorder(1);
		const batcher = createBatcher(r.loadMany);
		const [ok, missing] = await Promise.allSettled([batcher.load("x"), batcher.load("missing")]);
		expect(ok).toEqual({ status: "fulfilled", value: "X" });
		expect(missing).toMatchObject({ status: "rejected", reason: { message: "batch load returned nothing for missing" } });
		const failing = createBatcher<string, string>(async () => {
			throw new Error("db down");
		});
		const results = await Promise.allSettled([failing.load("a"), failing.load("b")]);
		expect(results.map((s) => s.status)).toEqual(["rejected", "rejected"]);
		expect(await createBatcher(r.loadMany).load("later")).toBe("LATER");
	});
});
