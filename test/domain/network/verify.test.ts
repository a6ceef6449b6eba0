import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseMessageContent } from "../../../src/domain/network/content.ts";
import { type Envelope, parseEnvelope } from "../../../src/domain/network/envelope.ts";
import { base58Decode, bech32Encode, verificationBuffer, verifySignature } from "../../../src/domain/network/signatures.ts";
import { verifyMessage } from "../../../src/domain/network/verify.ts";
import { AVAX, SOL, V1, V2, V3, V4 } from "./fixtures.ts";
import { account, signInline, signStorage } from "./sign.ts";

function envelope(input: unknown): Envelope {
	const result = parseEnvelope(input);
	if (!result.ok) throw new Error(`fixture is not an envelope: ${result.message}`);
	return result.envelope;
}

describe("verifyMessage() on the spec's vectors (§8.1)", () => {
	it.each([
		["V1", V1, "POST", V1.sender],
		["V2", V2, "STORE", V2.sender],
		["V3", V3, "POST", "VM on executor"],
		["AVAX (pyaleph test_avalanche)", AVAX, "POST", AVAX.sender],
		["SOL (pyaleph test_solana)", SOL, "POST", SOL.sender],
	])("%s: the hash and the signature check", async (_, fixture, kind, address) => {
		const result = await verifyMessage(envelope(fixture));
		expect(result).toMatchObject({ ok: true, message: { content: { kind, address } } });
	});

	it("V4: the delegate's signature of the real credit expense recovers its sender", async () => {
		expect(await verifySignature(envelope(V4))).toBe("valid");
	});

	it("V4: the CCN's JSON rendering of the content is not the signed bytes", async () => {
		const rendered = new TextEncoder().encode(JSON.stringify(V4.content));
		expect(await verifyMessage(envelope(V4), rendered)).toMatchObject({ ok: false, reason: "invalid_item_hash" });
		expect(await verifyMessage(envelope(V4))).toMatchObject({ ok: false, reason: "content_unavailable" });
	});

	it('V5: V1 with signature "baba" is invalid', async () => {
		expect(await verifyMessage(envelope({ ...V1, signature: "baba" }))).toMatchObject({ ok: false, reason: "invalid_signature" });
	});

	it("V6: the signed buffer", () => {
		const hash = "7e4f914865028356704919810073ec5690ecc4bb0ee3bd6bdb24829fd532398f";
		expect(verificationBuffer({ chain: "ETH", sender: "SENDER", type: "STORE", itemHash: hash })).toBe(`ETH\nSENDER\nSTORE\n${hash}`);
	});
});

describe("verifyMessage() trusts nothing", () => {
	it("compares the recovered address with the sender case-insensitively (pyaleph test_evm)", async () => {
		expect(await verifySignature(envelope({ ...V1, sender: V1.sender.toLowerCase() }))).toBe("invalid");
		// The sender is part of the signed buffer, so only a signature over the lowercase sender passes.
		const signer = account("alice");
		const signed = await signInline({
			signer,
			sender: signer.address.toLowerCase(),
			content: { address: signer.address, time: 1, type: "t" },
		});
		expect(await verifySignature(envelope(signed))).toBe("valid");
	});

	it("refuses a changed item_content, sender, chain or type", async () => {
		expect(await verifyMessage(envelope({ ...V1, item_content: V1.item_content.replace("test", "tost") }))).toMatchObject({
			ok: false,
			reason: "invalid_item_hash",
		});
		expect(await verifySignature(envelope({ ...V1, sender: V2.sender }))).toBe("invalid");
		expect(await verifySignature(envelope({ ...V1, chain: "ARB" }))).toBe("invalid");
		expect(await verifySignature(envelope({ ...V1, type: "AGGREGATE" }))).toBe("invalid");
	});

	it("accepts the signature forms eth_account reads: no 0x, v of 0/1, EIP-155 v", async () => {
		const signed = await signInline({ signer: account("alice"), content: { type: "t" } });
		const sig = signed.signature as string;
		const v = Number.parseInt(sig.slice(130), 16);
		const rs = sig.slice(2, 130);
		for (const form of [
			sig.slice(2),
			`0X${sig.slice(2)}`,
			`0x${rs}${(v - 27).toString(16).padStart(2, "0")}`,
			`0x${rs}${(v - 27 + 37).toString(16)}`,
		]) {
			expect(await verifySignature(envelope({ ...signed, signature: form }))).toBe("valid");
		}
		for (const form of [`0x${rs}1d`, `0x${rs}`, `${sig}00`, `0x${"zz".repeat(65)}`, "", `0x${"00".repeat(65)}`]) {
			expect(await verifySignature(envelope({ ...signed, signature: form }))).toBe("invalid");
		}
	});

	it("verifies every EVM chain with EIP-191", async () => {
		for (const chain of ["ARB", "BASE", "OP", "BSC", "ZORA"]) {
			const signed = await signInline({ signer: account("bob"), chain, content: { type: "t" } });
			expect(await verifySignature(envelope(signed))).toBe("valid");
		}
	});

	it("verifies a storage item against the bytes the follower fetched", async () => {
		const { message, bytes } = await signStorage({
			signer: account("carol"),
			content: { address: account("carol").address, time: 5, type: "x" },
		});
		expect(await verifyMessage(envelope(message), bytes)).toMatchObject({ ok: true, message: { content: { kind: "POST", type: "x" } } });
		const tampered = Uint8Array.from(bytes);
		tampered[3] = 0x21;
		expect(await verifyMessage(envelope(message), tampered)).toMatchObject({ ok: false, reason: "invalid_item_hash" });
	});

	it.each([
		["a null signature (smart-contract message)", { ...V1, signature: null }, "unverifiable_signature"],
		["an ipfs item", { ...V4, item_type: "ipfs", item_hash: "QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtioEB" }, "unverifiable_ipfs"],
		["a Cosmos message", { ...V1, chain: "CSDK" }, "unsupported_chain"],
		["a Tezos message", { ...V1, chain: "TEZOS" }, "unsupported_chain"],
		["a NULS2 message", { ...V1, chain: "NULS2" }, "unsupported_chain"],
		["an AURORA message (no verifier in pyaleph)", { ...V1, chain: "AURORA" }, "unknown_chain"],
	])("answers %s with %s", async (_, input, reason) => {
		expect(await verifyMessage(envelope(input))).toMatchObject({ ok: false, reason });
	});
});

describe("non-EVM signatures", () => {
	// The bad signatures of pyaleph tests/chains/test_solana.py.
	it.each([
		['{"signature": "bad-signature","publicKey": "AzfsDdCQp8uqzR4ProJ7yyLGKNp9iXHt92rEoiAHG4Pw"}'],
		[
			'{"signature": "56hzHaJHH3bz1DtU6Wjhyn7eLsMCYSY4HcXkKrpwAdEHFdw7k95NPzubR3x7otstbr5JCffw81Qqpd9YUq8XJuFj","publicKey": "AzfsDdCQp8uqzR4ProJ7yyLGKNp9iXHt92rEoiAHG4Pw"}',
		],
		[
			'{"signature": "56hzHaJHH3bz1DtU6Wjhyn7eLsMCYSY4HcXkKrpwAdEHFdw7k95NPzubR3x7otstbr5JCffw81Qqpd9YUq8XJuFj","publicKey": "BzfsDdCQp8uqzR4ProJ7yyLGKNp9iXHt92rEoiAHG4Pw"}',
		],
		["{{{{{"],
		["56hzHaJHH3bz1DtU6Wjhyn7eLsMCYSY4HcXkKrpwAdEHFdw7k95NPzubR3x7otstbr5JCffw81Qqpd9YUq8XJuFj"],
		[SOL.signature.replace("}", ', "version": 2}')],
		["[]"],
	])("SOL refuses %s", async (signature) => {
		expect(await verifySignature(envelope({ ...SOL, signature }))).toBe("invalid");
	});

	it("SOL accepts version 1 and checks the same scheme for ES (Eclipse)", async () => {
		expect(await verifySignature(envelope({ ...SOL, signature: SOL.signature.replace("}", ', "version": 1}') }))).toBe("valid");
		expect(await verifySignature(envelope({ ...SOL, chain: "ES" }))).toBe("invalid"); // the buffer names the chain
	});

	it("AVAX refuses a bad base58 signature, a bad checksum, and another sender", async () => {
		expect(await verifySignature(envelope({ ...AVAX, signature: "baba" }))).toBe("invalid");
		expect(await verifySignature(envelope({ ...AVAX, signature: `${AVAX.signature.slice(0, -1)}K` }))).toBe("invalid");
		expect(await verifySignature(envelope({ ...AVAX, sender: AVAX.sender.replace("X-", "P-") }))).toBe("invalid");
		expect(await verifySignature(envelope({ ...AVAX, sender: "avax14x5a42stua94l2vxjcag6c9ftd8ea0y8fltdwv" }))).toBe("invalid");
	});

	it("base58 and bech32 match their reference vectors", () => {
		expect(Buffer.from(base58Decode("StV1DL6CwTryKyV") ?? []).toString()).toBe("hello world");
		expect(Buffer.from(base58Decode("1112") ?? []).toString("hex")).toBe("00000001");
		expect(base58Decode("0OIl")).toBeNull();
		// BIP-173 valid strings: empty data, and the words 0..31 (= these 20 bytes).
		expect(bech32Encode("a", new Uint8Array())).toBe("a12uel5l");
		expect(bech32Encode("abcdef", Buffer.from("00443214c74254b635cf84653a56d7c675be77df", "hex"))).toBe(
			"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		);
	});
});

describe("parseMessageContent()", () => {
	const base = envelope({ ...V1, type: "POST" });
	const read = (text: string, e: Envelope = base) => parseMessageContent(e, text);

	it('refuses content containing the 6-character escape "\\u0000" (pyaleph storage.py)', () => {
		expect(read('{"type":"t","content":"a\\u0000b"}')).toMatchObject({ ok: false, reason: "invalid_content" });
		// Even an escaped backslash followed by u0000: pyaleph tests the raw text.
		expect(read('{"type":"t","content":"a\\\\u0000b"}')).toMatchObject({ ok: false });
		expect(parseMessageContent(base, new TextEncoder().encode('{"type":"t","x":"\\u0000"}'))).toMatchObject({ ok: false });
	});

	it.each([["not json"], ["[1,2]"], ['"text"'], ["null"], ['{"type":"t","content":NaN}'], ['{"type":"t"} x']])("refuses %s", (text) => {
		expect(read(text)).toMatchObject({ ok: false, reason: "invalid_content" });
	});

	it("fills address and time from the envelope when missing or null (MessageDb._coerce_content)", () => {
		const result = read('{"type":"t","address":null}');
		expect(result).toMatchObject({
			ok: true,
			content: {
				address: V1.sender,
				time: 1730410918.092607,
				timeMicros: 1730410918092607n,
				raw: { address: V1.sender, time: 1730410918.092607 },
			},
		});
	});

	it("reads a POST with the fields pyaleph keeps", () => {
		const result = read('{"address":"A","time":5,"type":"aleph_credit_transfer","content":{"transfer":{}},"ref":"r"}');
		expect(result).toEqual({
			ok: true,
			content: {
				kind: "POST",
				address: "A",
				time: 5,
				timeMicros: 5_000_000n,
				type: "aleph_credit_transfer",
				content: { transfer: {} },
				ref: "r",
				raw: { address: "A", time: 5n, type: "aleph_credit_transfer", content: { transfer: {} }, ref: "r" },
			},
		});
	});

	it.each([
		["an unknown top-level key (PostContent extra=forbid)", '{"type":"t","extra":1}'],
		["a missing type", '{"content":{}}'],
		["a numeric type", '{"type":5}'],
		["an amend without ref", '{"type":"amend"}'],
		["an amend with an empty ref", '{"type":"amend","ref":""}'],
		["a numeric ref", '{"type":"t","ref":5}'],
		[
			"a ChainRef missing its signature",
			`{"type":"t","ref":{"chain":"ETH","item_content":"{}","item_hash":"${V1.item_hash}","item_type":"inline","sender":"s","time":1}}`,
		],
		["a numeric address", '{"type":"t","address":5}'],
		["a string time (pyaleph's fromtimestamp raises)", '{"type":"t","time":"5"}'],
		["a negative time", '{"type":"t","time":-1}'],
		["a time past 2262", '{"type":"t","time":9223372037}'],
	])("refuses a POST with %s", (_, text) => {
		expect(read(text)).toMatchObject({ ok: false, reason: "invalid_content" });
	});

	it("reads a ChainRef ref as its item_hash, and a boolean time as Python does", () => {
		const ref = `{"chain":"ETH","item_content":"{}","item_hash":"${V1.item_hash}","item_type":"inline","sender":"s","signature":"x","time":1}`;
		expect(read(`{"type":"amend","ref":${ref},"time":true}`)).toMatchObject({
			ok: true,
			content: { ref: V1.item_hash, time: 1, timeMicros: 1_000_000n },
		});
	});

	const aggregate = envelope({ ...V1, type: "AGGREGATE" });
	it("reads an AGGREGATE: a string or {name} key and an object content", () => {
		expect(read('{"key":"security","content":{"authorizations":[]}}', aggregate)).toMatchObject({
			ok: true,
			content: { kind: "AGGREGATE", key: "security", content: { authorizations: [] } },
		});
		expect(read('{"key":{"name":"k"},"content":{}}', aggregate)).toMatchObject({ ok: true, content: { key: { name: "k" } } });
	});

	it.each([
		['{"key":"k","content":[]}'],
		['{"key":"k"}'],
		['{"content":{}}'],
		['{"key":5,"content":{}}'],
		['{"key":{"name":"k","x":1},"content":{}}'],
		['{"key":"k","content":{},"extra":1}'],
	])("refuses the AGGREGATE %s", (text) => {
		expect(read(text, aggregate)).toMatchObject({ ok: false });
	});

	const forget = envelope({ ...V1, type: "FORGET" });
	it("reads a FORGET", () => {
		expect(read(`{"hashes":["${V1.item_hash}"],"reason":"r"}`, forget)).toMatchObject({
			ok: true,
			content: { kind: "FORGET", hashes: [V1.item_hash], aggregates: [], reason: "r" },
		});
	});

	it.each([
		["no hashes field", '{"aggregates":[]}'],
		["nothing to forget", '{"hashes":[]}'],
		["a non-hash target", '{"hashes":["security"]}'],
		["an aggregate key that is not hash-shaped", '{"hashes":[],"aggregates":["security"]}'],
		["more than 1000 targets", `{"hashes":[${new Array(1001).fill(`"${V1.item_hash}"`).join(",")}]}`],
		["a reason over 1000 characters", `{"hashes":["${V1.item_hash}"],"reason":"${"r".repeat(1001)}"}`],
		["an unknown key", `{"hashes":["${V1.item_hash}"],"x":1}`],
	])("refuses a FORGET with %s", (_, text) => {
		expect(read(text, forget)).toMatchObject({ ok: false });
	});

	it("keeps INSTANCE, PROGRAM and STORE contents whole, checking address and time", () => {
		const instance = envelope({ ...V1, type: "INSTANCE" });
		expect(read('{"payment":{"type":"credit"},"resources":{"vcpus":1}}', instance)).toMatchObject({
			ok: true,
			content: { kind: "INSTANCE", address: V1.sender, raw: { payment: { type: "credit" }, resources: { vcpus: 1n } } },
		});
		expect(read('{"address":[],"item_hash":"x"}', envelope({ ...V1, type: "STORE" }))).toMatchObject({ ok: false });
	});
});

describe("hostile input", () => {
	it("parseMessageContent never throws, whatever the text and the message type", () => {
		const text = fc.oneof(
			fc.json(),
			fc.string({ unit: "binary", maxLength: 100 }),
			fc.json().map((j) => `{"type":"t","content":${j},"ref":${j}}`),
			fc.json().map((j) => `{"key":${j},"content":${j},"hashes":${j},"aggregates":${j},"reason":${j},"time":${j},"address":${j}}`),
		);
		const type = fc.constantFrom("POST", "AGGREGATE", "FORGET", "STORE", "INSTANCE", "PROGRAM", "V-PROGRAM");
		fc.assert(
			fc.property(text, type, (source, t) => {
				const result = parseMessageContent(envelope({ ...V1, type: t }), source);
				expect(typeof result.ok).toBe("boolean");
			}),
			{ numRuns: 2000 },
		);
	});

	it("verifyMessage never throws on a random signature, for every chain", async () => {
		const chains = ["ETH", "ARB", "AVAX", "SOL", "ES", "CSDK", "AURORA"];
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...chains),
				fc.string({ maxLength: 200 }),
				fc.string({ maxLength: 60 }),
				async (chain, signature, sender) => {
					const e = parseEnvelope({ ...V1, chain, signature, sender: sender || "x" });
					if (!e.ok) return;
					const result = await verifyMessage(e.envelope);
					expect(result.ok).toBe(false);
				},
			),
			{ numRuns: 300 },
		);
	});
});
