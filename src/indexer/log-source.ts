import type { ChainConfig } from "../config/env.ts";
import {
	eth_getBlockByNumber,
	eth_getLogsAtBlock,
	eth_getLogsRange,
	type LightBlock,
	type LogFilter,
	type RpcLog,
} from "../rpc/actions.ts";
import type { RpcClient } from "../rpc/client.ts";
import { BlockNotFoundError } from "../rpc/errors.ts";
import { type ChainEvent, decodeLogs, TOPICS } from "./events.ts";

/** Where the events of a chain come from: by block range (backfill) or by block hash (head). */
export type LogSource = {
	/**
	 * Events of blocks `from`…`to` (inclusive) and the number of raw logs fetched for them; throws
	 * `LogRangeError` when the provider refuses the range.
	 */
	range(from: bigint, to: bigint, signal?: AbortSignal): Promise<{ events: ChainEvent[]; logs: number }>;
	/** Events of one block, by its hash; throws `BlockNotFoundError` when the block is gone. */
	block(block: LightBlock, signal?: AbortSignal): Promise<ChainEvent[]>;
};

const pad = (address: string) => `0x${address.slice(2).padStart(64, "0")}`;

/**
 * The filters of a chain: the token's Transfer logs; on a Super Token also its liquidation and
 * agreement-state logs, the CFA's FlowUpdated logs for this token, and the CFA's
 * FlowUpdatedExtension logs (they carry no token topic, so they are fetched only over the blocks
 * that have a FlowUpdated, and paired by transaction and log index).
 */
export function createLogSource(chain: ChainConfig, rpc: RpcClient): LogSource {
	const tokenFilter: LogFilter = chain.cfa
		? {
				address: chain.token,
				topics: [[TOPICS.transfer, TOPICS.agreementLiquidatedV2, TOPICS.agreementStateUpdated]],
			}
		: { address: chain.token, topics: [TOPICS.transfer] };
	const cfa = chain.cfa;
	const flowFilter: LogFilter | null = cfa ? { address: cfa, topics: [TOPICS.flowUpdated, pad(chain.token)] } : null;
	const extensionFilter: LogFilter | null = cfa ? { address: cfa, topics: [TOPICS.flowUpdatedExtension] } : null;

	async function decode(
		tokenLogs: RpcLog[],
		flowLogs: RpcLog[],
		extensionLogs: RpcLog[],
		headers: (numbers: bigint[]) => Promise<Map<bigint, bigint>>,
	) {
		const events = decodeLogs({ tokenLogs, flowLogs, extensionLogs, cfa });
		// Stream arithmetic needs block times; providers that omit blockTimestamp in logs cost a header each.
		const missing = [...new Set(events.filter((e) => e.timestamp === null && e.kind !== "transfer").map((e) => e.block))];
		if (missing.length > 0) {
			const times = await headers(missing);
			for (const e of events) if (e.timestamp === null && e.kind !== "transfer") e.timestamp = times.get(e.block) ?? null;
		}
		return events;
	}

	async function headersByNumber(numbers: bigint[], signal?: AbortSignal) {
		const blocks = await Promise.all(numbers.map((n) => eth_getBlockByNumber(rpc, n, signal)));
		signal?.throwIfAborted();
		return new Map(
			blocks.map((b, i) => {
				if (!b) throw new BlockNotFoundError(`block ${numbers[i]} is unknown to the RPC`);
				return [b.number, b.timestamp];
			}),
		);
	}

	return {
		async range(from, to, signal) {
			const [tokenLogs, flowLogs] = await Promise.all([
				eth_getLogsRange(rpc, tokenFilter, from, to, signal),
				flowFilter ? eth_getLogsRange(rpc, flowFilter, from, to, signal) : [],
			]);
			let extensionLogs: RpcLog[] = [];
			if (extensionFilter && flowLogs.length > 0) {
				// eth_getLogs returns logs in chain order: the first and last bound the blocks to look at.
				const lo = BigInt((flowLogs[0] as RpcLog).blockNumber);
				const hi = BigInt((flowLogs.at(-1) as RpcLog).blockNumber);
				extensionLogs = await eth_getLogsRange(rpc, extensionFilter, lo, hi, signal);
			}
			const events = await decode(tokenLogs, flowLogs, extensionLogs, (n) => headersByNumber(n, signal));
			return { events, logs: tokenLogs.length + flowLogs.length + extensionLogs.length };
		},
		async block(block, signal) {
			const [tokenLogs, flowLogs] = await Promise.all([
				eth_getLogsAtBlock(rpc, tokenFilter, block.hash, signal),
				flowFilter ? eth_getLogsAtBlock(rpc, flowFilter, block.hash, signal) : [],
			]);
			const extensionLogs =
				extensionFilter && flowLogs.length > 0 ? await eth_getLogsAtBlock(rpc, extensionFilter, block.hash, signal) : [];
			const events = await decode(tokenLogs, flowLogs, extensionLogs, async () => new Map([[block.number, block.timestamp]]));
			for (const e of events) e.timestamp ??= block.timestamp;
			return events;
		},
	};
}
