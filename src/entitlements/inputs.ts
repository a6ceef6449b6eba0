import { sql, type Transaction } from "kysely";
import type { Db } from "../db/database.ts";
import type { Tables } from "../db/schema.ts";
import type { ChainState, EntitlementInputs, LedgerResource } from "../domain/entitlement.ts";

type Reader = Db | Transaction<Tables>;

/**
 * Reads everything the entitlements of `addresses` depend on, on the given chains: per chain each
 * account's transfer balance, CFA state (or its latest realtimeBalanceOf reconciliation when another
 * agreement touched it) and the indexed block; their open outgoing flows; their resources, oldest
 * first. Six set-based queries whatever the number of addresses; run it in a repeatable-read
 * transaction for one snapshot. Addresses are lowercase.
 */
export async function loadEntitlementInputsMany(
	db: Reader,
	addresses: string[],
	chains: string[],
): Promise<Map<string, EntitlementInputs>> {
	const out = new Map<string, EntitlementInputs>(addresses.map((address) => [address, { address, chains: [], flows: [], resources: [] }]));
	if (chains.length === 0 || addresses.length === 0) return out;
	const [cursors, balances, streams, reconciled, flows, resources] = await Promise.all([
		db.selectFrom("chains").select(["chain", "indexed_block"]).where("chain", "in", chains).orderBy("chain").execute(),
		db.selectFrom("balances").select(["chain", "address", "amount"]).where(sql<boolean>`address = any(${addresses}::text[])`).execute(),
		db
			.selectFrom("stream_accounts")
			.selectAll()
			.where("chain", "in", chains)
			.where(sql<boolean>`address = any(${addresses}::text[])`)
			.execute(),
		sql<Tables["stream_reconciliations"]>`select distinct on (r.chain, r.address) r.* from stream_reconciliations r
			where r.address = any(${addresses}::text[]) and exists (select 1 from agreement_flags f where f.chain = r.chain and f.address = r.address)
			order by r.chain, r.address, r.block_number desc`.execute(db),
		db
			.selectFrom("flows")
			.select(["chain", "sender", "receiver", "flow_rate"])
			.where("chain", "in", chains)
			.where(sql<boolean>`sender = any(${addresses}::text[])`)
			.execute(),
		db
			.selectFrom("resources")
			.selectAll()
			.where(sql<boolean>`owner = any(${addresses}::text[])`)
			.orderBy("owner")
			.orderBy("accepted_at")
			.orderBy("item_hash")
			.execute(),
	]);
	const key = (chain: string, address: string) => `${chain}|${address}`;
	const balanceOf = new Map(balances.map((b) => [key(b.chain, b.address), b.amount]));
	const streamOf = new Map(streams.map((s) => [key(s.chain, s.address), s]));
	const reconciledOf = new Map(reconciled.rows.map((r) => [key(r.chain, r.address), r]));
	for (const [address, inputs] of out) {
		inputs.chains = cursors.map((c): ChainState => {
			const stream = streamOf.get(key(c.chain, address));
			const r = reconciledOf.get(key(c.chain, address));
			return {
				chain: c.chain,
				block: c.indexed_block,
				transferred: balanceOf.get(key(c.chain, address)) ?? 0n,
				stream: stream
					? {
							streamed: stream.streamed,
							netFlowRate: stream.net_flow_rate,
							deposit: stream.deposit,
							owedDeposit: stream.owed_deposit,
							updatedAt: stream.updated_at,
						}
					: null,
				reconciled: r ? { available: r.available, deposit: r.deposit, netFlowRate: r.net_flow_rate, timestamp: r.timestamp } : null,
			};
		});
	}
	for (const f of flows) out.get(f.sender)?.flows.push({ chain: f.chain, receiver: f.receiver, flowRate: f.flow_rate });
	for (const r of resources) {
		out.get(r.owner)?.resources.push({
			itemHash: r.item_hash,
			paymentType: r.payment_type as LedgerResource["paymentType"],
			chain: r.chain,
			receiver: r.receiver,
			costHold: r.cost_hold,
			costStream: r.cost_stream,
			messageTime: r.message_time,
			acceptedAt: r.accepted_at.getTime(),
		});
	}
	return out;
}

/** The inputs of one account (see `loadEntitlementInputsMany`). */
export async function loadEntitlementInputs(db: Reader, address: string, chains: string[]): Promise<EntitlementInputs> {
	return (await loadEntitlementInputsMany(db, [address], chains)).get(address) as EntitlementInputs;
}

/** JSON form of the inputs (bigints as strings), stored with the entitlement. */
export function inputsToJson(inputs: EntitlementInputs): string {
	return JSON.stringify(inputs, (_, v) => (typeof v === "bigint" ? `${v}n` : v));
}

/** Inverse of `inputsToJson` (takes the parsed jsonb value). */
export function inputsFromJson(json: unknown): EntitlementInputs {
	return JSON.parse(JSON.stringify(json), (_, v) => (typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v));
}
