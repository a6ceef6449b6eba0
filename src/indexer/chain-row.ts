import { sql, type Transaction } from "kysely";
import type { ChainConfig } from "../config/env.ts";
import type { Db } from "../db/database.ts";
import type { Tables } from "../db/schema.ts";
import { ZERO_ADDRESS } from "../lib/address.ts";
import { PermanentError } from "../lib/errors.ts";
import { addToOutbox } from "../queue/outbox.ts";
import { addToBalances, type Cursor } from "./store.ts";

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
		await writeGenesis(trx, chain, genesisBlock);
		return { number: genesisBlock, hash: null };
	});
}

async function writeGenesis(trx: Transaction<Tables>, chain: ChainConfig, block: bigint) {
	if (chain.genesis.length === 0) return;
	await trx
		.insertInto("transfers")
		.values(
			chain.genesis.map((g, i) => ({
				chain: chain.name,
				block_number: block,
				log_index: -1 - i,
				tx_hash: null,
				block_timestamp: null,
				from_address: ZERO_ADDRESS,
				to_address: g.address,
				value: g.amount,
			})),
		)
		.execute();
	const deltas = new Map<string, bigint>();
	for (const g of chain.genesis) deltas.set(g.address, (deltas.get(g.address) ?? 0n) + g.amount);
	await addToBalances(trx, chain.name, deltas);
	await addToOutbox(trx, chain.name, [...deltas.keys()]);
}

/** Reads the cursor of a chain. */
export async function readCursor(db: Db | Transaction<Tables>, chain: string): Promise<Cursor & { timestamp: bigint | null }> {
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
export async function tryLeadership(db: Db | Transaction<Tables>, chain: string): Promise<boolean> {
	const { rows } = await sql<{
		locked: boolean;
	}>`select pg_try_advisory_lock(hashtext(${`aleph-oracle:watch:${chain}`})) as locked`.execute(db);
	return rows[0]?.locked === true;
}
