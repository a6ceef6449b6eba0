import { sql, type Transaction } from "kysely";
import type { Tables } from "../db/schema.ts";
import { addToOutbox } from "../queue/outbox.ts";
import type { LightBlock } from "../rpc/actions.ts";
import { addToBalances, type Cursor, moveCursor } from "./store.ts";

/**
 * Undoes everything derived from blocks above `ancestor`, in the caller's transaction: transfers
 * and their balance deltas, stream state (restored from its history), flows (restored from
 * flow_updates), liquidations, agreement flags, reconciliations and kept headers; moves the
 * cursor back to `ancestor` and puts every affected account in the outbox.
 * Returns the affected accounts.
 */
export async function rollbackTo(
	trx: Transaction<Tables>,
	chain: string,
	from: Cursor,
	ancestor: LightBlock,
	head: bigint,
	finalized: bigint,
): Promise<string[]> {
	await moveCursor(trx, chain, from, ancestor, head, finalized);
	const above = ancestor.number;

	const deltas = await sql<{ address: string; delta: bigint }>`
		select address, sum(delta) as delta from (
			select from_address as address, -value as delta from transfers where chain = ${chain} and block_number > ${above}
			union all
			select to_address, value from transfers where chain = ${chain} and block_number > ${above}
		) d where address <> '0x0000000000000000000000000000000000000000' group by address`.execute(trx);
	await trx.deleteFrom("transfers").where("chain", "=", chain).where("block_number", ">", above).execute();
	await addToBalances(trx, chain, new Map(deltas.rows.map((r) => [r.address, -r.delta])));

	// Each account goes back to its image before the earliest rolled-back block that changed it.
	const images = await sql<
		Tables["stream_account_undo"]
	>`delete from stream_account_undo where chain = ${chain} and block_number > ${above} returning *`.execute(trx);
	const earliest = new Map<string, Tables["stream_account_undo"]>();
	for (const image of images.rows) {
		const seen = earliest.get(image.address);
		if (!seen || image.block_number < seen.block_number) earliest.set(image.address, image);
	}
	const affected = [...earliest.keys()];
	if (affected.length > 0) {
		await sql`delete from stream_accounts where chain = ${chain} and address = any(${affected}::text[])`.execute(trx);
		const restore = [...earliest.values()].filter((image) => image.existed);
		if (restore.length > 0) {
			await trx
				.insertInto("stream_accounts")
				.values(
					restore.map((r) => ({
						chain,
						address: r.address,
						streamed: r.streamed,
						net_flow_rate: r.net_flow_rate,
						deposit: r.deposit,
						owed_deposit: r.owed_deposit,
						updated_at: r.updated_at,
						updated_block: r.updated_block,
					})),
				)
				.execute();
		}
	}

	const pairs = (
		await sql<{
			sender: string;
			receiver: string;
		}>`delete from flow_updates where chain = ${chain} and block_number > ${above} returning sender, receiver`.execute(trx)
	).rows;
	if (pairs.length > 0) {
		const senders = pairs.map((p) => p.sender);
		const receivers = pairs.map((p) => p.receiver);
		await sql`delete from flows f using unnest(${senders}::text[], ${receivers}::text[]) as p(sender, receiver)
			where f.chain = ${chain} and f.sender = p.sender and f.receiver = p.receiver`.execute(trx);
		await sql`insert into flows (chain, sender, receiver, flow_rate, deposit, owed_deposit, opened_at, updated_at, updated_block)
			select chain, sender, receiver, flow_rate, deposit, 0, opened_at, block_timestamp, block_number from (
				select distinct on (u.sender, u.receiver) u.* from flow_updates u
				join (select distinct * from unnest(${senders}::text[], ${receivers}::text[]) as p(sender, receiver)) p on u.sender = p.sender and u.receiver = p.receiver
				where u.chain = ${chain} order by u.sender, u.receiver, u.block_number desc, u.log_index desc
			) latest where flow_rate <> 0`.execute(trx);
	}

	const liquidated = (
		await sql<{
			target: string;
		}>`delete from liquidations where chain = ${chain} and block_number > ${above} returning target`.execute(trx)
	).rows.map((r) => r.target);
	const flagged = (
		await sql<{
			address: string;
		}>`delete from agreement_flags where chain = ${chain} and block_number > ${above} returning address`.execute(trx)
	).rows.map((r) => r.address);
	await trx.deleteFrom("stream_reconciliations").where("chain", "=", chain).where("block_number", ">", above).execute();
	await trx.deleteFrom("blocks").where("chain", "=", chain).where("number", ">", above).execute();

	const touched = [...new Set([...deltas.rows.map((r) => r.address), ...affected, ...liquidated, ...flagged])];
	await addToOutbox(trx, chain, touched);
	return touched;
}
