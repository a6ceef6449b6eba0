/** How the oracle serves the dashboard: pages, assets, caching, compression and the security headers. */
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../../src/api/routes/dashboard.ts";
import { createTestApi, type TestApi } from "../api/helpers.ts";

let api: TestApi;

beforeAll(async () => {
	api = await createTestApi();
});
afterAll(async () => {
	await api.database.drop();
});

const PAGES = ["/dashboard", "/dashboard/holders", "/dashboard/streams", "/dashboard/credits", "/dashboard/account", "/dashboard/alerts"];

describe("GET /dashboard", () => {
	it("redirects / to the dashboard", async () => {
		const res = await api.request("/");
		expect(res.status).toBe(302);
		expect(res.headers.get("location")).toBe("/dashboard");
	});

	it("answers every page with the same shell, under the strict CSP", async () => {
		const bodies = new Set<string>();
		for (const page of PAGES) {
			const res = await api.request(page);
			expect(res.status, page).toBe(200);
			expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
			expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
			expect(res.headers.get("x-content-type-options")).toBe("nosniff");
			expect(res.headers.get("referrer-policy")).toBe("no-referrer");
			bodies.add(await res.text());
		}
		expect(bodies.size).toBe(1);
		const [html = ""] = bodies;
		expect(DASHBOARD_CSP).toBe(
			"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		);
		// Nothing inline that the CSP would block, nothing from another origin.
		expect(html).not.toMatch(/<script>|<style|\sstyle=|\son\w+=|https?:\/\//);
	});

	it("answers 404 in the error shape for a page that does not exist", async () => {
		const res = await api.request("/dashboard/nothing");
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: { code: "not_found", message: "No route serves GET /dashboard/nothing." } });
	});
});

describe("GET /dashboard/assets/…", () => {
	it("serves every file the shell and the modules reference (so no import is broken)", async () => {
		const html = await (await api.request("/dashboard")).text();
		const queue = [...html.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
		// app.js imports the module of the page it shows.
		for (const page of ["overview", "holders", "streams", "credits", "account", "alerts"]) queue.push(`/dashboard/assets/pages/${page}.js`);
		const seen = new Set<string>();
		while (queue.length > 0) {
			const path = queue.shift() as string;
			if (seen.has(path)) continue;
			seen.add(path);
			const res = await api.request(path);
			expect(res.status, path).toBe(200);
			if (!path.endsWith(".js")) continue;
			const text = await res.text();
			const base = new URL(path, "http://oracle.test");
			// Static and dynamic imports, and the asset paths the modules load at run time.
			for (const m of text.matchAll(/(?:from|import\()\s*["'`](\.[^"'`$]+)["'`]/g)) queue.push(new URL(m[1] as string, base).pathname);
			for (const m of text.matchAll(/["'](\/dashboard\/assets\/[^"']+)["']/g)) queue.push(m[1] as string);
		}
		expect([...seen]).toEqual(
			expect.arrayContaining([
				"/dashboard/assets/app.js",
				"/dashboard/assets/style.css",
				"/dashboard/assets/lib/charts.js",
				"/dashboard/assets/vendor/uplot.js",
				"/dashboard/assets/vendor/uplot.css",
			]),
		);
	});

	it("sends each file with its type, gzip when accepted, an ETag, and 304 when the browser has it", async () => {
		const plain = await api.request("/dashboard/assets/vendor/uplot.js");
		expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
		expect(plain.headers.get("content-encoding")).toBeNull();
		expect(plain.headers.get("cache-control")).toBe("no-cache");
		const body = Buffer.from(await plain.arrayBuffer());
		expect(body.toString("utf8")).toContain("uPlot");

		const zipped = await api.request("/dashboard/assets/vendor/uplot.js", { headers: { "accept-encoding": "gzip, deflate, br" } });
		expect(zipped.headers.get("content-encoding")).toBe("gzip");
		expect(zipped.headers.get("vary")).toBe("Accept-Encoding");
		const compressed = Buffer.from(await zipped.arrayBuffer());
		expect(compressed.length).toBeLessThan(body.length / 2);
		expect(gunzipSync(compressed).equals(body)).toBe(true);

		const etag = plain.headers.get("etag") as string;
		expect(etag).toMatch(/^"[\w-]{22}"$/);
		const again = await api.request("/dashboard/assets/vendor/uplot.js", { headers: { "if-none-match": etag } });
		expect(again.status).toBe(304);
		expect(await again.text()).toBe("");
		expect((await api.request("/dashboard/assets/style.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
		expect((await api.request("/dashboard/assets/icon.svg")).headers.get("content-type")).toBe("image/svg+xml");
	});

	it("serves only its own files: unknown paths and escapes are 404", async () => {
		for (const path of [
			"/dashboard/assets/nothing.js",
			"/dashboard/assets/%2e%2e/files.ts",
			"/dashboard/assets/..%2ffiles.ts",
			"/dashboard/assets/../../package.json",
			"/dashboard/assets/shell.html",
			"/docs/assets/swagger-ui.js.map",
		]) {
			const res = await api.request(path);
			expect(res.status, path).toBe(404);
		}
	});
});
