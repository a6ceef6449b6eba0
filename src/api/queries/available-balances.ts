import { type RawBuilder, sql } from "kysely";
import type { Db } from "../../db/database.ts";

/**
 * SQL of `(address, amount)`: every account of `chain` with its available balance at unix time
 * `t`, in wei: the SQL twin of `availableOnChain` (src/domain/entitlement.ts), for the set-based
 * routes; test/domain/available-balance.test.ts checks that both agree. The transfer balance, plus
 * the CFA state settled to `t` minus the locked deposit; for an account another agreement touched,
 * its latest `realtimeBalanceOf` reconciliation moved to `t`. May be negative (a critical stream
 * account).
 */
export function availableBalancesSql(chain: string, t: bigint): RawBuilder<{ address: string; amount: bigint }> {
	return sql<{ address: string; amount: bigint }>`
		select coalesce(b.address, s.address, r.address) as address,
			case
				when r.available is not null then r.available + r.net_flow_rate * (${t}::bigint - r.timestamp)
				when s.address is not null then coalesce(b.amount, 0) + s.streamed + s.net_flow_rate * (${t}::bigint - s.updated_at) - greatest(0, s.deposit - s.owed_deposit)
				else b.amount
			end as amount
		from (select address, amount from balances where chain = ${chain}) b
		full join (select * from stream_accounts where chain = ${chain}) s on s.address = b.address
		full join (
			select distinct on (x.address) x.address, x.available, x.net_flow_rate, x.timestamp from stream_reconciliations x
			where x.chain = ${chain} and exists (select 1 from agreement_flags f where f.chain = ${chain} and f.address = x.address)
			order by x.address, x.block_number desc
		) r on r.address = coalesce(b.address, s.address)`;
}

/**
 * Rows per `fetch` of {@link availableBalanceBatches}: formatting one batch (an EIP-55 checksum per
 * address, ~25 µs each) holds the event loop ~25 ms, and other requests wait no longer than that.
 */
export const BALANCE_BATCH_ROWS = 1_000;

/**
 * Every account of `chain` with its available balance at `t` (wei, floored at 0), ordered by
 * address, in batches of at most `batchRows`: a server-side cursor in one read-only transaction,
 * so every batch comes from one snapshot and the caller holds one batch at a time whatever the
 * number of accounts. The first `next()` opens the transaction (an unavailable database throws
 * there, before anything is sent); ending the iteration early (`return()`) rolls it back. The
 * transaction holds one connection (on PGlite, the only one) until the last batch is read.
 */
export async function* availableBalanceBatches(
	db: Db,
	chain: string,
	t: bigint,
	batchRows = BALANCE_BATCH_ROWS,
): AsyncGenerator<{ address: string; amount: bigint }[], void, undefined> {
	const trx = await db.startTransaction().setAccessMode("read only").execute();
	let committed = false;
	try {
		await sql`declare balances_update no scroll cursor for
			select address, greatest(amount, 0)::numeric as amount from (${availableBalancesSql(chain, t)}) a order by address`.execute(trx);
		for (;;) {
			const { rows } = await sql<{ address: string; amount: bigint }>`fetch forward ${sql.lit(batchRows)} from balances_update`.execute(
				trx,
			);
			if (rows.length > 0) yield rows;
			if (rows.length < batchRows) break;
		}
		await trx.commit().execute();
		committed = true;
	} finally {
		if (!committed)
			await trx
				.rollback()
				.execute()
				.catch(() => undefined);
	}
}
