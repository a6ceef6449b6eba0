import { describe, expect, it } from "vitest";
import { findUnstorableJson, MAX_JSON_DEPTH } from "../../src/lib/storable-json.ts";

function nested(levels: number): unknown {
	let value: unknown = "leaf";
	for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { k: value } : [value];
	return value;
}

describe("findUnstorableJson()", () => {
	it("accepts what jsonb stores: every JSON type, surrogate pairs, U+FFFF, the six characters \\u0000", () => {
		expect(findUnstorableJson({ a: [1, true, null, 1.5, "🦊", "\uffff", "\\u0000", { é: "" }] })).toBeNull();
	});

	it("names the first faulty value in document order, or the object holding a faulty key", () => {
		expect(findUnstorableJson({ a: "ok", b: ["x", "\u0000", "\ud800"], c: "\udc00" })).toEqual({
			path: ["b", 1],
			reason: "must not contain U+0000 or an unpaired surrogate",
		});
		expect(findUnstorableJson({ a: { b: { "x\ud83d": 1 } } })?.path).toEqual(["a", "b"]);
		expect(findUnstorableJson(["\ud83d\ude00", "\ude00\ud83d"])?.path).toEqual([1]);
	});

	it(`stops at ${MAX_JSON_DEPTH} levels without recursing, however deep the value`, () => {
		expect(findUnstorableJson(nested(MAX_JSON_DEPTH))).toBeNull();
		const fault = findUnstorableJson(nested(MAX_JSON_DEPTH + 1));
		expect([fault?.path.length, fault?.reason]).toEqual([MAX_JSON_DEPTH, `must not nest deeper than ${MAX_JSON_DEPTH} levels`]);
		// Far deeper than any call stack: the walk is iterative.
		expect(findUnstorableJson(nested(1_000_000))?.path).toHaveLength(MAX_JSON_DEPTH);
	});
});
