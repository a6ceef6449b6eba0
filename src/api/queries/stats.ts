import { type RawBuilder, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { ZERO_ADDRESS } from "../../lib/address.ts";
import { availableBalancesSql } from "./available-balances.ts";

/** Minted (from the zero address, genesis included) and burned (to it) per chain, wei. */
export async function supplyByChain(db: Db, chains: readonly string[]): Promise<Map<string, { minted: bigint; burned: bigint }>> {
	const [minted, burned] = await Promise.all([
		db
			.selectFrom("transfers")
			.select(["chain", sql<bigint>`sum(value)`.as("total")])
			.where("from_address", "=", ZERO_ADDRESS)
			.where("chain", "in", chains)
			.groupBy("chain")
			.execute(),
		db
			.selectFrom("transfers")
			.select(["chain", sql<bigint>`sum(value)`.as("total")])
			.where("to_address", "=", ZERO_ADDRESS)
			.where("chain", "in", chains)
			.groupBy("chain")
			.execute(),
	]);
	const get = (rows: { chain: string; total: bigint }[], chain: string) => rows.find((r) => r.chain === chain)?.total ?? 0n;
	return new Map(chains.map((chain) => [chain, { minted: get(minted, chain), burned: get(burned, chain) }]));
}

/** SQL of `(chain, address, amount)`: the available balance at `t` of every account of `chains`, floored at 0, wei. */
export function flooredBalancesSql(chains: readonly string[], t: bigint): RawBuilder<{ chain: string; address: string; amount: bigint }> {
	return sql.join(
		chains.map(
			(chain) => sql`select ${chain}::text as chain, address, greatest(amount, 0) as amount from (${availableBalancesSql(chain, t)}) a`,
		),
		sql` union all `,
	) as RawBuilder<{ chain: string; address: string; amount: bigint }>;
}

/** Keyset position of a holders page: the last (amount, address) served. */
export type HolderPosition = { amount: bigint; address: string };

/**
 * Top holders by available balance at `t` (wei), on one chain or summed over `chains` (each chain
 * floored at 0), largest first then by address, strictly after `after`. Only positive balances.
 * Every account of the chains is evaluated at `t` (stream balances move with time, so no index
 * can hold the order): linear in the accounts per page, first or deep. One chain skips the
 * aggregation by address (each address is one row there), about five times cheaper.
 */
export async function listHolders(
	db: Db,
	q: { chains: readonly string[]; t: bigint; after: HolderPosition | null; limit: number },
): Promise<{ address: string; amount: bigint; chains: Record<string, string> }[]> {
	const after = q.after
		? sql`and (total < ${q.after.amount}::numeric or (total = ${q.after.amount}::numeric and address > ${q.after.address}))`
		: sql``;
	const [only] = q.chains;
	const holders =
		q.chains.length === 1 && only !== undefined
			? sql`select address, amount as total, null::jsonb as chains from (${availableBalancesSql(only, q.t)}) a`
			: sql`select address, sum(amount) as total, jsonb_object_agg(chain, amount::text) filter (where amount > 0) as chains
				from (${flooredBalancesSql(q.chains, q.t)}) p group by address`;
	// the one-chain breakdown is built for the page only, after the limit
	const { rows } = await sql<{ address: string; amount: bigint; chains: Record<string, string> }>`
		select address, total as amount, coalesce(chains, jsonb_build_object(${only ?? ""}::text, total::text)) as chains from (
			select address, total, chains from (${holders}) h
			where total > 0 ${after}
			order by total desc, address
			limit ${q.limit}
		) page order by total desc, address`.execute(db);
	return rows;
}
