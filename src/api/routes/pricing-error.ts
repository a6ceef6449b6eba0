import { NON_EVM_OWNER } from "../../ledger/resources.ts";
import { bodyField, type PricingError } from "../../pricing/index.ts";
import { ApiError, sentence } from "../errors.ts";

/** A pricing failure as a 400, its field re-rooted in the request body. */
export function pricingError(error: PricingError): ApiError {
	return new ApiError(400, error.code, sentence(error.message), bodyField(error.field));
}

/** 400 for a message charged to an account the index cannot hold: only EVM accounts are indexed. */
export function nonEvmOwnerError(): ApiError {
	return new ApiError(400, NON_EVM_OWNER.code, sentence(NON_EVM_OWNER.message), NON_EVM_OWNER.field);
}
