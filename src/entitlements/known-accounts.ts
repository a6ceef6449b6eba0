import { type RawBuilder, sql } from "kysely";
import type { Db } from "../db/database.ts";

/**
 * Known accounts (anyone with a balance, a stream, a resource, credits or an entitlement) after `after`, in
 * address order: the next `limit` of them, or every one up to `through` included.
 */
export async function listKnownAccounts(db: Db, after: string | null, end: { limit: number } | { through: string }): Promise<string[]> {
	const from = after ?? "";
	const page = (column: string): RawBuilder<unknown> => {
		const c = sql.ref(column);
		return "limit" in end ? sql`${c} > ${from} order by ${c} limit ${end.limit}` : sql`${c} > ${from} and ${c} <= ${end.through}`;
	};
	const { rows } = await sql<{ address: string }>`select address from (
		(select address from balances where ${page("address")})
		union (select address from stream_accounts where ${page("address")})
		union (select owner from resources where ${page("owner")})
		union (select address from entitlements where ${page("address")})
		union (select distinct address from credit_lots where address ~ '^0x[0-9a-f]{40}$' and ${page("address")})
	) a order by address ${"limit" in end ? sql`limit ${end.limit}` : sql``}`.execute(db);
	return rows.map((r) => r.address);
}
