import { createRoute, z } from "@hono/zod-openapi";
import { type OpenApiDocument, renderDocsPage } from "../docs-page.ts";
import { createRouter } from "../router.ts";

/** `GET /openapi.json` and `GET /docs`, from the document of the whole app (built once, on first use). */
export function docsRoutes(getDocument: () => OpenApiDocument) {
	const app = createRouter();
	let page: string | undefined;

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
			summary: "A page to read the OpenAPI document (self-contained, works offline)",
			responses: { 200: { description: "HTML", content: { "text/html": { schema: z.string() } } } },
		}),
		(c) => {
			page ??= renderDocsPage(getDocument());
			return c.html(page, 200);
		},
	);
	return app;
}
