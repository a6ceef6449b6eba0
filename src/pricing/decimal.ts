/**
 * @module pricing/decimal
 * The arithmetic context of pyaleph (Python `decimal` default context):
 * 28 significant digits, ROUND_HALF_EVEN, on a private decimal.js constructor
 * (the global `Decimal` is never configured or mutated).
 */
import { Decimal } from "decimal.js";
import { fromWei } from "./units.ts";

/** Private decimal.js constructor: precision 28, ROUND_HALF_EVEN (Python's default context). */
export const D = Decimal.clone({
	precision: 28,
	rounding: Decimal.ROUND_HALF_EVEN,
	toExpNeg: -1000,
	toExpPos: 1000,
});

/** A value of the private constructor. */
export type Dec = Decimal;

/**
 * 10^28 wei = 10^10 units: pyaleph's `quantize(Decimal(1) / 10**18, ROUND_FLOOR)` raises
 * `InvalidOperation` once a result needs more than 28 digits, i.e. from 10^10 units up.
 */
export const MAX_AMOUNT_WEI = 10n ** 28n;

/** Thrown by {@link floorToWei} where pyaleph's `quantize` would raise. */
export class CostOverflowError extends Error {
	override name = "CostOverflowError";
}

/**
 * `F(x)`: floor to 18 decimals (ROUND_FLOOR, toward −∞), returned in wei.
 * @throws CostOverflowError when |F(x)| ≥ 10^10 units (pyaleph raises there).
 */
export function floorToWei(x: Dec): bigint {
	return checkAmount(floorWei(x));
}

/** `F(x)` in wei without the 10^10 bound (for comparisons only). */
export function floorWei(x: Dec): bigint {
	return BigInt(x.toDecimalPlaces(18, Decimal.ROUND_FLOOR).toFixed(18).replace(".", ""));
}

/** @throws CostOverflowError when |wei| ≥ 10^28 (10^10 units). */
export function checkAmount(wei: bigint): bigint {
	if (wei >= MAX_AMOUNT_WEI || wei <= -MAX_AMOUNT_WEI) {
		throw new CostOverflowError(`amount ${fromWei(wei)} has more than 10 integer digits`);
	}
	return wei;
}

/** Exact decimal value of a wei amount. */
export function decFromWei(wei: bigint): Dec {
	return new D(fromWei(wei));
}

const view = new DataView(new ArrayBuffer(8));

/**
 * The exact decimal expansion of a double, as Python's `Decimal(float)` gives it
 * (e.g. `0.2` → `0.200000000000000011102230246251565404236316680908203125`).
 * @throws RangeError for NaN and infinities.
 */
export function exactDecimalOfDouble(x: number): string {
	if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
	if (Number.isSafeInteger(x)) return Object.is(x, -0) ? "-0" : String(x);
	view.setFloat64(0, x);
	const high = view.getUint32(0);
	const low = view.getUint32(4);
	const sign = high >>> 31 === 1 ? "-" : "";
	const biased = (high >>> 20) & 0x7ff;
	let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
	let exponent = -1074;
	if (biased !== 0) {
		mantissa |= 1n << 52n;
		exponent = biased - 1075;
	}
	if (exponent >= 0) return sign + (mantissa << BigInt(exponent)).toString();
	const scale = -exponent;
	const digits = (mantissa * 5n ** BigInt(scale)).toString().padStart(scale + 1, "0");
	const fraction = digits.slice(-scale).replace(/0+$/, "");
	return `${sign}${digits.slice(0, -scale)}${fraction === "" ? "" : `.${fraction}`}`;
}
