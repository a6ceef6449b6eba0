import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { type Config, loadConfig } from "../config/env.ts";
import { ConfigError, describeError } from "../lib/errors.ts";
import { createLogger } from "../lib/logger.ts";
import { ROLES, type Role, runRole } from "../runtime/roles.ts";

const USAGE = `usage: aleph-oracle [${ROLES.join(" | ")}]   (default: all)`;

/** Variables from `.env` (when present) under those of the real environment. */
function environment(): NodeJS.ProcessEnv {
	const file = ".env";
	const fromFile = existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
	return { ...fromFile, ...process.env };
}

async function main(): Promise<number> {
	const role = (process.argv[2] ?? "all") as Role;
	if (!ROLES.includes(role)) {
		console.error(`unknown role "${process.argv[2]}"\n${USAGE}`);
		return 1;
	}
	let config: Config;
	try {
		config = loadConfig(environment());
	} catch (error) {
		if (error instanceof ConfigError) {
			for (const issue of error.issues) console.error(`${issue.variable}: ${issue.message}`);
			return 1;
		}
		throw error;
	}
	const logger = createLogger(config.logLevel, { role });
	try {
		// The demo needs the dev chains (devDependencies): loaded only for it.
		if (role === "demo") return await (await import("../demo/run.ts")).runDemo(config, logger);
		return await runRole(role, config, logger);
	} catch (error) {
		if (error instanceof ConfigError) {
			for (const issue of error.issues) console.error(`${issue.variable}: ${issue.message}`);
			return 1;
		}
		logger.fatal({ err: error }, `Stopped on an unrecoverable error: ${describeError(error)}`);
		return 2;
	}
}

process.exitCode = await main();
// Open handles (pools, timers) must not keep a finished role alive.
setTimeout(() => process.exit(), 1_000).unref();
