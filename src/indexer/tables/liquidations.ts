/** `liquidations`: the token's AgreementLiquidatedV2 logs. */
import { sql } from "kysely";
import { appendRows } from "../../db/copy.ts";
import type { Trx } from "../../db/database.ts";
import type { LiquidationEvent } from "../events.ts";
import { logColumns } from "./log-columns.ts";

export async function applyLiquidations(trx: Trx, chain: string, events: LiquidationEvent[]): Promise<void> {
	await appendRows(trx, "liquidations", {
		...logColumns(chain, events),
		agreement_class: ["text", events.map((e) => e.agreementClass)],
		liquidator: ["text", events.map((e) => e.liquidator)],
		target: ["text", events.map((e) => e.target)],
		reward_receiver: ["text", events.map((e) => e.rewardReceiver)],
		reward_amount: ["numeric", events.map((e) => e.rewardAmount)],
		target_balance_delta: ["numeric", events.map((e) => e.targetBalanceDelta)],
	});
}

/** Deletes the liquidations above `above`; returns their targets. */
export async function undoLiquidations(trx: Trx, chain: string, above: bigint): Promise<string[]> {
	const { rows } = await sql<{
		target: string;
	}>`delete from liquidations where chain = ${chain} and block_number > ${above} returning target`.execute(trx);
	return rows.map((r) => r.target);
}
