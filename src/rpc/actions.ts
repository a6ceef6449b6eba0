import type { RpcClient } from "./client.ts";
import { hexToBigInt } from "./client.ts";
import { BlockNotFoundError, LogRangeError, parseLogRangeError, RpcDataError, RpcResponseError } from "./errors.ts";

/** The parts of a block header the watcher keeps. */
export type LightBlock = {
	number: bigint;
	hash: string;
	parentHash: string;
	timestamp: bigint;
};

/** A log as the RPC returns it (hex strings), checked for shape. */
export type RpcLog = {
	address: string;
	topics: string[];
	data: string;
	blockNumber: string;
	blockHash: string;
	transactionHash: string;
	logIndex: string;
	blockTimestamp?: string;
	removed?: boolean;
};

export type LogFilter = {
	address: string | string[];
	topics: (string | string[] | null)[];
};

const toQuantity = (n: bigint) => `0x${n.toString(16)}`;

export async function eth_chainId(rpc: RpcClient, signal?: AbortSignal): Promise<number> {
	return Number(hexToBigInt(await rpc.request("eth_chainId", [], { signal }), "chain id"));
}

export async function eth_blockNumber(rpc: RpcClient): Promise<bigint> {
	return hexToBigInt(await rpc.request("eth_blockNumber", []), "block number");
}

function toLightBlock(raw: unknown, what: string): LightBlock | null {
	if (raw === null) return null;
	const b = raw as Record<string, unknown>;
	if (typeof b?.hash !== "string" || typeof b.parentHash !== "string") throw new RpcDataError(`RPC returned a malformed block for ${what}`);
	return {
		number: hexToBigInt(b.number, "block number"),
		hash: b.hash.toLowerCase(),
		parentHash: b.parentHash.toLowerCase(),
		timestamp: hexToBigInt(b.timestamp, "block timestamp"),
	};
}

/** The header of block `n` (or the latest), or null when the node does not have it. */
export async function eth_getBlockByNumber(rpc: RpcClient, n: bigint | "latest", signal?: AbortSignal): Promise<LightBlock | null> {
	const block = toLightBlock(
		await rpc.request("eth_getBlockByNumber", [n === "latest" ? n : toQuantity(n), false], { signal }),
		`block ${n}`,
	);
	if (block && n !== "latest" && block.number !== n) throw new RpcDataError(`RPC answered block ${block.number} for block ${n}`);
	return block;
}

export async function eth_getBlockByHash(rpc: RpcClient, hash: string): Promise<LightBlock | null> {
	const block = toLightBlock(await rpc.request("eth_getBlockByHash", [hash, false]), `block ${hash}`);
	if (block && block.hash !== hash.toLowerCase()) throw new RpcDataError(`RPC answered block ${block.hash} for ${hash}`);
	return block;
}

/**
 * eth_getLogs over an inclusive block range. A provider's refusal of the range or of the
 * result size becomes a `LogRangeError` (the caller splits the range); logs outside the range,
 * removed logs or malformed logs are an `RpcDataError`.
 */
export async function eth_getLogsRange(
	rpc: RpcClient,
	filter: LogFilter,
	fromBlock: bigint,
	toBlock: bigint,
	signal?: AbortSignal,
): Promise<RpcLog[]> {
	let logs: RpcLog[];
	try {
		logs = await rpc.request<RpcLog[]>(
			"eth_getLogs",
			[
				{
					address: filter.address,
					topics: filter.topics,
					fromBlock: toQuantity(fromBlock),
					toBlock: toQuantity(toBlock),
				},
			],
			{ signal },
		);
	} catch (error) {
		if (error instanceof RpcResponseError) {
			const rangeError = parseLogRangeError(error.rpcMessage);
			if (rangeError) throw rangeError;
		}
		throw error;
	}
	checkLogs(logs, (log) => {
		const n = BigInt(log.blockNumber);
		return n >= fromBlock && n <= toBlock;
	});
	return logs;
}

/** eth_getLogs of one block by hash; a block that is gone (reorged away) is a `BlockNotFoundError`. */
export async function eth_getLogsAtBlock(rpc: RpcClient, filter: LogFilter, blockHash: string, signal?: AbortSignal): Promise<RpcLog[]> {
	let logs: RpcLog[];
	try {
		logs = await rpc.request<RpcLog[]>("eth_getLogs", [{ address: filter.address, topics: filter.topics, blockHash }], { signal });
	} catch (error) {
		if (error instanceof RpcResponseError && !(error instanceof LogRangeError)) {
			throw new BlockNotFoundError(`logs of block ${blockHash} unavailable: ${error.rpcMessage}`, { cause: error });
		}
		throw error;
	}
	checkLogs(logs, (log) => log.blockHash.toLowerCase() === blockHash.toLowerCase());
	return logs;
}

function checkLogs(logs: unknown, belongs: (log: RpcLog) => boolean): asserts logs is RpcLog[] {
	if (!Array.isArray(logs)) throw new RpcDataError("eth_getLogs did not return an array");
	for (const log of logs as RpcLog[]) {
		if (
			typeof log?.blockNumber !== "string" ||
			typeof log.blockHash !== "string" ||
			typeof log.logIndex !== "string" ||
			!Array.isArray(log.topics) ||
			typeof log.data !== "string" ||
			typeof log.transactionHash !== "string"
		) {
			throw new RpcDataError("eth_getLogs returned a malformed log");
		}
		if (log.removed) throw new RpcDataError("eth_getLogs returned a removed log");
		if (!belongs(log)) throw new RpcDataError(`eth_getLogs returned a log of block ${log.blockNumber} outside the request`);
	}
}

/** eth_call at a block; returns the raw hex result. */
export async function eth_call(rpc: RpcClient, to: string, data: string, block: bigint | "latest"): Promise<string> {
	const result = await rpc.request<unknown>("eth_call", [{ to, data }, block === "latest" ? block : toQuantity(block)]);
	if (typeof result !== "string") throw new RpcDataError("eth_call returned a non-string result");
	return result;
}
