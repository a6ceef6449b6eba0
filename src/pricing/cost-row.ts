/**
 * @module pricing/cost-row
 * One row of `account_costs`, as pyaleph computes it: all three columns are
 * always filled, whatever the payment type.
 */
import type { UnitPrices } from "./aggregates.ts";
import { MIN_CREDIT_COST_PER_HOUR, SECONDS_PER_HOUR } from "./constants.ts";
import { checkAmount, D, floorToWei } from "./decimal.ts";
import { type Exact, exactFromInteger, floorExactToWei, multiply } from "./exact.ts";
import { fromWei } from "./units.ts";

/** `account_costs.type` (sic: `INMUTABLE` is pyaleph's spelling). */
export type CostType =
	| "EXECUTION"
	| "EXECUTION_VOLUME_PERSISTENT"
	| "EXECUTION_VOLUME_INMUTABLE"
	| "EXECUTION_VOLUME_DISCOUNT"
	| "EXECUTION_INSTANCE_VOLUME_ROOTFS"
	| "EXECUTION_PROGRAM_VOLUME_CODE"
	| "EXECUTION_PROGRAM_VOLUME_RUNTIME"
	| "EXECUTION_PROGRAM_VOLUME_DATA"
	| "STORAGE";

/** The three cost columns in wei: hold (ALEPH-wei), stream (ALEPH-wei/s), credit (credit-wei/s). */
export interface CostAmounts {
	readonly hold: bigint;
	readonly stream: bigint;
	readonly credit: bigint;
}

/** A cost row: decimal strings with 18 decimals as pyaleph prints them, plus the wei form. */
export interface CostRow {
	readonly type: CostType;
	readonly name: string;
	/** Referenced item (file / STORE message hash), or null. */
	readonly ref: string | null;
	/** ALEPH to hold. */
	readonly cost_hold: string;
	/** ALEPH per second. */
	readonly cost_stream: string;
	/** Credits per second. */
	readonly cost_credit: string;
	/** Size the row was priced on, in MiB (volume and storage rows only). */
	readonly size_mib?: number;
	readonly wei: CostAmounts;
}

/** The three columns of a row, in wei and formatted. */
export interface PricedAmounts {
	readonly wei: CostAmounts;
	readonly cost_hold: string;
	readonly cost_stream: string;
	readonly cost_credit: string;
}

/** `F(1 / 3600)`: minimum credit cost per second of an execution or volume (1 credit per hour). */
export const MIN_CREDIT_PER_SECOND_WEI = floorToWei(new D(MIN_CREDIT_COST_PER_HOUR).div(SECONDS_PER_HOUR));

/**
 * Formats amounts with 18 decimals. A zero discount prints as `0.000000000000000000`:
 * Python's `-Decimal(0)` is `+0` outside ROUND_FLOOR, so no `-0` reaches `quantize`.
 */
export function formatAmounts(wei: CostAmounts): PricedAmounts {
	const format = fromWei;
	return {
		wei,
		cost_hold: format(wei.hold),
		cost_stream: format(wei.stream),
		cost_credit: format(wei.credit),
	};
}

/** Builds a row from priced amounts. */
export function makeCostRow(type: CostType, name: string, ref: string | null, amounts: PricedAmounts, sizeMib?: number): CostRow {
	const { cost_hold, cost_stream, cost_credit, wei } = amounts;
	return sizeMib === undefined
		? { type, name, ref, cost_hold, cost_stream, cost_credit, wei }
		: { type, name, ref, cost_hold, cost_stream, cost_credit, size_mib: sizeMib, wei };
}

/** `F(quantity × price)` in the 28-digit context, in wei. */
export function priceOne(quantity: Exact, price: Exact): bigint {
	return checkAmount(floorExactToWei(multiply(quantity, price)));
}

/**
 * `F(quantity × price)` for each column (quantity in MiB for storage prices, in
 * CUs for compute prices); with `creditMinimum`, the credit column is raised to
 * at least `F(1/3600)` (pyaleph's `MIN_CREDIT_COST_PER_HOUR`, credit payment only).
 */
export function priceAmounts(quantity: Exact, prices: UnitPrices, creditMinimum: boolean): PricedAmounts {
	const exact = prices.exact;
	const credit = priceOne(quantity, exact.creditPerSecond);
	return formatAmounts({
		hold: priceOne(quantity, exact.hold),
		stream: priceOne(quantity, exact.streamPerSecond),
		credit: creditMinimum && credit < MIN_CREDIT_PER_SECOND_WEI ? MIN_CREDIT_PER_SECOND_WEI : credit,
	});
}

const CACHE_LIMIT = 65_536;
const integerCache = new WeakMap<UnitPrices, Map<number, PricedAmounts>>();

/**
 * {@link priceAmounts} for a whole quantity (CUs, MiB), memoized per price set:
 * the same compute-unit counts and volume sizes come back again and again.
 */
export function priceWholeQuantity(quantity: number, prices: UnitPrices, creditMinimum: boolean): PricedAmounts {
	let cache = integerCache.get(prices);
	if (cache === undefined) {
		cache = new Map();
		integerCache.set(prices, cache);
	}
	const key = creditMinimum ? -quantity - 1 : quantity;
	let amounts = cache.get(key);
	if (amounts === undefined) {
		const priced = priceAmounts(exactFromInteger(quantity), prices, creditMinimum);
		// Shared between rows of many messages: frozen so no caller can alter the cache.
		amounts = Object.freeze({ ...priced, wei: Object.freeze(priced.wei) });
		if (cache.size >= CACHE_LIMIT) cache.clear();
		cache.set(key, amounts);
	}
	return amounts;
}

/**
 * Σ of each column over rows, in order, like pyaleph's `reduce` in the 28-digit
 * context: exact as long as every partial sum stays below 10^10 units, which
 * {@link checkAmount} enforces (pyaleph would lose digits, then raise, past it).
 */
export function sumColumns(rows: readonly CostRow[]): CostAmounts {
	let hold = 0n;
	let stream = 0n;
	let credit = 0n;
	for (const row of rows) {
		hold = checkAmount(hold + row.wei.hold);
		stream = checkAmount(stream + row.wei.stream);
		credit = checkAmount(credit + row.wei.credit);
	}
	return { hold, stream, credit };
}
