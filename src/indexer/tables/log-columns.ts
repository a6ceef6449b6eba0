/** Where a log sits: what every log-derived row (transfers, flow updates, liquidations) starts with. */
export type LogPosition = { block: bigint; logIndex: number; txHash: string | null; timestamp: bigint | null };

/** The `insertUnnest` columns of the chain and the log positions of `rows`. */
export function logColumns(chain: string, rows: LogPosition[]) {
	return {
		chain: ["text", chain],
		block_number: ["int8", rows.map((r) => r.block)],
		log_index: ["int4", rows.map((r) => r.logIndex)],
		tx_hash: ["text", rows.map((r) => r.txHash)],
		block_timestamp: ["int8", rows.map((r) => r.timestamp)],
	} as const;
}
