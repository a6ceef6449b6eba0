/**
 * @module pricing/balances
 * The balance every hold check uses (§2.1): Σ of the address' balances on all
 * chains, excluding dapp rows (e.g. Sablier streams) unless asked.
 */

/** One `(address, chain, dapp)` balance row, in wei. */
export interface BalanceRow {
	readonly chain: string;
	/** e.g. `"SABLIER"`; null / undefined for the plain token balance. */
	readonly dapp?: string | null;
	readonly balanceWei: bigint;
}

/**
 * Σ balances over chains; rows with a dapp are left out unless `includeDapps`.
 * @example totalBalance([{ chain: "ETH", balanceWei: 1n }, { chain: "ETH", dapp: "SABLIER", balanceWei: 5n }]) === 1n
 */
export function totalBalance(rows: readonly BalanceRow[], options: { readonly includeDapps?: boolean } = {}): bigint {
	let total = 0n;
	for (const row of rows) {
		if (options.includeDapps || row.dapp === undefined || row.dapp === null) total += row.balanceWei;
	}
	return total;
}
