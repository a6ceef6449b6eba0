import { sql, type Transaction } from "kysely";
import type { Tables } from "../db/schema.ts";
import { ZERO_ADDRESS } from "../lib/address.ts";
import { BaseError } from "../lib/errors.ts";
import { addToOutbox } from "../queue/outbox.ts";
import type { LightBlock } from "../rpc/actions.ts";
import { type ChainEvent, type FlowEvent, touchedAccounts } from "./events.ts";
import { applyFlowEvents, type Flow, flowKey, type TrackedAccount } from "./stream-state.ts";

type Trx = Transaction<Tables>;

/** Another process moved this chain's cursor: this one must stop writing. */
export class CursorMovedError extends BaseError {
	override name = "CursorMovedError";
}

export type Cursor = { number: bigint; hash: string | null };

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

const str = (v: bigint | number | null) => (v === null ? null : v.toString());

/**
 * Writes everything derived from one block range — transfers, balances, stream state and its
 * history, liquidations, agreement flags, kept block headers, the outbox of touched accounts and
 * the cursor — in the caller's transaction. Returns the touched accounts.
 */
export async function writeBatch(trx: Trx, batch: BatchWrite): Promise<string[]> {
	const { chain } = batch;
	await moveCursor(trx, chain, batch.from, batch.to, batch.head, batch.finalized);

	const transfers = batch.events.filter((e) => e.kind === "transfer");
	if (transfers.length > 0) {
		await sql`insert into transfers (chain, block_number, log_index, tx_hash, block_timestamp, from_address, to_address, value)
			select ${chain}, * from unnest(${transfers.map((e) => str(e.block))}::int8[], ${transfers.map((e) => e.logIndex)}::int4[], ${transfers.map((e) => e.txHash)}::text[], ${transfers.map((e) => str(e.timestamp))}::int8[], ${transfers.map((e) => e.from)}::text[], ${transfers.map((e) => e.to)}::text[], ${transfers.map((e) => str(e.value))}::numeric[])`.execute(
			trx,
		);
		const deltas = new Map<string, bigint>();
		for (const e of transfers) {
			if (e.from !== ZERO_ADDRESS) deltas.set(e.from, (deltas.get(e.from) ?? 0n) - e.value);
			if (e.to !== ZERO_ADDRESS) deltas.set(e.to, (deltas.get(e.to) ?? 0n) + e.value);
		}
		await addToBalances(trx, chain, deltas);
	}

	const flowEvents = batch.events.filter((e): e is FlowEvent => e.kind === "flow");
	// Blocks at or below finality cannot be reorged: they need no undo images.
	if (flowEvents.length > 0) await writeFlowEvents(trx, chain, flowEvents, batch.to.number > batch.finalized);

	const liquidations = batch.events.filter((e) => e.kind === "liquidation");
	if (liquidations.length > 0) {
		await trx
			.insertInto("liquidations")
			.values(
				liquidations.map((e) => ({
					chain,
					block_number: e.block,
					log_index: e.logIndex,
					tx_hash: e.txHash,
					block_timestamp: e.timestamp,
					agreement_class: e.agreementClass,
					liquidator: e.liquidator,
					target: e.target,
					reward_receiver: e.rewardReceiver,
					reward_amount: e.rewardAmount,
					target_balance_delta: e.targetBalanceDelta,
				})),
			)
			.execute();
	}

	const flags = batch.events.filter((e) => e.kind === "agreement");
	if (flags.length > 0) {
		await sql`insert into agreement_flags (chain, address, block_number, log_index, agreement_class)
			select ${chain}, * from unnest(${flags.map((e) => e.account)}::text[], ${flags.map((e) => str(e.block))}::int8[], ${flags.map((e) => e.logIndex)}::int4[], ${flags.map((e) => e.agreementClass)}::text[])`.execute(
			trx,
		);
	}

	if (batch.blocks.length > 0) {
		await trx
			.insertInto("blocks")
			.values(
				batch.blocks.map((b) => ({
					chain,
					number: b.number,
					hash: b.hash,
					parent_hash: b.parentHash,
					timestamp: b.timestamp,
				})),
			)
			.onConflict((oc) =>
				oc.columns(["chain", "number"]).doUpdateSet((eb) => ({
					hash: eb.ref("excluded.hash"),
					parent_hash: eb.ref("excluded.parent_hash"),
					timestamp: eb.ref("excluded.timestamp"),
				})),
			)
			.execute();
	}
	await trx
		.deleteFrom("blocks")
		.where("chain", "=", chain)
		.where("number", "<", batch.finalized)
		.where("number", "<", batch.to.number)
		.execute();

	const touched = [...new Set(batch.events.flatMap(touchedAccounts))];
	await addToOutbox(trx, chain, touched);
	return touched;
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
			updated_at: new Date(),
		})
		.where("chain", "=", chain)
		.where("indexed_block", "=", from.number)
		.where(sql<boolean>`indexed_hash is not distinct from ${from.hash}`)
		.executeTakeFirst();
	if (result.numUpdatedRows !== 1n)
		throw new CursorMovedError(`the cursor of ${chain} is no longer at block ${from.number}: another writer is active`);
}

export async function addToBalances(trx: Trx, chain: string, deltas: Map<string, bigint>): Promise<void> {
	if (deltas.size === 0) return;
	await sql`insert into balances (chain, address, amount)
		select ${chain}, * from unnest(${[...deltas.keys()]}::text[], ${[...deltas.values()].map(str)}::numeric[])
		on conflict (chain, address) do update set amount = balances.amount + excluded.amount`.execute(trx);
}

async function writeFlowEvents(trx: Trx, chain: string, events: FlowEvent[], undoable: boolean): Promise<void> {
	const addresses = [...new Set(events.flatMap((e) => [e.sender, e.receiver]))];
	const senders = events.map((e) => e.sender);
	const receivers = events.map((e) => e.receiver);
	const accounts = new Map<string, TrackedAccount>();
	for (const row of await trx
		.selectFrom("stream_accounts")
		.selectAll()
		.where("chain", "=", chain)
		.where(sql<boolean>`address = any(${addresses}::text[])`)
		.execute()) {
		accounts.set(row.address, {
			streamed: row.streamed,
			netFlowRate: row.net_flow_rate,
			deposit: row.deposit,
			owedDeposit: row.owed_deposit,
			updatedAt: row.updated_at,
			updatedBlock: row.updated_block,
		});
	}
	const flows = new Map<string, Flow | null>();
	const flowRows = await sql<
		Tables["flows"]
	>`select f.* from flows f join unnest(${senders}::text[], ${receivers}::text[]) as p(sender, receiver)
		on f.sender = p.sender and f.receiver = p.receiver where f.chain = ${chain}`.execute(trx);
	for (const row of flowRows.rows) {
		flows.set(flowKey(row.sender, row.receiver), {
			flowRate: row.flow_rate,
			deposit: row.deposit,
			owedDeposit: row.owed_deposit,
			openedAt: row.opened_at,
			updatedAt: row.updated_at,
			updatedBlock: row.updated_block,
		});
	}

	if (undoable) await writeUndoImages(trx, chain, events[0]?.block ?? 0n, addresses, accounts);
	const updates = applyFlowEvents(events, accounts, flows);

	await sql`insert into flow_updates (chain, block_number, log_index, tx_hash, block_timestamp, sender, receiver, flow_operator, flow_rate, previous_flow_rate, deposit, opened_at, total_sender_flow_rate, total_receiver_flow_rate)
		select ${chain}, * from unnest(${updates.map((u) => str(u.block))}::int8[], ${updates.map((u) => u.logIndex)}::int4[], ${updates.map((u) => u.txHash)}::text[], ${updates.map((u) => str(u.timestamp))}::int8[],
		${updates.map((u) => u.sender)}::text[], ${updates.map((u) => u.receiver)}::text[], ${updates.map((u) => u.flowOperator)}::text[], ${updates.map((u) => str(u.flowRate))}::numeric[],
		${updates.map((u) => str(u.previousFlowRate))}::numeric[], ${updates.map((u) => str(u.deposit))}::numeric[], ${updates.map((u) => str(u.openedAt))}::int8[],
		${updates.map((u) => str(u.totalSenderFlowRate))}::numeric[], ${updates.map((u) => str(u.totalReceiverFlowRate))}::numeric[])`.execute(
		trx,
	);

	await upsertStreamAccounts(trx, chain, accounts, new Set(addresses));
	await replaceFlows(trx, chain, flows);
}

/**
 * Records, for a batch of one unfinalized block, each touched account's state before it (or that
 * it had none), so that a rollback can put it back.
 */
async function writeUndoImages(
	trx: Trx,
	chain: string,
	block: bigint,
	addresses: string[],
	before: Map<string, TrackedAccount>,
): Promise<void> {
	const rows = addresses.map((address) => ({ address, state: before.get(address) }));
	const v = (pick: (s: TrackedAccount) => bigint) => rows.map((r) => str(r.state ? pick(r.state) : 0n));
	await sql`insert into stream_account_undo (chain, block_number, address, existed, streamed, net_flow_rate, deposit, owed_deposit, updated_at, updated_block)
		select ${chain}, ${str(block)}::int8, * from unnest(${rows.map((r) => r.address)}::text[], ${rows.map((r) => r.state !== undefined)}::bool[],
		${v((s) => s.streamed)}::numeric[], ${v((s) => s.netFlowRate)}::numeric[], ${v((s) => s.deposit)}::numeric[], ${v((s) => s.owedDeposit)}::numeric[],
		${v((s) => s.updatedAt)}::int8[], ${v((s) => s.updatedBlock)}::int8[])
		on conflict do nothing`.execute(trx);
}

/** Writes the given accounts' current CFA state. */
export async function upsertStreamAccounts(
	trx: Trx,
	chain: string,
	accounts: Map<string, TrackedAccount>,
	only: Set<string>,
): Promise<void> {
	const rows = [...accounts].filter(([a]) => only.has(a));
	if (rows.length === 0) return;
	await sql`insert into stream_accounts (chain, address, streamed, net_flow_rate, deposit, owed_deposit, updated_at, updated_block)
		select ${chain}, * from unnest(${rows.map(([a]) => a)}::text[], ${rows.map(([, s]) => str(s.streamed))}::numeric[], ${rows.map(([, s]) => str(s.netFlowRate))}::numeric[],
		${rows.map(([, s]) => str(s.deposit))}::numeric[], ${rows.map(([, s]) => str(s.owedDeposit))}::numeric[], ${rows.map(([, s]) => str(s.updatedAt))}::int8[], ${rows.map(([, s]) => str(s.updatedBlock))}::int8[])
		on conflict (chain, address) do update set streamed = excluded.streamed, net_flow_rate = excluded.net_flow_rate, deposit = excluded.deposit,
		owed_deposit = excluded.owed_deposit, updated_at = excluded.updated_at, updated_block = excluded.updated_block`.execute(trx);
}

/** Writes the given flows: open ones are upserted, closed ones (null) deleted. */
export async function replaceFlows(trx: Trx, chain: string, flows: Map<string, Flow | null>): Promise<void> {
	const pairs = [...flows.keys()].map((k) => k.split(":") as [string, string]);
	if (pairs.length === 0) return;
	await sql`delete from flows f using unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) as p(sender, receiver)
		where f.chain = ${chain} and f.sender = p.sender and f.receiver = p.receiver`.execute(trx);
	const open = [...flows].filter((entry): entry is [string, Flow] => entry[1] !== null).map(([key, f]) => ({ pair: key.split(":"), f }));
	if (open.length === 0) return;
	await sql`insert into flows (chain, sender, receiver, flow_rate, deposit, owed_deposit, opened_at, updated_at, updated_block)
		select ${chain}, * from unnest(${open.map((o) => o.pair[0])}::text[], ${open.map((o) => o.pair[1])}::text[], ${open.map((o) => str(o.f.flowRate))}::numeric[],
		${open.map((o) => str(o.f.deposit))}::numeric[], ${open.map((o) => str(o.f.owedDeposit))}::numeric[], ${open.map((o) => str(o.f.openedAt))}::int8[],
		${open.map((o) => str(o.f.updatedAt))}::int8[], ${open.map((o) => str(o.f.updatedBlock))}::int8[])`.execute(trx);
}
