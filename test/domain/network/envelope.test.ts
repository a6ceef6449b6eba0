import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { itemTypeFromHash, MAX_INLINE_SIZE, parseEnvelope } from "../../../src/domain/network/envelope.ts";
import { V1, V4 } from "./fixtures.ts";

describe("parseEnvelope()", () => {
	it("reads a listed inline message", () => {
		const result = parseEnvelope(V1);
		expect(result).toEqual({
			ok: true,
			envelope: {
				chain: "ETH",
				sender: V1.sender,
				type: "POST",
				itemType: "inline",
				itemHash: V1.item_hash,
				itemContent: V1.item_content,
				signature: V1.signature,
				time: 1730410918.092607,
				timeMicros: 1730410918092607n,
				channel: "ALEPH-CLOUDSOLUTIONS",
				confirmations: [],
			},
		});
	});

	it("reads a listed storage message and ignores the CCN's content, size and confirmed", () => {
		const result = parseEnvelope(V4);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.envelope.itemContent).toBeNull();
		expect(result.envelope.confirmations).toEqual([{ chain: "ETH", hash: "4b01e709fae4", height: 25035348 }]);
		expect(result.envelope).not.toHaveProperty("content");
	});

	it("accepts bigint times and heights, as parseJson gives them", () => {
		const result = parseEnvelope({ ...V4, time: 1778060633n, confirmations: [{ chain: "ETH", hash: "ab", height: 5n }] });
		expect(result).toMatchObject({
			ok: true,
			envelope: { time: 1778060633, timeMicros: 1778060633000000n, confirmations: [{ height: 5 }] },
		});
	});

	const hex = (c: string) => c.repeat(64);
	it.each([
		["not an object", [], ""],
		["null", null, ""],
		["unknown chain", { ...V1, chain: "BTC" }, "chain"],
		["lowercase chain", { ...V1, chain: "eth" }, "chain"],
		["missing sender", { ...V1, sender: undefined }, "sender"],
		["empty sender", { ...V1, sender: "" }, "sender"],
		["numeric sender", { ...V1, sender: 5 }, "sender"],
		["huge sender", { ...V1, sender: "x".repeat(257) }, "sender"],
		["unknown type", { ...V1, type: "post" }, "type"],
		["unknown item_type", { ...V1, item_type: "file" }, "item_type"],
		["uppercase inline hash", { ...V1, item_hash: V1.item_hash.toUpperCase() }, "item_hash"],
		["short inline hash", { ...V1, item_hash: "abc" }, "item_hash"],
		["inline hash of ipfs shape", { ...V1, item_hash: `Qm${"a".repeat(44)}` }, "item_hash"],
		["inline without content", { ...V1, item_content: null }, "item_content"],
		["inline with numeric content", { ...V1, item_content: 5 }, "item_content"],
		["inline too long", { ...V1, item_content: "a".repeat(MAX_INLINE_SIZE + 1) }, "item_content"],
		["inline with a lone surrogate", { ...V1, item_content: '{"a":"\ud800"}' }, "item_content"],
		["storage with content", { ...V4, item_content: "{}" }, "item_content"],
		["storage hash of ipfs shape", { ...V4, item_hash: `Qm${"a".repeat(44)}` }, "item_hash"],
		["storage hash uppercase", { ...V4, item_hash: hex("A") }, "item_hash"],
		["ipfs hash of storage shape", { ...V4, item_type: "ipfs" }, "item_hash"],
		["ipfs CIDv0 with a 0", { ...V4, item_type: "ipfs", item_hash: `Qm${"0".repeat(44)}` }, "item_hash"],
		["numeric signature", { ...V1, signature: 5 }, "signature"],
		["huge signature", { ...V1, signature: "0".repeat(4097) }, "signature"],
		["string time", { ...V1, time: "1730410918" }, "time"],
		["infinite time", { ...V1, time: Number.POSITIVE_INFINITY }, "time"],
		["time past year 9999", { ...V1, time: 253402300800 }, "time"],
		["numeric channel", { ...V1, channel: 5 }, "channel"],
		["channel over 128 characters", { ...V1, channel: "c".repeat(129) }, "channel"],
		["confirmations not a list", { ...V1, confirmations: {} }, "confirmations"],
		["confirmation without hash", { ...V1, confirmations: [{ chain: "ETH", height: 1 }] }, "confirmations[0].hash"],
		["confirmation with negative height", { ...V1, confirmations: [{ chain: "ETH", hash: "a", height: -1 }] }, "confirmations[0].height"],
		[
			"confirmation with fractional height",
			{ ...V1, confirmations: [{ chain: "ETH", hash: "a", height: 1.5 }] },
			"confirmations[0].height",
		],
		["too many confirmations", { ...V1, confirmations: new Array(65).fill({ chain: "ETH", hash: "a", height: 1 }) }, "confirmations"],
	])("refuses %s", (_, input, field) => {
		const result = parseEnvelope(input);
		expect(result).toMatchObject({ ok: false, reason: "invalid_envelope", field });
	});

	it("accepts an inline content of exactly 200 000 code points, counted as Python counts", () => {
		expect(parseEnvelope({ ...V1, item_content: "a".repeat(MAX_INLINE_SIZE) }).ok).toBe(true);
		// 200 000 astral characters are 400 000 UTF-16 units but 200 000 Python characters.
		expect(parseEnvelope({ ...V1, item_content: "😀".repeat(MAX_INLINE_SIZE) }).ok).toBe(true);
	});

	it("treats a missing signature and channel as null", () => {
		const result = parseEnvelope({ ...V1, signature: undefined, channel: undefined });
		expect(result).toMatchObject({ ok: true, envelope: { signature: null, channel: null } });
	});

	it("never throws on hostile input", () => {
		const field = fc.oneof(fc.anything(), fc.string(), fc.constantFrom("ETH", "POST", "inline", "storage", "ipfs", V1.item_hash));
		const message = fc.record(
			{
				chain: field,
				sender: field,
				type: field,
				item_type: field,
				item_hash: field,
				item_content: field,
				signature: field,
				time: fc.oneof(fc.double(), fc.anything()),
				channel: field,
				confirmations: fc.oneof(fc.array(fc.anything()), fc.anything()),
			},
			{ requiredKeys: [] },
		);
		fc.assert(
			fc.property(fc.oneof(message, fc.anything()), (input) => {
				const result = parseEnvelope(input);
				expect(typeof result.ok).toBe("boolean");
			}),
			{ numRuns: 3000 },
		);
	});

	it("never throws on an object whose getters throw", () => {
		const hostile = Object.defineProperty({}, "chain", {
			get() {
				throw new Error("boom");
			},
		});
		expect(parseEnvelope(hostile)).toMatchObject({ ok: false, reason: "invalid_envelope" });
	});
});

describe("itemTypeFromHash()", () => {
	it.each([
		["c1cfc9bf519de2bbe19749a3996bd6119f940fa91e9a30f317cce8939bb6b21a", "storage"],
		["QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtioEB", "ipfs"],
		["QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtio", "ipfs"],
		["bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "ipfs"],
		["bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzd", null],
		["QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCti", null],
		["C1CFC9BF519DE2BBE19749A3996BD6119F940FA91E9A30F317CCE8939BB6B21A", null],
		["security", null],
	])("%s is %s", (hash, type) => {
		expect(itemTypeFromHash(hash)).toBe(type);
	});
});
