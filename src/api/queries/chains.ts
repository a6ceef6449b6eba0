import type { Selectable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { ChainsTable } from "../../db/schema.ts";

/** A row of the `chains` table (the cursor of one watched chain). */
export type ChainRow = Selectable<ChainsTable>;

/** Every cursor row, by chain name. One indexed query (the table has a row per chain). */
export async function listChainRows(db: Db): Promise<Map<string, ChainRow>> {
	const rows = await db.selectFrom("chains").selectAll().orderBy("chain").execute();
	return new Map(rows.map((row) => [row.chain, row]));
}
