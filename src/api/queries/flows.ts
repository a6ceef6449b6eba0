import { type Selectable, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { FlowsTable } from "../../db/schema.ts";

const FLOW_COLUMNS = ["chain", "sender", "receiver", "flow_rate", "deposit", "opened_at", "updated_block"] as const;

/** An open flow of an account, as the flows route serves it. */
export type AccountFlowRow = Pick<Selectable<FlowsTable>, (typeof FLOW_COLUMNS)[number]>;

/** The account's open flows on `chains`: outgoing by (chain, receiver), incoming by (chain, sender). */
export async function listAccountFlows(
	db: Db,
	address: string,
	chains: readonly string[],
): Promise<{ outgoing: AccountFlowRow[]; incoming: AccountFlowRow[] }> {
	const select = () => db.selectFrom("flows").select(FLOW_COLUMNS).where("chain", "in", chains);
	const [outgoing, incoming] = await Promise.all([
		select().where("sender", "=", address).orderBy("chain").orderBy("receiver").execute(),
		select().where("receiver", "=", address).orderBy("chain").orderBy("sender").execute(),
	]);
	return { outgoing, incoming };
}

/** Open flows aggregated by (chain, receiver), largest total rate first. */
export async function flowsByReceiver(
	db: Db,
	q: { chains: readonly string[]; receiver: string | null; limit: number },
): Promise<{ chain: string; receiver: string; streams: bigint; total_rate: bigint; total_deposit: bigint }[]> {
	let query = db
		.selectFrom("flows")
		.select([
			"chain",
			"receiver",
			sql<bigint>`count(*)`.as("streams"),
			sql<bigint>`sum(flow_rate)`.as("total_rate"),
			sql<bigint>`sum(deposit)`.as("total_deposit"),
		])
		.where("chain", "in", q.chains);
	if (q.receiver) query = query.where("receiver", "=", q.receiver);
	return query.groupBy(["chain", "receiver"]).orderBy("total_rate", "desc").orderBy("chain").orderBy("receiver").limit(q.limit).execute();
}
