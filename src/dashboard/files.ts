import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const fromPackages = createRequire(import.meta.url);

/** The page every dashboard URL answers with; its script renders the page named by the path. */
export const SHELL_FILE = join(here, "shell.html");
/** The `/docs` page: Swagger UI reading `/openapi.json`. */
export const DOCS_FILE = join(here, "docs.html");

/** Pages under `/dashboard/…` besides the overview at `/dashboard`. */
export const DASHBOARD_PAGES = ["holders", "streams", "credits", "account", "alerts"] as const;

/**
 * What `/dashboard/assets/…` serves: our own files of `public/` (plain ES modules and CSS, no build
 * step) and uPlot's minified build and stylesheet from its npm package.
 */
export function dashboardAssets(): Map<string, string> {
	const root = join(here, "public");
	const files = new Map<string, string>();
	for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const file = join(entry.parentPath, entry.name);
		files.set(relative(root, file).split(sep).join("/"), file);
	}
	files.set("vendor/uplot.js", fromPackages.resolve("uplot/dist/uPlot.iife.min.js"));
	files.set("vendor/uplot.css", fromPackages.resolve("uplot/dist/uPlot.min.css"));
	return files;
}

/** What `/docs/assets/…` serves: Swagger UI from `swagger-ui-dist`, and our script that starts it. */
export function docsAssets(): Map<string, string> {
	return new Map([
		["swagger-ui.css", fromPackages.resolve("swagger-ui-dist/swagger-ui.css")],
		["swagger-ui-bundle.js", fromPackages.resolve("swagger-ui-dist/swagger-ui-bundle.js")],
		["docs.js", join(here, "docs.js")],
		["docs.css", join(here, "docs.css")],
	]);
}
