import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DOCS_FILE, docsAssets } from "../../dashboard/files.ts";
import { createStaticFiles } from "../../dashboard/static-files.ts";
import { notFound } from "../errors.ts";
import { createRouter } from "../router.ts";
import { browserHeaders } from "./dashboard.ts";

/** The OpenAPI document `createApp` builds from the routes; served as is. */
export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPIDocument"]>;

/**
 * Swagger UI keeps to this origin like the dashboard, but sets `style` attributes and injects
 * `<style>` elements as it renders (its syntax highlighter and models view), so styles may be
 * inline; scripts may not.
 */
export const DOCS_CSP =
	"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** `GET /openapi.json` and `GET /docs` (Swagger UI, served offline from `swagger-ui-dist`), from the document of the whole app. */
export function docsRoutes(getDocument: () => OpenApiDocument) {
	const app = createRouter();
	const headers = browserHeaders(DOCS_CSP);
	const page = createStaticFiles(new Map([["docs", DOCS_FILE]]));
	const assets = createStaticFiles(docsAssets());

	app.openapi(
		createRoute({
			method: "get",
			path: "/openapi.json",
			tags: ["System"],
			summary: "The OpenAPI 3.0 document of this API",
			responses: {
				200: { description: "OpenAPI document", content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } },
			},
		}),
		(c) => c.json(getDocument() as unknown as Record<string, unknown>, 200),
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/docs",
			tags: ["System"],
			summary: "An interactive reader of the OpenAPI document, with try-it-out (Swagger UI, served offline)",
			responses: { 200: { description: "HTML", content: { "text/html": { schema: z.string() } } } },
		}),
		async (c: Context) => (await page.respond("docs", c.req.raw, headers)) ?? notFound(c),
	);
	app.get(
		"/docs/assets/*",
		async (c) => (await assets.respond(c.req.path.slice("/docs/assets/".length), c.req.raw, headers)) ?? notFound(c),
	);
	return app;
}
