import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DASHBOARD_PAGES, dashboardAssets, SHELL_FILE } from "../../dashboard/files.ts";
import { createStaticFiles } from "../../dashboard/static-files.ts";
import { notFound } from "../errors.ts";
import { createRouter } from "../router.ts";

/**
 * Everything the dashboard loads comes from this origin: its scripts, styles and the API it reads.
 * No inline script or style, no frames, no form posting elsewhere.
 */
export const DASHBOARD_CSP =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Headers of every page and asset the oracle serves to browsers. */
export function browserHeaders(csp: string): Record<string, string> {
	return { "Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" };
}

/** `GET /` (redirect), `GET /dashboard`, `GET /dashboard/{page}` and the dashboard's assets. */
export function dashboardRoutes() {
	const app = createRouter();
	const headers = browserHeaders(DASHBOARD_CSP);
	const shell = createStaticFiles(new Map([["shell", SHELL_FILE]]));
	const assets = createStaticFiles(dashboardAssets());
	const page = async (c: Context) => (await shell.respond("shell", c.req.raw, headers)) ?? notFound(c);

	app.get("/", (c) => c.redirect("/dashboard", 302));
	app.openapi(
		createRoute({
			method: "get",
			path: "/dashboard",
			tags: ["System"],
			summary: "The dashboard: status, supply, holders, streams, credits, accounts and alerts, for people",
			description: `Pages: /dashboard and /dashboard/{${DASHBOARD_PAGES.join(",")}}. It reads only this API.`,
			responses: { 200: { description: "HTML", content: { "text/html": { schema: z.string() } } } },
		}),
		page,
	);
	for (const name of DASHBOARD_PAGES) app.get(`/dashboard/${name}`, page);
	app.get("/dashboard/assets/*", async (c) => {
		const path = c.req.path.slice("/dashboard/assets/".length);
		return (await assets.respond(path, c.req.raw, headers)) ?? notFound(c);
	});
	return app;
}
