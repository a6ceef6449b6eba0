import { Hono } from "hono";
import { type ApiServer, startServer } from "../api/server.ts";
import type { Metrics } from "../lib/metrics.ts";

/**
 * `GET /metrics` (and `GET /health`) on a port of its own, for the roles without the API
 * (`watch`, `work`): their RPC, watcher and job counters live in their process. `refresh` sets
 * the gauges read at scrape time (queue depths).
 */
export function startMetricsServer(options: {
	host: string;
	port: number;
	metrics: Metrics;
	refresh?: () => Promise<void>;
}): Promise<ApiServer> {
	const { metrics } = options;
	const app = new Hono();
	app.get("/health", (c) => c.json({ ok: true }));
	app.get("/metrics", async (c) => {
		await options.refresh?.();
		c.header("Content-Type", metrics.registry.contentType);
		return c.text(await metrics.registry.metrics());
	});
	return startServer(app, { host: options.host, port: options.port });
}
