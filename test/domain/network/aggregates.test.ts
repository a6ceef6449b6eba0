import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type AggregateElement,
	aggregateElement,
	aggregateKeyString,
	IGNORED_AGGREGATE_OWNER,
	mergeAggregate,
} from "../../../src/domain/network/aggregates.ts";
import { parseEnvelope } from "../../../src/domain/network/envelope.ts";
import type { JsonObject } from "../../../src/domain/network/json.ts";
import { authRequest, isSenderAuthorized } from "../../../src/domain/network/permissions.ts";
import { type VerifiedMessage, verifyMessage } from "../../../src/domain/network/verify.ts";
import { account, signInline } from "./sign.ts";

const element = (itemHash: string, timeMicros: bigint, content: JsonObject): AggregateElement => ({
	itemHash,
	owner: "0xowner",
	key: "security",
	content,
	timeMicros,
});

describe("mergeAggregate()", () => {
	it("merges top-level keys by content.time, later wins, whatever the arrival order", () => {
		const a = element("aa", 1n, { authorizations: [{ address: "x" }], note: "first" });
		const b = element("bb", 2n, { authorizations: [] });
		const c = element("cc", 3n, { extra: { nested: 1n } });
		expect(mergeAggregate([c, a, b])).toEqual({ authorizations: [], note: "first", extra: { nested: 1n } });
	});

	it("merges shallowly: a nested object is replaced, not merged", () => {
		expect(mergeAggregate([element("a", 1n, { m: { x: 1n, y: 2n } }), element("b", 2n, { m: { x: 3n } })])).toEqual({ m: { x: 3n } });
	});

	it("breaks a tie on content.time by item_hash ascending", () => {
		const first = element("0a", 5n, { v: "0a" });
		const second = element("0b", 5n, { v: "0b" });
		expect(mergeAggregate([second, first])).toEqual({ v: "0b" });
		expect(mergeAggregate([first, second])).toEqual({ v: "0b" });
	});

	it("does not exist without elements, and a forgotten element is simply left out", () => {
		expect(mergeAggregate([])).toBeNull();
		const a = element("aa", 1n, { authorizations: [{ address: "x" }] });
		const b = element("bb", 2n, { authorizations: [] });
		expect(mergeAggregate([a, b].filter((e) => e.itemHash !== "bb"))).toEqual({ authorizations: [{ address: "x" }] });
	});

	it("is never built for the owner pyaleph skips", () => {
		expect(mergeAggregate([{ ...element("aa", 1n, { a: 1n }), owner: IGNORED_AGGREGATE_OWNER }])).toBeNull();
	});

	it("gives the same value for any permutation of the elements", () => {
		const elements = fc.uniqueArray(
			fc.record({
				itemHash: fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 2, maxLength: 4 }),
				t: fc.bigInt(0n, 5n),
				k: fc.constantFrom("a", "b", "c"),
				v: fc.integer(),
			}),
			{ selector: (e) => e.itemHash, maxLength: 12 },
		);
		fc.assert(
			fc.property(elements, fc.func(fc.integer()), (list, order) => {
				const built = list.map((e) => element(e.itemHash, e.t, { [e.k]: BigInt(e.v) }));
				const shuffled = [...built].sort((x, y) => order(x.itemHash) - order(y.itemHash));
				expect(mergeAggregate(shuffled)).toEqual(mergeAggregate(built));
			}),
		);
	});
});

describe("aggregateKeyString()", () => {
	it("is str(content.key): the string, or pydantic's rendering of {name}", () => {
		expect(aggregateKeyString("security")).toBe("security");
		expect(aggregateKeyString({ name: "security" })).toBe("name='security'");
		expect(aggregateKeyString({ name: "it's" })).toBe(`name="it's"`);
		expect(aggregateKeyString({ name: "a\nb\\" })).toBe("name='a\\nb\\\\'");
	});
});

describe("a security aggregate built from signed AGGREGATE messages gates a delegate", () => {
	const issuer = account("issuer");
	const delegate = account("delegate");

	async function verified(raw: Record<string, unknown>): Promise<VerifiedMessage> {
		const e = parseEnvelope(raw);
		if (!e.ok) throw new Error(e.message);
		const v = await verifyMessage(e.envelope);
		if (!v.ok) throw new Error(v.message);
		return v.message;
	}

	const securityMessage = (time: number, authorizations: unknown[]) =>
		signInline({
			signer: issuer,
			type: "AGGREGATE",
			time,
			content: { address: issuer.address, time, key: "security", content: { authorizations } },
		});

	const creditPost = (time: number) =>
		signInline({
			signer: delegate,
			channel: "ALEPH_CREDIT",
			time,
			content: { address: issuer.address, time, type: "aleph_credit_expense", content: { expense: { credits: [] } } },
		});

	it("allows the delegate while the newest element lists it, and not after a newer one revokes it", async () => {
		const grant = await verified(await securityMessage(100, [{ address: delegate.address, channels: ["ALEPH_CREDIT"], types: ["POST"] }]));
		const revoke = await verified(await securityMessage(200, []));
		const post = await verified(await creditPost(300));
		const lookup = (elements: VerifiedMessage[]) => (owner: string) =>
			mergeAggregate(
				elements.map(aggregateElement).filter((e): e is AggregateElement => e !== null && e.owner === owner && e.key === "security"),
			);

		expect(isSenderAuthorized(authRequest(post), lookup([grant]))).toBe(true);
		expect(isSenderAuthorized(authRequest(post), lookup([grant, revoke]))).toBe(false);
		// A revocation that arrives first but is older than the grant does not win.
		const oldRevoke = await verified(await securityMessage(50, []));
		expect(isSenderAuthorized(authRequest(post), lookup([oldRevoke, grant]))).toBe(true);
		// Forgetting the revocation restores the grant.
		expect(isSenderAuthorized(authRequest(post), lookup([grant, revoke].filter((m) => m !== revoke)))).toBe(true);
	});

	it("a delegate restricted to another channel cannot post credits", async () => {
		const grant = await verified(await securityMessage(100, [{ address: delegate.address, channels: ["TEST"] }]));
		const post = await verified(await creditPost(300));
		const element = aggregateElement(grant);
		expect(element).not.toBeNull();
		expect(isSenderAuthorized(authRequest(post), () => mergeAggregate(element ? [element] : []))).toBe(false);
	});
});
