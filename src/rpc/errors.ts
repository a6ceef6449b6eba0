import { BaseError, RetryableError } from "../lib/errors.ts";

/** The RPC answered with a JSON-RPC error object. */
export class RpcResponseError extends BaseError {
	override name = "RpcResponseError";
	constructor(
		readonly method: string,
		readonly code: number,
		readonly rpcMessage: string,
	) {
		super(`${method} failed: ${rpcMessage} (code ${code})`);
	}
}

/** Transport-level failure (HTTP status, timeout, dropped connection, unparseable body). */
export class RpcTransportError extends RetryableError {
	override name = "RpcTransportError";
}

/** eth_getLogs was refused because the range or its result was too large. */
export class LogRangeError extends BaseError {
	override name = "LogRangeError";
	constructor(
		message: string,
		/** A range size (in blocks) the provider says will work, when it says so. */
		readonly suggestedBlocks: number | undefined,
	) {
		super(message);
	}
}

/** The RPC returned data that contradicts itself or the request; try again, maybe elsewhere. */
export class RpcDataError extends RetryableError {
	override name = "RpcDataError";
}

/** The block asked for does not exist (any more): a reorg or a lagging node. */
export class BlockNotFoundError extends RetryableError {
	override name = "BlockNotFoundError";
}

const RANGE_PATTERNS: {
	pattern: RegExp;
	blocks: (m: RegExpMatchArray) => number;
}[] = [
	// Alchemy: "this block range should work: [0x1, 0x7cf]"; Infura: "Try with this block range [0x.., 0x..]"
	{
		pattern: /block range(?: should work)?:? \[(0x[0-9a-f]+), ?(0x[0-9a-f]+)\]/i,
		blocks: (m) => Number(BigInt(m[2] ?? "0") - BigInt(m[1] ?? "0")) + 1,
	},
	// Avalanche: "requested too many blocks from 0 to 4000, maximum is set to 2048"
	{ pattern: /maximum is set to (\d+)/i, blocks: (m) => Number(m[1]) },
	// QuickNode, Blast, 1rpc: "limited to a 10000 range"; Coinbase: "at most 1000 blocks"
	{ pattern: /limited to an? (\d+)/i, blocks: (m) => Number(m[1]) },
	{ pattern: /at most (\d+) blocks/i, blocks: (m) => Number(m[1]) },
	{
		pattern: /max(?:imum)? block range(?: is| of)?:? (\d+)/i,
		blocks: (m) => Number(m[1]),
	},
];
const HALVE_PATTERNS = [
	/more than \d+ results/i,
	/too many (?:results|logs|blocks)/i,
	/response size (?:exceeded|is larger|too large)/i,
	/exceeds? (?:the )?(?:max|limit)/i,
	/block range (?:is )?too (?:large|wide)/i,
	/range too large/i,
	/backend response too large/i,
	/no backend is currently healthy/i,
	/query timeout|timed out|timeout exceeded/i,
];

/**
 * Maps a provider's eth_getLogs refusal to a `LogRangeError` carrying the range it suggests,
 * or returns undefined when the message is not about the range. Block counts are inclusive.
 */
export function parseLogRangeError(message: string): LogRangeError | undefined {
	for (const { pattern, blocks } of RANGE_PATTERNS) {
		const match = message.match(pattern);
		if (match) {
			const n = blocks(match);
			return new LogRangeError(message, Number.isFinite(n) && n > 0 ? n : undefined);
		}
	}
	if (HALVE_PATTERNS.some((p) => p.test(message))) return new LogRangeError(message, undefined);
	return undefined;
}
