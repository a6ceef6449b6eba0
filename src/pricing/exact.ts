/**
 * @module pricing/exact
 * The hot path of the cost model on bigints: `F(a × b)` in Python's 28-digit
 * context without building decimal.js objects. A value is `c × 10^e`. The
 * product is rounded to 28 significant digits half-even, exactly like a
 * decimal.js `times` on the private constructor (see `decimal.ts`), then floored
 * to 18 decimals. Tests check it against decimal.js on random operands.
 */
import { type Dec, exactDecimalOfDouble } from "./decimal.ts";

/** An exact decimal `c × 10^e`. */
export interface Exact {
	readonly c: bigint;
	readonly e: number;
}

const PRECISION = 28;
const POW10: bigint[] = [1n];
/** 10^28: coefficients below it fit the context. */
const LIMIT = 10n ** 28n;

function pow10(n: number): bigint {
	for (let i = POW10.length; i <= n; i++) POW10.push((POW10[i - 1] as bigint) * 10n);
	return POW10[n] as bigint;
}

/** Parses a plain or exponent decimal string exactly. */
export function exactFromString(value: string): Exact {
	const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(value.trim());
	if (match === null) throw new RangeError(`not a decimal: "${value}"`);
	const fraction = match[3] ?? "";
	const c = BigInt(`${match[1]}${match[2] || "0"}${fraction}`);
	return { c, e: Number(match[4] ?? 0) - fraction.length };
}

/** The exact value of a decimal.js value. */
export function exactFromDecimal(value: Dec): Exact {
	return exactFromString(value.toString());
}

/** An integer (CU count, MiB). */
export function exactFromInteger(value: number | bigint): Exact {
	return { c: BigInt(value), e: 0 };
}

const FIVE_POW_20 = 5n ** 20n;

/**
 * MiB of a byte count as pyaleph gets it, `Decimal(size / MiB)`: a float division
 * (exact below 2^53 bytes: bytes × 5^20 / 10^20), converted exactly.
 */
export function exactMibFromBytes(bytes: number | bigint): Exact {
	if (typeof bytes === "number" && Number.isSafeInteger(bytes)) {
		return { c: BigInt(bytes) * FIVE_POW_20, e: -20 };
	}
	return exactFromString(exactDecimalOfDouble(Number(bytes) / 1048576));
}

/** A double, exactly (Python's `Decimal(float)`). */
export function exactFromDouble(value: number): Exact {
	return exactFromString(exactDecimalOfDouble(value));
}

/** `-x`. */
export function negate(x: Exact): Exact {
	return { c: -x.c, e: x.e };
}

/** `value` rounded to 28 significant digits, half-even (no-op when it fits). */
function roundToContext(c: bigint, e: number): Exact {
	const magnitude = c < 0n ? -c : c;
	if (magnitude < LIMIT) return { c, e };
	let digits = PRECISION + 1;
	while (magnitude >= pow10(digits)) digits++;
	const drop = digits - PRECISION;
	const divisor = pow10(drop);
	let quotient = magnitude / divisor;
	const remainder = magnitude % divisor;
	const half = divisor / 2n;
	if (remainder > half || (remainder === half && quotient % 2n === 1n)) quotient += 1n;
	return { c: c < 0n ? -quotient : quotient, e: e + drop };
}

/** `a × b` in the 28-digit context (exact product, then half-even rounding). */
export function multiply(a: Exact, b: Exact): Exact {
	return roundToContext(a.c * b.c, a.e + b.e);
}

/** `F(x)` (floor to 18 decimals) in wei, without the 10^10 bound. */
export function floorExactToWei(x: Exact): bigint {
	if (x.e >= -18) return x.c * pow10(x.e + 18);
	const divisor = pow10(-18 - x.e);
	const quotient = x.c / divisor;
	return x.c < 0n && quotient * divisor !== x.c ? quotient - 1n : quotient;
}

/** `x` compared with an integer: negative, zero or positive. */
export function compareWithInteger(x: Exact, n: number): number {
	const scaled = x.e >= 0 ? x.c * pow10(x.e) : x.c;
	const other = x.e >= 0 ? BigInt(n) : BigInt(n) * pow10(-x.e);
	return scaled < other ? -1 : scaled > other ? 1 : 0;
}
