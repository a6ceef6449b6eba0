/**
 * The credit ledger (spec aleph-network §5.4–5.5): pyaleph's chronological replay over ONE global
 * order, `(content.time µs, item_hash, entry index)`. Grants become lots; debits drain an address's
 * lots first-granted first (not soonest-expiring first), skipping lots expired at the debit
 * instant, and silently drop what they cannot cover. A transfer drains its sender and grants the
 * drained portions to the recipient with `min(source expiry, requested expiry)`, adjacent equal
 * expiries merged; when nothing could be drained the recipient still gets `(amount, requested)`;
 * an issuer's transfer mints. Expiry only filters drains and reads.
 *
 * The state is the lots per address; `applyCreditPost` mutates it and must see posts in ledger
 * order; `replay` sorts and applies, so the same post set gives the same rows and lots whatever
 * order it arrived in. `stateFromRows` rebuilds the state from history rows the way pyaleph's
 * repair does, so a late post P can be handled by `stateFromRows(rows before P)` and re-applying
 * P and every later post.
 */
import type { CreditPost, TransferPost } from "./posts.ts";

export type Lot = {
	ref: string;
	index: number;
	remaining: bigint;
	expirationMicros: bigint | null;
	grantedAtMicros: bigint;
};

/** One `credit_history` row, with the values pyaleph writes (§5.4). */
export type CreditHistoryRow = {
	address: string;
	amount: bigint;
	/** The post's item_hash. */
	creditRef: string;
	/** Counts every row of the post, in order. */
	creditIndex: number;
	price: string | null;
	bonusAmount: bigint | null;
	txHash: string | null;
	token: string | null;
	chain: string | null;
	provider: string | null;
	origin: string | null;
	originRef: string | null;
	paymentMethod: string | null;
	expenseCount: bigint | null;
	expenseSizeMib: string | null;
	expirationMicros: bigint | null;
	/** The post's `content.time`. */
	messageTimeMicros: bigint;
};

/** A place in the ledger order: a post's `content.time` and item_hash. */
export type LedgerPosition = { timeMicros: bigint; itemHash: string };

export type LedgerState = {
	/** Lots with credits left, per ledger address, in emission order. */
	lots: Map<string, Lot[]>;
	/** The last post applied. */
	position: LedgerPosition | null;
};

export type ApplyResult = {
	rows: CreditHistoryRow[];
	/** Addresses whose lots or history this post changed. */
	touched: string[];
};

export type LotDetail = { expirationMicros: bigint | null; amount: bigint };

export function createLedgerState(): LedgerState {
	return { lots: new Map(), position: null };
}

export function comparePositions(a: LedgerPosition, b: LedgerPosition): number {
	if (a.timeMicros !== b.timeMicros) return a.timeMicros < b.timeMicros ? -1 : 1;
	return a.itemHash < b.itemHash ? -1 : a.itemHash > b.itemHash ? 1 : 0;
}

export function lotsOf(state: LedgerState, address: string): readonly Lot[] {
	return state.lots.get(address) ?? [];
}

type Portion = { amount: bigint; expirationMicros: bigint | null };

function grant(state: LedgerState, address: string, lot: Lot): void {
	if (lot.remaining <= 0n) return;
	const lots = state.lots.get(address);
	if (lots) lots.push(lot);
	else state.lots.set(address, [lot]);
}

/** Drains `amount` from the address's lots valid at `at`, oldest grant first; returns what it took. */
function drain(state: LedgerState, address: string, amount: bigint, at: bigint): Portion[] {
	const lots = state.lots.get(address);
	if (!lots || amount <= 0n) return [];
	const portions: Portion[] = [];
	let need = amount;
	for (const lot of lots) {
		if (need <= 0n) break;
		if (lot.remaining <= 0n) continue;
		if (lot.expirationMicros !== null && lot.expirationMicros <= at) continue;
		let take = need;
		if (lot.remaining < need) take = lot.remaining;
		lot.remaining -= take;
		need -= take;
		portions.push({ amount: take, expirationMicros: lot.expirationMicros });
	}
	const left = lots.filter((lot) => lot.remaining > 0n);
	if (left.length === 0) state.lots.delete(address);
	else if (left.length !== lots.length) state.lots.set(address, left);
	return portions;
}

/** pyaleph's `_compute_transfer_entries_by_expiration`: cap each portion, merge equal neighbours. */
function capPortions(portions: Portion[], requested: bigint | null): Portion[] {
	const result: Portion[] = [];
	for (const portion of portions) {
		const source = portion.expirationMicros;
		const expirationMicros = source === null ? requested : requested === null ? source : source < requested ? source : requested;
		const last = result.at(-1);
		if (last && last.expirationMicros === expirationMicros) last.amount += portion.amount;
		else result.push({ amount: portion.amount, expirationMicros });
	}
	return result;
}

/** The columns of a history row that an entry leaves empty unless it sets them. */
export const EMPTY_ROW = {
	price: null,
	bonusAmount: null,
	txHash: null,
	token: null,
	chain: null,
	provider: null,
	origin: null,
	originRef: null,
	paymentMethod: null,
	expenseCount: null,
	expenseSizeMib: null,
	expirationMicros: null,
} as const;

function transferRows(state: LedgerState, post: TransferPost): CreditHistoryRow[] {
	const rows: CreditHistoryRow[] = [];
	const at = post.timeMicros;
	const common = { ...EMPTY_ROW, creditRef: post.itemHash, messageTimeMicros: at, provider: "ALEPH", paymentMethod: "credit_transfer" };
	for (const entry of post.entries) {
		let portions: Portion[] = [{ amount: entry.amount, expirationMicros: entry.expirationMicros }];
		if (!post.minted) {
			const capped = capPortions(drain(state, post.owner, entry.amount, at), entry.expirationMicros);
			// Under-funded: the recipient still gets one row with the message's intent.
			if (capped.length > 0) portions = capped;
		}
		for (const portion of portions) {
			const creditIndex = rows.length;
			grant(state, entry.address, {
				ref: post.itemHash,
				index: creditIndex,
				remaining: portion.amount,
				expirationMicros: portion.expirationMicros,
				grantedAtMicros: at,
			});
			rows.push({
				...common,
				address: entry.address,
				amount: portion.amount,
				creditIndex,
				origin: post.owner,
				expirationMicros: portion.expirationMicros,
			});
		}
		if (!post.minted) rows.push({ ...common, address: post.owner, amount: -entry.amount, creditIndex: rows.length, origin: entry.address });
	}
	return rows;
}

function postRows(state: LedgerState, post: CreditPost): CreditHistoryRow[] {
	const at = post.timeMicros;
	const common = { ...EMPTY_ROW, creditRef: post.itemHash, messageTimeMicros: at };
	switch (post.kind) {
		case "distribution":
			return post.entries.map((e, creditIndex) => {
				grant(state, e.address, {
					ref: post.itemHash,
					index: creditIndex,
					remaining: e.amount,
					expirationMicros: e.expirationMicros,
					grantedAtMicros: at,
				});
				return {
					...common,
					address: e.address,
					amount: e.amount,
					creditIndex,
					price: e.price,
					bonusAmount: e.bonusAmount,
					txHash: e.txHash,
					token: post.token,
					chain: post.chain,
					provider: e.provider,
					origin: e.origin,
					originRef: e.ref,
					paymentMethod: e.paymentMethod,
					expirationMicros: e.expirationMicros,
				};
			});
		case "expense":
			return post.entries.map((e, creditIndex) => {
				drain(state, e.address, e.amount, at);
				return {
					...common,
					address: e.address,
					amount: -e.amount,
					creditIndex,
					price: e.price,
					txHash: e.nodeId,
					provider: "ALEPH",
					origin: e.executionId,
					originRef: e.ref,
					paymentMethod: "credit_expense",
					expenseCount: e.count,
					expenseSizeMib: e.sizeMib,
				};
			});
		case "transfer":
			return transferRows(state, post);
	}
}

/**
 * Applies one post after every post already applied (ledger order), mutating `state`. Throws a
 * RangeError for a post at or before the state's position: a late post needs a re-derivation.
 */
export function applyCreditPost(state: LedgerState, post: CreditPost): ApplyResult {
	const position = { timeMicros: post.timeMicros, itemHash: post.itemHash };
	if (state.position !== null && comparePositions(position, state.position) <= 0) {
		throw new RangeError(`credit post ${post.itemHash} is not after ${state.position.itemHash} in ledger order`);
	}
	const rows = postRows(state, post);
	state.position = position;
	return { rows, touched: [...new Set(rows.map((r) => r.address))] };
}

/**
 * The addresses whose lots or history a post changes: the entries' addresses, and the sender of a
 * transfer that is not minted (an issuer's transfer debits nobody).
 */
export function addressesOf(post: CreditPost): string[] {
	const addresses = post.entries.map((e) => e.address);
	if (post.kind === "transfer" && !post.minted) addresses.push(post.owner);
	return [...new Set(addresses)];
}

/** The canonical replay of a set of posts (unique item hashes), in any arrival order. */
export function replay(posts: readonly CreditPost[]): { state: LedgerState; rows: CreditHistoryRow[] } {
	const state = createLedgerState();
	const rows: CreditHistoryRow[] = [];
	for (const post of [...posts].sort((a, b) => comparePositions(a, b))) rows.push(...applyCreditPost(state, post).rows);
	return { state, rows };
}

/**
 * Applies one stored history row to the state, as pyaleph's repair replays it: a positive row is
 * a lot, any other drains its address's lots valid at the row's time. Rows must come in
 * `(message_timestamp, credit_ref, credit_index)` order (per address is enough).
 */
export function applyHistoryRow(state: LedgerState, row: CreditHistoryRow): void {
	if (row.amount > 0n) {
		grant(state, row.address, {
			ref: row.creditRef,
			index: row.creditIndex,
			remaining: row.amount,
			expirationMicros: row.expirationMicros,
			grantedAtMicros: row.messageTimeMicros,
		});
	} else {
		drain(state, row.address, -row.amount, row.messageTimeMicros);
	}
	const position = { timeMicros: row.messageTimeMicros, itemHash: row.creditRef };
	if (state.position === null || comparePositions(position, state.position) > 0) state.position = position;
}

/** The order pyaleph's repair replays history rows in: `(message_timestamp, credit_ref, credit_index)`. */
export function compareHistoryRows(a: CreditHistoryRow, b: CreditHistoryRow): number {
	return (
		comparePositions(
			{ timeMicros: a.messageTimeMicros, itemHash: a.creditRef },
			{ timeMicros: b.messageTimeMicros, itemHash: b.creditRef },
		) || a.creditIndex - b.creditIndex
	);
}

/**
 * pyaleph's `_rebuild_credit_lots_for_address` for every address: each address's rows in
 * `(message_timestamp, credit_ref, credit_index)` order, positive rows as lots, the others
 * draining. For rows this ledger wrote, it gives back the state that wrote them.
 */
export function stateFromRows(rows: readonly CreditHistoryRow[]): LedgerState {
	const state = createLedgerState();
	for (const row of [...rows].sort(compareHistoryRows)) applyHistoryRow(state, row);
	return state;
}

function nowMicros(nowMs: number): bigint {
	if (!Number.isSafeInteger(nowMs)) throw new RangeError(`now must be integer milliseconds: ${nowMs}`);
	return BigInt(nowMs) * 1000n;
}

function valid(lot: Lot, now: bigint): boolean {
	return lot.remaining > 0n && (lot.expirationMicros === null || lot.expirationMicros > now);
}

/** The credit balance at `nowMs`: what is left in lots not expired then. */
export function balance(lots: readonly Lot[], nowMs: number): bigint {
	const now = nowMicros(nowMs);
	let total = 0n;
	for (const lot of lots) if (valid(lot, now)) total += lot.remaining;
	return total;
}

/** The balance per expiration at `nowMs`: non-expiring first, then soonest first (pyaleph's details). */
export function details(lots: readonly Lot[], nowMs: number): LotDetail[] {
	const now = nowMicros(nowMs);
	const groups = new Map<bigint | null, bigint>();
	for (const lot of lots) if (valid(lot, now)) groups.set(lot.expirationMicros, (groups.get(lot.expirationMicros) ?? 0n) + lot.remaining);
	return [...groups]
		.map(([expirationMicros, amount]) => ({ expirationMicros, amount }))
		.sort((a, b) => {
			if (a.expirationMicros === b.expirationMicros) return 0;
			if (a.expirationMicros === null) return -1;
			if (b.expirationMicros === null) return 1;
			return a.expirationMicros < b.expirationMicros ? -1 : 1;
		});
}

/**
 * pyaleph's transfer pre-check (§5.7), evaluated at the transfer's own time instead of the CCN's
 * wall clock: the sender's balance covers the raw (unscaled) amounts. An issuer always passes.
 * Call it before applying the transfer. The ledger never enforces it: a transfer some CCN accepted
 * is applied as listed; the follower can count disagreements.
 */
export function transferPrecheck(state: LedgerState, post: TransferPost): boolean {
	if (post.minted) return true;
	const at = post.timeMicros;
	let available = 0n;
	for (const lot of lotsOf(state, post.owner)) if (valid(lot, at)) available += lot.remaining;
	return available >= post.entries.reduce((sum, e) => sum + e.rawAmount, 0n);
}
