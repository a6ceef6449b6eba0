import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Logger } from "../../lib/logger.ts";
import type { Metrics } from "../../lib/metrics.ts";
import type { ApiEnv } from "../context.ts";

/** The route pattern that answered (`/v1/accounts/:address`), or `unmatched`: never the raw path. */
export function routeLabel(c: Context): string {
	const routes = matchedRoutes(c);
	for (let i = routes.length - 1; i >= 0; i--) {
		const route = routes[i];
		if (route && route.method !== "ALL") return route.path;
	}
	return "unmatched";
}

/**
 * Times every request into `metrics.httpSeconds` (labelled by route pattern, method and status)
 * and writes one access log line: request id, method, route, path, status, duration. Headers and
 * bodies are never logged, so neither are API keys.
 */
export function accessLog(logger: Logger, metrics: Metrics): MiddlewareHandler<ApiEnv> {
	// One labelled child per (route, method, status): prom-client hashes the labels once, not per request.
	const series = new Map<string, { observe(value: number): void }>();
	return async function accessLog(c, next) {
		const started = performance.now();
		await next();
		const seconds = (performance.now() - started) / 1000;
		const route = routeLabel(c);
		const status = c.res.status;
		const key = `${route} ${c.req.method} ${status}`;
		let child = series.get(key);
		if (!child) {
			child = metrics.httpSeconds.labels({ route, method: c.req.method, status: String(status) });
			series.set(key, child);
		}
		child.observe(seconds);
		if (!logger.isLevelEnabled("info")) return;
		logger.info(
			{
				request_id: c.get("requestId"),
				method: c.req.method,
				route,
				path: c.req.path,
				status,
				duration_ms: Math.round(seconds * 1e4) / 10,
			},
			"Served request",
		);
	};
}
