import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { TransfersTable } from "../../db/schema.ts";

/** One balance change of an account: a transfer in or out, with the running balance after it. */
export type HistoryRow = Omit<TransfersTable, "value"> & { delta: bigint; balance_after: bigint };

export type HistoryQuery = {
	address: string;
	chains: readonly string[];
	fromBlock?: number;
	toBlock?: number;
	/** Keyset position: rows strictly after (asc) or before (desc) it. */
	after?: { chain: string; block: bigint; logIndex: number };
	order: "asc" | "desc";
	limit: number;
};

/**
 * The account's transfers on the given chains, each with its signed delta and the running
 * balance after it. The running sum covers every transfer of the account on that chain up to the
 * row (genesis credits included), whatever the block filter: the window runs before the filter.
 * Uses the `transfers_from` / `transfers_to` indexes.
 */
export async function listHistory(db: Db, q: HistoryQuery): Promise<HistoryRow[]> {
	const a = q.address;
	const delta = sql`(case when t.to_address = ${a} then t.value else 0 end) - (case when t.from_address = ${a} then t.value else 0 end)`;
	const desc = q.order === "desc";
	const after = q.after
		? desc
			? sql`and (chain, block_number, log_index) < (${q.after.chain}::text, ${q.after.block}::bigint, ${q.after.logIndex}::int)`
			: sql`and (chain, block_number, log_index) > (${q.after.chain}::text, ${q.after.block}::bigint, ${q.after.logIndex}::int)`
		: sql``;
	const from = q.fromBlock === undefined ? sql`` : sql`and block_number >= ${BigInt(q.fromBlock)}::bigint`;
	const to = q.toBlock === undefined ? sql`` : sql`and block_number <= ${BigInt(q.toBlock)}::bigint`;
	const direction = sql.raw(desc ? "desc" : "asc");
	const { rows } = await sql<HistoryRow>`
		select * from (
			select t.chain, t.block_number, t.log_index, t.tx_hash, t.block_timestamp, t.from_address, t.to_address,
				${delta} as delta,
				sum(${delta}) over (partition by t.chain order by t.block_number, t.log_index) as balance_after
			from transfers t
			where (t.from_address = ${a} or t.to_address = ${a}) and t.chain in (${sql.join([...q.chains])})
		) h
		where true ${from} ${to} ${after}
		order by chain ${direction}, block_number ${direction}, log_index ${direction}
		limit ${q.limit}`.execute(db);
	return rows;
}
