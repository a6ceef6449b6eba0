/**
 * Runs every benchmark of `bench/` and prints their results (`npm run bench`). Each one measures
 * its own baseline in the same run. BENCH_ONLY=indexer,streams,startup,… selects some
 * (BENCH_SCALE_SIZES=10000,100000,1000000 adds the million to `scale`).
 */
import { runApiBench } from "./api.ts";
import { runEntitlementBench } from "./entitlements.ts";
import { runFeedBench } from "./feed.ts";
import { runHttpFloorBench } from "./http-floor.ts";
import { runIndexerBench } from "./indexer.ts";
import { dropBenchDatabases, print } from "./lib.ts";
import { runLocalCcnBench } from "./local-ccn.ts";
import { runPricingBench } from "./pricing.ts";
import { runResourceBench } from "./resources.ts";
import { runScaleBench } from "./scale.ts";
import { runStartupBench } from "./startup.ts";
import { runStreamBench } from "./streams.ts";

const BENCHES: [string, string, () => Promise<Record<string, number | string>>][] = [
	["pricing", "Pricing: 100k messages", runPricingBench],
	["indexer", "Indexer: ERC-20 Transfer backfill", runIndexerBench],
	["streams", "Streams: Superfluid FlowUpdated backfill", runStreamBench],
	["entitlements", "Entitlements: recompute and freshness", runEntitlementBench],
	["startup", "Start-up: spawn of serve to /health", runStartupBench],
	["api", "API: can-pay, accounts and a trivial route", runApiBench],
	["http", "HTTP floor: a bare POST with a 2 KB answer vs the trivial route", runHttpFloorBench],
	["ccn", "Local CCN: signing, loading and serving 200k messages", runLocalCcnBench],
	["feed", "Feed: backfill of 100k signed credit posts", runFeedBench],
	["scale", "Scale: accounts, can-pay, holders, balances-update, sweep and migrate at 10k and 100k accounts", runScaleBench],
	["resources", "Resources: backfill of 200k resource messages with file sizes; accounts and can-pay latency", runResourceBench],
];

const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
console.log(
	`aleph-oracle benchmarks — ${new Date().toISOString()}, node ${process.version}, ${(await import("node:os")).cpus().length} cores`,
);
for (const [name, title, run] of BENCHES) {
	if (only && !only.includes(name)) continue;
	print(title, await run());
}
await dropBenchDatabases();
process.exit(0);
