import { createRoute, z } from "@hono/zod-openapi";
import { observeQueueDepths } from "../../queue/job-system.ts";
import { feedStatuses } from "../feeds.ts";
import { listChainRows } from "../queries/chains.ts";
import { checkReadiness } from "../readiness.ts";
import { createRouter, type RouteDeps } from "../router.ts";

const HealthSchema = z.object({ ok: z.literal(true) }).openapi("Health");
const ReadySchema = z
	.object({ ok: z.boolean(), reasons: z.array(z.string()).openapi({ example: ["AVAX is 120 blocks behind its head (limit 30)"] }) })
	.openapi("Readiness");

/** `GET /health`, `GET /ready`, `GET /metrics`. */
export function systemRoutes(deps: RouteDeps) {
	const { ctx } = deps;
	const app = createRouter();

	app.openapi(
		createRoute({
			method: "get",
			path: "/health",
			tags: ["System"],
			summary: "Liveness: 200 while the process runs",
			responses: { 200: { description: "Alive", content: { "application/json": { schema: HealthSchema } } } },
		}),
		(c) => c.json({ ok: true as const }, 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/ready",
			tags: ["System"],
			summary: "Readiness: the database answers, every watcher is within its lag threshold, and one network feed (if any) is",
			responses: {
				200: { description: "Ready", content: { "application/json": { schema: ReadySchema } } },
				503: { description: "Not ready, with the reasons", content: { "application/json": { schema: ReadySchema } } },
			},
		}),
		async (c) => {
			const readiness = await (ctx.ready ? ctx.ready() : checkReadiness(deps));
			const body = { ok: readiness.ok, reasons: readiness.reasons };
			return readiness.ok ? c.json(body, 200) : c.json(body, 503);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/metrics",
			tags: ["System"],
			summary: "Prometheus metrics: indexed block, head and lag per chain, RPC, jobs, HTTP latencies",
			responses: { 200: { description: "Prometheus text exposition", content: { "text/plain": { schema: z.string() } } } },
		}),
		async (c) => {
			const { metrics } = ctx;
			for (const row of (await listChainRows(ctx.db)).values()) {
				metrics.indexedBlock.set({ chain: row.chain }, Number(row.indexed_block));
				if (row.head_block === null) continue;
				metrics.headBlock.set({ chain: row.chain }, Number(row.head_block));
				metrics.lagBlocks.set({ chain: row.chain }, Number(row.head_block - row.indexed_block));
			}
			for (const feed of await feedStatuses(ctx)) {
				if (feed.lagSeconds !== null) metrics.feedLagSeconds.set({ url: feed.url }, feed.lagSeconds);
			}
			if (ctx.queue) await observeQueueDepths(ctx.queue, metrics);
			c.header("Content-Type", metrics.registry.contentType);
			return c.text(await metrics.registry.metrics(), 200);
		},
	);
	return app;
}
