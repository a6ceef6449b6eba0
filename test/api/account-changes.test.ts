import { describe, expect, it } from "vitest";
import { createAccountCache } from "../../src/api/account-cache.ts";
import { createAccountChanges, parseAccountChange } from "../../src/api/account-changes.ts";

/** A loader that resolves when told, counting its reads. */
function controlledLoader() {
	const reads: string[][] = [];
	let release: (() => void) | null = null;
	return {
		reads,
		load: async (keys: string[]) => {
			reads.push(keys);
			await new Promise<void>((resolve) => {
				release = resolve;
			});
			return new Map(keys.map((k) => [k, `${k}@${reads.length}`]));
		},
		release: () => release?.(),
	};
}

const immediate = async (keys: string[]) => new Map(keys.map((k) => [k, `${k}!`]));

function liveChanges() {
	const changes = createAccountChanges();
	changes.connected();
	return changes;
}

describe("parseAccountChange()", () => {
	it("reads the three payloads of migration 0009, and anything else as every account", () => {
		expect(parseAccountChange("a|0xaa,0xbb")).toEqual({ kind: "accounts", addresses: ["0xaa", "0xbb"] });
		expect(parseAccountChange("c|ETH|123")).toEqual({ kind: "cursor", chain: "ETH", block: 123n });
		expect(parseAccountChange("*")).toEqual({ kind: "all" });
		expect(parseAccountChange("c|ETH|x")).toEqual({ kind: "all" });
		expect(parseAccountChange("")).toEqual({ kind: "all" });
	});
});

describe("createAccountCache()", () => {
	it("serves a loaded account until a notification names it", async () => {
		const changes = liveChanges();
		const cache = createAccountCache<string>(changes, { maxEntries: 10 });
		await cache.loading(immediate)(["0xaa", "0xbb"]);
		expect(cache.get("0xaa")?.value).toBe("0xaa!");
		changes.notified("a|0xaa");
		expect(cache.get("0xaa")).toBeUndefined();
		expect(cache.get("0xbb")?.value).toBe("0xbb!");
		changes.notified("*");
		expect(cache.get("0xbb")).toBeUndefined();
	});

	it("does not cache what a read returns when a notification that may concern it came during the read", async () => {
		const changes = liveChanges();
		const cache = createAccountCache<string>(changes, { maxEntries: 10 });
		const loader = controlledLoader();
		const reading = cache.loading(loader.load)(["0xaa", "0xbb"]);
		await Promise.resolve();
		// committed while the read ran: the read's snapshot may or may not hold it
		changes.notified("a|0xaa");
		loader.release();
		expect((await reading).get("0xaa")).toBe("0xaa@1");
		expect(cache.get("0xaa")).toBeUndefined();
		expect(cache.get("0xbb")?.value).toBe("0xbb@1");

		const again = cache.loading(loader.load)(["0xcc"]);
		await Promise.resolve();
		changes.notified("*");
		loader.release();
		await again;
		expect(cache.get("0xcc")).toBeUndefined();
	});

	it("stores and serves nothing while the notifications are not received, and starts empty when they resume", async () => {
		const changes = createAccountChanges();
		const cache = createAccountCache<string>(changes, { maxEntries: 10 });
		await cache.loading(immediate)(["0xaa"]);
		expect(cache.size).toBe(0);
		changes.connected();
		await cache.loading(immediate)(["0xaa"]);
		expect(cache.get("0xaa")?.value).toBe("0xaa!");
		changes.disconnected();
		expect(cache.get("0xaa")).toBeUndefined();
		expect(cache.size).toBe(0);
		// a read that started while connected and ends after the loss is not kept
		changes.connected();
		const loader = controlledLoader();
		const reading = cache.loading(loader.load)(["0xbb"]);
		await Promise.resolve();
		changes.disconnected();
		changes.connected();
		loader.release();
		await reading;
		expect(cache.get("0xbb")).toBeUndefined();
	});

	it("keeps at most maxEntries accounts, the most recently used", async () => {
		const changes = liveChanges();
		const cache = createAccountCache<string>(changes, { maxEntries: 2 });
		await cache.loading(immediate)(["0xaa", "0xbb"]);
		cache.get("0xaa");
		await cache.loading(immediate)(["0xcc"]);
		expect(cache.size).toBe(2);
		expect(cache.get("0xbb")).toBeUndefined();
		expect(cache.get("0xaa")?.value).toBe("0xaa!");
		expect(cache.get("0xcc")?.value).toBe("0xcc!");
	});

	it("drops a value once it expires (a credit lot running out), without a commit", async () => {
		const changes = liveChanges();
		let now = 1_000;
		const cache = createAccountCache<string>(changes, { maxEntries: 10, expiresAtMs: () => 2_000, now: () => now });
		await cache.loading(immediate)(["0xaa"]);
		expect(cache.get("0xaa")?.value).toBe("0xaa!");
		now = 2_000;
		expect(cache.get("0xaa")).toBeUndefined();
	});
});

describe("createAccountChanges()", () => {
	it("reports the cursors moved since a read started", () => {
		const changes = liveChanges();
		changes.notified("c|ETH|10");
		const since = changes.generation();
		expect(changes.cursorsSince(since)).toEqual(new Map());
		changes.notified("c|AVAX|20");
		changes.notified("c|AVAX|21");
		expect(changes.cursorsSince(since)).toEqual(new Map([["AVAX", 21n]]));
	});

	it("caughtUp() joins the next round trip, never the one in flight", async () => {
		const trips: (() => void)[] = [];
		const changes = createAccountChanges({ roundTrip: () => new Promise<void>((resolve) => trips.push(resolve)) });
		changes.connected();
		let first = false;
		let second = false;
		void changes.caughtUp().then(() => {
			first = true;
		});
		void changes.caughtUp().then(() => {
			second = true;
		});
		expect(trips.length).toBe(1);
		trips[0]?.();
		await new Promise((r) => setTimeout(r, 0));
		expect(first).toBe(true);
		expect(second).toBe(false);
		expect(trips.length).toBe(2);
		trips[1]?.();
		await new Promise((r) => setTimeout(r, 0));
		expect(second).toBe(true);
	});

	it("a change this process committed evicts at once", async () => {
		const changes = liveChanges();
		const cache = createAccountCache<string>(changes, { maxEntries: 10 });
		await cache.loading(immediate)(["0xaa"]);
		changes.changed(["0xaa"]);
		expect(cache.get("0xaa")).toBeUndefined();
	});
});
