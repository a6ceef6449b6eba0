/**
 * Indexer benchmark: ≥ 200k ERC-20 Transfer logs on a local anvil, indexed by `aleph-oracle
 * watch` (a child process) into Postgres and into PGlite, against a bare eth_getLogs + decode
 * loop over the same range with the same range size and concurrency, measured in the same run.
 *
 * Run: `npx tsx bench/indexer.ts` (BENCH_LOGS to change the size).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Address, encodeFunctionData } from "viem";
import { alephTokenAbi } from "../devchain/aleph-token-abi.ts";
import { startAnvil } from "../devchain/anvil.ts";
import { createDevClient } from "../devchain/client.ts";
import { deployAlephToken } from "../devchain/erc20.ts";
import { TOPICS } from "../src/indexer/events.ts";
import { bareGetLogs, createBenchDatabase, finishedBackfill, peakRssMb, runMain, spawnWatcher, stop } from "./lib.ts";

const PER_BLOCK = 200;
const RANGE = 50; // blocks per eth_getLogs: 10k logs, a typical provider cap
const IN_FLIGHT = 4;
/** V8 old-space cap for the run that shows the memory bound (`NODE_OPTIONS=--max-old-space-size`). */
const HEAP_CAP_MB = 160;

export async function runIndexerBench(): Promise<Record<string, number | string>> {
	const target = Number(process.env.BENCH_LOGS ?? 200_000);
	const anvil = await startAnvil();
	const client = createDevClient(anvil);
	const holder = (await client.getAddresses())[0] as Address;
	try {
		const token = await deployAlephToken(client, { genesis: [{ address: holder, amount: 10n ** 30n }] });
		const recipients = Array.from({ length: 2_000 }, (_, i) => `0x${(0x1000000 + i).toString(16).padStart(40, "0")}` as Address);
		const blocks = Math.ceil(target / PER_BLOCK);
		const generated = performance.now();
		let last: `0x${string}` | undefined;
		for (let b = 0; b < blocks; b++) {
			const to = Array.from({ length: PER_BLOCK }, (_, i) => recipients[(b * PER_BLOCK + i) % recipients.length] as Address);
			const data = encodeFunctionData({ abi: alephTokenAbi, functionName: "batchTransfer", args: [to, to.map((_, i) => BigInt(i + 1))] });
			last = await client.sendTransaction({ account: holder, to: token.address, data, gas: 8_000_000n, chain: null });
		}
		if (last) await client.waitForTransactionReceipt({ hash: last });
		const head = await client.getBlockNumber();
		const generationSeconds = (performance.now() - generated) / 1000;

		const filters = [{ address: token.address.toLowerCase(), topics: [TOPICS.transfer] }];
		const baseline = () => bareGetLogs({ url: anvil.url, filters, from: token.blockNumber, to: head, range: RANGE, inFlight: IN_FLIGHT });
		await baseline(); // warm-up
		const before = await baseline();

		const env = {
			CHAINS: "ETH",
			ETH_RPC_URL: anvil.url,
			ETH_CHAIN_ID: String(anvil.chainId),
			ETH_TOKEN: token.address,
			ETH_START_BLOCK: String(token.blockNumber),
			ETH_GENESIS: `${holder}:${10n ** 30n}`,
			ETH_FINALITY_BLOCKS: "1",
			ETH_MAX_BLOCK_RANGE: String(RANGE),
		};
		const postgres = await indexOnce({ ...env, DATABASE_URL: await createBenchDatabase() });
		const capped = await indexOnce({
			...env,
			DATABASE_URL: await createBenchDatabase(),
			NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}`,
		});
		const after = await baseline();
		const dataDir = mkdtempSync(join(tmpdir(), "aleph-oracle-bench-"));
		const pglite = await indexOnce({ ...env, DATA_DIR: dataDir });
		rmSync(dataDir, { recursive: true, force: true });

		const baselineRate = Math.round((before.logsPerSecond + after.logsPerSecond) / 2);
		return {
			"logs (Transfer)": before.logs,
			blocks: Number(head - token.blockNumber),
			"chain generation (s)": generationSeconds.toFixed(1),
			"baseline bare eth_getLogs+decode (logs/s)": baselineRate,
			"baseline runs (logs/s)": `${before.logsPerSecond} / ${after.logsPerSecond}`,
			"indexer, Postgres (logs/s)": postgres.logsPerSecond,
			"ratio Postgres / baseline": (postgres.logsPerSecond / baselineRate).toFixed(2),
			"indexer, Postgres peak RSS (MB)": postgres.rssMb,
			"indexer, Postgres wall incl. start (s)": postgres.wallSeconds.toFixed(1),
			[`indexer, Postgres, heap cap ${HEAP_CAP_MB} MB (logs/s)`]: capped.logsPerSecond,
			"ratio Postgres with heap cap / baseline": (capped.logsPerSecond / baselineRate).toFixed(2),
			"indexer, Postgres with heap cap, peak RSS (MB)": capped.rssMb,
			"indexer, PGlite (logs/s)": pglite.logsPerSecond,
			"ratio PGlite / baseline": (pglite.logsPerSecond / baselineRate).toFixed(2),
			"indexer, PGlite peak RSS (MB)": pglite.rssMb,
		};
	} finally {
		await anvil.stop();
	}
}

async function indexOnce(env: Record<string, string>) {
	const run = spawnWatcher(env);
	try {
		const done = await finishedBackfill(run);
		const rssMb = peakRssMb(run.child.pid as number);
		return { logsPerSecond: Math.round(done.logs / done.seconds), wallSeconds: done.wallSeconds, rssMb };
	} finally {
		await stop(run.child);
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	await runMain("Indexer: ERC-20 Transfer backfill", runIndexerBench);
}
