import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksum } from "../../src/lib/address.ts";
import { HOLD_AND_STREAM_CUTOFF_TIMESTAMP } from "../../src/pricing/constants.ts";
import { instance, type Json, NODE_HASH } from "../pricing/fixtures.ts";
import { addr, COMMUNITY, createTestApi, flow, resource, seedChains, type TestApi, transfer, WEI, ZERO } from "./helpers.ts";

const CRN = addr(0xc12);
let api: TestApi;
let queries = 0;
let next = 0xca4a0;

/** Counts the queries the app sends (the test's own `api.db` is not counted). */
const counting: KyselyPlugin = {
	transformQuery: (args) => {
		queries++;
		return args.node;
	},
	transformResult: async (args) => args.result,
};

beforeAll(async () => {
	api = await createTestApi({}, {}, (db) => db.withPlugin(counting));
	await seedChains(api.db);
});
afterAll(async () => {
	await api.database.drop();
});

function as(owner: string, message: Json): Json {
	const copy = structuredClone(message) as Json & { content: Json };
	copy.sender = owner;
	copy.content.address = owner;
	return copy;
}

async function canPay(message: Json, sizes?: Record<string, number>) {
	const res = await api.request("/v1/can-pay", { method: "POST", json: { message, ...(sizes ? { sizes } : {}) } });
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function funded(aleph: bigint, chain = "ETH"): Promise<string> {
	const owner = addr(next++);
	await transfer(api.db, { chain, block: BigInt(next), logIndex: 0, from: ZERO, to: owner, value: aleph * WEI });
	return owner;
}

const PAYG = (chain = "AVAX", receiver: string = CRN) => ({ type: "superfluid", chain, receiver });

describe("POST /v1/can-pay: hold", () => {
	it("allows when the balance covers the message, with a bounded number of queries", async () => {
		const owner = await funded(2_000n);
		queries = 0;
		const { status, body } = await canPay(as(owner, instance()));
		// The freshness rows, then one statement reading the owner's inputs: no RPC, nothing per resource.
		expect(queries).toBe(2);
		expect(status).toBe(200);
		expect(body).toMatchObject({
			allowed: true,
			paymentType: "hold",
			cost: "1000.000000000000000000",
			unit: "ALEPH",
			required: "1000.000000000000000000",
			available: "2000.000000000000000000",
			errorCode: null,
			reason: "balance_sufficient",
			address: checksum(owner),
			balance: { wei: (2_000n * WEI).toString(), aleph: "2000" },
			lockedHold: { wei: "0", aleph: "0" },
			streamsChecked: false,
			streams: null,
			creditBalanceKnown: false,
			missingSizes: [],
			asOf: { ETH: 1000, AVAX: 1000, BASE: 1000 },
		});
		expect(body.detail).toContainEqual({
			type: "EXECUTION",
			name: "instance",
			cost_hold: "1000.000000000000000000",
			cost_stream: "0.000015277777777777",
			cost_credit: "3.958333333333333333",
			size_mib: null,
		});
	});

	it("reads the inputs of concurrent requests in shared statements, with the same answers", async () => {
		const owners = await Promise.all(Array.from({ length: 20 }, (_, i) => funded(BigInt(900 + i * 10))));
		const sequential = [];
		for (const owner of owners) sequential.push((await canPay(as(owner, instance()))).body);
		queries = 0;
		const concurrent = await Promise.all(owners.map(async (owner) => (await canPay(as(owner, instance()))).body));
		expect(concurrent).toEqual(sequential);
		expect(concurrent.map((b) => b.allowed)).toEqual(owners.map((_, i) => 900 + i * 10 >= 1000));
		expect(queries).toBeLessThan(20);
	});

	it("adds the hold costs of the owner's registered resources, but not of the message itself", async () => {
		const owner = await funded(2_000n);
		await resource(api.db, { itemHash: "c".repeat(64), owner, paymentType: "hold", hold: 1_500n * WEI, agoSeconds: 60 });
		let { body } = await canPay(as(owner, instance()));
		expect(body).toMatchObject({
			allowed: false,
			errorCode: 5,
			reason: "balance_insufficient",
			required: "2500.000000000000000000",
			lockedHold: { aleph: "1500" },
		});
		({ body } = await canPay({ ...as(owner, instance()), item_hash: "c".repeat(64) }));
		expect(body).toMatchObject({ allowed: true, required: "1000.000000000000000000", lockedHold: { aleph: "0" } });
	});

	it("answers 202 for a hold INSTANCE after the 2026-03-11 cut-off", async () => {
		const owner = await funded(5_000n);
		const { body } = await canPay(as(owner, instance({}, HOLD_AND_STREAM_CUTOFF_TIMESTAMP + 10)));
		expect(body).toMatchObject({ allowed: false, errorCode: 202, reason: "invalid_payment_method" });
	});
});

describe("POST /v1/can-pay: superfluid", () => {
	const message = (owner: string, payment = PAYG()) => as(owner, instance({ payment }));

	it("rejects without streams, naming the shortfall (no Aleph code: the CRN answers 402)", async () => {
		const owner = addr(next++);
		const { body } = await canPay(message(owner));
		expect(body).toMatchObject({
			allowed: false,
			errorCode: null,
			reason: "stream_insufficient",
			unit: "ALEPH/s",
			cost: "0.000015277777777777",
			required: "0.000012222222222221",
			available: "0.000000000000000000",
			streamsChecked: true,
			streams: {
				chain: "AVAX",
				receiver: checksum(CRN),
				communityWallet: checksum(COMMUNITY),
				flowToReceiver: { weiPerSecond: "0" },
				requiredToReceiver: { weiPerSecond: "12222222222221" },
				requiredToCommunity: { weiPerSecond: "3055555555555" },
			},
		});
	});

	it("allows when the indexed flows to the receiver and the community wallet cover 80/20", async () => {
		const owner = addr(next++);
		await flow(api.db, { chain: "AVAX", sender: owner, receiver: CRN, rate: 12_222_222_222_221n });
		await flow(api.db, { chain: "AVAX", sender: owner, receiver: COMMUNITY, rate: 3_055_555_555_555n });
		await flow(api.db, { chain: "BASE", sender: owner, receiver: CRN, rate: 10n ** 15n });
		let { body } = await canPay(message(owner));
		expect(body).toMatchObject({ allowed: true, reason: "stream_sufficient", available: "0.000012222222222221" });

		// Flows on BASE pay for BASE resources only.
		({ body } = await canPay(message(owner, PAYG("BASE"))));
		expect(body).toMatchObject({
			allowed: false,
			reason: "stream_insufficient",
			streams: { chain: "BASE", flowToCommunity: { weiPerSecond: "0" } },
		});

		// The same streams must also pay for the owner's other resources to that receiver.
		await resource(api.db, {
			itemHash: "d".repeat(64),
			owner,
			paymentType: "superfluid",
			stream: 15_277_777_777_777n,
			chain: "AVAX",
			receiver: CRN,
			agoSeconds: 60,
		});
		({ body } = await canPay(message(owner)));
		expect(body).toMatchObject({ allowed: false, required: "0.000024444444444443" });
	});

	it("does not check streams on a chain whose streams are not indexed, and says so", async () => {
		const { body } = await canPay(message(addr(next++), PAYG("ETH")));
		expect(body).toMatchObject({ allowed: true, reason: "superfluid_unchecked", streamsChecked: false, streams: null });
	});
});

describe("POST /v1/can-pay: credit and unpriced messages", () => {
	it("reports the credits needed for a day but no verdict: credit balances are not indexed", async () => {
		const owner = addr(next++);
		await resource(api.db, { itemHash: "e".repeat(64), owner, paymentType: "credit", credit: WEI, agoSeconds: 60 });
		const payment = { type: "credit" };
		const { body } = await canPay(as(owner, instance({ payment, requirements: { node: { node_hash: NODE_HASH } } })));
		expect(body).toMatchObject({
			allowed: null,
			errorCode: null,
			reason: "credit_balance_unknown",
			unit: "credits/s",
			cost: "3.958333333333333333",
			required: "428399.999999999999971200",
			available: null,
			creditBalanceKnown: false,
		});
	});

	it("allows POST / AGGREGATE / FORGET without reading the index, even when it is stale", async () => {
		await seedChains(api.db, { ageSeconds: { ETH: 9_999 } });
		try {
			const message = { type: "POST", sender: addr(1), time: 1.7e9, content: { address: addr(1), type: "test" } };
			queries = 0;
			const { status, body } = await canPay(message);
			expect(queries).toBe(0);
			expect(status).toBe(200);
			expect(body).toMatchObject({ allowed: true, reason: "unpriced_message", cost: "0.000000000000000000", address: null, detail: [] });
			const priced = await canPay(as(addr(2), instance()));
			expect(priced.status).toBe(503);
			expect(priced.body).toMatchObject({ error: { code: "stale_data" } });
		} finally {
			await seedChains(api.db);
		}
	});
});

describe("POST /v1/can-pay: bad input", () => {
	const valid = () => as(addr(3), instance());
	it.each([
		["a missing message", {}, "invalid_request", "message"],
		["a message that is not an object", { message: [1] }, "invalid_request", "message"],
		[
			"a string size",
			{ message: { ...valid(), content: { ...(valid().content as Json), rootfs: { parent: { ref: "x" }, size_mib: "big" } } } },
			"invalid_message",
			"message.content.rootfs.size_mib",
		],
		["an unknown type", { message: { ...valid(), type: "PAY" } }, "invalid_message", "message.type"],
		[
			"a non-EVM owner",
			{ message: { ...valid(), content: { ...(valid().content as Json), address: "So1ana" } } },
			"invalid_address",
			"message.content.address",
		],
		[
			"an unknown GPU",
			{
				message: as(
					addr(4),
					instance({
						requirements: { node: { node_hash: NODE_HASH }, gpu: [{ device_id: "ff:ff" }] },
						environment: { hypervisor: "qemu" },
					}),
				),
			},
			"invalid_message",
			"message.content.requirements.gpu[0].device_id",
		],
		["a negative size", { message: valid(), sizes: { x: -1 } }, "invalid_request", "sizes.x"],
		["a fractional size", { message: valid(), sizes: { x: 1.5 } }, "invalid_request", "sizes.x"],
	])("rejects %s with 400", async (_name, body, code, field) => {
		const res = await api.request("/v1/can-pay", { method: "POST", json: body });
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: Record<string, string> }).error).toMatchObject({ code, field });
	});

	it("rejects malformed JSON, other media types and oversized bodies", async () => {
		let res = await api.request("/v1/can-pay", { method: "POST", body: '{"message": {', headers: { "content-type": "application/json" } });
		expect([res.status, await res.json()]).toEqual([
			400,
			{ error: { code: "invalid_json", message: "The request body is not valid JSON.", field: "body" } },
		]);
		res = await api.request("/v1/can-pay", { method: "POST", body: "message=1", headers: { "content-type": "text/plain" } });
		expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([415, "unsupported_media_type"]);
		res = await api.request("/v1/can-pay", {
			method: "POST",
			body: JSON.stringify({ message: valid(), pad: "x".repeat(300_000) }),
			headers: { "content-type": "application/json" },
		});
		expect([res.status, await res.json()]).toEqual([
			413,
			{ error: { code: "body_too_large", message: "The request body exceeds 262144 bytes.", field: "body" } },
		]);
		res = await api.request("/v1/can-pay");
		expect(res.status).toBe(404);
	});
});
