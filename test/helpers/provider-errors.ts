/** Provider whose eth_getLogs limit errors are imitated. */
export type GetLogsErrorStyle = "alchemy" | "avalanche" | "geth";

/** Which eth_getLogs limit was exceeded. */
export type GetLogsLimit = "range" | "results";

/** A JSON-RPC error object. */
export interface RpcErrorObject {
	code: number;
	message: string;
}

const hex = (n: bigint) => `0x${n.toString(16)}`;
const kilo = (n: number) => (n % 1000 === 0 ? `${n / 1000}K` : String(n));

/**
 * The JSON-RPC error a real provider returns when an eth_getLogs call exceeds its limits,
 * with the provider's wording:
 * - alchemy (code -32602): "Log response size exceeded. … this block range should work: [0x1, 0x7d0]"
 *   (for both limits; the suggested range starts at `from`);
 * - avalanche (coreth, -32000): "requested too many blocks from 0 to 4000, maximum is set to 2048";
 * - geth-like (-32000): "exceed maximum block range: 2048";
 * - avalanche/geth result cap (-32005): "query returned more than 10000 results".
 *
 * @param range the requested [fromBlock, toBlock], block numbers
 * @param max the limit: blocks per query (`range`) or logs per answer (`results`)
 */
export function getLogsLimitError(
	limit: GetLogsLimit,
	style: GetLogsErrorStyle,
	range: readonly [bigint, bigint],
	max: number,
): RpcErrorObject {
	const [from, to] = range;
	if (style === "alchemy") {
		const blocks = limit === "range" ? max : 2000;
		const end = limit === "range" ? from + BigInt(max) - 1n : (from + to) / 2n;
		const message = `Log response size exceeded. You can make eth_getLogs requests with up to a ${kilo(blocks)} block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters, this block range should work: [${hex(from)}, ${hex(end)}]`;
		return { code: -32602, message };
	}
	if (limit === "results") {
		return { code: -32005, message: `query returned more than ${max} results` };
	}
	if (style === "avalanche") {
		const message = `requested too many blocks from ${from} to ${to}, maximum is set to ${max}`;
		return { code: -32000, message };
	}
	return { code: -32000, message: `exceed maximum block range: ${max}` };
}
