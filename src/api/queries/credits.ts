/**
 * Reads of the credit ledger for the CCN-compatible credit routes (spec aleph-network §7.1-7.5),
 * with pyaleph's filters and orders. Times are microseconds; `price` and `expense_size_mib` come
 * back as the text Postgres prints for their numeric value (what pyaleph's Decimal is built from).
 */
import { type RawBuilder, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { CreditHistoryTable } from "../../db/schema.ts";

const nowMicros = (nowSeconds: bigint) => nowSeconds * 1_000_000n;
const valid = (now: bigint) => sql`(expiration_micros is null or expiration_micros > ${nowMicros(now)}::int8)`;

/** Credits of one ledger address at `now`, per expiration (non-expiring first, then soonest first). */
export async function creditDetails(db: Db, address: string, now: bigint): Promise<{ expirationMicros: bigint | null; amount: bigint }[]> {
	const { rows } = await sql<{ expiration_micros: bigint | null; amount: bigint }>`select expiration_micros, sum(remaining)::int8 as amount
		from credit_lots where address = ${address} and remaining > 0 and ${valid(now)}
		group by expiration_micros order by expiration_micros asc nulls first`.execute(db);
	return rows.map((r) => ({ expirationMicros: r.expiration_micros, amount: r.amount }));
}

/** One page of `(address, credits)` in address order, `credits >= minBalance`: by offset, or after an address (one extra row). */
export async function listCreditBalances(
	db: Db,
	options: { now: bigint; minBalance: bigint; limit: number | null; offset?: number; after?: string },
): Promise<{ address: string; credits: bigint }[]> {
	const after = options.after === undefined ? sql`` : sql`where address > ${options.after}`;
	const { rows } = await sql<{ address: string; credits: bigint }>`select address,
			coalesce(sum(remaining) filter (where ${valid(options.now)}), 0)::int8 as credits
		from credit_lots ${after} group by address having coalesce(sum(remaining) filter (where ${valid(options.now)}), 0) >= ${options.minBalance}
		order by address ${options.limit === null ? sql`` : sql`limit ${options.limit}`} ${options.offset ? sql`offset ${options.offset}` : sql``}`.execute(
		db,
	);
	return rows;
}

export async function countCreditBalances(db: Db, now: bigint, minBalance: bigint): Promise<number> {
	const { rows } = await sql<{ n: bigint }>`select count(*)::int8 as n from (select address from credit_lots group by address
		having coalesce(sum(remaining) filter (where ${valid(now)}), 0) >= ${minBalance}) a`.execute(db);
	return Number(rows[0]?.n ?? 0n);
}

/** The filters of `/credit_history` and its summary (pyaleph `_apply_credit_history_filters`). */
export type CreditHistoryFilters = {
	txHash?: string;
	token?: string;
	chain?: string;
	provider?: string;
	origin?: string;
	originRef?: string;
	paymentMethod?: string;
	hasExpiration?: boolean;
	excludePaymentMethod?: string[];
	startMicros?: bigint;
	endMicros?: bigint;
	direction?: "incoming" | "outgoing";
	resourceTypes?: string[];
	resource?: string;
};

const EFFECTIVE_ORIGIN = sql`coalesce(nullif(h.origin, ''), h.origin_ref)`;

function conditions(address: string, f: CreditHistoryFilters): RawBuilder<unknown> {
	const parts: RawBuilder<unknown>[] = [sql`h.address = ${address}`];
	const exact: [string, string | undefined][] = [
		["tx_hash", f.txHash],
		["token", f.token],
		["chain", f.chain],
		["provider", f.provider],
		["origin", f.origin],
		["origin_ref", f.originRef],
		["payment_method", f.paymentMethod],
	];
	for (const [column, value] of exact) if (value !== undefined) parts.push(sql`${sql.ref(`h.${column}`)} = ${value}`);
	if (f.hasExpiration === true) parts.push(sql`h.expiration_micros is not null`);
	if (f.hasExpiration === false) parts.push(sql`h.expiration_micros is null`);
	// `not in` is false for a NULL payment method, as in SQL (pyaleph's notin_).
	if (f.excludePaymentMethod?.length) parts.push(sql`h.payment_method <> all(${f.excludePaymentMethod}::text[])`);
	if (f.startMicros !== undefined) parts.push(sql`h.message_time_micros >= ${f.startMicros}::int8`);
	if (f.endMicros !== undefined) parts.push(sql`h.message_time_micros <= ${f.endMicros}::int8`);
	if (f.direction === "incoming") parts.push(sql`h.amount > 0`);
	if (f.direction === "outgoing") parts.push(sql`h.amount < 0`);
	// The billed resource must be one the oracle knows (registered through PUT /v1/resources).
	if (f.resourceTypes?.length)
		parts.push(
			sql`exists (select 1 from resources r where r.item_hash = ${EFFECTIVE_ORIGIN} and r.message_type = any(${f.resourceTypes}::text[]))`,
		);
	if (f.resource !== undefined) parts.push(sql`${EFFECTIVE_ORIGIN} = ${f.resource}`);
	return sql.join(parts, sql` and `);
}

/**
 * Columns `sort_by` may name, and whether they are nullable (sorted NULLS LAST, with a cursor that
 * walks the NULL rows by credit_ref). pyaleph treats payment_method as never NULL, but a
 * distribution without one stores NULL: its cursor then repeats the NULL rows forever; here it is
 * nullable like the others (a divergence in the order of those rows only).
 */
export const CREDIT_HISTORY_SORTS = {
	message_timestamp: { column: "message_time_micros", nullable: false },
	expiration_date: { column: "expiration_micros", nullable: true },
	payment_method: { column: "payment_method", nullable: true },
	amount: { column: "amount", nullable: false },
	origin: { column: "origin", nullable: true },
	tx_hash: { column: "tx_hash", nullable: true },
	provider: { column: "provider", nullable: true },
} as const;

export type CreditHistorySort = keyof typeof CREDIT_HISTORY_SORTS;

/** A history row as the routes read it (`price` and `expense_size_mib` as text). */
export type CreditHistoryEntry = Omit<CreditHistoryTable, "address" | "last_update">;

/** The position after which a cursor page starts: the last row's sort value, credit_ref and credit_index. */
export type HistoryAfter = { value: string | bigint | null; ref: string; index: number };

export async function listCreditHistory(
	db: Db,
	address: string,
	filters: CreditHistoryFilters,
	options: { sort: CreditHistorySort; order: 1 | -1; limit: number | null; offset?: number; after?: HistoryAfter },
): Promise<CreditHistoryEntry[]> {
	const { column, nullable } = CREDIT_HISTORY_SORTS[options.sort];
	const col = sql.ref(`h.${column}`);
	const desc = options.order === -1;
	const dir = sql.raw(desc ? "desc" : "asc");
	const nulls = nullable ? sql` nulls last` : sql``;
	let keyset = sql``;
	const a = options.after;
	if (a !== undefined) {
		const cmp = sql.raw(desc ? "<" : ">");
		const tie = sql`(h.credit_ref ${cmp} ${a.ref} or (h.credit_ref = ${a.ref} and h.credit_index ${cmp} ${a.index}))`;
		if (a.value === null && nullable) keyset = sql` and (${col} is null and ${tie})`;
		else keyset = sql` and (${col} ${cmp} ${a.value} or (${col} = ${a.value} and ${tie}) or ${col} is null)`;
	}
	const { rows } =
		await sql<CreditHistoryEntry>`select h.amount, h.price::text as price, h.bonus_amount, h.tx_hash, h.token, h.chain, h.provider,
			h.origin, h.origin_ref, h.payment_method, h.credit_ref, h.credit_index, h.expiration_micros, h.message_time_micros, h.expense_count,
			h.expense_size_mib::text as expense_size_mib
		from credit_history h where ${conditions(address, filters)}${keyset}
		order by ${col} ${dir}${nulls}, h.credit_ref ${dir}, h.credit_index ${dir}
		${options.limit === null ? sql`` : sql`limit ${options.limit}`} ${options.offset ? sql`offset ${options.offset}` : sql``}`.execute(db);
	return rows;
}

export async function summarizeCreditHistory(
	db: Db,
	address: string,
	filters: CreditHistoryFilters,
): Promise<{ entryCount: number; total: bigint; incoming: bigint; outgoing: bigint }> {
	const { rows } = await sql<{ n: bigint; total: bigint; incoming: bigint; outgoing: bigint }>`select count(*)::int8 as n,
			coalesce(sum(h.amount), 0)::int8 as total,
			coalesce(sum(case when h.amount > 0 then h.amount else 0 end), 0)::int8 as incoming,
			coalesce(sum(case when h.amount < 0 then h.amount else 0 end), 0)::int8 as outgoing
		from credit_history h where ${conditions(address, filters)}`.execute(db);
	const r = rows[0] as { n: bigint; total: bigint; incoming: bigint; outgoing: bigint };
	return { entryCount: Number(r.n), total: r.total, incoming: r.incoming, outgoing: r.outgoing };
}

/** Σ |amount| of the expense rows billed to a resource (its effective origin). */
export async function consumedCredits(db: Db, itemHash: string): Promise<bigint> {
	const { rows } = await sql<{ consumed: bigint }>`select coalesce(sum(abs(amount)), 0)::int8 as consumed from credit_history h
		where h.payment_method = 'credit_expense' and ${EFFECTIVE_ORIGIN} = ${itemHash}`.execute(db);
	return rows[0]?.consumed ?? 0n;
}
