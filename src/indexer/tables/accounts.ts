/** The accounts a chain's tables know: every account some indexed event of the chain touched. */
import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/**
 * Every account with a transfer balance, CFA state, an agreement flag or a part in a liquidation
 * on `chain` (a superset of the accounts `touchedAccounts` ever named there).
 */
export async function chainAccounts(trx: Trx, chain: string): Promise<string[]> {
	const { rows } = await sql<{ address: string }>`
		select address from balances where chain = ${chain}
		union select address from stream_accounts where chain = ${chain}
		union select address from agreement_flags where chain = ${chain}
		union select unnest(array[target, liquidator, reward_receiver]) from liquidations where chain = ${chain}`.execute(trx);
	return rows.map((r) => r.address);
}
