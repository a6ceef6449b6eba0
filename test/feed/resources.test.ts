/**
 * Resources from the feed, in this process against the local CCN: INSTANCE, PROGRAM and STORE
 * messages become resources of their owner (delegates allowed by the owner's security aggregate,
 * anyone else not), priced with the file sizes the CCN gives; FORGETs per target, all or nothing,
 * refused for a STORE used as a volume; tombstones.
 */
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forget, instance, program, securityAggregate, store } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { delegate, type Harness, resetFeedTables, startFollower, testFeed, users, waitSynced } from "./helpers.ts";

let database: TestDatabase;
let ccn: LocalCcn;
let harness: Harness | undefined;

const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
const T = 1_780_000_000;
const credit = { chain: "ETH", type: "credit" } as const;

beforeAll(async () => {
	database = await createTestDatabase();
});
afterAll(async () => {
	await database?.drop();
});
beforeEach(async () => {
	ccn = await startLocalCcn();
	await resetFeedTables(database.db);
});
afterEach(async () => {
	await harness?.stop();
	harness = undefined;
	await ccn.stop();
});

async function sync() {
	const since = new Date();
	harness ??= await startFollower(database, testFeed([ccn.url]));
	await waitSynced(database.db, [ccn.url], since);
}

const resources = async () =>
	(
		await sql<{ item_hash: string; owner: string; source: string; cost_credit: string; missing_sizes: string[] }>`
			select item_hash, owner, source, cost_credit::text, missing_sizes from resources order by item_hash`.execute(database.db)
	).rows;

describe("resources from the feed", () => {
	it("prices a STORE on the size the CCN gives, a VM with its volume, and flags a size it cannot get", async () => {
		const file = ccn.addFile(Buffer.alloc(100 * 1024 * 1024, 1));
		const s = ccn.insert(await alice.sign(store({ sender: alice.address, time: T, itemHash: file, payment: credit })));
		const vm = ccn.insert(
			await alice.sign(
				instance({
					sender: alice.address,
					time: T + 1,
					resources: { vcpus: 1, memory: 2048 },
					rootfs: { sizeMib: 20480 },
					volumes: [{ mount: "/data", ref: s.itemHash, use_latest: false }],
				}),
			),
		);
		// A STORE of a file the CCN does not have: no STORAGE row, flagged.
		const lost = ccn.insert(await alice.sign(store({ sender: alice.address, time: T + 2, itemHash: "ab".repeat(32), payment: credit })));
		await sync();
		const rows = new Map((await resources()).map((r) => [r.item_hash, r]));
		// 100 MiB credit STORE: 0.004990969175173918 credits/s (spec §8.6).
		expect(rows.get(s.itemHash)).toMatchObject({ owner: alice.address.toLowerCase(), source: "network", cost_credit: "4990969175173918" });
		expect(rows.get(lost.itemHash)).toMatchObject({ cost_credit: "0", missing_sizes: ["ab".repeat(32)].map(() => lost.itemHash) });
		expect(rows.get(vm.itemHash)?.missing_sizes).toEqual([]);
		const sizes = await database.db.selectFrom("file_sizes").selectAll().execute();
		expect(sizes.map((r) => [r.message_hash, BigInt(r.size), r.trusted])).toEqual([[s.itemHash, 100n * 1024n * 1024n, true]]);
	});

	it("asks the CCN again for a size it did not give, and re-prices the resource once it does", async () => {
		harness = await startFollower(database, testFeed([ccn.url]), { sizeRetryMs: 0 });
		const fileHash = "cd".repeat(32);
		const s = ccn.insert(await alice.sign(store({ sender: alice.address, time: T, itemHash: fileHash, payment: credit })));
		await sync();
		expect((await resources()).find((r) => r.item_hash === s.itemHash)).toMatchObject({ cost_credit: "0", missing_sizes: [s.itemHash] });

		// The CCN gets the file later (a pin that finished, a peer that answered).
		ccn.addFile(null, { hash: fileHash, size: 100 * 1024 * 1024 });
		const deadline = Date.now() + 30_000;
		let row = (await resources()).find((r) => r.item_hash === s.itemHash);
		while (row?.missing_sizes.length !== 0 && Date.now() < deadline) {
			await sync();
			row = (await resources()).find((r) => r.item_hash === s.itemHash);
		}
		// 100 MiB credit STORE: 0.004990969175173918 credits/s (spec §8.6).
		expect(row).toMatchObject({ cost_credit: "4990969175173918", missing_sizes: [] });
		const sizes = await database.db.selectFrom("file_sizes").select(["message_hash", "size"]).execute();
		expect(sizes.map((r) => [r.message_hash, BigInt(r.size)])).toEqual([[s.itemHash, 100n * 1024n * 1024n]]);
	});

	it("takes a delegate's resource for its owner, not an unauthorized sender's", async () => {
		ccn.insert(
			await alice.sign(
				securityAggregate({ sender: alice.address, time: T, authorizations: [{ address: delegate.address, types: ["INSTANCE"] }] }),
			),
		);
		const byDelegate = ccn.insert(await delegate.sign(instance({ sender: delegate.address, address: alice.address, time: T + 1 })));
		const byBob = ccn.insert(await bob.sign(instance({ sender: bob.address, address: alice.address, time: T + 2 })));
		// The delegate may not publish a PROGRAM for alice (types: INSTANCE only).
		const programByDelegate = ccn.insert(
			await delegate.sign(program({ sender: delegate.address, address: alice.address, time: T + 3, codeRef: "cd".repeat(32) })),
		);
		await sync();
		expect((await resources()).map((r) => r.item_hash)).toEqual([byDelegate.itemHash]);
		const statuses = await database.db.selectFrom("feed_messages").select(["item_hash", "status"]).execute();
		expect(Object.fromEntries(statuses.map((s) => [s.item_hash, s.status]))).toMatchObject({
			[byBob.itemHash]: "unauthorized",
			[programByDelegate.itemHash]: "unauthorized",
		});
	});

	it("applies a FORGET all or nothing, refuses one whose target is a volume, and keeps tombstones", async () => {
		const file = ccn.addFile(Buffer.from("volume"));
		const s = ccn.insert(await alice.sign(store({ sender: alice.address, time: T, itemHash: file, payment: credit })));
		const vm = ccn.insert(
			await alice.sign(instance({ sender: alice.address, time: T + 1, volumes: [{ mount: "/v", ref: s.itemHash, use_latest: false }] })),
		);
		const other = ccn.insert(await alice.sign(instance({ sender: alice.address, time: T + 2 })));
		const bobs = ccn.insert(await bob.sign(instance({ sender: bob.address, time: T + 3 })));
		// Refused: the STORE is a volume of vm.
		const refused = ccn.insert(await alice.sign(forget({ sender: alice.address, time: T + 4, hashes: [s.itemHash] })));
		// Refused as a whole: alice may not forget bob's instance.
		const denied = ccn.insert(await alice.sign(forget({ sender: alice.address, time: T + 5, hashes: [other.itemHash, bobs.itemHash] })));
		// Applied: its own instance, and a hash not seen yet (its tombstone keeps it out when it comes).
		const late = await alice.sign(instance({ sender: alice.address, time: T + 100 }));
		const applied = ccn.insert(await alice.sign(forget({ sender: alice.address, time: T + 6, hashes: [vm.itemHash, late.item_hash] })));
		await sync();
		expect((await resources()).map((r) => r.item_hash).sort()).toEqual([s.itemHash, other.itemHash, bobs.itemHash].sort());
		ccn.insert(late);
		await sync();
		expect((await resources()).map((r) => r.item_hash)).not.toContain(late.item_hash);
		const statuses = Object.fromEntries(
			(await database.db.selectFrom("feed_messages").select(["item_hash", "status", "reason"]).execute()).map((r) => [
				r.item_hash,
				[r.status, r.reason],
			]),
		);
		expect(statuses[refused.itemHash]).toEqual(["invalid", "forget_not_allowed"]);
		expect(statuses[denied.itemHash]).toEqual(["unauthorized", "sender_not_authorized"]);
		expect(statuses[applied.itemHash]).toEqual(["applied", null]);
		expect(statuses[vm.itemHash]?.[0]).toBe("forgotten");
		expect(statuses[late.item_hash]?.[0]).toBe("forgotten");
	});

	it("shows what the CCN lists as removing, and back to processed when it is funded again", async () => {
		const vm = ccn.insert(await alice.sign(instance({ sender: alice.address, time: T })));
		await sync();
		const status = async () =>
			(await database.db.selectFrom("resources").select("ccn_status").where("item_hash", "=", vm.itemHash).executeTakeFirstOrThrow())
				.ccn_status;
		expect(await status()).toBeNull();
		ccn.setStatus(vm.itemHash, "removing");
		await sync();
		expect(await status()).toBe("removing");
		ccn.setStatus(vm.itemHash, "processed");
		await sync();
		expect(await status()).toBeNull();
	});
});
