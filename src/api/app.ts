import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import type { ApiContext, ApiEnv } from "./context.ts";
import { createErrorHandler, notFound, validationHook } from "./errors.ts";
import { createFreshness } from "./freshness.ts";
import { accessLog } from "./middleware/access-log.ts";
import { bodyLimit } from "./middleware/body-limit.ts";
import { createRouteDeps } from "./router.ts";
import { accountHistoryRoutes } from "./routes/account-history.ts";
import { accountResourceRoutes } from "./routes/account-resources.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { balancesUpdateRoutes } from "./routes/balances-update.ts";
import { canPayRoutes } from "./routes/can-pay.ts";
import { ccnRoutes } from "./routes/ccn.ts";
import { creditRoutes } from "./routes/credits.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { docsRoutes, type OpenApiDocument } from "./routes/docs.ts";
import { resourceRoutes } from "./routes/resources.ts";
import { statsRoutes } from "./routes/stats.ts";
import { statsSummaryRoutes } from "./routes/stats-summary.ts";
import { statusRoutes } from "./routes/status.ts";
import { systemRoutes } from "./routes/system.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

/** Largest request body by default: 256 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** GET routes browsers may read from any origin. */
const CORS_PATHS = [
	"/v1/status",
	"/v1/accounts/*",
	"/v1/stats/*",
	"/v1/alerts",
	"/v1/balances-update/*",
	"/api/v0/addresses/*",
	"/api/v0/credit_balances",
	"/api/v0/messages/*",
	"/openapi.json",
];

/**
 * The HTTP API: every route of the interface as sub-apps, one error handler, request ids, access
 * logs and latency metrics, CORS on the GET analytics routes, a body size limit, and the OpenAPI
 * document of it all at `/openapi.json` and `/docs`. Does not listen and reads no environment.
 */
export function createApp(ctx: ApiContext): OpenAPIHono<ApiEnv> {
	const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
	const deps = createRouteDeps(ctx, createFreshness(ctx));
	const maxBytes = ctx.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

	app.use(requestId({ limitLength: 128 }));
	app.use(accessLog(ctx.logger, ctx.metrics));
	app.use(bodyLimit(maxBytes));
	const corsHeaders = cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], exposeHeaders: ["X-Request-Id"], maxAge: 600 });
	// Only browsers send Origin; for everyone else the CORS headers are noise, and setting them
	// before the handler runs turns node-server's light response into a full one (measured: half the throughput).
	const analytics: MiddlewareHandler<ApiEnv> = (c, next) => (c.req.header("origin") === undefined ? next() : corsHeaders(c, next));
	for (const path of CORS_PATHS) app.use(path, analytics);
	app.onError(createErrorHandler(ctx.logger));
	app.notFound(notFound);

	app.route("/", systemRoutes(deps));
	app.route("/v1", statusRoutes(deps));
	app.route("/v1/accounts", accountRoutes(deps));
	app.route("/v1/accounts", accountHistoryRoutes(deps));
	app.route("/v1/accounts", accountResourceRoutes(deps));
	app.route("/v1", canPayRoutes(deps));
	app.route("/v1/resources", resourceRoutes(deps));
	app.route("/api/v0", ccnRoutes(deps));
	app.route("/api/v0", creditRoutes(deps));
	app.route("/v1/balances-update", balancesUpdateRoutes(deps));
	app.route("/v1/stats", statsRoutes(deps));
	app.route("/v1/stats", statsSummaryRoutes(deps));
	app.route("/v1/alerts", alertRoutes(deps));
	app.route("/v1/webhooks", webhookRoutes(deps));

	app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
		type: "http",
		scheme: "bearer",
		description: "One of the keys in API_KEYS",
	});
	let document: OpenApiDocument | undefined;
	const getDocument = () => {
		document ??= app.getOpenAPIDocument({
			openapi: "3.0.3",
			info: {
				title: "aleph-oracle",
				version: "1",
				description:
					"Blockchain indexer and payment oracle of the Aleph Cloud network. Amounts are exact decimal strings; addresses are accepted in any case and returned checksummed.",
			},
		});
		return document;
	};
	app.route("/", docsRoutes(getDocument));
	app.route("/", dashboardRoutes());
	return app;
}
