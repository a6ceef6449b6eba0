/**
 * @module pricing/result
 * The result type used at the boundary of the pricing engine: inner code
 * returns `Result` values instead of throwing for anything a client can get wrong.
 */

/** Machine-readable reason of a pricing failure. */
export type PricingErrorCode =
	/** The message is malformed, incomplete, or references something the settings do not know (e.g. a GPU device id). */
	| "invalid_message"
	/** The caller-supplied `sizes` map holds a value that is not a byte count. */
	| "invalid_sizes"
	/** The pricing aggregate is malformed or lacks what the message needs. */
	| "invalid_pricing"
	/** The settings aggregate is malformed. */
	| "invalid_settings"
	/** A cost reaches 10^10 units: pyaleph's 28-digit `quantize` raises there, so the CCN cannot price it either. */
	| "cost_overflow";

/** A typed failure naming the field at fault (dot path with `[i]` indices, e.g. `content.rootfs.size_mib`). */
export interface PricingError {
	readonly code: PricingErrorCode;
	/** Path of the offending field, when one is at fault. */
	readonly field?: string;
	readonly message: string;
}

/** `{ ok: true, value }` on success, `{ ok: false, error }` otherwise. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PricingError };

/** Wraps a success value. */
export function ok<T>(value: T): Result<T> {
	return { ok: true, value };
}

/** Builds a failure. */
export function fail<T = never>(code: PricingErrorCode, message: string, field?: string): Result<T> {
	return {
		ok: false,
		error: field === undefined ? { code, message } : { code, field, message },
	};
}

/**
 * The field of a pricing error in a request body that holds the message under `message`: the
 * engine names fields inside the message, except `sizes.<ref>`, which is already a body path.
 */
export function bodyField(field: string | undefined): string {
	if (field === undefined || field === "" || field === "message") return "message";
	return field.startsWith("sizes.") || field.startsWith("message.") ? field : `message.${field}`;
}
