/**
 * pyaleph's two serializers (spec aleph-network §7): (P) pydantic's `model_dump_json` — datetimes
 * `2026-06-01T00:00:00Z` (microseconds when not zero), Decimal as its `str()`, declaration order —
 * and (O) `aleph_json.dumps` falling back to `json.dumps(default=…)` — sorted keys, datetimes as
 * epoch floats, Decimal as floats. Integers are written exactly (credits can pass 2^53).
 */
import { parsePythonDecimal, pythonDecimalStr } from "../domain/credits/decimal.ts";
import { isoformat } from "../domain/network/cursor.ts";

/** pydantic's rendering of an aware UTC datetime given in microseconds: Python's isoformat with `Z`. */
export function pydanticDatetime(micros: bigint): string {
	return `${isoformat(micros).slice(0, -"+00:00".length)}Z`;
}

/** `datetime.timestamp()` of microseconds: the correctly rounded float. */
export const epochSeconds = (micros: bigint): number => Number(micros) / 1e6;

/** `str(Decimal(text))` of the text Postgres prints for a numeric: what pydantic writes for a Decimal. */
export function decimalString(text: string): string {
	const d = parsePythonDecimal(text);
	return d === null ? text : pythonDecimalStr(d);
}

/** `float(Decimal(text))`. */
export const decimalFloat = (text: string): number => Number(text);

type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

/** JSON text with bigints as exact integers; `sortKeys` sorts every object's keys (pyaleph's orjson option). */
export function pyalephJson(value: Json, sortKeys = false): string {
	if (value === null) return "null";
	if (typeof value === "bigint") return value.toString();
	if (typeof value !== "object") return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map((v) => pyalephJson(v, sortKeys)).join(",")}]`;
	const keys = Object.keys(value);
	if (sortKeys) keys.sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${pyalephJson(value[k] as Json, sortKeys)}`).join(",")}}`;
}

export type { Json as PyalephJsonValue };
