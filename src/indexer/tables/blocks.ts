/** `blocks`: headers of the applied blocks above finality, for reorg detection. */
import { type Selectable, sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type { BlocksTable } from "../../db/schema.ts";
import { insertUnnest, setExcluded } from "../../db/unnest.ts";
import type { LightBlock } from "../../rpc/actions.ts";

/** Keeps the headers (a header at the same height replaces the old one) and prunes those below finality and below `to`. */
export async function applyBlocks(trx: Trx, chain: string, blocks: LightBlock[], finalized: bigint, to: bigint): Promise<void> {
	await insertUnnest(
		trx,
		"blocks",
		{
			chain: ["text", chain],
			number: ["int8", blocks.map((b) => b.number)],
			hash: ["text", blocks.map((b) => b.hash)],
			parent_hash: ["text", blocks.map((b) => b.parentHash)],
			timestamp: ["int8", blocks.map((b) => b.timestamp)],
		},
		sql`on conflict (chain, number) do update set ${setExcluded(["hash", "parent_hash", "timestamp"])}`,
	);
	await trx.deleteFrom("blocks").where("chain", "=", chain).where("number", "<", finalized).where("number", "<", to).execute();
}

/** Deletes the headers above `above`. */
export async function undoBlocks(trx: Trx, chain: string, above: bigint): Promise<void> {
	await trx.deleteFrom("blocks").where("chain", "=", chain).where("number", ">", above).execute();
}

/** The kept headers at or below `upTo`, highest first. */
export async function keptBlocks(db: Db, chain: string, upTo: bigint): Promise<Selectable<BlocksTable>[]> {
	return db.selectFrom("blocks").selectAll().where("chain", "=", chain).where("number", "<=", upTo).orderBy("number", "desc").execute();
}
