/** `stream_reconciliations`: realtimeBalanceOf reads of flagged accounts, per block. */
import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import { insertUnnest, setExcluded } from "../../db/unnest.ts";

/** One realtimeBalanceOf read of an account at a block the watcher applied. */
export type Reconciliation = {
	address: string;
	block: bigint;
	timestamp: bigint;
	available: bigint;
	deposit: bigint;
	owedDeposit: bigint;
	netFlowRate: bigint;
};

/** Writes the reads; a read of the same account at the same block replaces the previous one. */
export async function applyReconciliations(trx: Trx, chain: string, reads: Reconciliation[]): Promise<void> {
	await insertUnnest(
		trx,
		"stream_reconciliations",
		{
			chain: ["text", chain],
			address: ["text", reads.map((r) => r.address)],
			block_number: ["int8", reads.map((r) => r.block)],
			timestamp: ["int8", reads.map((r) => r.timestamp)],
			available: ["numeric", reads.map((r) => r.available)],
			deposit: ["numeric", reads.map((r) => r.deposit)],
			owed_deposit: ["numeric", reads.map((r) => r.owedDeposit)],
			net_flow_rate: ["numeric", reads.map((r) => r.netFlowRate)],
		},
		sql`on conflict (chain, address, block_number) do update set ${setExcluded(["available", "deposit", "owed_deposit", "net_flow_rate", "timestamp"])}`,
	);
}

/** Deletes the reads above `above` (they may describe blocks that are gone). */
export async function undoReconciliations(trx: Trx, chain: string, above: bigint): Promise<void> {
	await trx.deleteFrom("stream_reconciliations").where("chain", "=", chain).where("block_number", ">", above).execute();
}
