/**
 * `chains`: one row per watched chain, its cursor (the last block fully applied), head and
 * progress; plus the advisory lock that makes one process its only writer.
 */
import { sql } from "kysely";
import type { ChainConfig } from "../../config/env.ts";
import type { Db, Trx } from "../../db/database.ts";
import type { WatcherProgress } from "../../db/schema.ts";
import { ZERO_ADDRESS } from "../../lib/address.ts";
import { BaseError, PermanentError } from "../../lib/errors.ts";
import { addToOutbox } from "../../queue/outbox.ts";
import type { LightBlock } from "../../rpc/actions.ts";
import { applyTransfers } from "./transfers.ts";

/** A position on a chain: the last applied block (hash null before the first one). */
export type Cursor = { number: bigint; hash: string | null };

/** Another process moved this chain's cursor: this one must stop writing. */
export class CursorMovedError extends BaseError {
	override name = "CursorMovedError";
}

/**
 * Creates the chain's cursor row on first start, with its genesis balances (credited at
 * `startBlock − 1` as transfers from the zero address with negative log indexes), or checks that
 * the database indexes the same token on the same chain as configured.
 */
export async function initChainRow(db: Db, chain: ChainConfig): Promise<Cursor> {
	return db.transaction().execute(async (trx) => {
		const row = await trx.selectFrom("chains").selectAll().where("chain", "=", chain.name).forUpdate().executeTakeFirst();
		if (row) {
			const mismatch = [
				row.chain_id !== BigInt(chain.chainId) && `chain id ${row.chain_id} (configured ${chain.chainId})`,
				row.token !== chain.token && `token ${row.token} (configured ${chain.token})`,
				(row.cfa ?? null) !== chain.cfa && `CFA ${row.cfa ?? "none"} (configured ${chain.cfa ?? "none"})`,
				row.start_block !== chain.startBlock && `start block ${row.start_block} (configured ${chain.startBlock})`,
			].filter(Boolean);
			if (mismatch.length > 0)
				throw new PermanentError(
					`the database indexed ${chain.name} with ${mismatch.join(", ")}: use another database or restore the configuration`,
				);
			return { number: row.indexed_block, hash: row.indexed_hash };
		}
		const genesisBlock = chain.startBlock - 1n;
		await trx
			.insertInto("chains")
			.values({
				chain: chain.name,
				chain_id: BigInt(chain.chainId),
				token: chain.token,
				cfa: chain.cfa,
				start_block: chain.startBlock,
				indexed_block: genesisBlock,
				indexed_hash: null,
				indexed_timestamp: null,
				head_block: null,
				finalized_block: null,
				progress: null,
			})
			.execute();
		const genesis = chain.genesis.map((g, i) => ({
			block: genesisBlock,
			logIndex: -1 - i,
			txHash: null,
			timestamp: null,
			from: ZERO_ADDRESS,
			to: g.address,
			value: g.amount,
		}));
		await addToOutbox(trx, chain.name, await applyTransfers(trx, chain.name, genesis));
		return { number: genesisBlock, hash: null };
	});
}

/** Reads the cursor of a chain. */
export async function readCursor(db: Db | Trx, chain: string): Promise<Cursor & { timestamp: bigint | null }> {
	const row = await db
		.selectFrom("chains")
		.select(["indexed_block", "indexed_hash", "indexed_timestamp"])
		.where("chain", "=", chain)
		.executeTakeFirstOrThrow();
	return {
		number: row.indexed_block,
		hash: row.indexed_hash,
		timestamp: row.indexed_timestamp,
	};
}

/**
 * Takes (or confirms) the session advisory lock that makes this process the only writer of
 * the chain. Reentrant in the same session; false when another session holds it.
 */
export async function tryLeadership(db: Db | Trx, chain: string): Promise<boolean> {
	const { rows } = await sql<{
		locked: boolean;
	}>`select pg_try_advisory_lock(hashtext(${`aleph-oracle:watch:${chain}`})) as locked`.execute(db);
	return rows[0]?.locked === true;
}

/** True when the chain's cursor is below the finalized block its last write recorded: a backfill is under way. */
export async function isBackfilling(trx: Trx, chain: string): Promise<boolean> {
	const row = await trx.selectFrom("chains").select(["indexed_block", "finalized_block"]).where("chain", "=", chain).executeTakeFirst();
	return row?.finalized_block != null && row.indexed_block < row.finalized_block;
}

/** Moves the cursor from `from` to `to`, or throws `CursorMovedError` if it is not at `from`. */
export async function moveCursor(trx: Trx, chain: string, from: Cursor, to: LightBlock, head: bigint, finalized: bigint): Promise<void> {
	const result = await trx
		.updateTable("chains")
		.set({
			indexed_block: to.number,
			indexed_hash: to.hash,
			indexed_timestamp: to.timestamp,
			head_block: head,
			finalized_block: finalized,
			// The database's clock: readers compare it with theirs (`now()`), whatever the hosts' clocks.
			updated_at: sql`now()`,
		})
		.where("chain", "=", chain)
		.where("indexed_block", "=", from.number)
		.where(sql<boolean>`indexed_hash is not distinct from ${from.hash}`)
		.executeTakeFirst();
	if (result.numUpdatedRows !== 1n)
		throw new CursorMovedError(`the cursor of ${chain} is no longer at block ${from.number}: another writer is active`);
}

/** Records the backfill progress of the chain's watcher (for `/v1/status`). */
export async function saveProgress(db: Db, chain: string, progress: WatcherProgress): Promise<void> {
	await db
		.updateTable("chains")
		.set({ progress: sql`${JSON.stringify(progress)}::jsonb` })
		.where("chain", "=", chain)
		.execute();
}

/** Records that the watcher follows the head: the head and finalized block, and a live progress. */
export async function markLive(db: Db, chain: string, head: bigint, finalized: bigint): Promise<void> {
	const live: WatcherProgress = { phase: "live", blocksPerSecond: 0, logsPerSecond: 0, etaSeconds: null };
	await db
		.updateTable("chains")
		.set({ head_block: head, finalized_block: finalized, updated_at: sql`now()`, progress: sql`${JSON.stringify(live)}::jsonb` })
		.where("chain", "=", chain)
		.execute();
}

/** Records a successful read of the chain's head (the database's clock): `/ready` fails when none came for a few polls. */
export async function recordHeadRead(db: Db, chain: string, head: bigint): Promise<void> {
	await db.updateTable("chains").set({ head_block: head, head_read_at: sql`now()` }).where("chain", "=", chain).execute();
}
