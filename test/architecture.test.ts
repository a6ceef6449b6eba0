/**
 * The import rules of the code base, checked on the import graph read from the sources: each rule
 * lists the edges that break it, so a forbidden import fails here with its file and target.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FOLDERS = ["bin", "src", "jobs", "devchain", "demo", "test", "bench"];

/** One import: the importing file, the specifier, and what it resolves to (a repo path, or a package name). */
type Edge = { from: string; to: string; kind: "file" | "package"; dynamic: boolean };

// Static imports and re-exports (`import … from "x"`, `import "x"`, `export … from "x"`; statements
// end with a semicolon in this code base, so `[^;]` keeps a match inside one statement) and
// dynamic `import("x")`.
const STATIC = /^[ \t]*(?:import|export)\b[^;]*?\bfrom[ \t]*"([^"]+)"|^[ \t]*import[ \t]*"([^"]+)"/gm;
const DYNAMIC = /\bimport\(\s*"([^"]+)"\s*\)/g;

function sourceFiles(folder: string): string[] {
	return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name))
		.map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

function packageOf(specifier: string): string {
	const parts = specifier.split("/");
	return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

function edgesOf(file: string): Edge[] {
	const source = readFileSync(join(ROOT, file), "utf8");
	const found = [
		...[...source.matchAll(STATIC)].map((m) => ({ specifier: (m[1] ?? m[2]) as string, dynamic: false })),
		...[...source.matchAll(DYNAMIC)].map((m) => ({ specifier: m[1] as string, dynamic: true })),
	];
	return found.map(({ specifier, dynamic }) =>
		specifier.startsWith(".")
			? { from: file, to: posix.normalize(posix.join(posix.dirname(file), specifier)), kind: "file", dynamic }
			: { from: file, to: specifier.startsWith("node:") ? specifier : packageOf(specifier), kind: "package", dynamic },
	);
}

const FILES = FOLDERS.flatMap(sourceFiles);
const EDGES = FILES.flatMap(edgesOf);
const ours = (edge: Edge) => edge.kind === "file";
const under = (path: string, ...prefixes: string[]) => prefixes.some((p) => path.startsWith(p));
const show = (edges: Edge[]) => edges.map((e) => `${e.from} → ${e.to}`).sort();

/** For these folders, the only folders of ours they may import (packages are free). */
const MAY_IMPORT_ONLY: Record<string, string[]> = {
	"src/lib/": ["src/lib/"],
	"src/db/": ["src/db/", "src/lib/"],
	"src/config/": ["src/config/", "src/lib/"],
	"src/rpc/": ["src/rpc/", "src/lib/"],
	// The pure core: pricing and the domain read no database, no network, no queue.
	"src/pricing/": ["src/pricing/", "src/lib/"],
	"src/domain/": ["src/domain/", "src/pricing/", "src/lib/"],
	// The job system runs injected processors: it knows neither entitlements nor webhooks.
	"src/queue/": ["src/queue/", "src/db/", "src/lib/"],
	"jobs/": ["jobs/", "src/"],
};

/** The edges that break each rule (an empty list: the rule holds). */
const RULES: Record<string, (edges: Edge[]) => Edge[]> = {
	"src/ never imports jobs/, bin/, devchain/, demo/, test/ or bench/": (edges) =>
		edges.filter((e) => ours(e) && under(e.from, "src/") && under(e.to, "jobs/", "bin/", "devchain/", "demo/", "test/", "bench/")),
	"each layer imports only the layers below it": (edges) =>
		edges.filter((e) => {
			if (!ours(e)) return false;
			const layer = Object.keys(MAY_IMPORT_ONLY).find((prefix) => e.from.startsWith(prefix));
			return layer !== undefined && !under(e.to, ...(MAY_IMPORT_ONLY[layer] as string[]));
		}),
	"only the runtime enters the indexer: the ledger, the entitlements, the queue and the API do not": (edges) =>
		edges.filter((e) => ours(e) && under(e.to, "src/indexer/") && under(e.from, "src/") && !under(e.from, "src/indexer/", "src/runtime/")),
};

const QUERY_CODE = /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|transaction)\(|\bsql\s*`/;

/** Files reachable from `entries` through static imports (what a process loads before any dynamic import). */
function staticClosure(entries: string[]): { files: Set<string>; packages: Map<string, string> } {
	const files = new Set<string>();
	const packages = new Map<string, string>();
	const stack = [...entries];
	while (stack.length > 0) {
		const file = stack.pop() as string;
		if (files.has(file)) continue;
		files.add(file);
		for (const edge of EDGES.filter((e) => e.from === file && !e.dynamic)) {
			if (ours(edge)) stack.push(edge.to);
			else if (!packages.has(edge.to)) packages.set(edge.to, file);
		}
	}
	return { files, packages };
}

describe("the import graph", () => {
	it("is read from the sources (known edges are found, every file import resolves)", () => {
		expect(FILES.length).toBeGreaterThan(100);
		expect(show(EDGES.filter((e) => e.from === "bin/cli.ts" && ours(e)))).toContain("bin/cli.ts → jobs/processors.ts");
		expect(EDGES.find((e) => e.from === "bin/cli.ts" && e.to === "demo/run.ts")?.dynamic).toBe(true);
		expect(EDGES.some((e) => e.from === "src/runtime/roles.ts" && e.to === "src/queue/job-system.ts")).toBe(true);
		const known = new Set(FILES);
		expect(show(EDGES.filter((e) => ours(e) && !known.has(e.to)))).toEqual([]);
	});

	it.each(Object.keys(RULES))("%s", (rule) => {
		expect(show((RULES[rule] as (edges: Edge[]) => Edge[])(EDGES))).toEqual([]);
	});

	it("each rule catches the import it forbids (synthetic edges added to the real graph)", () => {
		const edge = (from: string, to: string): Edge => ({ from, to, kind: "file", dynamic: false });
		const forbidden: [rule: string, edge: Edge][] = [
			["src/ never imports jobs/, bin/, devchain/, demo/, test/ or bench/", edge("src/api/app.ts", "devchain/anvil.ts")],
			["each layer imports only the layers below it", edge("src/domain/can-pay.ts", "src/db/database.ts")],
			["each layer imports only the layers below it", edge("src/pricing/costs.ts", "src/api/app.ts")],
			["each layer imports only the layers below it", edge("src/queue/job-system.ts", "src/entitlements/recompute.ts")],
			[
				"only the runtime enters the indexer: the ledger, the entitlements, the queue and the API do not",
				edge("src/api/app.ts", "src/indexer/watcher.ts"),
			],
		];
		for (const [rule, bad] of forbidden)
			expect(show((RULES[rule] as (edges: Edge[]) => Edge[])([...EDGES, bad])), rule).toEqual([`${bad.from} → ${bad.to}`]);
	});

	it("routes hold no SQL: no kysely, no query on ctx.db (queries live in src/api/queries or the module owning the table)", () => {
		const routes = FILES.filter((f) => f.startsWith("src/api/routes/"));
		const querying = routes.filter(
			(f) => QUERY_CODE.test(readFileSync(join(ROOT, f), "utf8")) || EDGES.some((e) => e.from === f && e.to === "kysely"),
		);
		expect(querying).toEqual([]);
	});

	it("a production install runs the CLI: bin/ loads no devDependency and no dev tooling before the demo's dynamic import", () => {
		const { devDependencies } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
		// aleph-oracle.js registers tsx, then imports cli.ts dynamically: both are entry points.
		const { files, packages } = staticClosure(["bin/aleph-oracle.js", "bin/cli.ts"]);
		expect([...files].filter((f) => under(f, "devchain/", "demo/", "test/", "bench/")).sort()).toEqual([]);
		expect([...packages].filter(([pkg]) => pkg in devDependencies).map(([pkg, file]) => `${pkg} (from ${file})`)).toEqual([]);
		expect(files.has("src/runtime/roles.ts") && packages.has("tsx")).toBe(true);
	});
});
