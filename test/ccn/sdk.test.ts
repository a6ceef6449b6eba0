import { createHash } from "node:crypto";
import { AuthenticatedAlephHttpClient } from "@aleph-sdk/client";
import { importAccountFromPrivateKey } from "@aleph-sdk/ethereum";
import { ItemType, MessageType } from "@aleph-sdk/message";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { aggregate, CREDIT_CHANNEL, forget, instance, post, program, store } from "../../devchain/ccn/messages.ts";
import { formatFloat } from "../../devchain/ccn/python-json.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { type AlephMessage, createSigner } from "../../devchain/ccn/sign.ts";
import { call, KEYS, postJson } from "./helpers.ts";

const [ownerKey, delegateKey, userKey, strangerKey] = KEYS as [`0x${string}`, `0x${string}`, `0x${string}`, `0x${string}`];
let ccn: LocalCcn;
const client = (key: `0x${string}`) => new AuthenticatedAlephHttpClient(importAccountFromPrivateKey(key), ccn.url);
const signer = createSigner(userKey);
const owner = createSigner(ownerKey);
const delegate = createSigner(delegateKey);
const stranger = createSigner(strangerKey);

beforeAll(async () => {
	ccn = await startLocalCcn();
});
afterAll(() => ccn.stop());
afterEach(() => {
	vi.restoreAllMocks();
});

/** The SDK stamps messages with Date.now(); freeze it to know a message's hash in advance. */
function freezeClock(seconds: number) {
	vi.spyOn(Date, "now").mockReturnValue(seconds * 1000);
	return seconds;
}

/** The broadcastable form of what the SDK returned (the bytes it sent). */
type SdkMessage = { getBroadcastable(): unknown; item_hash: string; time: number };
const sent = (message: SdkMessage) => JSON.stringify(message.getBroadcastable());

async function listed(query: string): Promise<{ messages: AlephMessage[]; text: string }> {
	const answer = await call(ccn.url, `/api/v0/messages.json?pagination=0&${query}`);
	expect(answer.status).toBe(200);
	return { messages: answer.json().messages, text: answer.text };
}

describe("the real SDK publishing to the stand-in", () => {
	it("publishes a credit transfer POST, listed by messages.json as pyaleph lists it", async () => {
		const recipient = stranger.address;
		const content = { transfer: { credits: [{ address: recipient, amount: 100, expiration: 1_900_000_000_000 }] } };
		const message = await client(userKey).createPost({ postType: "aleph_credit_transfer", channel: CREDIT_CHANNEL, content });
		const { messages, text } = await listed(`channels=${CREDIT_CHANNEL}&contentTypes=aleph_credit_transfer&addresses=${signer.address}`);
		expect(messages).toHaveLength(1);
		const [row] = messages as [AlephMessage & { content: unknown; size: number; confirmed: boolean }];
		const broadcast = message.getBroadcastable() as AlephMessage;
		expect(row).toMatchObject({
			chain: "ETH",
			channel: CREDIT_CHANNEL,
			sender: signer.address,
			type: "POST",
			item_type: "inline",
			item_hash: broadcast.item_hash,
			item_content: broadcast.item_content,
			signature: broadcast.signature,
			size: broadcast.item_content?.length,
			confirmed: false,
		});
		expect(row.content).toEqual(JSON.parse(broadcast.item_content as string));
		expect(text).toContain(`"time":${formatFloat(message.time)}`);
		expect((await call(ccn.url, `/api/v0/messages/${message.item_hash}/status`)).json().status).toBe("processed");

		// The fast signer makes the same bytes from the same content and time.
		const ours = await signer.sign(
			post({ sender: signer.address, time: message.time, channel: CREDIT_CHANNEL, postType: "aleph_credit_transfer", content }),
		);
		expect(JSON.stringify(ours)).toBe(sent(message));
	});

	it("publishes a security aggregate; the delegate it authorises may post for the owner, nobody else may", async () => {
		const authorizations = [{ address: delegate.address, channels: [CREDIT_CHANNEL], post_types: ["aleph_credit_distribution"] }];
		const security = await client(ownerKey).createAggregate({ key: "security", content: { authorizations }, sync: true });
		expect(
			JSON.stringify(
				await owner.sign(aggregate({ sender: owner.address, time: security.time, key: "security", content: { authorizations } })),
			),
		).toBe(sent(security));
		const listedSecurity = await listed(`msgTypes=AGGREGATE&owners=${owner.address}`);
		expect(listedSecurity.messages.map((m) => m.item_hash)).toEqual([security.item_hash]);

		const distribution = {
			distribution: {
				token: "ALEPH",
				chain: "ETH",
				credits: [{ address: signer.address, amount: 5, price: "1", tx_hash: "0x1", provider: "x" }],
			},
		};
		const allowed = await client(delegateKey).createPost({
			address: owner.address,
			postType: "aleph_credit_distribution",
			channel: CREDIT_CHANNEL,
			content: distribution,
			sync: true,
		});
		expect((await call(ccn.url, `/api/v0/messages/${allowed.item_hash}`)).json().status).toBe("processed");

		// Not in the authorisation: another post type, and another signer altogether.
		const time = freezeClock(1_800_000_100.5);
		const wrongType = post({
			sender: delegate.address,
			time,
			address: owner.address,
			postType: "aleph_credit_transfer",
			channel: CREDIT_CHANNEL,
			content: {},
		});
		await expect(
			client(delegateKey).createPost({
				address: owner.address,
				postType: "aleph_credit_transfer",
				channel: CREDIT_CHANNEL,
				content: {},
				sync: true,
			}),
		).rejects.toThrow();
		expect((await call(ccn.url, `/api/v0/messages/${wrongType.item_hash}`)).json()).toMatchObject({ status: "rejected", error_code: 2 });
		// Without sync a CCN answers 202 before processing: the SDK cannot tell, the status can.
		const byStranger = post({
			sender: stranger.address,
			time,
			address: owner.address,
			postType: "aleph_credit_distribution",
			channel: CREDIT_CHANNEL,
			content: distribution,
		});
		await client(strangerKey).createPost({
			address: owner.address,
			postType: "aleph_credit_distribution",
			channel: CREDIT_CHANNEL,
			content: distribution,
		});
		expect((await call(ccn.url, `/api/v0/messages/${byStranger.item_hash}`)).json()).toMatchObject({ status: "rejected", error_code: 2 });
		expect((await listed(`owners=${owner.address}&msgTypes=POST`)).messages.map((m) => m.item_hash)).toEqual([allowed.item_hash]);
	});

	it("publishes an INSTANCE paid in credits; one paid by holding is refused (code 202)", async () => {
		const resources = { vcpus: 2, memory: 4096 };
		const message = await client(userKey).createInstance({
			payment: { chain: "ETH" as never, type: "credit" as never },
			resources,
			metadata: { name: "vm" },
		});
		expect(
			JSON.stringify(await signer.sign(instance({ sender: signer.address, time: message.time, resources, metadata: { name: "vm" } }))),
		).toBe(sent(message));
		const { messages } = await listed("msgTypes=INSTANCE&paymentTypes=credit");
		expect(messages.map((m) => m.item_hash)).toEqual([message.item_hash]);
		expect((messages[0] as unknown as { content: { rootfs: { size_mib: number } } }).content.rootfs.size_mib).toBe(40960);

		const time = freezeClock(1_800_000_200.25);
		await expect(client(userKey).createInstance({ payment: { chain: "ETH" as never, type: "hold" as never } })).rejects.toThrow();
		const hold = instance({ sender: signer.address, time, payment: { chain: "ETH", type: "hold" } });
		expect((await call(ccn.url, `/api/v0/messages/${hold.item_hash}`)).json()).toMatchObject({ status: "rejected", error_code: 202 });
	});

	it("publishes a STORE with its file (multipart add_file); the file and its size resolve", async () => {
		const bytes = Buffer.from("a program, zipped, or any file\n".repeat(40));
		const message = await client(userKey).createStore({
			fileObject: new Blob([bytes]),
			storageEngine: ItemType.storage,
			payment: { chain: "ETH" as never, type: "credit" as never },
			sync: true,
		});
		const fileHash = createHash("sha256").update(bytes).digest("hex");
		const ours = await signer.sign(
			store({ sender: signer.address, time: message.time, itemHash: fileHash, payment: { chain: "ETH", type: "credit" } }),
		);
		expect(JSON.stringify(ours)).toBe(sent(message));
		expect((await listed("msgTypes=STORE")).messages.map((m) => m.item_hash)).toEqual([message.item_hash]);
		expect((await call(ccn.url, `/api/v0/storage/by-message-hash/${message.item_hash}`)).json()).toMatchObject({
			file_hash: fileHash,
			size: bytes.length,
		});
		expect((await fetch(`${ccn.url}/api/v0/storage/raw/${fileHash}`, { method: "HEAD" })).headers.get("content-length")).toBe(
			String(bytes.length),
		);
	});

	it("publishes PROGRAMs on a STORE of code, which the SDK reads back from the stand-in", async () => {
		const credit = { chain: "ETH", type: "credit" } as const;
		const code = await client(userKey).createStore({ fileObject: new Blob(["def app(): ...\n"]), payment: credit as never, sync: true });
		const persistent = await client(userKey).createProgram({
			channel: "TEST",
			programRef: code.item_hash,
			entrypoint: "main:app",
			isPersistent: true,
			payment: credit as never,
		});
		const ours = await signer.sign(
			program({ sender: signer.address, time: persistent.time, channel: "TEST", codeRef: code.item_hash, persistent: true }),
		);
		expect(JSON.stringify(ours)).toBe(sent(persistent));
		const onDemand = await client(userKey).createProgram({
			channel: "TEST",
			programRef: code.item_hash,
			entrypoint: "main:app",
			payment: credit as never,
		});

		// The SDK's own reads: messages.json with its parameter names, and /messages/{h}.
		const read = await client(userKey).getMessages({ messageTypes: [MessageType.program], addresses: [signer.address] });
		expect(read.messages.map((m) => m.item_hash).sort()).toEqual([persistent.item_hash, onDemand.item_hash].sort());
		expect(read.pagination_total).toBe(2);
		expect((await client(userKey).getMessage(onDemand.item_hash)).item_hash).toBe(onDemand.item_hash);

		const time = freezeClock(1_800_000_250);
		await expect(
			client(userKey).createProgram({ channel: "TEST", programRef: code.item_hash, entrypoint: "main:app", isPersistent: true }),
		).rejects.toThrow();
		const hold = program({
			sender: signer.address,
			time,
			channel: "TEST",
			codeRef: code.item_hash,
			persistent: true,
			payment: { chain: "ETH", type: "hold" },
		});
		expect((await call(ccn.url, `/api/v0/messages/${hold.item_hash}`)).json()).toMatchObject({ status: "rejected", error_code: 202 });
	});

	it("publishes a FORGET: the target turns forgotten, listed as a skeleton", async () => {
		const target = await client(userKey).createPost({ postType: "note", content: { forget: "me" }, sync: true });
		const message = await client(userKey).forget({ hashes: [target.item_hash], reason: "test", sync: true });
		expect(
			JSON.stringify(await signer.sign(forget({ sender: signer.address, time: message.time, hashes: [target.item_hash], reason: "test" }))),
		).toBe(sent(message));
		expect((await call(ccn.url, `/api/v0/messages/${target.item_hash}`)).json()).toMatchObject({
			status: "forgotten",
			forgotten_by: [message.item_hash],
		});
		const skeletons = (await listed("msgStatuses=forgotten")).messages as unknown as { item_hash: string; forgotten_at: number }[];
		expect(skeletons).toEqual([expect.objectContaining({ item_hash: target.item_hash, forgotten_at: message.time })]);
		expect((await listed("msgTypes=FORGET")).messages.map((m) => m.item_hash)).toEqual([message.item_hash]);
		expect((await listed(`hashes=${target.item_hash}`)).messages).toEqual([]);
	});

	it("refuses a FORGET by someone who could not have created the target, and one of a VM's volume", async () => {
		const target = await client(userKey).createPost({ postType: "note", content: { keep: "me" }, sync: true });
		await expect(client(strangerKey).forget({ hashes: [target.item_hash], sync: true })).rejects.toThrow();
		expect((await call(ccn.url, `/api/v0/messages/${target.item_hash}`)).json().status).toBe("processed");

		const volume = await client(userKey).createStore({
			fileObject: new Blob(["volume"]),
			payment: { chain: "ETH" as never, type: "credit" as never },
			sync: true,
		});
		await client(userKey).createInstance({
			payment: { chain: "ETH" as never, type: "credit" as never },
			volumes: [{ ref: volume.item_hash, mount: "/data", use_latest: true } as never],
		});
		const time = freezeClock(1_800_000_300);
		await expect(client(userKey).forget({ hashes: [volume.item_hash], sync: true })).rejects.toThrow();
		const refused = forget({ sender: signer.address, time, hashes: [volume.item_hash] });
		expect((await call(ccn.url, `/api/v0/messages/${refused.item_hash}`)).json()).toMatchObject({ status: "rejected", error_code: 503 });
	});

	it("publishes a storage-type POST through add_json; the CCN reads its content from storage", async () => {
		const message = await client(userKey).createPost({
			postType: "big",
			content: { z: 1, a: [1.5, 2] },
			storageEngine: ItemType.storage,
			sync: true,
		});
		const [row] = (await listed(`hashes=${message.item_hash}`)).messages as unknown as [
			{ item_type: string; item_content: null; content: object; size: number },
		];
		expect(row).toMatchObject({ item_type: "storage", item_content: null, content: { type: "big", content: { z: 1, a: [1.5, 2] } } });
		const raw = await call(ccn.url, `/api/v0/storage/raw/${message.item_hash}`);
		expect(createHash("sha256").update(raw.text).digest("hex")).toBe(message.item_hash);
		expect(row.size).toBe(Buffer.byteLength(raw.text));
	});
});

describe("POST /api/v0/messages checks", () => {
	it("answers 422 InvalidMessageFormat for a wrong item_hash or an unparseable envelope", async () => {
		const good = await signer.sign(post({ sender: signer.address, time: 1_800_000_400, postType: "note", content: {} }));
		const cases: unknown[] = [
			{ ...good, item_hash: "0".repeat(64) },
			{ ...good, type: "NOTE" },
			{ ...good, chain: "MARS" },
			{ ...good, item_content: "{not json" },
			{ ...good, item_type: "storage" },
			{ ...good, item_content: JSON.stringify({ type: "note", address: signer.address, time: 1, extra: true }) },
		];
		for (const message of cases)
			expect((await postJson(ccn.url, "/api/v0/messages", { sync: true, message })).text).toBe("InvalidMessageFormat");
		expect((await call(ccn.url, "/api/v0/messages", { method: "POST", body: "{" })).status).toBe(422);
		// The request itself failing its model is pydantic's error list, not InvalidMessageFormat.
		for (const body of [{ sync: true }, { message: "not a dict" }, { sync: "maybe", message: good }]) {
			const answer = await postJson(ccn.url, "/api/v0/messages", body);
			expect(answer.status).toBe(422);
			expect(answer.json()[0]).toHaveProperty("loc");
		}
	});

	it("rejects a bad signature: 422 with sync, 202 then status rejected without", async () => {
		const first = await stranger.sign(post({ sender: signer.address, time: 1_800_000_500, postType: "note", content: { n: 1 } }));
		const synced = await postJson(ccn.url, "/api/v0/messages", { sync: true, message: first });
		expect(synced).toMatchObject({
			status: 422,
			text: '{"publication_status":{"status":"success","failed":[]},"message_status":"rejected"}',
		});
		expect((await call(ccn.url, `/api/v0/messages/${first.item_hash}`)).json()).toMatchObject({ status: "rejected", error_code: 1 });

		const second = await stranger.sign(post({ sender: signer.address, time: 1_800_000_501, postType: "note", content: { n: 2 } }));
		const queued = await postJson(ccn.url, "/api/v0/messages", { message: second });
		expect(queued).toMatchObject({
			status: 202,
			text: '{"publication_status":{"status":"success","failed":[]},"message_status":"pending"}',
		});
		expect((await call(ccn.url, `/api/v0/messages/${second.item_hash}`)).json()).toMatchObject({ status: "rejected", error_code: 1 });
	});

	it("answers 200 processed again for a message it already has, and keeps a storage message pending without its file", async () => {
		const good = await signer.sign(post({ sender: signer.address, time: 1_800_000_600, postType: "note", content: {} }));
		for (let i = 0; i < 2; i++) expect((await postJson(ccn.url, "/api/v0/messages", { sync: true, message: good })).status).toBe(200);
		const missing = await signer.sign({ ...good, item_type: "storage", item_hash: "e".repeat(64), item_content: null });
		expect((await postJson(ccn.url, "/api/v0/messages", { sync: true, message: missing })).status).toBe(202);
		expect((await call(ccn.url, `/api/v0/messages/${missing.item_hash}/status`)).json().status).toBe("pending");
	});
});
