/**
 * Stream-heavy benchmark: ≥ 20k Superfluid FlowUpdated events (creates, updates, deletes through
 * `host.batchCall`) on a local anvil running the real protocol, indexed by `aleph-oracle watch`
 * into Postgres, against a bare eth_getLogs + decode loop over the same filters and ranges.
 *
 * Run: `npx tsx bench/streams.ts` (BENCH_FLOWS to change the number of receivers; ×3 updates).
 */
import { pathToFileURL } from "node:url";
import { type Address, encodeAbiParameters, encodeFunctionData, parseAbi } from "viem";
import { startAnvil } from "../devchain/anvil.ts";
import { createDevClient } from "../devchain/client.ts";
import { cfaAbi, deploySuperfluid, superTokenAbi } from "../devchain/superfluid.ts";
import { TOPICS } from "../src/indexer/events.ts";
import { bareGetLogs, createBenchDatabase, finishedBackfill, peakRssMb, runMain, spawnWatcher, stop } from "./lib.ts";

const PER_TX = 100;
const RANGE = 20;
const IN_FLIGHT = 4;
const hostBatchAbi = parseAbi(["function batchCall((uint32 operationType, address target, bytes data)[] operations)"]);
const CALL_AGREEMENT = 201; // BatchOperation.OPERATION_TYPE_SUPERFLUID_CALL_AGREEMENT

export async function runStreamBench(): Promise<Record<string, number | string>> {
	const receivers = Number(process.env.BENCH_FLOWS ?? 7_000);
	const anvil = await startAnvil({ disableCodeSizeLimit: true });
	const client = createDevClient(anvil);
	try {
		const sf = await deploySuperfluid(client);
		const [, sender] = (await client.getAddresses()) as [Address, Address];
		await client.waitForTransactionReceipt({
			hash: await client.writeContract({
				address: sf.token,
				abi: superTokenAbi,
				functionName: "transfer",
				args: [sender, 10n ** 24n],
				account: sf.deployer,
				gas: 500_000n,
			}),
		});
		const to = Array.from({ length: receivers }, (_, i) => `0x${(0x5000000 + i).toString(16).padStart(40, "0")}` as Address);
		const generated = performance.now();
		let last: `0x${string}` | undefined;
		const phases = [
			(r: Address) => encodeFunctionData({ abi: cfaAbi, functionName: "createFlow", args: [sf.token, r, 1_000_000n, "0x"] }),
			(r: Address) => encodeFunctionData({ abi: cfaAbi, functionName: "updateFlow", args: [sf.token, r, 2_000_000n, "0x"] }),
			(r: Address) => encodeFunctionData({ abi: cfaAbi, functionName: "deleteFlow", args: [sf.token, sender, r, "0x"] }),
		];
		for (const call of phases) {
			for (let i = 0; i < to.length; i += PER_TX) {
				const operations = to.slice(i, i + PER_TX).map((r) => ({
					operationType: CALL_AGREEMENT,
					target: sf.cfa,
					data: encodeAbiParameters([{ type: "bytes" }, { type: "bytes" }], [call(r), "0x"]),
				}));
				last = await client.writeContract({
					address: sf.host,
					abi: hostBatchAbi,
					functionName: "batchCall",
					args: [operations],
					account: sender,
					gas: 200_000_000n,
				});
			}
			if (last) await client.waitForTransactionReceipt({ hash: last });
		}
		const head = await client.getBlockNumber();
		const generationSeconds = (performance.now() - generated) / 1000;

		const token = sf.token.toLowerCase();
		const cfa = sf.cfa.toLowerCase();
		const filters = [
			{ address: token, topics: [[TOPICS.transfer, TOPICS.agreementLiquidatedV2, TOPICS.agreementStateUpdated]] },
			{ address: cfa, topics: [TOPICS.flowUpdated, `0x${token.slice(2).padStart(64, "0")}`] },
			{ address: cfa, topics: [TOPICS.flowUpdatedExtension] },
		];
		const baseline = () => bareGetLogs({ url: anvil.url, filters, cfa, from: 0n, to: head, range: RANGE, inFlight: IN_FLIGHT });
		await baseline();
		const before = await baseline();
		const env = {
			CHAINS: "AVAX",
			AVAX_RPC_URL: anvil.url,
			AVAX_CHAIN_ID: String(anvil.chainId),
			AVAX_TOKEN: sf.token,
			AVAX_CFA: sf.cfa,
			AVAX_FINALITY_BLOCKS: "1",
			AVAX_MAX_BLOCK_RANGE: String(RANGE),
			DATABASE_URL: await createBenchDatabase(),
		};
		const run = spawnWatcher(env);
		let indexer: { logsPerSecond: number; rssMb: number; logs: number };
		try {
			const done = await finishedBackfill(run);
			indexer = { logsPerSecond: Math.round(done.logs / done.seconds), rssMb: peakRssMb(run.child.pid as number), logs: done.logs };
		} finally {
			await stop(run.child);
		}
		const after = await baseline();
		const baselineRate = Math.round((before.logsPerSecond + after.logsPerSecond) / 2);
		return {
			"flow updates": receivers * 3,
			"logs fetched (baseline)": before.logs,
			"logs fetched and applied (indexer)": indexer.logs,
			"chain generation (s)": generationSeconds.toFixed(1),
			"baseline bare eth_getLogs+decode (logs/s)": baselineRate,
			"indexer, Postgres (logs/s)": indexer.logsPerSecond,
			"ratio indexer / baseline": (indexer.logsPerSecond / baselineRate).toFixed(2),
			"indexer peak RSS (MB)": indexer.rssMb,
		};
	} finally {
		await anvil.stop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	await runMain("Streams: Superfluid FlowUpdated backfill", runStreamBench);
}
