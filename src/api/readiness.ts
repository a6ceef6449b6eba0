import { pingDatabase } from "../db/database.ts";
import { describeError } from "../lib/errors.ts";
import type { Readiness } from "./context.ts";
import { feedStatuses } from "./feeds.ts";
import { listChainRows } from "./queries/chains.ts";
import type { RouteDeps } from "./router.ts";

/**
 * The default readiness: the database answers, every configured chain has a head, is within its
 * `maxLagBlocks` of it and was updated within `staleAfterSeconds`, and, when feeds are configured,
 * at least one is within `ALEPH_FEED_MAX_LAG_SECONDS`. Reads uncached rows.
 */
export async function checkReadiness({ ctx, fresh, now }: RouteDeps): Promise<Readiness> {
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
	// Each CCN is one source of the same feed: not ready only when none is caught up.
	const feeds = await feedStatuses(ctx, now()).catch(() => null);
	if (feeds === null) reasons.push("the feed tables cannot be read");
	else if (feeds.length > 0 && feeds.every((f) => f.stale))
		reasons.push(
			`every network feed is stale (${feeds.map((f) => `${f.url}: ${f.lagSeconds ?? "never"} s`).join(", ")}; limit ${ctx.config.feed.maxLagSeconds} s)`,
		);
	return { ok: reasons.length === 0, reasons };
}
