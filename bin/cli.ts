import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { setFlagsFromString } from "node:v8";
import { createProcessors } from "../jobs/processors.ts";
import { loadConfig } from "../src/config/env.ts";
import { ConfigError, describeError } from "../src/lib/errors.ts";
import { createLogger, type Logger } from "../src/lib/logger.ts";
import { ROLES, type Role, runRole } from "../src/runtime/roles.ts";

const USAGE = `usage: aleph-oracle [${ROLES.join(" | ")}]   (default: all)`;

/** Variables from `.env` (when present) under those of the real environment. */
function environment(): NodeJS.ProcessEnv {
	const file = ".env";
	const fromFile = existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
	return { ...fromFile, ...process.env };
}

/**
 * Lets V8 grow the old generation to 1.5 × what a full collection left live, instead of up to
 * ~4 × by default. A backfill keeps 70–90 MB live (the eth_getLogs answers in flight and the batch
 * being written), which the default let grow to a ~200 MB heap and 330–400 MB of RSS; with 1.5 ×
 * the peak stays under 300 MB, for more full collections (docs/benchmarks.md, indexer, "Round three").
 * `node --heap-growing-percent=<n> bin/aleph-oracle.js …` wins (0: V8's default); V8 refuses the
 * flag in NODE_OPTIONS.
 */
function boundHeapGrowth(): void {
	if (!process.execArgv.some((a) => a.startsWith("--heap-growing-percent") || a.startsWith("--heap_growing_percent"))) {
		setFlagsFromString("--heap-growing-percent=50");
	}
}

async function main(): Promise<number> {
	boundHeapGrowth();
	const role = (process.argv[2] ?? "all") as Role;
	if (!ROLES.includes(role)) {
		console.error(`unknown role "${process.argv[2]}"\n${USAGE}`);
		return 1;
	}
	let logger: Logger | undefined;
	try {
		const config = loadConfig(environment());
		logger = createLogger(config.logLevel, { role });
		// The demo needs the dev chains (devDependencies): loaded only for it.
		if (role === "demo") return await (await import("../demo/run.ts")).runDemo(config, logger);
		return await runRole(role, config, logger, createProcessors);
	} catch (error) {
		if (error instanceof ConfigError) {
			for (const issue of error.issues) console.error(`${issue.variable}: ${issue.message}`);
			return 1;
		}
		if (!logger) throw error;
		logger.fatal({ err: error }, `Stopped on an unrecoverable error: ${describeError(error)}`);
		return 2;
	}
}

process.exitCode = await main();
// Open handles (pools, timers) must not keep a finished role alive.
setTimeout(() => process.exit(), 1_000).unref();
