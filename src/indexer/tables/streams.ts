/**
 * The Superfluid CFA state of a chain: `flow_updates` (every FlowUpdated), `flows` (the open
 * ones), `stream_accounts` (each account's settled state) and `stream_account_undo` (the state
 * before each unfinalized block, to put back on a reorg).
 */
import { type Selectable, sql } from "kysely";
import { appendRows } from "../../db/copy.ts";
import type { Trx } from "../../db/database.ts";
import type { FlowsTable, StreamAccountsTable, StreamAccountUndoTable } from "../../db/schema.ts";
import { insertUnnest, setExcluded, unnestAs } from "../../db/unnest.ts";
import { EMPTY_STREAM_ACCOUNT } from "../../domain/superfluid.ts";
import type { FlowEvent } from "../events.ts";
import { applyFlowEvents, type Flow, flowKey, type TrackedAccount } from "../stream-state.ts";
import { logColumns } from "./log-columns.ts";

/**
 * Applies FlowUpdated events, in chain order: reads the state of the accounts and flows they
 * touch, records undo images when the batch can still be reorged, reduces the events
 * (`applyFlowEvents`) and writes the flow updates, accounts and flows back.
 */
export async function applyStreams(trx: Trx, chain: string, events: FlowEvent[], undoable: boolean): Promise<void> {
	if (events.length === 0) return;
	const addresses = [...new Set(events.flatMap((e) => [e.sender, e.receiver]))];
	const accounts = await readAccounts(trx, chain, addresses);
	const flows = await readFlows(
		trx,
		chain,
		events.map((e): [string, string] => [e.sender, e.receiver]),
	);
	if (undoable) await writeUndoImages(trx, chain, events[0]?.block ?? 0n, addresses, accounts);
	const updates = applyFlowEvents(events, accounts, flows);
	await appendRows(trx, "flow_updates", {
		...logColumns(chain, updates),
		sender: ["text", updates.map((u) => u.sender)],
		receiver: ["text", updates.map((u) => u.receiver)],
		flow_operator: ["text", updates.map((u) => u.flowOperator)],
		flow_rate: ["numeric", updates.map((u) => u.flowRate)],
		previous_flow_rate: ["numeric", updates.map((u) => u.previousFlowRate)],
		deposit: ["numeric", updates.map((u) => u.deposit)],
		opened_at: ["int8", updates.map((u) => u.openedAt)],
		total_sender_flow_rate: ["numeric", updates.map((u) => u.totalSenderFlowRate)],
		total_receiver_flow_rate: ["numeric", updates.map((u) => u.totalReceiverFlowRate)],
	});
	await upsertAccounts(trx, chain, accounts);
	await replaceFlows(trx, chain, flows);
}

/**
 * Undoes the stream state above `above`: each account goes back to its image before the earliest
 * rolled-back block that changed it; the flow updates above go, and each pair they touched gets
 * its latest remaining update back as its open flow (if open). Returns the accounts restored.
 */
export async function undoStreams(trx: Trx, chain: string, above: bigint): Promise<string[]> {
	const images = await sql<
		Selectable<StreamAccountUndoTable>
	>`delete from stream_account_undo where chain = ${chain} and block_number > ${above} returning *`.execute(trx);
	const earliest = new Map<string, Selectable<StreamAccountUndoTable>>();
	for (const image of images.rows) {
		const seen = earliest.get(image.address);
		if (!seen || image.block_number < seen.block_number) earliest.set(image.address, image);
	}
	const restored = [...earliest.keys()];
	if (restored.length > 0) {
		await sql`delete from stream_accounts where chain = ${chain} and address = any(${restored}::text[])`.execute(trx);
		const existed = [...earliest.values()].filter((image) => image.existed);
		await insertUnnest(trx, "stream_accounts", {
			chain: ["text", chain],
			address: ["text", existed.map((r) => r.address)],
			...accountColumns(existed.map(fromAccountRow)),
		});
	}

	const { rows: pairs } = await sql<{
		sender: string;
		receiver: string;
	}>`delete from flow_updates where chain = ${chain} and block_number > ${above} returning sender, receiver`.execute(trx);
	if (pairs.length > 0) {
		const touched = pairs.map((p): [string, string] => [p.sender, p.receiver]);
		await deleteFlows(trx, chain, touched);
		await sql`insert into flows (chain, sender, receiver, flow_rate, deposit, owed_deposit, opened_at, updated_at, updated_block)
			select chain, sender, receiver, flow_rate, deposit, 0, opened_at, block_timestamp, block_number from (
				select distinct on (u.sender, u.receiver) u.* from flow_updates u
				join (select distinct * from ${pairsAs("p", touched)}) p on u.sender = p.sender and u.receiver = p.receiver
				where u.chain = ${chain} order by u.sender, u.receiver, u.block_number desc, u.log_index desc
			) latest where flow_rate <> 0`.execute(trx);
	}
	return restored;
}

/** The undo image of an account that had no CFA state (`existed` false; the values are not read). */
const NO_ACCOUNT: TrackedAccount = { ...EMPTY_STREAM_ACCOUNT, updatedBlock: 0n };

/** The `insertUnnest` columns of `stream_accounts` (and of its undo images) for these states. */
const accountColumns = (states: TrackedAccount[]) =>
	({
		streamed: ["numeric", states.map((s) => s.streamed)],
		net_flow_rate: ["numeric", states.map((s) => s.netFlowRate)],
		deposit: ["numeric", states.map((s) => s.deposit)],
		owed_deposit: ["numeric", states.map((s) => s.owedDeposit)],
		updated_at: ["int8", states.map((s) => s.updatedAt)],
		updated_block: ["int8", states.map((s) => s.updatedBlock)],
	}) as const;

const fromAccountRow = (row: Selectable<StreamAccountsTable>): TrackedAccount => ({
	streamed: row.streamed,
	netFlowRate: row.net_flow_rate,
	deposit: row.deposit,
	owedDeposit: row.owed_deposit,
	updatedAt: row.updated_at,
	updatedBlock: row.updated_block,
});

const pairsAs = (alias: string, pairs: [string, string][]) =>
	unnestAs(alias, { sender: ["text", pairs.map((p) => p[0])], receiver: ["text", pairs.map((p) => p[1])] });

async function readAccounts(trx: Trx, chain: string, addresses: string[]): Promise<Map<string, TrackedAccount>> {
	const rows = await trx
		.selectFrom("stream_accounts")
		.selectAll()
		.where("chain", "=", chain)
		.where(sql<boolean>`address = any(${addresses}::text[])`)
		.execute();
	return new Map(rows.map((row) => [row.address, fromAccountRow(row)]));
}

async function readFlows(trx: Trx, chain: string, pairs: [string, string][]): Promise<Map<string, Flow | null>> {
	const { rows } = await sql<
		Selectable<FlowsTable>
	>`select f.* from flows f join ${pairsAs("p", pairs)} on f.sender = p.sender and f.receiver = p.receiver where f.chain = ${chain}`.execute(
		trx,
	);
	return new Map(
		rows.map((row) => [
			flowKey(row.sender, row.receiver),
			{
				flowRate: row.flow_rate,
				deposit: row.deposit,
				owedDeposit: row.owed_deposit,
				openedAt: row.opened_at,
				updatedAt: row.updated_at,
				updatedBlock: row.updated_block,
			},
		]),
	);
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
	const states = addresses.map((address) => before.get(address));
	await insertUnnest(
		trx,
		"stream_account_undo",
		{
			chain: ["text", chain],
			block_number: ["int8", block],
			address: ["text", addresses],
			existed: ["bool", states.map((s) => s !== undefined)],
			...accountColumns(states.map((s) => s ?? NO_ACCOUNT)),
		},
		sql`on conflict do nothing`,
	);
}

/** Writes the accounts' current CFA state. */
async function upsertAccounts(trx: Trx, chain: string, accounts: Map<string, TrackedAccount>): Promise<void> {
	const columns = accountColumns([...accounts.values()]);
	await insertUnnest(
		trx,
		"stream_accounts",
		{ chain: ["text", chain], address: ["text", [...accounts.keys()]], ...columns },
		sql`on conflict (chain, address) do update set ${setExcluded(Object.keys(columns))}`,
	);
}

/** Writes the given flows: open ones are upserted, closed ones (null) deleted. */
async function replaceFlows(trx: Trx, chain: string, flows: Map<string, Flow | null>): Promise<void> {
	const pairs = [...flows.keys()].map((k) => k.split(":") as [string, string]);
	await deleteFlows(trx, chain, pairs);
	const open = [...flows].filter((entry): entry is [string, Flow] => entry[1] !== null).map(([key, f]) => ({ pair: key.split(":"), f }));
	await insertUnnest(trx, "flows", {
		chain: ["text", chain],
		sender: ["text", open.map((o) => o.pair[0] as string)],
		receiver: ["text", open.map((o) => o.pair[1] as string)],
		flow_rate: ["numeric", open.map((o) => o.f.flowRate)],
		deposit: ["numeric", open.map((o) => o.f.deposit)],
		owed_deposit: ["numeric", open.map((o) => o.f.owedDeposit)],
		opened_at: ["int8", open.map((o) => o.f.openedAt)],
		updated_at: ["int8", open.map((o) => o.f.updatedAt)],
		updated_block: ["int8", open.map((o) => o.f.updatedBlock)],
	});
}

async function deleteFlows(trx: Trx, chain: string, pairs: [string, string][]): Promise<void> {
	if (pairs.length === 0) return;
	await sql`delete from flows f using ${pairsAs("p", pairs)} where f.chain = ${chain} and f.sender = p.sender and f.receiver = p.receiver`.execute(
		trx,
	);
}
