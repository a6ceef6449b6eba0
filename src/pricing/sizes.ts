/**
 * @module pricing/sizes
 * The caller-supplied file sizes: file ref / item hash → size in bytes (as in
 * `/v1/can-pay`'s `sizes`). They stand for pyaleph's file pins and tags.
 */
import { fail, ok, type Result } from "./result.ts";

/** File ref / item hash → byte size (a non-negative safe integer, or a bigint). */
export type SizeMap = ReadonlyMap<string, number | bigint> | Readonly<Record<string, number | bigint>>;

/**
 * The byte size known for `ref`, or undefined when unknown.
 * @returns `invalid_sizes` at `sizes.<ref>` for a value that is not a byte count.
 */
export function lookupSize(sizes: SizeMap | undefined, ref: string): Result<number | bigint | undefined> {
	if (sizes === undefined) return ok(undefined);
	const value: unknown =
		sizes instanceof Map ? sizes.get(ref) : Object.hasOwn(sizes, ref) ? (sizes as Record<string, unknown>)[ref] : undefined;
	if (value === undefined) return ok(undefined);
	if (typeof value === "bigint" ? value >= 0n : Number.isSafeInteger(value) && (value as number) >= 0) {
		return ok(value as number | bigint);
	}
	return fail("invalid_sizes", "expected a non-negative integer byte count", `sizes.${ref}`);
}
