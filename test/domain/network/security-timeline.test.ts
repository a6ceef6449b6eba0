import { describe, expect, it } from "vitest";
import { authorizedElements, isAuthorizedAt, type TimelineElement } from "../../../src/domain/network/security-timeline.ts";

const O = "0x00000000000000000000000000000000000000a1";
const D1 = "0x00000000000000000000000000000000000000d1";
const D2 = "0x00000000000000000000000000000000000000d2";
const X = "0x00000000000000000000000000000000000000ee";

function element(hash: string, time: number, sender: string, authorizations: unknown[], key = "security"): TimelineElement {
	return {
		itemHash: hash.repeat(64).slice(0, 64),
		owner: O,
		key,
		sender,
		chain: "ETH",
		channel: null,
		timeMicros: BigInt(time),
		content: { authorizations } as never,
	};
}
const post = (sender: string, time: number) => ({
	sender,
	owner: O,
	timeMicros: BigInt(time),
	chain: "ETH",
	channel: "ALEPH_CREDIT",
	type: "POST" as const,
	postType: "aleph_credit_transfer",
	aggregateKey: null,
});

describe("the security timeline", () => {
	it("authorizes the owner's elements, a delegate's only when an earlier element allows it to write the aggregate", () => {
		const own = element("1", 10, O, [{ address: D1, types: ["AGGREGATE"], aggregate_keys: ["security"] }]);
		const byD1 = element("2", 20, D1, [{ address: D2 }]);
		const byX = element("3", 30, X, [{ address: X }]);
		const tooEarly = element("4", 5, D1, [{ address: X }]);
		expect([...authorizedElements([byX, byD1, tooEarly, own])].sort()).toEqual([own.itemHash, byD1.itemHash].sort());
	});

	it("judges a message against the authorized elements with content.time up to its own", () => {
		const security = [element("1", 10, O, [{ address: D1 }]), element("2", 20, O, [{ address: D2 }])];
		expect(isAuthorizedAt(post(D1, 9), security)).toBe(false);
		expect(isAuthorizedAt(post(D1, 10), security)).toBe(true);
		expect(isAuthorizedAt(post(D1, 20), security)).toBe(false);
		expect(isAuthorizedAt(post(D2, 25), security)).toBe(true);
		expect(isAuthorizedAt(post(O.toUpperCase().replace("0X", "0x"), 0), [])).toBe(true);
	});

	it("gives the same verdicts whatever order the elements come in", () => {
		const all = [
			element("1", 10, O, [{ address: D1, types: ["AGGREGATE"] }]),
			element("2", 20, D1, [{ address: D2, types: ["AGGREGATE"] }]),
			element("3", 30, D2, [{ address: X }]),
			element("5", 30, D1, [{ address: X }]),
		];
		const expected = [...authorizedElements(all)].sort();
		for (const order of [
			[3, 2, 1, 0],
			[1, 3, 0, 2],
			[2, 0, 3, 1],
		])
			expect([...authorizedElements(order.map((i) => all[i] as TimelineElement))].sort()).toEqual(expected);
		expect(expected).toHaveLength(3);
	});
});
