/**
 * Who may publish for whom (spec aleph-network §4; pyaleph `permissions.py`,
 * `handlers/content/forget.py`): the owner itself (case-insensitive), or a delegate listed in the
 * owner's `security` aggregate whose filters (chain, channels, types, post_types, aggregate_keys)
 * match the message. The aggregate content is user data, so its lists are read with Python's
 * semantics (`len()`, `in`, which is a substring test on a string); where pyaleph would raise, the
 * check denies, since pyaleph never accepts such a message.
 */
import type { AggregateKey } from "./content.ts";
import { itemTypeFromHash, type MessageType } from "./envelope.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "./json.ts";
import { pythonTruthy } from "./python.ts";
import type { VerifiedMessage } from "./verify.ts";

/** What the authorization filters look at in a message. */
export type AuthScope = {
	chain: string;
	channel: string | null;
	type: MessageType;
	/** `content.type` of a POST, else null. */
	postType: string | null;
	/** `content.key` of an AGGREGATE, else null. */
	aggregateKey: AggregateKey | null;
};

/** A message seen as the thing someone is authorized for: its owner (`content.address`) and scope. */
export type AuthTarget = { owner: string; scope: AuthScope };

/** A message asking to be accepted: its signer, its owner, its scope, and `content.ref` (for amends). */
export type AuthRequest = AuthTarget & { sender: string; ref: string | null };

/**
 * The merged `security` aggregate content of an owner, or null when it has none. pyaleph looks it
 * up by the exact owner string (`owner == content.address`).
 */
export type SecurityLookup = (owner: string) => JsonObject | null;

export function authTarget({ envelope, content }: VerifiedMessage): AuthTarget {
	return {
		owner: content.address,
		scope: {
			chain: envelope.chain,
			channel: envelope.channel,
			type: envelope.type,
			postType: content.kind === "POST" ? content.type : null,
			aggregateKey: content.kind === "AGGREGATE" ? content.key : null,
		},
	};
}

export function authRequest(message: VerifiedMessage): AuthRequest {
	return { ...authTarget(message), sender: message.envelope.sender, ref: message.content.kind === "POST" ? message.content.ref : null };
}

/** Thrown where pyaleph's Python would raise (TypeError, AttributeError): the check then denies. */
class PythonError extends Error {}

function pythonLen(value: JsonValue): number {
	if (typeof value === "string") return [...value].length;
	if (Array.isArray(value)) return value.length;
	if (isJsonObject(value)) return Object.keys(value).length;
	throw new PythonError("object has no len()");
}

/** Python's `needle in haystack`; an object aggregate key never equals a string. */
function pythonIn(needle: string | null | { name: string }, haystack: JsonValue): boolean {
	if (Array.isArray(haystack)) return typeof needle !== "object" || needle === null ? haystack.includes(needle) : false;
	if (typeof haystack === "string") {
		if (typeof needle !== "string") throw new PythonError("'in <string>' requires string as left operand");
		return haystack.includes(needle);
	}
	if (isJsonObject(haystack)) {
		if (typeof needle === "object" && needle !== null) throw new PythonError("unhashable type");
		return needle !== null && Object.hasOwn(haystack, needle);
	}
	throw new PythonError("argument of type is not iterable");
}

/** `auth.get(key, [])`, then `len(x) and message_value not in x`: true when the filter excludes. */
function excludes(auth: JsonObject, key: string, value: string | null | { name: string }): boolean {
	const filter = Object.hasOwn(auth, key) ? (auth[key] as JsonValue) : [];
	return pythonLen(filter) > 0 && !pythonIn(value, filter);
}

function matches(auth: JsonValue, sender: string, scope: AuthScope): boolean {
	if (!isJsonObject(auth)) throw new PythonError("'auth' has no attribute 'get'");
	const address = Object.hasOwn(auth, "address") ? auth.address : "";
	if (typeof address !== "string") throw new PythonError("'address' has no attribute 'lower'");
	if (address.toLowerCase() !== sender.toLowerCase()) return false;
	if (pythonTruthy(auth.chain) && auth.chain !== scope.chain) return false;
	if (excludes(auth, "channels", scope.channel)) return false;
	if (excludes(auth, "types", scope.type)) return false;
	if (scope.type === "POST" && excludes(auth, "post_types", scope.postType)) return false;
	if (scope.type === "AGGREGATE" && excludes(auth, "aggregate_keys", scope.aggregateKey)) return false;
	return true;
}

/**
 * pyaleph's `is_sender_authorized_for_owner` (§4.1 rules 1 and 3): could `sender` publish `scope`
 * for `owner`?
 */
export function isSenderAuthorizedForOwner(sender: string, owner: string, scope: AuthScope, security: SecurityLookup): boolean {
	if (sender.toLowerCase() === owner.toLowerCase()) return true;
	const aggregate = security(owner);
	if (aggregate === null) return false;
	try {
		const authorizations: JsonValue = Object.hasOwn(aggregate, "authorizations") ? (aggregate.authorizations as JsonValue) : [];
		let entries: JsonValue[];
		if (Array.isArray(authorizations)) entries = authorizations;
		else if (typeof authorizations === "string") entries = [...authorizations];
		else if (isJsonObject(authorizations)) entries = Object.keys(authorizations);
		else throw new PythonError("'authorizations' is not iterable");
		return entries.some((auth) => matches(auth, sender, scope));
	} catch (error) {
		if (error instanceof PythonError) return false;
		throw error;
	}
}

/**
 * pyaleph's `check_sender_authorization` (§4.1): the owner itself; for an amend whose original is
 * known (`original`; null when it is not found), the original's owner must be the same
 * (case-insensitive) and the sender must have been allowed to publish the original; otherwise the
 * security aggregate of the owner, against the message itself.
 */
export function isSenderAuthorized(request: AuthRequest, security: SecurityLookup, original: AuthTarget | null = null): boolean {
	const { sender, owner, scope, ref } = request;
	if (sender.toLowerCase() === owner.toLowerCase()) return true;
	if (scope.type === "POST" && scope.postType === "amend" && ref !== null) {
		// pyaleph builds ItemHash(ref), which raises for a ref that is not hash-shaped.
		if (itemTypeFromHash(ref) === null) return false;
		if (original !== null) {
			if (owner.toLowerCase() !== original.owner.toLowerCase()) return false;
			return isSenderAuthorizedForOwner(sender, original.owner, original.scope, security);
		}
	}
	return isSenderAuthorizedForOwner(sender, owner, scope, security);
}

/** The POST handler's extra amend rule: the amend's owner is the original's, exact case (else PermissionDenied). */
export function amendKeepsOwner(amendOwner: string, originalOwner: string): boolean {
	return amendOwner === originalOwner;
}

/** A FORGET target as the follower knows it. Statuses are pyaleph's; "unknown" is a hash it has not seen. */
export type ForgetTarget =
	| { itemHash: string; status: "processed" | "removing"; message: AuthTarget }
	| { itemHash: string; status: "forgotten" | "rejected" | "removed" | "pending" | "unknown" };

export type ForgetVerdict =
	| { verdict: "allowed" }
	/** The sender could not have created this target: the whole FORGET is rejected (error 2). */
	| { verdict: "denied"; itemHash: string }
	/** A target is missing or not processed yet: pyaleph retries the FORGET later. */
	| { verdict: "retry"; itemHash: string }
	/** A FORGET cannot forget a FORGET (error 502). */
	| { verdict: "cannot_forget_forget"; itemHash: string };

/**
 * pyaleph's `ForgetMessageHandler.check_permissions` (§4.2): per target, in order, all or nothing.
 * Targets are `content.hashes` then the element hashes of `content.aggregates` keys owned by the
 * FORGET's `content.address`. The FORGET's own `content.address` grants nothing.
 */
export function checkForgetPermission(sender: string, targets: readonly ForgetTarget[], security: SecurityLookup): ForgetVerdict {
	for (const target of targets) {
		if (!("message" in target)) {
			if (target.status === "pending" || target.status === "unknown") return { verdict: "retry", itemHash: target.itemHash };
			continue; // forgotten, rejected or removed: pyaleph skips it
		}
		if (target.message.scope.type === "FORGET") return { verdict: "cannot_forget_forget", itemHash: target.itemHash };
		if (!isSenderAuthorizedForOwner(sender, target.message.owner, target.message.scope, security)) {
			return { verdict: "denied", itemHash: target.itemHash };
		}
	}
	return { verdict: "allowed" };
}
