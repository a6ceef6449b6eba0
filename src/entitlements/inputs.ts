import { sql, type Transaction } from "kysely";
import type { Db } from "../db/database.ts";
import type { Tables } from "../db/schema.ts";
import type { ChainState, EntitlementInputs, LedgerResource } from "../domain/entitlement.ts";

/**
 * Reads everything an account's entitlement depends on, on the given chains: per chain its
 * transfer balance, CFA state (or its latest realtimeBalanceOf reconciliation when another
 * agreement touched it) and the indexed block; its open outgoing flows; its resources, oldest
 * first. Six indexed queries; run it in a repeatable-read transaction for one snapshot.
 */
export async function loadEntitlementInputs(db: Db | Transaction<Tables>, address: string, chains: string[]): Promise<EntitlementInputs> {
	if (chains.length === 0) return { address, chains: [], flows: [], resources: [] };
	const [cursors, balances, streams, reconciled, flows, resources] = await Promise.all([
		db.selectFrom("chains").select(["chain", "indexed_block"]).where("chain", "in", chains).execute(),
		db.selectFrom("balances").select(["chain", "amount"]).where("address", "=", address).execute(),
		db.selectFrom("stream_accounts").selectAll().where("chain", "in", chains).where("address", "=", address).execute(),
		sql<Tables["stream_reconciliations"]>`select distinct on (r.chain) r.* from stream_reconciliations r
			where r.address = ${address} and r.chain in (select f.chain from agreement_flags f where f.address = ${address})
			order by r.chain, r.block_number desc`.execute(db),
		db.selectFrom("flows").select(["chain", "receiver", "flow_rate"]).where("chain", "in", chains).where("sender", "=", address).execute(),
		db.selectFrom("resources").selectAll().where("owner", "=", address).orderBy("accepted_at").orderBy("item_hash").execute(),
	]);
	const states: ChainState[] = cursors.map((c) => {
		const stream = streams.find((s) => s.chain === c.chain);
		const r = reconciled.rows.find((x) => x.chain === c.chain);
		return {
			chain: c.chain,
			block: c.indexed_block,
			transferred: balances.find((b) => b.chain === c.chain)?.amount ?? 0n,
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
	return {
		address,
		chains: states,
		flows: flows.map((f) => ({ chain: f.chain, receiver: f.receiver, flowRate: f.flow_rate })),
		resources: resources.map(
			(r): LedgerResource => ({
				itemHash: r.item_hash,
				paymentType: r.payment_type as LedgerResource["paymentType"],
				chain: r.chain,
				receiver: r.receiver,
				costHold: r.cost_hold,
				costStream: r.cost_stream,
				messageTime: r.message_time,
				acceptedAt: r.accepted_at.getTime(),
			}),
		),
	};
}

/** JSON form of the inputs (bigints as strings), stored with the entitlement. */
export function inputsToJson(inputs: EntitlementInputs): unknown {
	return JSON.parse(JSON.stringify(inputs, (_, v) => (typeof v === "bigint" ? `${v}n` : v)));
}

/** Inverse of `inputsToJson`. */
export function inputsFromJson(json: unknown): EntitlementInputs {
	return JSON.parse(JSON.stringify(json), (_, v) => (typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v));
}
