/**
 * Indexer benchmark: 200k ERC-20 Transfer logs on a local anvil, in two shapes (40 logs per
 * block over 5 000 blocks, 200 per block over 1 000), indexed by `aleph-oracle all` (a child
 * process: API, in-process workers, watcher) into a fresh Postgres database and into a fresh
 * PGlite directory. Timed from the spawn to the first `/ready` = 200, against a bare
 * eth_getLogs + decode loop over the same blocks with the same ranges and concurrency, measured
 * in the same run (before and after the indexer runs; the mean is the baseline).
 *
 * Run: `npx tsx bench/indexer.ts` (BENCH_LOGS changes the size, BENCH_SHAPES=40,200 the shapes,
 * BENCH_PGLITE=0 skips the PGlite runs). The load average is printed with each shape: other work
 * on the machine moves every figure.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Address, encodeFunctionData } from "viem";
import { alephTokenAbi } from "../devchain/aleph-token-abi.ts";
import { type AnvilInstance, startAnvil } from "../devchain/anvil.ts";
import { createDevClient } from "../devchain/client.ts";
import { deployAlephToken } from "../devchain/erc20.ts";
import { findFreePort } from "../devchain/free-port.ts";
import { TOPICS } from "../src/indexer/events.ts";
import { bareGetLogs, createBenchDatabase, finishedBackfill, peakRssMb, runMain, spawnWatcher, stop, waitReady } from "./lib.ts";

/** Logs per eth_getLogs answer: 10k, the result cap of common providers. */
const LOGS_PER_REQUEST = 10_000;
const IN_FLIGHT = 4;
const GENESIS = 10n ** 30n;

/** A chain of Transfer logs, `perBlock` in every block, on a running anvil. */
export type TransferFixture = {
	anvil: AnvilInstance;
	token: Address;
	holder: Address;
	startBlock: bigint;
	head: bigint;
	perBlock: number;
	generationSeconds: number;
};

/** Deploys the token and sends `blocks` batch transfers of `perBlock` entries (one block each) to 2 000 recipients. */
export async function createTransferFixture(anvil: AnvilInstance, logs: number, perBlock: number): Promise<TransferFixture> {
	const client = createDevClient(anvil);
	const holder = (await client.getAddresses())[0] as Address;
	const token = await deployAlephToken(client, { genesis: [{ address: holder, amount: GENESIS }] });
	const recipients = Array.from({ length: 2_000 }, (_, i) => `0x${(0x1000000 + i).toString(16).padStart(40, "0")}` as Address);
	const blocks = Math.ceil(logs / perBlock);
	const started = performance.now();
	await client.setAutomine(false);
	let last: `0x${string}` | undefined;
	for (let b = 0; b < blocks; b++) {
		const to = Array.from({ length: perBlock }, (_, i) => recipients[(b * perBlock + i) % recipients.length] as Address);
		const data = encodeFunctionData({ abi: alephTokenAbi, functionName: "batchTransfer", args: [to, to.map((_, i) => BigInt(i + 1))] });
		last = await client.sendTransaction({
			account: holder,
			to: token.address,
			data,
			gas: 100_000n + 30_000n * BigInt(perBlock),
			chain: null,
		});
		// Mined one by one: automine falls behind and then puts several transactions in a block.
		await client.mine({ blocks: 1 });
	}
	await client.setAutomine(true);
	if (last) await client.waitForTransactionReceipt({ hash: last });
	return {
		anvil,
		token: token.address,
		holder,
		startBlock: token.blockNumber,
		head: await client.getBlockNumber(),
		perBlock,
		generationSeconds: (performance.now() - started) / 1000,
	};
}

/** The blocks per eth_getLogs request for a fixture (same for the baseline and the indexer). */
export const rangeOf = (fixture: TransferFixture) => Math.max(1, Math.floor(LOGS_PER_REQUEST / fixture.perBlock));

/** The bare loop over the fixture: logs/s. */
export async function baselineOf(fixture: TransferFixture) {
	return bareGetLogs({
		url: fixture.anvil.url,
		filters: [{ address: fixture.token.toLowerCase(), topics: [TOPICS.transfer] }],
		from: fixture.startBlock,
		// the blocks the watcher backfills (it runs with a finality of 1)
		to: fixture.head - 1n,
		range: rangeOf(fixture),
		inFlight: IN_FLIGHT,
	});
}

export type IndexRun = {
	/** Spawn to the first `/ready` = 200, seconds. */
	readySeconds: number;
	/** Spawn to the watcher's "Started backfill", seconds (start-up: tsx, migrations, chain id). */
	startupSeconds: number;
	/** The backfill alone, as the watcher reports it, seconds. */
	backfillSeconds: number;
	logs: number;
	/** Peak RSS of the child's process group, MB. */
	rssMb: number;
};

/** Spawns `aleph-oracle all` on the fixture with `database` (DATABASE_URL or DATA_DIR) and waits for `/ready`. */
export async function indexOnce(fixture: TransferFixture, database: Record<string, string>): Promise<IndexRun> {
	const port = await findFreePort();
	const run = spawnWatcher(
		{
			CHAINS: "ETH",
			ETH_RPC_URL: fixture.anvil.url,
			ETH_CHAIN_ID: String(fixture.anvil.chainId),
			ETH_TOKEN: fixture.token,
			ETH_START_BLOCK: String(fixture.startBlock),
			ETH_GENESIS: `${fixture.holder}:${GENESIS}`,
			ETH_FINALITY_BLOCKS: "1",
			ETH_MAX_BLOCK_RANGE: String(rangeOf(fixture)),
			PORT: String(port),
			...database,
		},
		"all",
	);
	try {
		const readySeconds = await waitReady(run, `http://127.0.0.1:${port}/ready`);
		const done = await finishedBackfill(run);
		return {
			readySeconds,
			startupSeconds: done.startedSeconds,
			backfillSeconds: done.seconds,
			logs: done.logs,
			rssMb: peakRssMb(run.child.pid as number),
		};
	} finally {
		await stop(run.child);
	}
}

export async function runIndexerBench(): Promise<Record<string, number | string>> {
	const logs = Number(process.env.BENCH_LOGS ?? 200_000);
	const shapes = (process.env.BENCH_SHAPES ?? "40,200").split(",").map(Number);
	const withPglite = process.env.BENCH_PGLITE !== "0";
	const results: Record<string, number | string> = {};
	for (const perBlock of shapes) {
		const anvil = await startAnvil();
		try {
			const fixture = await createTransferFixture(anvil, logs, perBlock);
			const tag = `${perBlock}/block`;
			const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
			await baselineOf(fixture); // warm-up
			const before = await baselineOf(fixture);
			const postgres = await indexOnce(fixture, { DATABASE_URL: await createBenchDatabase() });
			const after = await baselineOf(fixture);
			const baseline = Math.round((before.logsPerSecond + after.logsPerSecond) / 2);
			const rate = (run: IndexRun) => Math.round(run.logs / run.readySeconds);
			const backfillRatio = (run: IndexRun) => (run.logs / run.backfillSeconds / baseline).toFixed(2);
			Object.assign(results, {
				[`${tag}: load average at the start`]: load,
				[`${tag}: logs, blocks, range`]: `${before.logs}, ${fixture.head - fixture.startBlock}, ${rangeOf(fixture)}`,
				[`${tag}: chain generation (s)`]: fixture.generationSeconds.toFixed(1),
				[`${tag}: baseline (logs/s)`]: `${baseline} (${before.logsPerSecond} / ${after.logsPerSecond})`,
				[`${tag}: Postgres spawn→ready (s)`]: postgres.readySeconds.toFixed(2),
				[`${tag}: Postgres start-up, backfill (s)`]: `${postgres.startupSeconds.toFixed(2)}, ${postgres.backfillSeconds.toFixed(2)}`,
				[`${tag}: Postgres (logs/s)`]: rate(postgres),
				[`${tag}: ratio Postgres / baseline`]: (rate(postgres) / baseline).toFixed(2),
				[`${tag}: ratio, backfill alone`]: backfillRatio(postgres),
				[`${tag}: Postgres peak RSS (MB)`]: postgres.rssMb,
			});
			if (withPglite) {
				const dataDir = mkdtempSync(join(tmpdir(), "aleph-oracle-bench-"));
				try {
					const pglite = await indexOnce(fixture, { DATA_DIR: dataDir });
					Object.assign(results, {
						[`${tag}: PGlite spawn→ready (s)`]: pglite.readySeconds.toFixed(2),
						[`${tag}: PGlite start-up, backfill (s)`]: `${pglite.startupSeconds.toFixed(2)}, ${pglite.backfillSeconds.toFixed(2)}`,
						[`${tag}: PGlite (logs/s)`]: rate(pglite),
						[`${tag}: ratio PGlite / baseline`]: (rate(pglite) / baseline).toFixed(2),
						[`${tag}: PGlite ratio, backfill alone`]: backfillRatio(pglite),
						[`${tag}: PGlite peak RSS (MB)`]: pglite.rssMb,
					});
				} finally {
					rmSync(dataDir, { recursive: true, force: true });
				}
			}
		} finally {
			await anvil.stop();
		}
	}
	return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	await runMain("Indexer: ERC-20 Transfer backfill, spawn to ready", runIndexerBench);
}
