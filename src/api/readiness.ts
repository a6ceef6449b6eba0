import type { ChainConfig } from "../config/env.ts";
import { pingDatabase } from "../db/database.ts";
import { describeError } from "../lib/errors.ts";
import type { Readiness } from "./context.ts";
import { feedStatuses } from "./feeds.ts";
import { type ChainRow, listChainRows } from "./queries/chains.ts";
import type { RouteDeps } from "./router.ts";

/** A head read older than this many polls (and 10 s) leaves the lag unknown, seconds. */
export function headReadLimitSeconds(chain: Pick<ChainConfig, "pollIntervalMs">): number {
	return Math.max(10, Math.ceil((5 * chain.pollIntervalMs) / 1_000));
}

/** True when the row's head was read within {@link headReadLimitSeconds}: `head_block − indexed_block` is the lag. */
export function headIsCurrent(row: ChainRow, chain: Pick<ChainConfig, "pollIntervalMs">): boolean {
	return row.head_block !== null && row.head_age_seconds !== null && row.head_age_seconds <= BigInt(headReadLimitSeconds(chain));
}

/**
 * The default readiness: the database answers, the job queue answers (Redis: else nothing is
 * recomputed), every configured chain was updated within `staleAfterSeconds`, read its head within
 * a few polls and is within its `maxLagBlocks` of it, and, when feeds are configured, at least one
 * is within `ALEPH_FEED_MAX_LAG_SECONDS`. Reads uncached rows.
 */
export async function checkReadiness({ ctx, fresh }: RouteDeps): Promise<Readiness> {
	if (!(await pingDatabase(ctx.db))) return { ok: false, reasons: ["the database does not answer"] };
	let rows: Map<string, ChainRow>;
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
		if (row.head_block === null || row.head_age_seconds === null) reasons.push(`${chain.name} has not seen a head block yet`);
		else if (!headIsCurrent(row, chain))
			reasons.push(`${chain.name} has not read its head block for ${row.head_age_seconds} s (limit ${headReadLimitSeconds(chain)} s)`);
		else if (row.head_block - row.indexed_block > BigInt(chain.maxLagBlocks))
			reasons.push(`${chain.name} is ${row.head_block - row.indexed_block} blocks behind its head (limit ${chain.maxLagBlocks})`);
	}
	if (ctx.queue && !(await ctx.queue.reachable())) reasons.push("the job queue (Redis) does not answer: entitlements are not recomputed");
	// Each CCN is one source of the same feed: not ready only when none is caught up.
	const feeds = await feedStatuses(ctx).catch(() => null);
	if (feeds === null) reasons.push("the feed tables cannot be read");
	else if (feeds.length > 0 && feeds.every((f) => f.stale))
		reasons.push(
			`every network feed is stale (${feeds.map((f) => `${f.url}: ${f.lagSeconds ?? "never"} s`).join(", ")}; limit ${ctx.config.feed.maxLagSeconds} s)`,
		);
	return { ok: reasons.length === 0, reasons };
}
