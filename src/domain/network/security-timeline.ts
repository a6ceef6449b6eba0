/**
 * Authorization that does not depend on arrival order (spec aleph-network §4.1, §4.3): a message
 * of owner O at content.time t is judged against O's `security` aggregate merged from the
 * elements with content.time <= t that were themselves authorized when published. An element is
 * authorized when its signer is O, or a delegate of the merge of O's authorized security elements
 * before it in `(content.time, item_hash)` order. The same set of messages gives the same verdicts
 * whatever order they were read in.
 */
import { type AggregateElement, mergeAggregate } from "./aggregates.ts";
import type { MessageType } from "./envelope.ts";
import type { JsonObject } from "./json.ts";
import { type AuthScope, isSenderAuthorizedForOwner } from "./permissions.ts";

/** An AGGREGATE element with what its authorization looks at. */
export type TimelineElement = AggregateElement & { sender: string; chain: string; channel: string | null };

/** What the authorization of any message looks at. */
export type AuthorizedMessage = {
	sender: string;
	/** `content.address`, exactly as signed. */
	owner: string;
	timeMicros: bigint;
	chain: string;
	channel: string | null;
	type: MessageType;
	postType: string | null;
	aggregateKey: string | null;
};

const byTime = (a: { timeMicros: bigint; itemHash: string }, b: { timeMicros: bigint; itemHash: string }) =>
	a.timeMicros !== b.timeMicros ? (a.timeMicros < b.timeMicros ? -1 : 1) : a.itemHash < b.itemHash ? -1 : a.itemHash > b.itemHash ? 1 : 0;

function scopeOf(m: Pick<AuthorizedMessage, "chain" | "channel" | "type" | "postType" | "aggregateKey">): AuthScope {
	return { chain: m.chain, channel: m.channel, type: m.type, postType: m.postType, aggregateKey: m.aggregateKey };
}

/**
 * The security aggregate of one owner as a message at `timeMicros` sees it: the merge of the
 * authorized `security` elements with content.time <= timeMicros (given in any order).
 */
export function securityAt(authorizedSecurity: readonly AggregateElement[], timeMicros: bigint): JsonObject | null {
	return mergeAggregate(authorizedSecurity.filter((e) => e.timeMicros <= timeMicros));
}

/** Could `message.sender` publish `message` for its owner, given the owner's authorized security elements? */
export function isAuthorizedAt(message: AuthorizedMessage, authorizedSecurity: readonly AggregateElement[]): boolean {
	if (message.sender.toLowerCase() === message.owner.toLowerCase()) return true;
	const merged = securityAt(authorizedSecurity, message.timeMicros);
	return isSenderAuthorizedForOwner(message.sender, message.owner, scopeOf(message), (o) => (o === message.owner ? merged : null));
}

/** The item hashes of the elements of ONE owner (any keys) that were authorized when published. */
export function authorizedElements(elements: readonly TimelineElement[]): Set<string> {
	const authorized = new Set<string>();
	const security: TimelineElement[] = [];
	for (const e of [...elements].sort(byTime)) {
		const merged = mergeAggregate(security);
		const scope = scopeOf({ chain: e.chain, channel: e.channel, type: "AGGREGATE", postType: null, aggregateKey: e.key });
		const ok =
			e.sender.toLowerCase() === e.owner.toLowerCase() ||
			isSenderAuthorizedForOwner(e.sender, e.owner, scope, (o) => (o === e.owner ? merged : null));
		if (!ok) continue;
		authorized.add(e.itemHash);
		if (e.key === "security") security.push(e);
	}
	return authorized;
}
