#!/usr/bin/env node
// Runs the CLI compiled at install time (`dist/`, see bin/build.js) when it is newer than every
// source file; else the TypeScript through tsx's loader (a runtime dependency), so an edited
// checkout never runs stale code and the package works without a build step.
import { existsSync, readdirSync, statSync } from "node:fs";

const root = new URL("../", import.meta.url);
const compiled = new URL("dist/cli.js", root);
const SOURCES = ["bin", "src", "jobs", "demo", "devchain"];

/** The newest modification time of the TypeScript sources, ms. */
function newestSource() {
	let newest = 0;
	for (const folder of SOURCES) {
		const dir = new URL(`${folder}/`, root);
		if (!existsSync(dir)) continue;
		for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
			if (entry.isFile() && entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
		}
	}
	return newest;
}

if (existsSync(compiled) && statSync(compiled).mtimeMs > newestSource()) {
	await import(compiled.href);
} else {
	const { register } = await import("tsx/esm/api");
	register();
	await import("./cli.ts");
}
