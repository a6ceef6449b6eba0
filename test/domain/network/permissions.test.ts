import { describe, expect, it } from "vitest";
import { parseMessageContent } from "../../../src/domain/network/content.ts";
import { parseEnvelope } from "../../../src/domain/network/envelope.ts";
import type { JsonObject } from "../../../src/domain/network/json.ts";
import {
	type AuthScope,
	type AuthTarget,
	amendKeepsOwner,
	authRequest,
	authTarget,
	checkForgetPermission,
	type ForgetTarget,
	isSenderAuthorized,
	isSenderAuthorizedForOwner,
	type SecurityLookup,
} from "../../../src/domain/network/permissions.ts";
import type { VerifiedMessage } from "../../../src/domain/network/verify.ts";
import { V2 } from "./fixtures.ts";

/** A message as verification would give it (these fixtures carry fake signatures, as in pyaleph's tests). */
function message(fields: Record<string, unknown>): VerifiedMessage {
	const e = parseEnvelope(fields);
	if (!e.ok) throw new Error(e.message);
	const c = parseMessageContent(e.envelope, e.envelope.itemContent ?? "");
	if (!c.ok) throw new Error(c.message);
	return { envelope: e.envelope, content: c.content };
}

const security =
	(table: Record<string, JsonObject>): SecurityLookup =>
	(owner) =>
		table[owner] ?? null;
const none: SecurityLookup = () => null;

// pyaleph tests/permissions/test_check_sender_authorization.py
describe("isSenderAuthorized(): vectors P1–P7 (§8.2)", () => {
	const OWNER = "0xContentOwner12345678901234567890123456789012";
	const DELEGATE = "0xDelegatedAccount12345678901234567890123456789012";
	const original = message({
		chain: "ETH",
		item_hash: "1".repeat(64),
		sender: "0xOriginalSender12345678901234567890123456789012",
		type: "POST",
		channel: "TEST",
		item_content: `{"address":"${OWNER}","time":1651050219.3481126,"content":{"title":"Original Post","body":"Original content"},"type":"post"}`,
		item_type: "inline",
		signature: "original_signature",
		time: 1651050219.3488848,
	});
	const amendFrom = (sender: string, ref = "1".repeat(64), owner = OWNER) =>
		message({
			chain: "ETH",
			item_hash: "2".repeat(64),
			sender,
			type: "POST",
			channel: "TEST",
			item_content: `{"address":"${owner}","time":1651050299.3481126,"content":{"title":"Amended Post","body":"Updated content"},"type":"amend","ref":"${ref}"}`,
			item_type: "inline",
			signature: "amend_signature",
			time: 1651050299.3488848,
		});
	const postGrant = security({ [OWNER]: { authorizations: [{ address: DELEGATE, types: ["POST"], post_types: ["post"] }] } });

	it("P1: the sender is the owner", () => {
		expect(isSenderAuthorized(authRequest(message(V2)), none)).toBe(true);
	});

	it("P2: the owner check is case-insensitive", () => {
		const checksummed = "0xDeF61fAadE93a8aaE303D083Ead5BF7a25E55a23";
		const m = message({ ...V2, sender: checksummed.toLowerCase(), item_content: V2.item_content.replace(V2.sender, checksummed) });
		expect(isSenderAuthorized(authRequest(m), none)).toBe(true);
	});

	it("P3: a delegate listed with no filters", () => {
		const m = message({
			chain: "ETH",
			channel: "TEST",
			item_content:
				'{"address":"0xA3c613b12e862EB6e0C9897E03F1deEb207b5B58","time":1651050219.3481126,"content":{"date":"2022-04-27T09:03:38.361081","test":true,"answer":42,"something":"interesting"},"type":"test"}',
			item_hash: "1d8c28dac67725dd9d0ed218127d5ef7870443c803cd35598bb6cbb03ec76383",
			item_type: "inline",
			sender: "0x86F39e17910E3E6d9F38412EB7F24Bf0Ba31eb2E",
			time: 1651050219.3488848,
			type: "POST",
			signature: "fake signature, not checked here<",
		});
		const grant = security({
			"0xA3c613b12e862EB6e0C9897E03F1deEb207b5B58": { authorizations: [{ address: "0x86F39e17910E3E6d9F38412EB7F24Bf0Ba31eb2E" }] },
		});
		expect(isSenderAuthorized(authRequest(m), grant)).toBe(true);
		expect(isSenderAuthorized(authRequest(m), none)).toBe(false); // V3's case: no aggregate, denied
	});

	it("P4: a delegate allowed post_types [post] may amend that post, checked against the original", () => {
		expect(isSenderAuthorized(authRequest(amendFrom(DELEGATE)), postGrant, authTarget(original))).toBe(true);
		// Without the original, the amend itself is checked, and "amend" is not in post_types.
		expect(isSenderAuthorized(authRequest(amendFrom(DELEGATE)), postGrant, null)).toBe(false);
	});

	it("P5: an unlisted sender may not amend", () => {
		expect(
			isSenderAuthorized(authRequest(amendFrom("0xUnauthorizedAccount1234567890123456789012345678")), postGrant, authTarget(original)),
		).toBe(false);
	});

	it("P6: with the original missing, a delegate allowed post_types [amend] passes on the amend itself", () => {
		const amendGrant = security({ [OWNER]: { authorizations: [{ address: DELEGATE, types: ["POST"], post_types: ["amend"] }] } });
		expect(isSenderAuthorized(authRequest(amendFrom(DELEGATE, "0".repeat(64))), amendGrant, null)).toBe(true);
	});

	it("P7: an amend whose owner differs from the original's is denied", () => {
		const differentOwner = "0xDifferentOwner12345678901234567890123456789012";
		const originalOwner = "0xOriginalOwner12345678901234567890123456789012";
		expect(amendKeepsOwner(differentOwner, originalOwner)).toBe(false);
		expect(amendKeepsOwner(originalOwner, originalOwner)).toBe(true);
		// The POST handler compares exact case, even when rule 1 lets the owner itself through.
		expect(amendKeepsOwner(originalOwner.toLowerCase(), originalOwner)).toBe(false);
		const grantAll = security({ [originalOwner]: { authorizations: [{ address: DELEGATE }] } });
		const target: AuthTarget = { ...authTarget(original), owner: originalOwner };
		expect(isSenderAuthorized(authRequest(amendFrom(DELEGATE, "1".repeat(64), differentOwner)), grantAll, target)).toBe(false);
	});

	it("an amend whose ref is not an item hash is denied (pyaleph's ItemHash(ref) raises)", () => {
		const grantAll = security({ [OWNER]: { authorizations: [{ address: DELEGATE }] } });
		expect(isSenderAuthorized(authRequest(amendFrom(DELEGATE, "not-a-hash")), grantAll, null)).toBe(false);
		expect(isSenderAuthorized(authRequest(amendFrom(DELEGATE)), grantAll, null)).toBe(true);
	});
});

describe("isSenderAuthorizedForOwner(): the authorization filters (§4.1 rule 3)", () => {
	const OWNER = "0x2E4454fAD1906c0Ce6e45cBFA05cE898Ac3AC1dC";
	const D = "0x6aeaEEb08720DEc9d6dae1A8fc49344Dd99391Ac";
	const credit: AuthScope = { chain: "ETH", channel: "ALEPH_CREDIT", type: "POST", postType: "aleph_credit_expense", aggregateKey: null };
	const check = (auth: unknown, scope: AuthScope = credit, sender = D) =>
		isSenderAuthorizedForOwner(sender, OWNER, scope, security({ [OWNER]: { authorizations: [auth as JsonObject] } }));

	it.each([
		["no filters", { address: D }, true],
		["the address in another case", { address: D.toLowerCase() }, true],
		["another address", { address: "0xabc" }, false],
		["no address", {}, false],
		["the right chain", { address: D, chain: "ETH" }, true],
		["another chain", { address: D, chain: "BASE" }, false],
		["an empty chain (falsy: unrestricted)", { address: D, chain: "" }, true],
		["the channel listed", { address: D, channels: ["ALEPH_CREDIT"] }, true],
		["another channel", { address: D, channels: ["TEST"] }, false],
		["an empty channel list", { address: D, channels: [] }, true],
		["the type listed", { address: D, types: ["POST"] }, true],
		["another type", { address: D, types: ["AGGREGATE"] }, false],
		["lowercase type (exact match)", { address: D, types: ["post"] }, false],
		["the post type listed", { address: D, post_types: ["aleph_credit_expense", "x"] }, true],
		["another post type", { address: D, post_types: ["aleph_credit_transfer"] }, false],
		["aggregate_keys do not apply to a POST", { address: D, aggregate_keys: ["security"] }, true],
		// Python semantics on user data: `in` a string is a substring test.
		["channels as a string containing the channel", { address: D, channels: "ALEPH_CREDIT_X" }, true],
		["channels as a string not containing it", { address: D, channels: "TEST" }, false],
		["channels as an object with the channel as key", { address: D, channels: { ALEPH_CREDIT: 1 } }, true],
		["channels null (len(None) raises)", { address: D, channels: null }, false],
		["types a number (len raises)", { address: D, types: 5 }, false],
		["post_types a number on a POST (len raises)", { address: D, post_types: 5 }, false],
		["an address that is not a string (raises)", { address: 5 }, false],
		["an authorization that is not an object (raises)", "0x6aeaEEb08720DEc9d6dae1A8fc49344Dd99391Ac", false],
	])("%s → %s", (_, auth, expected) => {
		expect(check(auth)).toBe(expected);
	});

	it("does not read a filter that does not apply (post_types on an AGGREGATE)", () => {
		const aggregate: AuthScope = { chain: "ETH", channel: null, type: "AGGREGATE", postType: null, aggregateKey: "security" };
		expect(check({ address: D, post_types: 5 }, aggregate)).toBe(true);
		expect(check({ address: D, aggregate_keys: ["security"] }, aggregate)).toBe(true);
		expect(check({ address: D, aggregate_keys: ["pricing"] }, aggregate)).toBe(false);
		expect(check({ address: D, aggregate_keys: ["name='security'"] }, { ...aggregate, aggregateKey: { name: "security" } })).toBe(false);
		expect(check({ address: D, aggregate_keys: [] }, { ...aggregate, aggregateKey: { name: "security" } })).toBe(true);
		// A None channel is `in` a list holding null, and raises against a string.
		expect(check({ address: D, channels: [null] }, aggregate)).toBe(true);
		expect(check({ address: D, channels: "x" }, aggregate)).toBe(false);
	});

	it("stops at the first matching entry, and a raising entry before it denies", () => {
		const lookup = (auths: unknown[]) => security({ [OWNER]: { authorizations: auths as JsonObject[] } });
		expect(isSenderAuthorizedForOwner(D, OWNER, credit, lookup([{ address: D }, 5]))).toBe(true);
		expect(isSenderAuthorizedForOwner(D, OWNER, credit, lookup([5, { address: D }]))).toBe(false);
		expect(isSenderAuthorizedForOwner(D, OWNER, credit, lookup([{ address: "0xother" }, { address: D }]))).toBe(true);
	});

	it.each([
		["no aggregate", null, false],
		["no authorizations key", {}, false],
		["authorizations null (iterating None raises)", { authorizations: null }, false],
		["authorizations an empty string", { authorizations: "" }, false],
		["authorizations a non-empty object (iterates its keys, which raise)", { authorizations: { a: 1 } }, false],
	])("%s → deny", (_, aggregate, expected) => {
		expect(isSenderAuthorizedForOwner(D, OWNER, credit, () => aggregate as JsonObject | null)).toBe(expected);
	});

	it("looks the aggregate up by the exact owner string", () => {
		const owners: string[] = [];
		isSenderAuthorizedForOwner(D, OWNER, credit, (owner) => {
			owners.push(owner);
			return null;
		});
		expect(owners).toEqual([OWNER]);
	});
});

// pyaleph tests/permissions/test_forget_permissions.py
describe("checkForgetPermission(): vectors F1–F7 (§8.2)", () => {
	const O = "0xA000000000000000000000000000000000000001";
	const O2 = "0xA000000000000000000000000000000000000002";
	const D1 = "0xD100000000000000000000000000000000000001";
	const D2 = "0xD200000000000000000000000000000000000002";
	const STRANGER = "0xE000000000000000000000000000000000000099";
	const store = (owner: string): AuthTarget => ({
		owner,
		scope: { chain: "ETH", channel: "TEST", type: "STORE", postType: null, aggregateKey: null },
	});
	const processed = (itemHash: string, target: AuthTarget): ForgetTarget => ({ itemHash, status: "processed", message: target });
	const storeGrant = (...delegates: string[]) => ({ authorizations: delegates.map((address) => ({ address, types: ["STORE"] })) });

	it("F1: the owner forgets a STORE its delegate made for it", () => {
		expect(checkForgetPermission(O, [processed("1".repeat(64), store(O))], security({ [O]: storeGrant(D1) }))).toEqual({
			verdict: "allowed",
		});
	});

	it("F2: a delegate with STORE rights forgets the owner's STOREs, even another delegate's", () => {
		expect(checkForgetPermission(D2, [processed("5".repeat(64), store(O))], security({ [O]: storeGrant(D2) }))).toEqual({
			verdict: "allowed",
		});
		expect(checkForgetPermission(D2, [processed("7".repeat(64), store(O))], security({ [O]: storeGrant(D1, D2) }))).toEqual({
			verdict: "allowed",
		});
		// Several owners in one FORGET: each target against its own owner's aggregate.
		const both = security({ [O]: storeGrant(D2), [O2]: storeGrant(D2) });
		expect(checkForgetPermission(D2, [processed("b".repeat(64), store(O)), processed("c".repeat(64), store(O2))], both)).toEqual({
			verdict: "allowed",
		});
	});

	it("F3: a stranger may not forget", () => {
		expect(checkForgetPermission(STRANGER, [processed("e".repeat(64), store(O))], none)).toEqual({
			verdict: "denied",
			itemHash: "e".repeat(64),
		});
	});

	it("F4: a revoked delegate may not forget what it made; the owner still can", () => {
		const revoked = security({ [O]: { authorizations: [] } });
		expect(checkForgetPermission(D1, [processed("02".padEnd(64, "0"), store(O))], revoked)).toMatchObject({ verdict: "denied" });
		expect(checkForgetPermission(O, [processed("9".repeat(64), store(O))], revoked)).toEqual({ verdict: "allowed" });
	});

	it("F5: STORE rights do not cover a POST", () => {
		const post: AuthTarget = {
			owner: O,
			scope: { chain: "ETH", channel: "TEST", type: "POST", postType: "my_post_type", aggregateKey: null },
		};
		expect(checkForgetPermission(D1, [processed("04".padEnd(64, "0"), post)], security({ [O]: storeGrant(D1) }))).toMatchObject({
			verdict: "denied",
		});
	});

	it("F6: the owner may not forget what a delegate signed for itself", () => {
		expect(checkForgetPermission(O, [processed("06".padEnd(64, "0"), store(D1))], security({ [O]: storeGrant(D1) }))).toMatchObject({
			verdict: "denied",
		});
	});

	it("F7: one denied target rejects the whole FORGET", () => {
		const owned = processed("08".padEnd(64, "0"), store(O));
		const other = processed("09".padEnd(64, "0"), store(D1));
		expect(checkForgetPermission(O, [owned, other], none)).toEqual({ verdict: "denied", itemHash: "09".padEnd(64, "0") });
		expect(checkForgetPermission(O, [other, owned], none)).toEqual({ verdict: "denied", itemHash: "09".padEnd(64, "0") });
	});

	it("skips forgotten, rejected and removed targets, retries missing or pending ones, refuses to forget a FORGET", () => {
		const owned = processed("08".padEnd(64, "0"), store(O));
		for (const status of ["forgotten", "rejected", "removed"] as const) {
			expect(checkForgetPermission(STRANGER, [{ itemHash: "a".repeat(64), status }], none)).toEqual({ verdict: "allowed" });
		}
		expect(checkForgetPermission(O, [owned, { itemHash: "b".repeat(64), status: "unknown" }], none)).toEqual({
			verdict: "retry",
			itemHash: "b".repeat(64),
		});
		expect(checkForgetPermission(O, [{ itemHash: "c".repeat(64), status: "pending" }], none)).toMatchObject({ verdict: "retry" });
		const forget: AuthTarget = { owner: O, scope: { ...store(O).scope, type: "FORGET" } };
		expect(checkForgetPermission(O, [processed("d".repeat(64), forget)], none)).toEqual({
			verdict: "cannot_forget_forget",
			itemHash: "d".repeat(64),
		});
		expect(checkForgetPermission(O, [{ itemHash: "e".repeat(64), status: "removing", message: store(O) }], none)).toEqual({
			verdict: "allowed",
		});
	});
});
