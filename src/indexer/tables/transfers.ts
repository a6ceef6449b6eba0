/**
 * `transfers` (the token's Transfer logs, genesis credits included) and `balances`, their running
 * sum per account: written together, undone together.
 */
import { sql } from "kysely";
import { appendRows } from "../../db/copy.ts";
import type { Trx } from "../../db/database.ts";
import { insertUnnest } from "../../db/unnest.ts";
import { ZERO_ADDRESS } from "../../lib/address.ts";
import { type LogPosition, logColumns } from "./log-columns.ts";

/** A transfer row: a Transfer log, or a genesis credit (no transaction, negative log index). */
export type Transfer = LogPosition & { from: string; to: string; value: bigint };

/** Writes the transfers and adds them to the balances of both sides (never the zero address). Returns the accounts credited or debited. */
export async function applyTransfers(trx: Trx, chain: string, transfers: Transfer[]): Promise<string[]> {
	await appendRows(trx, "transfers", {
		...logColumns(chain, transfers),
		from_address: ["text", transfers.map((t) => t.from)],
		to_address: ["text", transfers.map((t) => t.to)],
		value: ["numeric", transfers.map((t) => t.value)],
	});
	const deltas = new Map<string, bigint>();
	for (const t of transfers) {
		if (t.from !== ZERO_ADDRESS) deltas.set(t.from, (deltas.get(t.from) ?? 0n) - t.value);
		if (t.to !== ZERO_ADDRESS) deltas.set(t.to, (deltas.get(t.to) ?? 0n) + t.value);
	}
	await addToBalances(trx, chain, deltas);
	return [...deltas.keys()];
}

/** Deletes the transfers above `above` and takes them back out of the balances. Returns the accounts they moved. */
export async function undoTransfers(trx: Trx, chain: string, above: bigint): Promise<string[]> {
	const { rows } = await sql<{ address: string; delta: bigint }>`
		select address, sum(delta) as delta from (
			select from_address as address, -value as delta from transfers where chain = ${chain} and block_number > ${above}
			union all
			select to_address, value from transfers where chain = ${chain} and block_number > ${above}
		) d where address <> ${ZERO_ADDRESS} group by address`.execute(trx);
	await trx.deleteFrom("transfers").where("chain", "=", chain).where("block_number", ">", above).execute();
	await addToBalances(trx, chain, new Map(rows.map((r) => [r.address, -r.delta])));
	return rows.map((r) => r.address);
}

async function addToBalances(trx: Trx, chain: string, deltas: Map<string, bigint>): Promise<void> {
	await insertUnnest(
		trx,
		"balances",
		{ chain: ["text", chain], address: ["text", [...deltas.keys()]], amount: ["numeric", [...deltas.values()]] },
		sql`on conflict (chain, address) do update set amount = balances.amount + excluded.amount`,
	);
}
