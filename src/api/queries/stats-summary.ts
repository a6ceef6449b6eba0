import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { flooredBalancesSql } from "./stats.ts";

/** Accounts with a positive available balance at `t`: per chain, and distinct addresses over all of `chains`. */
export async function countHolders(db: Db, chains: readonly string[], t: bigint): Promise<{ total: bigint; chains: Map<string, bigint> }> {
	const { rows } = await sql<{ chain: string | null; holders: bigint }>`
		select chain, count(distinct address) as holders
		from (${flooredBalancesSql(chains, t)}) p
		where amount > 0
		group by grouping sets ((chain), ())`.execute(db);
	const total = rows.find((r) => r.chain === null)?.holders ?? 0n;
	return { total, chains: new Map(chains.map((chain) => [chain, rows.find((r) => r.chain === chain)?.holders ?? 0n])) };
}

export type StreamTotals = { streams: bigint; senders: bigint; receivers: bigint; rate: bigint };

/** Open flows of `chains`: count, distinct senders and receivers, Σ flow rate (wei/s); per chain and over all. */
export async function streamTotals(db: Db, chains: readonly string[]): Promise<{ total: StreamTotals; chains: Map<string, StreamTotals> }> {
	const zero: StreamTotals = { streams: 0n, senders: 0n, receivers: 0n, rate: 0n };
	if (chains.length === 0) return { total: zero, chains: new Map() };
	const { rows } = await sql<{ chain: string | null } & StreamTotals>`
		select chain, count(*) as streams, count(distinct sender) as senders, count(distinct receiver) as receivers,
			coalesce(sum(flow_rate), 0) as rate
		from flows
		where chain = any(${chains}::text[])
		group by grouping sets ((chain), ())`.execute(db);
	const pick = (row: StreamTotals | undefined): StreamTotals =>
		row ? { streams: row.streams, senders: row.senders, receivers: row.receivers, rate: row.rate } : zero;
	return {
		total: pick(rows.find((r) => r.chain === null)),
		chains: new Map(chains.map((chain) => [chain, pick(rows.find((r) => r.chain === chain))])),
	};
}

/** Credit-paid resources of the ledger: how many, and Σ of their cost in 10^-18 credit per second. */
export async function creditSpend(db: Db): Promise<{ resources: bigint; rate: bigint }> {
	const row = await db
		.selectFrom("resources")
		.select([sql<bigint>`count(*)`.as("resources"), sql<bigint>`coalesce(sum(cost_credit), 0)`.as("rate")])
		.where("payment_type", "=", "credit")
		.executeTakeFirstOrThrow();
	return { resources: row.resources, rate: row.rate };
}

/**
 * Holders by order of magnitude of their balance at `t` (summed over `chains`): `decade` d holds the
 * balances in [10^d, 10^(d+1)) ALEPH, read exactly from the number of digits of the wei amount.
 * Only decades that hold someone, lowest first.
 */
export async function balanceDecades(
	db: Db,
	chains: readonly string[],
	t: bigint,
): Promise<{ decade: number; holders: bigint; balance: bigint }[]> {
	const { rows } = await sql<{ decade: number; holders: bigint; balance: bigint }>`
		select (char_length(total::text) - 19)::int as decade, count(*) as holders, sum(total) as balance
		from (select address, sum(amount) as total from (${flooredBalancesSql(chains, t)}) p group by address) h
		where total > 0
		group by 1
		order by 1`.execute(db);
	return rows;
}

/** Alerts counted by kind and status. */
export async function countAlerts(db: Db): Promise<{ kind: string; status: string; n: bigint }[]> {
	return db
		.selectFrom("alerts")
		.select(["kind", "status", sql<bigint>`count(*)`.as("n")])
		.groupBy(["kind", "status"])
		.execute();
}

/** Accounts whose stored critical time is at or after `from` (unix seconds), soonest first. */
export async function soonestCritical(db: Db, from: bigint, limit: number): Promise<string[]> {
	const rows = await db
		.selectFrom("entitlements")
		.select("address")
		.where("critical_at", ">=", from)
		.orderBy("critical_at")
		.orderBy("address")
		.limit(limit)
		.execute();
	return rows.map((r) => r.address);
}
