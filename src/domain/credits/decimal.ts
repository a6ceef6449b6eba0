/**
 * Decimal strings on their way from a credit post to pyaleph's `numeric` columns (`price`,
 * `expense_size_mib`): Python's `Decimal(text)` must accept them, then Postgres 15's numeric input
 * must accept what pyaleph writes into its COPY (`str(Decimal)` or the raw text). A value either
 * side refuses makes pyaleph fail the message, so such a post is invalid here.
 */
import { pythonStrip } from "../network/python.ts";

export type PythonDecimal =
	| { kind: "finite"; negative: boolean; coefficient: string; exponent: number }
	| { kind: "infinity"; negative: boolean }
	| { kind: "nan"; negative: boolean; signaling: boolean; payload: string };

const FINITE = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:e([+-]?\d{1,18}))?$/i;
const SPECIAL = /^([+-]?)(?:(inf|infinity)|(s?)nan(\d*))$/i;

/**
 * CPython's `Decimal(text)`: surrounding whitespace and every underscore are dropped. Non-ASCII
 * digits, which CPython also reads, are refused here (Postgres refuses them anyway in a raw COPY).
 */
export function parsePythonDecimal(text: string): PythonDecimal | null {
	const s = pythonStrip(text).replaceAll("_", "");
	const special = SPECIAL.exec(s);
	if (special) {
		const negative = special[1] === "-";
		if (special[2] !== undefined) return { kind: "infinity", negative };
		return { kind: "nan", negative, signaling: special[3] !== "", payload: (special[4] ?? "").replace(/^0+/, "") };
	}
	const m = FINITE.exec(s);
	if (!m) return null;
	const fraction = m[3] ?? m[4] ?? "";
	const coefficient = `${m[2] ?? ""}${fraction}`.replace(/^0+(?=.)/, "");
	return { kind: "finite", negative: m[1] === "-", coefficient, exponent: Number(m[5] ?? "0") - fraction.length };
}

/** Python's `str(Decimal)` (to-scientific-string). */
export function pythonDecimalStr(d: PythonDecimal): string {
	const sign = d.negative ? "-" : "";
	if (d.kind === "infinity") return `${sign}Infinity`;
	if (d.kind === "nan") return `${sign}${d.signaling ? "sNaN" : "NaN"}${d.payload}`;
	const digits = d.coefficient;
	const leftDigits = d.exponent + digits.length;
	const dotPlace = d.exponent <= 0 && leftDigits > -6 ? leftDigits : 1;
	let body: string;
	if (dotPlace <= 0) body = `0.${"0".repeat(-dotPlace)}${digits}`;
	else if (dotPlace >= digits.length) body = `${digits}${"0".repeat(dotPlace - digits.length)}`;
	else body = `${digits.slice(0, dotPlace)}.${digits.slice(dotPlace)}`;
	const e = leftDigits - dotPlace;
	return `${sign}${body}${e === 0 ? "" : `E${e > 0 ? "+" : "-"}${Math.abs(e)}`}`;
}

const PG_SPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g;
const PG_SPECIAL = /^(nan|[+-]?(infinity|inf))$/i;
const PG_NUMBER = /^[+-]?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:e([+-]?\d+))?$/i;
/** Postgres's numeric limits: 131072 digits before the point, 16383 after. */
const PG_MAX_WEIGHT_DIGITS = 131_072;
const PG_MAX_SCALE = 16_383;

/** Postgres 15's `numeric_in`: whether it accepts this text. */
export function pgNumericAccepts(text: string): boolean {
	const s = text.replace(PG_SPACE, "");
	if (PG_SPECIAL.test(s)) return true;
	const m = PG_NUMBER.exec(s);
	if (!m) return false;
	const whole = m[1] ?? "";
	const fraction = m[2] ?? m[3] ?? "";
	const exponent = Number(m[4] ?? "0");
	if (Math.abs(exponent) >= 2 ** 30) return false;
	if (Math.max(0, fraction.length - exponent) > PG_MAX_SCALE) return false;
	const digits = `${whole}${fraction}`;
	const leadingZeros = digits.length - digits.replace(/^0+/, "").length;
	if (leadingZeros === digits.length) return true; // zero: only the scale is limited
	// Digits before the point once the exponent is applied: the most significant digit's power + 1.
	const integerDigits = whole.length - leadingZeros + exponent;
	return integerDigits <= PG_MAX_WEIGHT_DIGITS;
}
