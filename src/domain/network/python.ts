/**
 * The few Python and pydantic v2 (2.13, lax mode) behaviours that decide whether pyaleph accepts a
 * message: truthiness, `str(float)`, and how a JSON value is coerced into an `int` or `float` field.
 */
import type { JsonValue } from "./json.ts";

/** Python's `bool(value)` for a parsed JSON value (a missing key is falsy). */
export function pythonTruthy(value: JsonValue | undefined): boolean {
	if (value === undefined || value === null || value === false) return false;
	if (value === 0 || value === 0n || value === "") return false;
	if (Array.isArray(value)) return value.length > 0;
	if (typeof value === "object") return Object.keys(value).length > 0;
	return true;
}

/**
 * Python's `str(x)` (= `repr`) for a float: the shortest round-trip digits, positional when
 * 1e-4 <= |x| < 1e16 (with a trailing `.0` for whole numbers), scientific otherwise with at least
 * two exponent digits: `1e-06`, `15.833333333333334`, `1e+16`, `100.0`, `-0.0`.
 */
export function pythonStr(x: number): string {
	if (Number.isNaN(x)) return "nan";
	if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
	if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
	const sign = x < 0 ? "-" : "";
	// toExponential() without an argument gives the shortest digits that round-trip, as repr does.
	const [mantissa = "", exponent = "0"] = Math.abs(x).toExponential().split("e");
	const digits = mantissa.replace(".", "");
	const decimalPoint = Number(exponent) + 1; // x = 0.<digits> × 10^decimalPoint
	if (decimalPoint > -4 && decimalPoint <= 16) {
		if (decimalPoint <= 0) return `${sign}0.${"0".repeat(-decimalPoint)}${digits}`;
		if (decimalPoint >= digits.length) return `${sign}${digits}${"0".repeat(decimalPoint - digits.length)}.0`;
		return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
	}
	const e = decimalPoint - 1;
	const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
	return `${sign}${digits[0]}${fraction}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** The characters of Python's `str.isspace()`, as a regex class body (\x1c-\x1f are separators to Python). */
const PYTHON_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PYTHON_LEADING_SPACE = new RegExp(`^[${PYTHON_SPACE}]+`);
const PYTHON_TRAILING_SPACE = new RegExp(`[${PYTHON_SPACE}]+$`);

/** Python's `str.strip()`. */
export function pythonStrip(text: string): string {
	return pythonRstrip(text.replace(PYTHON_LEADING_SPACE, ""));
}

/** Python's `str.rstrip()`. */
export function pythonRstrip(text: string): string {
	return text.replace(PYTHON_TRAILING_SPACE, "");
}

/** The characters Rust's `str::trim` removes (Unicode White_Space), which pydantic-core strips from numbers. */
const RUST_WHITESPACE =
	/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** pydantic-core accepts single underscores between characters of a numeric string, and drops them. */
function numericText(text: string): string | null {
	const trimmed = text.replace(RUST_WHITESPACE, "");
	if (trimmed.startsWith("_") || trimmed.endsWith("_") || trimmed.includes("__")) return null;
	return trimmed.replaceAll("_", "");
}

const INT64_LIMIT = 2 ** 63;

/**
 * pydantic's lax `int`: an int, a bool (0/1), a float with no fraction inside the int64 range, or
 * a string of digits (optionally `.0…`). `null` when pydantic would refuse it.
 */
export function laxInt(value: JsonValue | undefined): bigint | null {
	if (typeof value === "bigint") return value;
	if (typeof value === "boolean") return value ? 1n : 0n;
	if (typeof value === "number") {
		if (!Number.isInteger(value) || value >= INT64_LIMIT || value < -INT64_LIMIT) return null;
		return BigInt(value);
	}
	if (typeof value === "string") {
		const text = numericText(value);
		const match = text === null ? null : /^([+-]?\d+)(?:\.0+)?$/.exec(text);
		return match?.[1] === undefined ? null : BigInt(match[1]);
	}
	return null;
}

/** pydantic's lax `float`: a number, a bool, or a numeric string (`inf` and `nan` included). */
export function laxFloat(value: JsonValue | undefined): number | null {
	if (typeof value === "number") return value;
	if (typeof value === "bigint") return Number(value);
	if (typeof value === "boolean") return value ? 1 : 0;
	if (typeof value !== "string") return null;
	const text = numericText(value);
	if (text === null) return null;
	const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
	if (special) return special[2]?.toLowerCase() === "nan" ? Number.NaN : special[1] === "-" ? -Infinity : Infinity;
	return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : null;
}
