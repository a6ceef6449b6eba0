import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";

/**
 * An initialised, empty PGlite cluster made at install time (`bin/build.js`, run by `prepare`):
 * `data/` and the PGlite `version` that made it. A new data directory is filled with a copy of it
 * instead of running PGlite's initdb, which takes 3–5 s on this machine against ~1 s for the copy
 * and the first open (docs/benchmarks.md, indexer, "Round three"). It holds no table of ours: the
 * migrations run on the copy as on any new database, so each copy gets its own installation id.
 */
export const PGLITE_TEMPLATE = fileURLToPath(new URL("../../dist/pglite-template/", import.meta.url));

/** The version of the installed PGlite (a cluster made by another version may not open). */
export function installedPgliteVersion(): string {
	let dir = new URL(".", import.meta.resolve("@electric-sql/pglite"));
	for (;;) {
		const manifest = new URL("package.json", dir);
		if (existsSync(manifest)) {
			const { name, version } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
			if (name === "@electric-sql/pglite" && version) return version;
		}
		const up = new URL("..", dir);
		if (up.href === dir.href) throw new Error("the installed @electric-sql/pglite has no package.json");
		dir = up;
	}
}

/** Written into a data directory before a copy of the template and removed after it. */
const COPYING = ".aleph-oracle-template-copy";

/**
 * Fills `dataDir` with a copy of `template` when the directory is absent or empty (or holds an
 * interrupted copy) and the template was made by the installed PGlite; returns whether it did.
 * The copy goes into the directory itself, which may be a mount point: a marker first, then the
 * cluster with `PG_VERSION` (what PGlite looks for) last, then the marker goes. A copy cut short
 * keeps its marker and is redone at the next start; PGlite never opens it.
 */
export function seedFromTemplate(dataDir: string, template = PGLITE_TEMPLATE): boolean {
	const entries = existsSync(dataDir) ? readdirSync(dataDir) : [];
	if (entries.length > 0 && !entries.includes(COPYING)) return false;
	const versionFile = `${template}/version`;
	if (!existsSync(versionFile) || readFileSync(versionFile, "utf8").trim() !== installedPgliteVersion()) return false;
	mkdirSync(dataDir, { recursive: true });
	writeFileSync(`${dataDir}/${COPYING}`, "");
	for (const entry of entries) if (entry !== COPYING) rmSync(`${dataDir}/${entry}`, { recursive: true, force: true });
	const cluster = readdirSync(`${template}/data`);
	for (const entry of [...cluster.filter((e) => e !== "PG_VERSION"), "PG_VERSION"]) {
		cpSync(`${template}/data/${entry}`, `${dataDir}/${entry}`, { recursive: true });
	}
	rmSync(`${dataDir}/${COPYING}`);
	return true;
}

/** Makes the template at `template` (replacing any): a fresh cluster, shut down cleanly, and its version. */
export async function makePgliteTemplate(template = PGLITE_TEMPLATE): Promise<void> {
	const partial = `${template.replace(/\/+$/, "")}.partial-${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(`${partial}/data`, { recursive: true });
	const client = await PGlite.create({ dataDir: `${partial}/data` });
	await client.close();
	writeFileSync(`${partial}/version`, `${installedPgliteVersion()}\n`);
	rmSync(template, { recursive: true, force: true });
	renameSync(partial, template);
}
