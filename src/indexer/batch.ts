import type { Trx } from "../db/database.ts";
import { addToOutbox } from "../queue/outbox.ts";
import type { LightBlock } from "../rpc/actions.ts";
import { type ChainEvent, touchedAccounts } from "./events.ts";
import { applyAgreementFlags } from "./tables/agreement-flags.ts";
import { applyBlocks } from "./tables/blocks.ts";
import { type Cursor, moveCursor } from "./tables/chains.ts";
import { applyLiquidations } from "./tables/liquidations.ts";
import { applyStreams } from "./tables/streams.ts";
import { applyTransfers } from "./tables/transfers.ts";

export type BatchWrite = {
	chain: string;
	/** The cursor this batch was fetched from; the write fails if it moved meanwhile. */
	from: Cursor;
	/** The last block of the batch: the new cursor. */
	to: LightBlock;
	/** Events of blocks from.number+1 … to.number, in chain order. */
	events: ChainEvent[];
	/** Headers to keep for reorg detection (blocks above finality). */
	blocks: LightBlock[];
	head: bigint;
	finalized: bigint;
};

/** The events of one kind, typed as such. */
const ofKind = <K extends ChainEvent["kind"]>(events: ChainEvent[], kind: K) =>
	events.filter((e): e is Extract<ChainEvent, { kind: K }> => e.kind === kind);

/**
 * Writes everything derived from one block range in the caller's transaction, table by table
 * (`rollbackTo` undoes the same tables), then puts the touched accounts in the outbox. Returns
 * the touched accounts.
 */
export async function writeBatch(trx: Trx, batch: BatchWrite): Promise<string[]> {
	const { chain, events } = batch;
	await moveCursor(trx, chain, batch.from, batch.to, batch.head, batch.finalized);
	await applyTransfers(trx, chain, ofKind(events, "transfer"));
	// Blocks at or below finality cannot be reorged: they need no undo images.
	await applyStreams(trx, chain, ofKind(events, "flow"), batch.to.number > batch.finalized);
	await applyLiquidations(trx, chain, ofKind(events, "liquidation"));
	await applyAgreementFlags(trx, chain, ofKind(events, "agreement"));
	await applyBlocks(trx, chain, batch.blocks, batch.finalized, batch.to.number);
	const touched = [...new Set(events.flatMap(touchedAccounts))];
	await addToOutbox(trx, chain, touched);
	return touched;
}
