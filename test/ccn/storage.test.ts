import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { store, toStorage } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import type { AlephMessage } from "../../devchain/ccn/sign.ts";
import { call, signers, T0 } from "./helpers.ts";

const [alice] = signers as [(typeof signers)[0]];
let ccn: LocalCcn;
const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(""));
let fileHash: string;
let storeMessage: AlephMessage;

beforeAll(async () => {
	ccn = await startLocalCcn();
	fileHash = ccn.addFile(bytes);
	storeMessage = await alice.sign(
		store({ sender: alice.address, time: T0, itemHash: fileHash, ref: "my-file", payment: { type: "credit" } }),
	);
	ccn.insert(storeMessage);
});
afterAll(() => ccn.stop());

describe("storage routes", () => {
	it("adds a file under its sha256", () => {
		expect(fileHash).toBe(createHash("sha256").update(bytes).digest("hex"));
	});

	it("serves raw bytes with the stored size, and HEAD with Content-Length only", async () => {
		const raw = await fetch(`${ccn.url}/api/v0/storage/raw/${fileHash}`);
		expect(raw.status).toBe(200);
		expect(raw.headers.get("content-type")).toBe("application/octet-stream");
		expect(raw.headers.get("accept-ranges")).toBe("none");
		expect(Buffer.from(await raw.arrayBuffer()).equals(bytes)).toBe(true);
		const head = await fetch(`${ccn.url}/api/v0/storage/raw/${fileHash}`, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-length")).toBe(String(bytes.length));
		expect(await head.text()).toBe("");
	});

	it("gives no Content-Length for a directory (its size is IPFS's CumulativeSize)", async () => {
		const cid = `Qm${"a".repeat(44)}`;
		ccn.addFile(null, { hash: cid, size: 123_456, type: "directory" });
		const head = await fetch(`${ccn.url}/api/v0/storage/raw/${cid}`, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-type")).toBe("application/x-tar");
		expect(head.headers.get("content-length")).toBeNull();
		expect((await call(ccn.url, `/api/v0/storage/metadata/${cid}`)).json()).toEqual({
			file_hash: cid,
			type: "directory",
			size: 123_456,
			download_url: `/api/v0/storage/raw/${cid}`,
		});
	});

	it("answers 400 for a non-hash and 404 for an unknown file", async () => {
		expect(await call(ccn.url, "/api/v0/storage/raw/abc")).toMatchObject({ status: 400, text: "Invalid hash" });
		expect(await call(ccn.url, `/api/v0/storage/raw/${"0".repeat(64)}`)).toMatchObject({ status: 404, text: "Not found" });
		expect((await call(ccn.url, `/api/v0/storage/${"0".repeat(64)}`)).status).toBe(404);
		expect((await call(ccn.url, "/api/v0/storage/abc")).status).toBe(400);
		expect((await call(ccn.url, `/api/v0/storage/metadata/${"0".repeat(64)}`)).status).toBe(404);
	});

	it("serves the base64 form as pyaleph does: json.dumps, encodebytes lines", async () => {
		const { text, json } = await call(ccn.url, `/api/v0/storage/${fileHash}`);
		expect(text.startsWith(`{"status": "success", "hash": "${fileHash}", "engine": "storage", "content": "`)).toBe(true);
		const content: string = json().content;
		expect(
			content
				.split("\n")
				.slice(0, -1)
				.every((line) => line.length <= 76),
		).toBe(true);
		expect(content.endsWith("\n")).toBe(true);
		expect(Buffer.from(content, "base64").equals(bytes)).toBe(true);
	});

	it("gives a file's metadata and a STORE message's file", async () => {
		expect((await call(ccn.url, `/api/v0/storage/metadata/${fileHash}`)).text).toBe(
			`{"file_hash": "${fileHash}", "type": "file", "size": ${bytes.length}, "download_url": "/api/v0/storage/raw/${fileHash}"}`,
		);
		expect((await call(ccn.url, `/api/v0/storage/by-message-hash/${storeMessage.item_hash}`)).json()).toEqual({
			ref: "my-file",
			owner: alice.address,
			file_hash: fileHash,
			download_url: `/api/v0/storage/raw/${fileHash}`,
			size: bytes.length,
		});
		expect((await call(ccn.url, `/api/v0/storage/by-message-hash/${"0".repeat(64)}`)).status).toBe(404);
		expect((await call(ccn.url, "/api/v0/storage/by-message-hash/nope")).status).toBe(400);
	});

	it("stores add_json as pyaleph serialises it, so a storage-type message resolves", async () => {
		const answer = await call(ccn.url, "/api/v0/storage/add_json", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: '{"z": 1, "a": {"y": 1.0, "b": 1e-6}}',
		});
		const expected = '{"a":{"b":1e-6,"y":1.0},"z":1}';
		const hash = createHash("sha256").update(expected).digest("hex");
		expect(answer).toMatchObject({ status: 200, text: `{"status": "success", "hash": "${hash}"}` });
		expect((await call(ccn.url, `/api/v0/storage/raw/${hash}`)).text).toBe(expected);

		// toStorage() builds the same file, so the message's item_hash is that file's.
		const inline = await alice.sign(store({ sender: alice.address, time: T0, itemHash: fileHash }));
		const { message, file } = toStorage(inline);
		expect(message).toMatchObject({ item_type: "storage", item_content: null, item_hash: createHash("sha256").update(file).digest("hex") });
		ccn.addFile(file);
		const signed = await alice.sign(message);
		ccn.insert(signed);
		const listed = (await call(ccn.url, `/api/v0/messages.json?hashes=${signed.item_hash}`)).json().messages[0];
		expect(listed).toMatchObject({
			item_type: "storage",
			item_content: null,
			size: Buffer.byteLength(file),
			content: JSON.parse(inline.item_content as string),
		});
	});

	it("takes an unauthenticated raw add_file", async () => {
		const answer = await call(ccn.url, "/api/v0/storage/add_file", {
			method: "POST",
			headers: { "content-type": "application/octet-stream" },
			body: "raw bytes",
		});
		const hash = createHash("sha256").update("raw bytes").digest("hex");
		expect(answer).toMatchObject({ status: 200, text: `{"status": "success", "hash": "${hash}"}` });
		expect((await call(ccn.url, `/api/v0/storage/raw/${hash}`)).text).toBe("raw bytes");
	});
});
