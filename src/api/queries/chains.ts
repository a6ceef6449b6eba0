import { type Selectable, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { ChainsTable } from "../../db/schema.ts";

/**
 * A row of the `chains` table (the cursor of one watched chain), with its ages measured by the
 * database's clock — the one the watcher's writes carry — so no host's clock is compared with
 * another's: seconds since `updated_at`, and since `head_read_at` (null before a first head read).
 */
export type ChainRow = Selectable<ChainsTable> & { age_seconds: bigint; head_age_seconds: bigint | null };

/** Every cursor row, by chain name. One indexed query (the table has a row per chain). */
export async function listChainRows(db: Db): Promise<Map<string, ChainRow>> {
	const rows = await db
		.selectFrom("chains")
		.selectAll()
		.select([
			sql<bigint>`floor(extract(epoch from now() - updated_at))::int8`.as("age_seconds"),
			sql<bigint | null>`floor(extract(epoch from now() - head_read_at))::int8`.as("head_age_seconds"),
		])
		.orderBy("chain")
		.execute();
	return new Map(rows.map((row) => [row.chain, row]));
}
