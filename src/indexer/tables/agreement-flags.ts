/**
 * `agreement_flags`: accounts another agreement than the CFA (GDA, IDA) wrote, whose balance is
 * read on chain instead of derived from events.
 */
import { sql } from "kysely";
import { appendRows } from "../../db/copy.ts";
import type { Db, Trx } from "../../db/database.ts";
import type { AgreementStateEvent } from "../events.ts";

export async function applyAgreementFlags(trx: Trx, chain: string, events: AgreementStateEvent[]): Promise<void> {
	await appendRows(trx, "agreement_flags", {
		chain: ["text", chain],
		address: ["text", events.map((e) => e.account)],
		block_number: ["int8", events.map((e) => e.block)],
		log_index: ["int4", events.map((e) => e.logIndex)],
		agreement_class: ["text", events.map((e) => e.agreementClass)],
	});
}

/** Deletes the flags above `above`; returns the accounts they flagged. */
export async function undoAgreementFlags(trx: Trx, chain: string, above: bigint): Promise<string[]> {
	const { rows } = await sql<{
		address: string;
	}>`delete from agreement_flags where chain = ${chain} and block_number > ${above} returning address`.execute(trx);
	return rows.map((r) => r.address);
}

/** Accounts of `candidates` that another agreement than the CFA has touched on this chain. */
export async function flaggedAmong(db: Db, chain: string, candidates: string[]): Promise<string[]> {
	if (candidates.length === 0) return [];
	const rows = await db
		.selectFrom("agreement_flags")
		.select("address")
		.distinct()
		.where("chain", "=", chain)
		.where("address", "in", candidates)
		.execute();
	return rows.map((r) => r.address);
}

/** Every flagged account of the chain. */
export async function allFlagged(db: Db, chain: string): Promise<string[]> {
	const rows = await db.selectFrom("agreement_flags").select("address").distinct().where("chain", "=", chain).execute();
	return rows.map((r) => r.address);
}
