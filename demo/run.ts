import type { Config } from "../src/config/env.ts";
import { describeError } from "../src/lib/errors.ts";
import type { Logger } from "../src/lib/logger.ts";
import { CleanupStack, listenForStop, Stopped } from "./lifecycle.ts";
import { readDemoOptions } from "./options.ts";
import { clock } from "./progress.ts";
import { startDemo } from "./start.ts";

/** Prints one line on stdout (the service's JSON logs go there too, at `warn` by default). */
function print(line: string): void {
	process.stdout.write(`${line}\n`);
}

/**
 * `aleph-oracle demo`: the whole system on this machine, offline. Starts three anvil chains with
 * ALEPH (ERC-20 on ETH, Superfluid Super Token on AVAX and BASE), funds a few hundred accounts, runs
 * the service (watchers, workers, API: `startRole("all")`) on a fresh database of its own, plays
 * the scripted cases, prints the URLs and example `curl` lines, then generates activity until
 * SIGINT/SIGTERM. Returns 0 after a stop by signal, at any stage; every anvil it started is gone
 * by then. Throws on an unrecoverable failure (after the same cleanup).
 *
 * `config` is the user's: its database, queue, listen address, keys and limits are kept, and its
 * chains are replaced by the local ones (through `loadConfig`, like any deployment's). The
 * service logs at `warn` unless `LOG_LEVEL` is set in the environment.
 */
export async function runDemo(config: Config, logger: Logger): Promise<number> {
	const options = readDemoOptions();
	const serviceLevel = process.env.LOG_LEVEL ? config.logLevel : "warn";
	const log = logger.child({ demo: true }, { level: serviceLevel });
	const stop = listenForStop((signal) => print(`\n  ${clock()}  ${signal}: stopping the activity, the service and the chains…`));
	const cleanup = new CleanupStack();
	try {
		// Start-up steps can hang on a chain that a terminal's Ctrl-C already killed: a stop signal
		// wins the race, and whatever is still pending is dropped.
		const starting = startDemo({ config, options, log, serviceLevel, print, stop, cleanup });
		starting.catch(() => {});
		const running = await Promise.race([starting, stop.stopped.then(() => null)]);
		if (running) await Promise.race([stop.stopped, running.done]);
		return 0;
	} catch (error) {
		if (error instanceof Stopped || stop.signal.aborted) return 0;
		throw error;
	} finally {
		await cleanup.run((name, error) => log.error({ step: name, err: describeError(error) }, "A demo shutdown step failed"));
		stop.dispose();
		if (stop.received) {
			const database = options.keepData ? "kept its database" : "removed its database";
			print(`  ${clock()}  stopped: this run's chains and service are gone; ${database}`);
		}
	}
}
