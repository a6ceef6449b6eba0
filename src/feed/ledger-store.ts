/**
 * The credit ledger in Postgres (spec aleph-network §5.4-5.5), kept equal to the domain's
 * canonical replay (`src/domain/credits/ledger.ts`) of the posts in it, whatever order they
 * arrived in. Tables: `credit_posts` (the parsed posts; `in_ledger` when authorized),
 * `credit_history` (pyaleph's rows), `credit_lots` (credits left per grant) and `credit_ledger`
 * (the frontier: the last post of the ledger order).
 *
 * A batch of posts after the frontier is applied incrementally on the lots of the addresses it
 * touches. A post before the frontier (late, or authorized late), or a post leaving the ledger,
 * re-derives exactly what it changes: distribution and expense rows never depend on state, and a
 * transfer's recipient rows depend only on its sender's lots; so from the earliest changed post k,
 * the set S of changed addresses grows along the later transfers sent from S (their recipients join
 * it), the rows of those transfers are recomputed, and the lots of S are replayed from their rows
 * before k. Everything else stays.
 */
import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import type { CreditHistoryTable } from "../db/schema.ts";
import { insertUnnest, unnestAs } from "../db/unnest.ts";
import {
	addressesOf,
	applyCreditPost,
	applyHistoryRow,
	type CreditHistoryRow,
	comparePositions,
	createLedgerState,
	EMPTY_ROW,
	type LedgerPosition,
	type LedgerState,
	type Lot,
	stateFromRows,
} from "../domain/credits/ledger.ts";
import type { CreditPost, TransferPost } from "../domain/credits/posts.ts";
import { creditPostFromJson, creditPostToJson } from "./post-json.ts";

/** Stores parsed credit posts; `inLedger` ones must then be given to `changeLedger` in the same transaction. */
export async function insertCreditPosts(trx: Trx, posts: readonly { post: CreditPost; inLedger: boolean }[]): Promise<void> {
	if (posts.length === 0) return;
	await sql`insert into credit_posts (item_hash, time_micros, kind, owner, minted, post, in_ledger)
		select item_hash, time_micros, kind, owner, minted, post::jsonb, in_ledger from ${unnestAs("p", {
			item_hash: ["text", posts.map((p) => p.post.itemHash)],
			time_micros: ["int8", posts.map((p) => p.post.timeMicros)],
			kind: ["text", posts.map((p) => p.post.kind)],
			owner: ["text", posts.map((p) => p.post.owner)],
			minted: ["bool", posts.map((p) => p.post.kind === "transfer" && p.post.minted)],
			post: ["text", posts.map((p) => creditPostToJson(p.post))],
			in_ledger: ["bool", posts.map((p) => p.inLedger)],
		})}`.execute(trx);
}

/** Marks stored posts as in (authorized) or out of the ledger; give them to `changeLedger` next. */
export async function setInLedger(trx: Trx, itemHashes: readonly string[], inLedger: boolean): Promise<void> {
	if (itemHashes.length === 0) return;
	await sql`update credit_posts set in_ledger = ${inLedger} where item_hash = any(${itemHashes}::text[])`.execute(trx);
}

/** The stored posts of these hashes. */
export async function loadCreditPosts(trx: Trx, itemHashes: readonly string[]): Promise<CreditPost[]> {
	if (itemHashes.length === 0) return [];
	const rows = await trx.selectFrom("credit_posts").select("post").where(sql<boolean>`item_hash = any(${itemHashes}::text[])`).execute();
	return rows.map((r) => creditPostFromJson(r.post));
}

const lotKey = (address: string, ref: string, index: number) => `${address}|${ref}|${index}`;

async function readFrontier(trx: Trx): Promise<LedgerPosition | null> {
	const row = await trx.selectFrom("credit_ledger").select(["time_micros", "item_hash"]).forUpdate().executeTakeFirstOrThrow();
	return row.time_micros === null || row.item_hash === null ? null : { timeMicros: row.time_micros, itemHash: row.item_hash };
}

/**
 * The lots of `addresses` as a ledger state at `position`, leaving out those expired at
 * `validAt` (no later drain can take from them).
 */
async function loadLots(trx: Trx, addresses: readonly string[], position: LedgerPosition | null, validAt: bigint): Promise<LedgerState> {
	const state = createLedgerState();
	state.position = position;
	if (addresses.length === 0) return state;
	const rows = await trx
		.selectFrom("credit_lots")
		.selectAll()
		.where(sql<boolean>`address = any(${addresses}::text[]) and (expiration_micros is null or expiration_micros > ${validAt})`)
		.orderBy("address")
		.orderBy("granted_at_micros")
		.orderBy("credit_ref")
		.orderBy("credit_index")
		.execute();
	for (const r of rows) {
		const lot: Lot = {
			ref: r.credit_ref,
			index: r.credit_index,
			remaining: r.remaining,
			expirationMicros: r.expiration_micros,
			grantedAtMicros: r.granted_at_micros,
		};
		const lots = state.lots.get(r.address);
		if (lots) lots.push(lot);
		else state.lots.set(r.address, [lot]);
	}
	return state;
}

type LotRow = { address: string; lot: Lot };

function lotRows(state: LedgerState, addresses: Iterable<string>): LotRow[] {
	return [...addresses].flatMap((address) => (state.lots.get(address) ?? []).map((lot) => ({ address, lot })));
}

async function insertLots(trx: Trx, lots: readonly LotRow[]): Promise<void> {
	await insertUnnest(trx, "credit_lots", {
		address: ["text", lots.map((l) => l.address)],
		credit_ref: ["text", lots.map((l) => l.lot.ref)],
		credit_index: ["int4", lots.map((l) => l.lot.index)],
		remaining: ["int8", lots.map((l) => l.lot.remaining)],
		expiration_micros: ["int8", lots.map((l) => l.lot.expirationMicros)],
		granted_at_micros: ["int8", lots.map((l) => l.lot.grantedAtMicros)],
	});
}

/** Writes the lots of `addresses` that differ from `before` (remaining per lot key). */
async function writeLotChanges(trx: Trx, before: Map<string, bigint>, state: LedgerState, addresses: Iterable<string>): Promise<void> {
	const after = lotRows(state, addresses);
	const kept = new Set<string>();
	const inserted: LotRow[] = [];
	const updated: LotRow[] = [];
	for (const row of after) {
		const key = lotKey(row.address, row.lot.ref, row.lot.index);
		kept.add(key);
		const previous = before.get(key);
		if (previous === undefined) inserted.push(row);
		else if (previous !== row.lot.remaining) updated.push(row);
	}
	const gone = [...before.keys()].filter((k) => !kept.has(k)).map((k) => k.split("|") as [string, string, string]);
	if (gone.length > 0) {
		await sql`delete from credit_lots l using ${unnestAs("g", {
			address: ["text", gone.map((g) => g[0])],
			credit_ref: ["text", gone.map((g) => g[1])],
			credit_index: ["int4", gone.map((g) => Number(g[2]))],
		})} where l.address = g.address and l.credit_ref = g.credit_ref and l.credit_index = g.credit_index`.execute(trx);
	}
	if (updated.length > 0) {
		await sql`update credit_lots l set remaining = u.remaining from ${unnestAs("u", {
			address: ["text", updated.map((u) => u.address)],
			credit_ref: ["text", updated.map((u) => u.lot.ref)],
			credit_index: ["int4", updated.map((u) => u.lot.index)],
			remaining: ["int8", updated.map((u) => u.lot.remaining)],
		})} where l.address = u.address and l.credit_ref = u.credit_ref and l.credit_index = u.credit_index`.execute(trx);
	}
	await insertLots(trx, inserted);
}

async function insertRows(trx: Trx, rows: readonly CreditHistoryRow[]): Promise<void> {
	await insertUnnest(trx, "credit_history", {
		credit_ref: ["text", rows.map((r) => r.creditRef)],
		credit_index: ["int4", rows.map((r) => r.creditIndex)],
		address: ["text", rows.map((r) => r.address)],
		amount: ["int8", rows.map((r) => r.amount)],
		price: ["numeric", rows.map((r) => r.price)],
		bonus_amount: ["int8", rows.map((r) => r.bonusAmount)],
		tx_hash: ["text", rows.map((r) => r.txHash)],
		token: ["text", rows.map((r) => r.token)],
		chain: ["text", rows.map((r) => r.chain)],
		provider: ["text", rows.map((r) => r.provider)],
		origin: ["text", rows.map((r) => r.origin)],
		origin_ref: ["text", rows.map((r) => r.originRef)],
		payment_method: ["text", rows.map((r) => r.paymentMethod)],
		expense_count: ["int8", rows.map((r) => r.expenseCount)],
		expense_size_mib: ["numeric", rows.map((r) => r.expenseSizeMib)],
		expiration_micros: ["int8", rows.map((r) => r.expirationMicros)],
		message_time_micros: ["int8", rows.map((r) => r.messageTimeMicros)],
	});
}

type StoredRow = Pick<
	CreditHistoryTable,
	"credit_ref" | "credit_index" | "address" | "amount" | "expiration_micros" | "message_time_micros"
>;

/** The rows of `addresses`, in replay order; only what the replay reads. */
async function loadRows(trx: Trx, addresses: readonly string[]): Promise<CreditHistoryRow[]> {
	if (addresses.length === 0) return [];
	const { rows } = await sql<StoredRow>`select credit_ref, credit_index, address, amount, expiration_micros, message_time_micros
		from credit_history where address = any(${addresses}::text[])
		order by message_time_micros, credit_ref, credit_index`.execute(trx);
	return rows.map((r) => ({
		...EMPTY_ROW,
		address: r.address,
		amount: r.amount,
		creditRef: r.credit_ref,
		creditIndex: r.credit_index,
		expirationMicros: r.expiration_micros,
		messageTimeMicros: r.message_time_micros,
	}));
}

async function moveFrontier(trx: Trx, frontier: LedgerPosition | null, posts: readonly CreditPost[]): Promise<void> {
	let last = frontier;
	for (const p of posts) if (last === null || comparePositions(p, last) > 0) last = { timeMicros: p.timeMicros, itemHash: p.itemHash };
	if (last !== frontier && last !== null) {
		await trx.updateTable("credit_ledger").set({ time_micros: last.timeMicros, item_hash: last.itemHash }).execute();
	}
}

/** The addresses a post drains (an expense's, a transfer's sender): only their lots are read. */
function drainedBy(post: CreditPost): string[] {
	if (post.kind === "expense") return post.entries.map((e) => e.address);
	return post.kind === "transfer" && !post.minted ? [post.owner] : [];
}

/**
 * Posts after the frontier: the lots of the addresses they drain are read and moved forward post
 * by post; an address that is only credited gets its new lots (its others are not read: a grant
 * does not look at them).
 */
async function applyInOrder(trx: Trx, frontier: LedgerPosition | null, posts: readonly CreditPost[]): Promise<string[]> {
	const addresses = [...new Set(posts.flatMap(addressesOf))];
	const drained = [...new Set(posts.flatMap(drainedBy))];
	const state = await loadLots(trx, drained, frontier, (posts[0] as CreditPost).timeMicros);
	const before = new Map(lotRows(state, drained).map((r) => [lotKey(r.address, r.lot.ref, r.lot.index), r.lot.remaining]));
	const rows: CreditHistoryRow[] = [];
	const touched = new Set<string>();
	for (const post of posts) {
		const result = applyCreditPost(state, post);
		rows.push(...result.rows);
		for (const a of result.touched) touched.add(a);
	}
	await insertRows(trx, rows);
	await writeLotChanges(trx, before, state, addresses);
	return [...touched];
}

/** Later transfers in the ledger that debit their sender, from `from` on (the ones that may have to be recomputed). */
async function transfersFrom(trx: Trx, from: LedgerPosition): Promise<TransferPost[]> {
	const { rows } = await sql<{ post: unknown }>`select post from credit_posts
		where kind = 'transfer' and in_ledger and not minted and (time_micros, item_hash) >= (${from.timeMicros}::int8, ${from.itemHash}::text)
		order by time_micros, item_hash`.execute(trx);
	return rows.map((r) => creditPostFromJson(r.post) as TransferPost);
}

/** The re-derivation from the earliest changed post (see the module comment). */
async function rederive(trx: Trx, add: readonly CreditPost[], remove: readonly CreditPost[]): Promise<string[]> {
	const changed = [...add, ...remove].sort(comparePositions);
	const from = changed[0] as CreditPost;
	const added = new Set(add.map((p) => p.itemHash));
	const removed = new Set(remove.map((p) => p.itemHash));
	const later = (await transfersFrom(trx, from)).filter((t) => !added.has(t.itemHash));
	// Walk the changed posts and the later transfers in ledger order: S grows as it goes.
	const affected = new Set<string>();
	const recompute: TransferPost[] = [];
	for (const post of [...changed, ...later].sort(comparePositions)) {
		if (added.has(post.itemHash) || removed.has(post.itemHash)) {
			for (const a of addressesOf(post)) affected.add(a);
		} else if (post.kind === "transfer" && affected.has(post.owner)) {
			recompute.push(post);
			for (const a of addressesOf(post)) affected.add(a);
		}
	}
	const stale = [...removed, ...recompute.map((t) => t.itemHash)];
	if (stale.length > 0) await sql`delete from credit_history where credit_ref = any(${stale}::text[])`.execute(trx);

	const addresses = [...affected];
	const rows = await loadRows(trx, addresses);
	const split = rows.findIndex(
		(r) =>
			comparePositions(
				{ timeMicros: r.messageTimeMicros, itemHash: r.creditRef },
				{ timeMicros: from.timeMicros, itemHash: from.itemHash },
			) >= 0,
	);
	const state = stateFromRows(split < 0 ? rows : rows.slice(0, split));
	const stored = split < 0 ? [] : rows.slice(split);
	const replayed = [...add, ...recompute].sort(comparePositions);
	const fresh: CreditHistoryRow[] = [];
	let r = 0;
	for (const post of replayed) {
		while (
			r < stored.length &&
			comparePositions(
				{ timeMicros: (stored[r] as CreditHistoryRow).messageTimeMicros, itemHash: (stored[r] as CreditHistoryRow).creditRef },
				post,
			) < 0
		) {
			applyHistoryRow(state, stored[r] as CreditHistoryRow);
			r++;
		}
		fresh.push(...applyCreditPost(state, post).rows);
	}
	for (; r < stored.length; r++) applyHistoryRow(state, stored[r] as CreditHistoryRow);
	await insertRows(trx, fresh);
	await sql`delete from credit_lots where address = any(${addresses}::text[])`.execute(trx);
	await insertLots(trx, lotRows(state, addresses));
	return addresses;
}

/**
 * Brings the ledger to the canonical replay of its posts after `add` joined it and `remove` left
 * it (both already marked in `credit_posts`: `setInLedger`, or `insertCreditPosts` with
 * `inLedger`), in the caller's transaction. Returns the addresses whose credits may have changed.
 */
export async function changeLedger(trx: Trx, change: { add?: readonly CreditPost[]; remove?: readonly CreditPost[] }): Promise<string[]> {
	const add = [...(change.add ?? [])].sort(comparePositions);
	const remove = change.remove ?? [];
	if (add.length === 0 && remove.length === 0) return [];
	const frontier = await readFrontier(trx);
	const inOrder = remove.length === 0 && (frontier === null || comparePositions(add[0] as CreditPost, frontier) > 0);
	const touched = inOrder ? await applyInOrder(trx, frontier, add) : await rederive(trx, add, remove);
	await moveFrontier(trx, frontier, add);
	return touched;
}
