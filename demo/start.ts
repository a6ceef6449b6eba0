import { randomBytes } from "node:crypto";
import { getAddress } from "viem";
import { createProcessors } from "../jobs/processors.ts";
import { type Config, loadConfig } from "../src/config/env.ts";
import { describeError } from "../src/lib/errors.ts";
import type { Logger } from "../src/lib/logger.ts";
import { sleep } from "../src/lib/sleep.ts";
import { loadAggregates } from "../src/runtime/aggregates.ts";
import { type Running, startRole } from "../src/runtime/roles.ts";
import { openInitialStreams, startActivity } from "./activity.ts";
import { createApiClient } from "./api-client.ts";
import { bannerLines } from "./banner.ts";
import {
	chainEnvironment,
	type DemoChain,
	isStreamChain,
	type StreamChain,
	startDemoChains,
	startIntervalMining,
	stopDemoChains,
} from "./chains.ts";
import type { DemoContext } from "./context.ts";
import { creditEnvironment, openCreditScenario, startCreditNetwork, startExpenses } from "./credits.ts";
import { fundPopulation } from "./funding.ts";
import { type CleanupStack, STOP_GRACE_MS, type StopSignal, settleWithin } from "./lifecycle.ts";
import type { DemoOptions } from "./options.ts";
import { countAccounts, planPopulation } from "./population.ts";
import { assertPortFree, portInUse } from "./port.ts";
import { clock, startProgress } from "./progress.ts";
import { createRandom } from "./random.ts";
import { awaitShowcase, driftBelowLocked, openScenario, runStreamDry } from "./scenario.ts";
import { planStorage, runId } from "./storage.ts";
import { StreamBook } from "./streams.ts";
import { waitUntilReady } from "./wait.ts";

/** What {@link startDemo} needs from its caller. */
export type DemoRun = {
	config: Config;
	options: DemoOptions;
	/** The service's logger (JSON lines). */
	log: Logger;
	serviceLevel: string;
	/** Prints one line of the demo's own output. */
	print(line: string): void;
	stop: StopSignal;
	/** Every component started registers its cleanup here. */
	cleanup: CleanupStack;
};

/** How long a stop waits for the database being created before removing it, milliseconds. */
const DATABASE_CREATION_GRACE_MS = 30_000;

/** Every how often (at speed 1) an expense post bills one hour of every credit instance, ms. */
const EXPENSE_EVERY_MS = 10_000;

/** Seconds after the banner when the scripted dry stream is liquidated, at speed 1. */
const DRY_AFTER_SECONDS = 20;

/**
 * The demo up to its steady state: chains, accounts, the service on a fresh database, the scripted
 * cases, the banner, then the activity generator, the status line and the scheduled dry stream.
 * Returns the running service (its `done` settles only on an unrecoverable failure).
 */
export async function startDemo(run: DemoRun): Promise<Running> {
	const { config, options, log, stop, cleanup } = run;
	// Start-up work still pending after a stop finishes in silence.
	const print = (line: string) => {
		if (!stop.signal.aborted) run.print(line);
	};
	const started = Date.now();
	const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

	await assertPortFree(config.host, config.port);
	print(`aleph-oracle demo: starting three local chains and a fresh database (seed ${options.seed})…`);
	// The database is created while the chains start: PGlite's first open alone takes seconds. On a
	// stop, it is removed once its creation (which cannot be interrupted) is over.
	const storage = planStorage(config, runId(), options.keepData);
	const creating = storage.create();
	creating.catch(() => {});
	cleanup.add("database", async () => {
		await settleWithin(creating, DATABASE_CREATION_GRACE_MS);
		await storage.dispose();
	});
	const chains = await startDemoChains(options.seed);
	cleanup.add("chains", () => stopDemoChains(chains));
	const network = await startCreditNetwork(options.seed);
	cleanup.add("local CCN", () => network.ccn.stop());
	print(`  chains up, ALEPH and Superfluid deployed, a local CCN for the credits (${elapsed()})`);
	stop.checkpoint();

	const random = createRandom(options.seed);
	const population = planPopulation(options.seed, options.accounts);
	const known = await fundPopulation(chains, population, random);
	const accounts = countAccounts(population);
	print(`  ${accounts} accounts funded (${elapsed()})`);
	stop.checkpoint();

	await creating;
	const generatedKey = config.apiKeys.length > 0 ? null : `demo-${randomBytes(16).toString("hex")}`;
	const demoConfig: Config = {
		...config,
		...storage.config,
		chains: loadConfig(chainEnvironment(chains, options.blockTimeSeconds)).chains,
		feed: loadConfig(creditEnvironment(network, options.speed)).feed,
		apiKeys: generatedKey ? [generatedKey] : config.apiKeys,
	};
	print(`  starting the oracle (watchers, feed follower, workers, API) on ${storage.description}…`);
	const running = await startRole("all", demoConfig, log, createProcessors).catch((error: unknown) => {
		throw (error as { code?: unknown }).code === "EADDRINUSE" ? portInUse(config.host, config.port) : error;
	});
	cleanup.add("service", () => running.stop());
	const apiUrl = running.url as string;
	const api = createApiClient(apiUrl, generatedKey ?? (config.apiKeys[0] as string));
	await waitUntilReady(api, stop.signal, 120_000);
	stop.checkpoint();
	print(`  every chain indexed, API ready at ${apiUrl} (${elapsed()})`);

	const communityWallet = getAddress(loadAggregates(config).settings.communityWalletAddress.toLowerCase());
	const streamChains = Object.fromEntries(chains.filter(isStreamChain).map((c) => [c.name, c])) as Record<"AVAX" | "BASE", StreamChain>;
	const ctx: DemoContext = {
		options,
		chains: { ETH: chains.find((c) => c.name === "ETH") as DemoChain, ...streamChains },
		population,
		api,
		streams: new StreamBook(streamChains, communityWallet),
		known,
		instances: new Map(),
		everStreamed: new Set(),
		random,
		counters: { transactions: 0, failures: 0 },
		horizonSeconds: config.alertHorizonSeconds,
		say: (line, kind = "event") => print(`  ${clock()}  ${kind === "status" ? "status  " : ""}${line}`),
		signal: stop.signal,
	};
	const [showcase, credits] = await Promise.all([openScenario(ctx), openCreditScenario(ctx, network), openInitialStreams(ctx)]);
	await driftBelowLocked(ctx, showcase);
	await startIntervalMining(chains, options.blockTimeSeconds);
	print(`  scripted cases and ${ctx.instances.size} instances in the ledger, ${ctx.streams.openFlows()} flows open (${elapsed()})`);
	const missing = await awaitShowcase(ctx, showcase, 60_000, {
		"credit can-pay yes": async () => (await ctx.api.canPay(credits.yes)).allowed === true,
		"credit can-pay no (error code 6)": async () => (await ctx.api.canPay(credits.no)).errorCode === 6,
	});
	stop.checkpoint();
	const banner = bannerLines({
		seed: options.seed,
		chains,
		accounts,
		crns: population.crns,
		communityWallet,
		storage: storage.description,
		jobs: config.redisUrl ? `BullMQ on ${new URL(config.redisUrl).host}` : "in-process (no REDIS_URL)",
		apiUrl,
		generatedKey,
		showcase,
		credits,
		ccnUrl: network.ccn.url,
		issuer: network.issuer.address,
		missing,
		serviceLogLevel: run.serviceLevel,
		blockTimeSeconds: options.blockTimeSeconds,
	});
	for (const line of banner) print(line);

	const activity = startActivity(ctx, log);
	const expenses = startExpenses(ctx, network, credits, EXPENSE_EVERY_MS / options.speed);
	const progress = startProgress(ctx, accounts);
	const dry = (async () => {
		await sleep((DRY_AFTER_SECONDS * 1_000) / options.speed, stop.signal);
		if (stop.signal.aborted) return;
		await runStreamDry(ctx, showcase).catch((error) => {
			if (!stop.signal.aborted) log.warn({ err: describeError(error) }, "The scripted dry stream failed");
		});
	})();
	cleanup.add("activity", async () => {
		progress.stop();
		await Promise.all([activity.stop(), expenses.stop(), settleWithin(dry, STOP_GRACE_MS)]);
	});
	return running;
}
