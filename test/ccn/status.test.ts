import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregate, instance, post, store } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import type { AlephMessage } from "../../devchain/ccn/sign.ts";
import { call, signers, T0 } from "./helpers.ts";

const [alice, bob] = signers as [(typeof signers)[0], (typeof signers)[0]];
let ccn: LocalCcn;
const m: Record<string, AlephMessage> = {};

beforeAll(async () => {
	ccn = await startLocalCcn({ now: () => T0 + 1000 });
	const fileHash = ccn.addFile("hello world");
	m.post = await alice.sign(post({ sender: alice.address, time: T0, postType: "note", content: { price: 0.000001, big: 2e16 } }));
	m.removing = await bob.sign(instance({ sender: bob.address, time: T0 + 1, payment: { chain: "ETH", type: "credit" } }));
	m.removingHold = await bob.sign(instance({ sender: bob.address, time: T0 + 2, payment: { chain: "ETH", type: "hold" } }));
	m.forgotten = await alice.sign(store({ sender: alice.address, time: T0 + 3, itemHash: fileHash }));
	m.removed = await bob.sign(instance({ sender: bob.address, time: T0 + 4 }));
	m.rejected = await alice.sign(aggregate({ sender: alice.address, time: T0 + 5, key: "k", content: {} }));
	m.pending = await alice.sign(post({ sender: alice.address, time: T0 + 6.5, postType: "note", content: {} }));
	ccn.insert(m.post, { receptionTime: T0 + 0.763412, confirmations: [{ chain: "ETH", hash: "4b01", height: 25035348 }] });
	for (const name of ["removing", "removingHold", "forgotten", "removed"]) ccn.insert(m[name] as AlephMessage);
	ccn.setStatus(m.removing.item_hash, "removing");
	ccn.setStatus(m.removingHold.item_hash, "removing");
	ccn.setStatus(m.forgotten.item_hash, "forgotten", { forgottenBy: ["f".repeat(64)], forgottenAt: T0 + 10 });
	ccn.setStatus(m.removed.item_hash, "removed", { removedAt: T0 + 20.5 });
	ccn.insert(m.rejected, { status: "rejected", errorCode: 2, details: { errors: ["not allowed"] } });
	ccn.insert(m.pending, { status: "pending" });
});
afterAll(() => ccn.stop());

const get = (path: string) => call(ccn.url, path);

describe("GET /api/v0/messages/{item_hash}", () => {
	it("answers a processed message in pydantic's declaration order, without size", async () => {
		const { status, text } = await get(`/api/v0/messages/${m.post?.item_hash}`);
		expect(status).toBe(200);
		const body = JSON.parse(text);
		expect(Object.keys(body)).toEqual(["status", "item_hash", "reception_time", "message"]);
		expect(body.reception_time).toBe("2027-01-15T08:00:00.763412Z");
		expect(Object.keys(body.message)).toEqual([
			"sender",
			"chain",
			"signature",
			"type",
			"item_content",
			"item_type",
			"item_hash",
			"time",
			"channel",
			"content",
			"confirmed",
			"confirmations",
		]);
		expect(body.message.confirmations).toEqual([{ chain: "ETH", height: 25035348, hash: "4b01" }]);
		expect(text).toContain('"confirmations":[{"chain":"ETH","height":25035348,"hash":"4b01"}]');
		// PostContent fields in order, a missing ref as null, time a float; inner keys in JSONB order,
		// a float ≥ 1e16 an int after JSONB, 1e-6 as ryu prints it.
		expect(text).toContain(
			`"content":{"address":"${alice.address}","time":${T0}.0,"content":{"big":20000000000000000,"price":1e-6},"ref":null,"type":"note"}`,
		);
		expect(body.message.item_content).toBe(m.post?.item_content);
	});

	it("adds the removal reason for removing, from the payment type", async () => {
		const credit = (await get(`/api/v0/messages/${m.removing?.item_hash}`)).json();
		expect(Object.keys(credit)).toEqual(["status", "item_hash", "reception_time", "message", "reason"]);
		expect(credit).toMatchObject({ status: "removing", reason: "credit_insufficient" });
		expect((await get(`/api/v0/messages/${m.removingHold?.item_hash}`)).json().reason).toBe("balance_insufficient");
	});

	it("answers skeletons for forgotten and removed", async () => {
		const forgotten = (await get(`/api/v0/messages/${m.forgotten?.item_hash}`)).json();
		expect(forgotten).toEqual({
			status: "forgotten",
			item_hash: m.forgotten?.item_hash,
			reception_time: "2027-01-15T08:16:40Z",
			message: {
				sender: alice.address,
				chain: "ETH",
				signature: m.forgotten?.signature,
				type: "STORE",
				item_type: "inline",
				item_hash: m.forgotten?.item_hash,
				time: T0 + 3,
				channel: null,
				owner: alice.address,
				payment_type: "hold",
				size: 11,
				forgotten_at: T0 + 10,
			},
			forgotten_by: ["f".repeat(64)],
		});
		const removed = (await get(`/api/v0/messages/${m.removed?.item_hash}`)).json();
		expect(Object.keys(removed)).toEqual(["status", "item_hash", "reception_time", "message", "reason", "removed_at", "size"]);
		expect(removed).toMatchObject({ status: "removed", reason: "credit_insufficient", removed_at: T0 + 20.5, size: null });
		expect(removed.message).toMatchObject({ type: "INSTANCE", payment_type: "credit", removed_at: T0 + 20.5 });
	});

	it("answers rejected with the raw message and its error, pending with the queued copies", async () => {
		const rejected = (await get(`/api/v0/messages/${m.rejected?.item_hash}`)).json();
		expect(rejected).toEqual({
			status: "rejected",
			item_hash: m.rejected?.item_hash,
			reception_time: "2027-01-15T08:16:40Z",
			message: m.rejected,
			error_code: 2,
			details: { errors: ["not allowed"] },
		});
		const pending = (await get(`/api/v0/messages/${m.pending?.item_hash}`)).json();
		expect(Object.keys(pending)).toEqual(["status", "item_hash", "reception_time", "messages"]);
		expect(pending.messages[0]).toMatchObject({
			item_hash: m.pending?.item_hash,
			time: "2027-01-15T08:00:06.500000Z",
			content: { type: "note" },
		});
	});

	it("answers 404 for an unknown hash and 400 for something that is no hash", async () => {
		expect(await get(`/api/v0/messages/${"0".repeat(64)}`)).toMatchObject({ status: 404, text: "404: Not Found" });
		expect(await get("/api/v0/messages/xyz")).toMatchObject({ status: 400, text: "Invalid message hash: xyz" });
	});
});

describe("GET /api/v0/messages/{item_hash}/status and /content", () => {
	it("gives status and reception time for every status", async () => {
		for (const [name, status] of [
			["post", "processed"],
			["removing", "removing"],
			["forgotten", "forgotten"],
			["removed", "removed"],
			["rejected", "rejected"],
			["pending", "pending"],
		]) {
			const answer = await get(`/api/v0/messages/${m[name as string]?.item_hash}/status`);
			expect(Object.keys(answer.json())).toEqual(["status", "item_hash", "reception_time"]);
			expect(answer.json().status, name).toBe(status);
		}
		expect((await get(`/api/v0/messages/${"0".repeat(64)}/status`)).status).toBe(404);
	});

	it("gives a POST's own content, with json.dumps, and 422 unless processed", async () => {
		const content = await get(`/api/v0/messages/${m.post?.item_hash}/content`);
		expect(content).toMatchObject({ status: 200, text: '{"big": 20000000000000000, "price": 1e-06}' });
		const vm = (await get(`/api/v0/messages/${m.removing?.item_hash}/content`)).status;
		expect(vm).toBe(422);
	});
});
