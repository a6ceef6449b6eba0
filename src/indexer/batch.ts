import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import { addToOutbox } from "../queue/outbox.ts";
import type { LightBlock } from "../rpc/actions.ts";
import { type ChainEvent, touchedAccounts } from "./events.ts";
import { chainAccounts } from "./tables/accounts.ts";
import { applyAgreementFlags } from "./tables/agreement-flags.ts";
import { applyBlocks } from "./tables/blocks.ts";
import { type Cursor, isBackfilling, moveCursor } from "./tables/chains.ts";
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
 * (`rollbackTo` undoes the same tables), then puts accounts in the outbox (`outboxOf`). Returns
 * the accounts the batch touched.
 */
export async function writeBatch(trx: Trx, batch: BatchWrite): Promise<string[]> {
	const { chain, events } = batch;
	// A batch of final blocks may commit without waiting for the WAL flush: if the database
	// crashes before the flush, the cursor goes back with the rows and those blocks, which cannot
	// change, are fetched again. (A later synchronous commit flushes it anyway.)
	if (batch.to.number <= batch.finalized) await sql`set local synchronous_commit = off`.execute(trx);
	const deferred = await isBackfilling(trx, chain);
	await moveCursor(trx, chain, batch.from, batch.to, batch.head, batch.finalized);
	// applyTransfers returns the accounts its events touch; only the rarer kinds are walked again.
	const touched = new Set(await applyTransfers(trx, chain, ofKind(events, "transfer")));
	// Blocks at or below finality cannot be reorged: they need no undo images.
	await applyStreams(trx, chain, ofKind(events, "flow"), batch.to.number > batch.finalized);
	await applyLiquidations(trx, chain, ofKind(events, "liquidation"));
	await applyAgreementFlags(trx, chain, ofKind(events, "agreement"));
	await applyBlocks(trx, chain, batch.blocks, batch.finalized, batch.to.number);
	for (const event of events) if (event.kind !== "transfer") for (const account of touchedAccounts(event)) touched.add(account);
	await addToOutbox(trx, chain, await outboxOf(trx, batch, touched, deferred));
	return [...touched];
}

/**
 * The accounts a batch puts in the outbox. A backfill defers them: the inputs of its accounts are
 * incomplete until it reaches the finalized block, and recomputing them at every batch cost more
 * than the backfill itself (and would open and resolve alerts, and send webhooks, about states
 * of the past). The first batch that ends at or above the finalized block after a backfill
 * (`deferred`: the cursor was below the finalized block recorded last) puts every account of the
 * chain in the outbox instead — whether it ends the backfill or, on a node that lags, applies a
 * head block — so a backfill interrupted anywhere still ends with each account it touched in
 * the outbox, in the transaction that makes it complete.
 */
async function outboxOf(trx: Trx, batch: BatchWrite, touched: Set<string>, deferred: boolean): Promise<string[]> {
	if (batch.to.number < batch.finalized) return [];
	if (deferred) return chainAccounts(trx, batch.chain);
	return [...touched];
}
