import type { PricingError } from "../../pricing/index.ts";
import { ApiError, sentence } from "../errors.ts";

/**
 * A pricing failure as a 400: the field is re-rooted under `message.` (the engine names fields
 * inside the message), except `sizes.<ref>`, which is already a body path.
 */
export function pricingError(error: PricingError): ApiError {
	const own = error.field;
	const field =
		own === undefined || own === "message" ? "message" : own.startsWith("sizes.") || own.startsWith("message.") ? own : `message.${own}`;
	return new ApiError(400, error.code, sentence(error.message), field);
}

/** 400 for a message charged to an account the index cannot hold: only EVM accounts are indexed. */
export function nonEvmOwnerError(): ApiError {
	return new ApiError(
		400,
		"invalid_address",
		"Only EVM accounts are indexed: content.address must be a 0x-prefixed 20-byte hex address.",
		"message.content.address",
	);
}
