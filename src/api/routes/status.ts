import { createRoute, z } from "@hono/zod-openapi";
import { FeedStatusSchema, feedStatuses, PricingStatusSchema, pricingStatus } from "../feeds.ts";
import { blockNumber } from "../format.ts";
import { listChainRows } from "../queries/chains.ts";
import { headIsCurrent } from "../readiness.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { json } from "../schemas/common.ts";

const ProgressSchema = z
	.object({
		phase: z.enum(["backfill", "live"]),
		blocksPerSecond: z.number(),
		logsPerSecond: z.number(),
		etaSeconds: z.number().nullable(),
	})
	.openapi("WatcherProgress");

const ChainStatusSchema = z
	.object({
		chain: z.string().openapi({ example: "AVAX" }),
		chainId: z.number().int().nullable(),
		startBlock: z.number().int().nullable().openapi({ description: "First block indexed (backfill progress is measured from it)" }),
		indexedBlock: z.number().int().nullable(),
		headBlock: z.number().int().nullable(),
		headReadAt: z
			.string()
			.nullable()
			.openapi({ format: "date-time", description: "Last successful read of the head block by the watcher" }),
		lagBlocks: z
			.number()
			.int()
			.nullable()
			.openapi({ description: "Head minus indexed block; null when unknown (no head read within a few poll intervals)" }),
		finalizedBlock: z.number().int().nullable(),
		updatedAt: z.string().nullable().openapi({ format: "date-time" }),
		stale: z.boolean().openapi({ description: "Older than the staleness limit (or never indexed): routes answering from it give 503" }),
		progress: ProgressSchema.nullable(),
	})
	.openapi("ChainStatus");

const QueueStatusSchema = z
	.object({
		kind: z.enum(["bullmq", "local"]),
		reachable: z.boolean().openapi({ description: "false while Redis does not answer: nothing is recomputed" }),
	})
	.openapi("QueueStatus");

const StatusSchema = z
	.object({
		chains: z.array(ChainStatusSchema),
		staleAfterSeconds: z.number().int(),
		queue: QueueStatusSchema.nullable(),
		feeds: z.array(FeedStatusSchema).openapi({ description: "The network feeds (ALEPH_API_URLS), in configuration order" }),
		pricing: PricingStatusSchema,
	})
	.openapi("Status");

/** `GET /v1/status`: the cursor of every configured chain, with its backfill progress, and whether the job queue answers. */
export function statusRoutes(deps: RouteDeps) {
	const app = createRouter();
	app.openapi(
		createRoute({
			method: "get",
			path: "/status",
			tags: ["System"],
			summary: "Indexing status per chain, of the network feeds and of the job queue",
			responses: { 200: json(StatusSchema, "Cursor, head, lag and progress of every configured chain; the feeds; the job queue") },
		}),
		async (c) => {
			const { queue } = deps.ctx;
			const [rows, reachable] = await Promise.all([listChainRows(deps.ctx.db), queue?.reachable()]);
			const chains = deps.chains.map((chain) => {
				const row = rows.get(chain);
				const stale = deps.fresh.staleness(rows, [chain]).length > 0;
				const config = deps.ctx.config.chains.find((c) => c.name === chain);
				if (!row) {
					return {
						chain,
						chainId: config?.chainId ?? null,
						startBlock: config ? blockNumber(config.startBlock) : null,
						indexedBlock: null,
						headBlock: null,
						headReadAt: null,
						lagBlocks: null,
						finalizedBlock: null,
						updatedAt: null,
						stale,
						progress: null,
					};
				}
				return {
					chain,
					chainId: Number(row.chain_id),
					startBlock: blockNumber(row.start_block),
					indexedBlock: blockNumber(row.indexed_block),
					headBlock: blockNumber(row.head_block),
					headReadAt: row.head_read_at?.toISOString() ?? null,
					lagBlocks: row.head_block !== null && config && headIsCurrent(row, config) ? Number(row.head_block - row.indexed_block) : null,
					finalizedBlock: blockNumber(row.finalized_block),
					updatedAt: row.updated_at.toISOString(),
					stale,
					progress: row.progress,
				};
			});
			const [feeds, pricing] = await Promise.all([feedStatuses(deps.ctx), pricingStatus(deps.ctx)]);
			return c.json(
				{
					chains,
					staleAfterSeconds: deps.ctx.config.staleAfterSeconds,
					queue: queue ? { kind: queue.kind, reachable: reachable === true } : null,
					feeds,
					pricing,
				},
				200,
			);
		},
	);
	return app;
}
