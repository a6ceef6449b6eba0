import type { Trx } from "../db/database.ts";
import { addToOutbox } from "../queue/outbox.ts";
import type { LightBlock } from "../rpc/actions.ts";
import { undoAgreementFlags } from "./tables/agreement-flags.ts";
import { undoBlocks } from "./tables/blocks.ts";
import { type Cursor, moveCursor } from "./tables/chains.ts";
import { undoLiquidations } from "./tables/liquidations.ts";
import { undoReconciliations } from "./tables/reconciliations.ts";
import { undoStreams } from "./tables/streams.ts";
import { undoTransfers } from "./tables/transfers.ts";

/**
 * Undoes everything derived from blocks above `ancestor` in the caller's transaction, table by
 * table (the tables `writeBatch` and the reconciliation write), moves the cursor back to
 * `ancestor` and puts every affected account in the outbox. Returns the affected accounts.
 */
export async function rollbackTo(
	trx: Trx,
	chain: string,
	from: Cursor,
	ancestor: LightBlock,
	head: bigint,
	finalized: bigint,
): Promise<string[]> {
	await moveCursor(trx, chain, from, ancestor, head, finalized);
	const above = ancestor.number;
	const moved = await undoTransfers(trx, chain, above);
	const restored = await undoStreams(trx, chain, above);
	const liquidated = await undoLiquidations(trx, chain, above);
	const flagged = await undoAgreementFlags(trx, chain, above);
	await undoReconciliations(trx, chain, above);
	await undoBlocks(trx, chain, above);
	const touched = [...new Set([...moved, ...restored, ...liquidated, ...flagged])];
	await addToOutbox(trx, chain, touched);
	return touched;
}
