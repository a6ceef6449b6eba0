#!/usr/bin/env node
/**
 * Compiles the CLI to plain JavaScript in `dist/` (`npm run build`; npm runs it as `prepare` on
 * every `npm install` and `npm ci`, with or without dev dependencies), so a start does not compile
 * the TypeScript again: `bin/aleph-oracle.js` runs `dist/` while it is newer than every source file,
 * else the sources through tsx. One ES module bundle of our code and of the pure-JS packages (the others left as imports);
 * the demo (dev dependencies) is a chunk of its own, loaded only by `demo`. esbuild is tsx's
 * (a runtime dependency); without it the build is skipped and every start goes through tsx.
 */
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const outdir = `${root}dist`;

let esbuild;
try {
	esbuild = createRequire(createRequire(import.meta.url).resolve("tsx/package.json"))("esbuild");
} catch {
	console.warn("aleph-oracle: esbuild not found, not compiled (starts compile the TypeScript with tsx)");
	process.exit(0);
}

/** `import.meta.url` of a source file, as seen from the bundle: files next to the sources (migrations, pages) keep resolving. */
const sourceUrls = {
	name: "source-urls",
	setup(build) {
		build.onLoad({ filter: /\.ts$/ }, async (args) => {
			if (args.path.includes("/node_modules/")) return undefined;
			const { readFile } = await import("node:fs/promises");
			const source = await readFile(args.path, "utf8");
			const fromBundle = relative(outdir, args.path).split("\\").join("/");
			return {
				contents: source.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
				loader: "ts",
				resolveDir: dirname(args.path),
			};
		});
	},
};

const manifest = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
const KEEP_EXTERNAL = ["msgpackr", "pg", "pino", "prom-client", "@electric-sql/pglite", "secp256k1", "swagger-ui-dist", "uplot", "tsx"];

rmSync(outdir, { recursive: true, force: true });
const started = performance.now();
await esbuild.build({
	entryPoints: { cli: `${root}bin/cli.ts` },
	outdir,
	bundle: true,
	splitting: true,
	format: "esm",
	platform: "node",
	target: "node20",
	// Bundled: the pure-JS packages whose module graphs are most of a start (viem, zod, hono, kysely).
	// Kept as imports: those that read files next to their own modules, load native addons or
	// start workers (bullmq's Lua scripts, PGlite's wasm, secp256k1, pino's transports), and the
	// dev dependencies (only the demo needs them).
	external: [...KEEP_EXTERNAL, ...Object.keys(manifest.devDependencies ?? {})],
	sourcemap: "linked",
	// Bundled CommonJS packages (ioredis) require Node's modules: give them a require.
	banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
	logLevel: "warning",
	plugins: [sourceUrls],
});
console.log(`aleph-oracle: compiled to dist/ in ${Math.round(performance.now() - started)} ms`);

// The empty PGlite cluster a new DATA_DIR is copied from (src/db/pglite-template.ts), made with
// the sources through tsx so that there is one implementation of it.
const templateStarted = performance.now();
const { register } = await import("tsx/esm/api");
const unregister = register();
const { makePgliteTemplate } = await import("../src/db/pglite-template.ts");
await makePgliteTemplate();
await unregister();
console.log(`aleph-oracle: PGlite template in dist/pglite-template in ${Math.round(performance.now() - templateStarted)} ms`);
