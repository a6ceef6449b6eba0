import type { ApiContext } from "./context.ts";
import { ApiError } from "./errors.ts";
import { type ChainRow, listChainRows } from "./queries/chains.ts";

/** Cached view of the `chains` rows and the 503 check of routes that answer from indexed data. */
export type Freshness = {
	/** The `chains` rows, at most `freshnessTtlMs` old (concurrent callers share one query). */
	rows(): Promise<Map<string, ChainRow>>;
	/**
	 * Why each of `chains` is too stale to answer from (missing row, or `updated_at` older than
	 * `staleAfterSeconds` by the database's clock, as of when the rows were read).
	 */
	staleness(rows: Map<string, ChainRow>, chains: readonly string[]): string[];
	/** @throws ApiError 503 `stale_data` when one of `chains` is stale. */
	assertFresh(chains: readonly string[]): Promise<Map<string, ChainRow>>;
};

/** Creates the freshness cache of one app. */
export function createFreshness(ctx: ApiContext): Freshness {
	const ttlMs = ctx.freshnessTtlMs ?? 1_000;
	const maxAge = BigInt(ctx.config.staleAfterSeconds);
	let cached: { at: number; rows: Map<string, ChainRow> } | null = null;
	let loading: Promise<Map<string, ChainRow>> | null = null;

	async function load() {
		const rows = await listChainRows(ctx.db);
		cached = { at: performance.now(), rows };
		return rows;
	}

	const freshness: Freshness = {
		rows() {
			if (cached && performance.now() - cached.at < ttlMs) return Promise.resolve(cached.rows);
			loading ??= load().finally(() => {
				loading = null;
			});
			return loading;
		},
		staleness(rows, chains) {
			const reasons: string[] = [];
			for (const chain of chains) {
				const row = rows.get(chain);
				if (!row) {
					reasons.push(`${chain} has not been indexed yet`);
					continue;
				}
				const age = row.age_seconds;
				if (age > maxAge) reasons.push(`${chain} was last updated ${age} s ago (limit ${maxAge} s)`);
			}
			return reasons;
		},
		async assertFresh(chains) {
			const rows = await freshness.rows();
			const reasons = freshness.staleness(rows, chains);
			if (reasons.length > 0) {
				throw new ApiError(503, "stale_data", `The indexed data is too stale to answer: ${reasons.join("; ")}.`, undefined, {
					"Retry-After": "5",
				});
			}
			return rows;
		},
	};
	return freshness;
}
