import type { HashesQuery, MessageQuery } from "./query.ts";
import { seek } from "./sorted-index.ts";
import type { MessageStore, Skeleton, StoredMessage, TerminalStatus } from "./store.ts";
import { toMicros } from "./time.ts";

/**
 * What pyaleph's SQL selects (`db/accessors/messages.py`): `make_matching_messages_query` and
 * friends, answered from the sorted indexes with binary searches for date bounds and cursors.
 */

const compareHash = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const setOf = (values?: string[]) => (values ? new Set(values) : undefined);

/** The WHERE clause of `make_matching_messages_query`, minus dates and cursor (done by seeking). */
function matcher(q: MessageQuery): (m: StoredMessage) => boolean {
	const checks: ((m: StoredMessage) => boolean)[] = [];
	const inSet = (values: string[] | undefined, field: (m: StoredMessage) => string | null) => {
		const set = setOf(values);
		if (set) checks.push((m) => set.has(field(m) as string));
	};
	const statuses = new Set<string>(q.statuses);
	if (statuses.size) checks.push((m) => statuses.has(m.status));
	inSet(q.hashes, (m) => m.itemHash);
	inSet(q.addresses, (m) => m.sender);
	inSet(q.owners, (m) => m.owner);
	inSet(q.chains, (m) => m.chain);
	inSet(q.messageTypes, (m) => m.type);
	if (q.messageType) checks.push((m) => m.type === q.messageType);
	inSet(q.refs, (m) => m.contentRef);
	inSet(q.contentHashes, (m) => m.contentItemHash);
	inSet(q.contentTypes, (m) => m.contentType);
	inSet(q.contentKeys, (m) => m.contentKey);
	inSet(q.channels, (m) => m.channel);
	inSet(q.paymentTypes, (m) => m.paymentType);
	const tags = setOf(q.tags);
	if (tags) checks.push((m) => m.tags?.some((t) => tags.has(t)) ?? false);
	if (q.startBlock) checks.push((m) => m.firstConfirmedHeight === null || m.firstConfirmedHeight >= q.startBlock);
	if (q.endBlock) checks.push((m) => m.firstConfirmedHeight !== null && m.firstConfirmedHeight < q.endBlock);
	return (m) => checks.every((check) => check(m));
}

/** `ORDER BY first_confirmed_at DESC NULLS FIRST | ASC NULLS LAST, time, item_hash ASC`. */
function txTimeOrder(order: 1 | -1) {
	return (a: StoredMessage, b: StoredMessage) => {
		const x = a.firstConfirmedUs;
		const y = b.firstConfirmedUs;
		const nulls = x === null || y === null ? (x === y ? 0 : (x === null ? 1 : -1) * order) : order * (x - y);
		return nulls || order * (a.timeUs - b.timeUs) || compareHash(a.itemHash, b.itemHash);
	};
}

export type After = { micros: number; itemHash: string };

/** Rows in pyaleph's cursor filter: `time > t` (ASC) or `time < t` (DESC), or `time = t AND item_hash > h`. */
const afterProbe = (after: After, order: 1 | -1) => (m: StoredMessage) =>
	m.timeUs === after.micros ? compareHash(m.itemHash, after.itemHash) : order * (m.timeUs - after.micros);

/**
 * The rows `make_matching_messages_query` returns: filters, ordering, cursor (`after`) or
 * OFFSET (page − 1) · pagination, and LIMIT pagination (+1 in cursor mode; 0 = no limit).
 */
export function selectMessages(store: MessageStore, q: MessageQuery, after: After | undefined, cursorMode: boolean): StoredMessage[] {
	const matches = matcher(q);
	const startUs = q.startDate ? toMicros(q.startDate) : Number.NEGATIVE_INFINITY;
	const endUs = q.endDate ? toMicros(q.endDate) : Number.POSITIVE_INFINITY;
	const limit = q.pagination ? q.pagination + (cursorMode ? 1 : 0) : Number.POSITIVE_INFINITY;
	let skip = after ? 0 : (q.page - 1) * q.pagination;
	const order = q.sortOrder;
	const rows: StoredMessage[] = [];

	if (q.sortBy === "tx-time" || q.startBlock || q.endBlock) {
		const probe = after && afterProbe(after, order);
		const candidates = store
			.byTime(1)
			.items()
			.filter((m) => m.timeUs >= startUs && m.timeUs < endUs && matches(m) && (!probe || probe(m) > 0));
		return candidates.sort(txTimeOrder(order)).slice(skip, skip + limit);
	}

	const timeOrder = (a: StoredMessage, b: StoredMessage) => order * (a.timeUs - b.timeUs) || compareHash(a.itemHash, b.itemHash);
	const types = new Set([...(q.messageTypes ?? []), ...(q.messageType ? [q.messageType] : [])]);
	const items = q.hashes
		? [...new Set(q.hashes)].flatMap((h) => store.live(h) ?? []).sort(timeOrder)
		: store.byTime(order, types.size === 1 ? [...types][0] : undefined).items();
	let from = order === 1 ? seek(items, (m) => (m.timeUs < startUs ? -1 : 0)) : seek(items, (m) => (m.timeUs >= endUs ? -1 : 0));
	if (after) from = Math.max(from, seek(items, afterProbe(after, order), true));
	for (let i = from; i < items.length && rows.length < limit; i++) {
		const m = items[i] as StoredMessage;
		if (order === 1 ? m.timeUs >= endUs : m.timeUs < startUs) break;
		if (!matches(m)) continue;
		if (skip > 0) skip--;
		else rows.push(m);
	}
	return rows;
}

/** The number of rows matching the filters, whatever the pagination (pyaleph's COUNT). */
export function countMessages(store: MessageStore, q: MessageQuery): number {
	// The order does not change a count: skip the tx-time sort unless block filters need that path.
	return selectMessages(store, { ...q, pagination: 0, page: 1, sortBy: "time" }, undefined, false).length;
}

/** `make_matching_hashes_query`: reception-time order, offset, limit; and the total count. */
export function selectHashes(store: MessageStore, q: HashesQuery): { rows: StoredMessage[]; total: number } {
	const startUs = q.startDate ? toMicros(q.startDate) : Number.NEGATIVE_INFINITY;
	const endUs = q.endDate ? toMicros(q.endDate) : Number.POSITIVE_INFINITY;
	const items = store.byReception(q.sortOrder).items();
	const from =
		q.sortOrder === 1 ? seek(items, (m) => (m.receptionUs < startUs ? -1 : 0)) : seek(items, (m) => (m.receptionUs >= endUs ? -1 : 0));
	const skip = (q.page - 1) * q.pagination;
	const end = q.pagination ? skip + q.pagination : Number.POSITIVE_INFINITY;
	const rows: StoredMessage[] = [];
	let total = 0;
	for (let i = from; i < items.length; i++) {
		const m = items[i] as StoredMessage;
		if (q.sortOrder === 1 ? m.receptionUs >= endUs : m.receptionUs < startUs) break;
		if (q.status && m.status !== q.status) continue;
		if (total >= skip && total < end) rows.push(m);
		total++;
	}
	return { rows, total };
}

/**
 * `make_matching_forgotten_messages_query` / `…removed…`: skeletons filtered, dates on the
 * termination time (NULL rows excluded by a date filter), ordered by it NULLS LAST then hash.
 */
export function selectSkeletons(store: MessageStore, status: TerminalStatus, q: MessageQuery): { rows: Skeleton[]; count: number } {
	const startUs = q.startDate ? toMicros(q.startDate) : undefined;
	const endUs = q.endDate ? toMicros(q.endDate) : undefined;
	const sets = {
		hashes: setOf(q.hashes),
		addresses: setOf(q.addresses),
		owners: setOf(q.owners),
		chains: setOf(q.chains),
		types: setOf(q.messageTypes),
		channels: setOf(q.channels),
		payments: setOf(q.paymentTypes),
	};
	const matching = store.skeletons(status).filter((s) => {
		if (sets.hashes && !sets.hashes.has(s.itemHash)) return false;
		if (sets.addresses && !sets.addresses.has(s.sender)) return false;
		if (sets.owners && !sets.owners.has(s.owner as string)) return false;
		if (sets.chains && !sets.chains.has(s.chain)) return false;
		if (sets.types && !sets.types.has(s.type)) return false;
		if (q.messageType && s.type !== q.messageType) return false;
		if (sets.channels && !sets.channels.has(s.channel as string)) return false;
		// Removed rows coalesce a missing payment type to hold too, for billing.
		if (sets.payments && !sets.payments.has(s.paymentType ?? "hold")) return false;
		if (startUs !== undefined && (s.terminalUs === null || s.terminalUs < startUs)) return false;
		if (endUs !== undefined && (s.terminalUs === null || s.terminalUs >= endUs)) return false;
		return true;
	});
	const order = q.sortOrder;
	matching.sort((a, b) => {
		if (a.terminalUs === null || b.terminalUs === null) {
			return a.terminalUs === b.terminalUs ? compareHash(a.itemHash, b.itemHash) : a.terminalUs === null ? 1 : -1;
		}
		return order * (a.terminalUs - b.terminalUs) || compareHash(a.itemHash, b.itemHash);
	});
	const skip = (q.page - 1) * q.pagination;
	return { rows: matching.slice(skip, q.pagination ? skip + q.pagination : undefined), count: matching.length };
}
