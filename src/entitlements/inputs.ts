import { sql, type Transaction } from "kysely";
import type { Db } from "../db/database.ts";
import type { Tables } from "../db/schema.ts";
import type { ChainState, EntitlementInputs, LedgerResource } from "../domain/entitlement.ts";

type Reader = Db | Transaction<Tables>;

type Row = {
	cursors: [chain: string, block: string][];
	balances: [chain: string, address: string, amount: string][];
	streams: [chain: string, address: string, streamed: string, rate: string, deposit: string, owed: string, updatedAt: string][];
	reconciled: [chain: string, address: string, available: string, deposit: string, rate: string, timestamp: string][];
	flows: [chain: string, sender: string, receiver: string, rate: string][];
	resources: [
		owner: string,
		itemHash: string,
		paymentType: string,
		chain: string | null,
		receiver: string | null,
		hold: string,
		stream: string,
		credit: string,
		time: number,
		acceptedMs: string,
	][];
	credit_lots: [address: string, remaining: string, expirationMicros: string | null][];
	credits_synced: boolean;
};

/**
 * Reads everything the entitlements of `addresses` (lowercase) depend on, on the given chains:
 * per chain each account's transfer balance, CFA state (or its latest realtimeBalanceOf
 * reconciliation when another agreement touched it) and the indexed block; their open outgoing
 * flows; their resources, oldest first; their credit lots not expired (emission order) and whether
 * the credit ledger is backfilled. ONE statement whatever the number of accounts: set-based
 * sub-selects aggregated to JSON (integers as text), so it is one snapshot and one round trip (the
 * round trips, not the reads, bound the API on a small machine).
 */
export async function loadEntitlementInputsMany(
	db: Reader,
	addresses: string[],
	chains: string[],
): Promise<Map<string, EntitlementInputs>> {
	const out = new Map<string, EntitlementInputs>(
		addresses.map((address) => [address, { address, chains: [], flows: [], resources: [], credits: { synced: false, lots: [] } }]),
	);
	if (chains.length === 0 || addresses.length === 0) return out;
	const a = sql`${addresses}::text[]`;
	const c = sql`${chains}::text[]`;
	const { rows } = await sql<Row>`select
		(select coalesce(json_agg(json_build_array(chain, indexed_block::text) order by chain), '[]') from chains where chain = any(${c})) as cursors,
		(select coalesce(json_agg(json_build_array(chain, address, amount::text)), '[]') from balances where address = any(${a})) as balances,
		(select coalesce(json_agg(json_build_array(chain, address, streamed::text, net_flow_rate::text, deposit::text, owed_deposit::text, updated_at::text)), '[]')
			from stream_accounts where chain = any(${c}) and address = any(${a})) as streams,
		(select coalesce(json_agg(json_build_array(chain, address, available::text, deposit::text, net_flow_rate::text, timestamp::text)), '[]') from (
			select distinct on (r.chain, r.address) r.* from stream_reconciliations r
			where r.address = any(${a}) and exists (select 1 from agreement_flags f where f.chain = r.chain and f.address = r.address)
			order by r.chain, r.address, r.block_number desc) r) as reconciled,
		(select coalesce(json_agg(json_build_array(chain, sender, receiver, flow_rate::text)), '[]') from flows where chain = any(${c}) and sender = any(${a})) as flows,
		(select coalesce(json_agg(json_build_array(owner, item_hash, payment_type, chain, receiver, cost_hold::text, cost_stream::text, cost_credit::text, message_time,
			floor(extract(epoch from accepted_at) * 1000)::text) order by owner, accepted_at, item_hash), '[]')
			from resources where owner = any(${a})) as resources,
		(select coalesce(json_agg(json_build_array(address, remaining::text, expiration_micros::text)
			order by address, granted_at_micros, credit_ref, credit_index), '[]') from credit_lots
			where address = any(${a}) and (expiration_micros is null or expiration_micros > (extract(epoch from now()) * 1000000)::int8)) as credit_lots,
		exists (select 1 from feed_sources where synced_at is not null) as credits_synced`.execute(db);
	const row = rows[0] as Row;
	const key = (chain: string, address: string) => `${chain}|${address}`;
	const balanceOf = new Map(row.balances.map(([chain, address, amount]) => [key(chain, address), BigInt(amount)]));
	const streamOf = new Map(row.streams.map((s) => [key(s[0], s[1]), s]));
	const reconciledOf = new Map(row.reconciled.map((r) => [key(r[0], r[1]), r]));
	for (const [address, inputs] of out) {
		inputs.chains = row.cursors.map(([chain, block]): ChainState => {
			const s = streamOf.get(key(chain, address));
			const r = reconciledOf.get(key(chain, address));
			return {
				chain,
				block: BigInt(block),
				transferred: balanceOf.get(key(chain, address)) ?? 0n,
				stream: s
					? { streamed: BigInt(s[2]), netFlowRate: BigInt(s[3]), deposit: BigInt(s[4]), owedDeposit: BigInt(s[5]), updatedAt: BigInt(s[6]) }
					: null,
				reconciled: r ? { available: BigInt(r[2]), deposit: BigInt(r[3]), netFlowRate: BigInt(r[4]), timestamp: BigInt(r[5]) } : null,
			};
		});
	}
	for (const [chain, sender, receiver, rate] of row.flows) out.get(sender)?.flows.push({ chain, receiver, flowRate: BigInt(rate) });
	for (const [owner, itemHash, paymentType, chain, receiver, hold, stream, credit, time, acceptedMs] of row.resources) {
		out.get(owner)?.resources.push({
			itemHash,
			paymentType: paymentType as LedgerResource["paymentType"],
			chain,
			receiver,
			costHold: BigInt(hold),
			costStream: BigInt(stream),
			costCredit: BigInt(credit),
			messageTime: time,
			acceptedAt: Number(acceptedMs),
		});
	}
	for (const inputs of out.values()) if (inputs.credits) inputs.credits.synced = row.credits_synced;
	for (const [address, remaining, expiration] of row.credit_lots) {
		out
			.get(address)
			?.credits?.lots.push({ remaining: BigInt(remaining), expirationMicros: expiration === null ? null : BigInt(expiration) });
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
