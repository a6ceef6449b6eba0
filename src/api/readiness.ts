import { pingDatabase } from "../db/database.ts";
import { describeError } from "../lib/errors.ts";
import type { Readiness } from "./context.ts";
import { listChainRows } from "./queries/chains.ts";
import type { RouteDeps } from "./router.ts";

/**
 * The default readiness: the database answers, and every configured chain has a head, is within
 * its `maxLagBlocks` of it and was updated within `staleAfterSeconds`. Reads uncached rows.
 */
export async function checkReadiness({ ctx, fresh }: RouteDeps): Promise<Readiness> {
	if (!(await pingDatabase(ctx.db))) return { ok: false, reasons: ["the database does not answer"] };
	let rows: Awaited<ReturnType<typeof listChainRows>>;
	try {
		rows = await listChainRows(ctx.db);
	} catch (error) {
		return { ok: false, reasons: [`the chains table cannot be read (${describeError(error)})`] };
	}
	const reasons = fresh.staleness(
		rows,
		ctx.config.chains.map((c) => c.name),
	);
	for (const chain of ctx.config.chains) {
		const row = rows.get(chain.name);
		if (!row) continue;
		if (row.head_block === null) reasons.push(`${chain.name} has not seen a head block yet`);
		else if (row.head_block - row.indexed_block > BigInt(chain.maxLagBlocks))
			reasons.push(`${chain.name} is ${row.head_block - row.indexed_block} blocks behind its head (limit ${chain.maxLagBlocks})`);
	}
	return { ok: reasons.length === 0, reasons };
}
