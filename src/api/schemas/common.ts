import { z } from "@hono/zod-openapi";
import { isEvmAddress } from "../../lib/address.ts";

/** The error shape of every non-2xx answer. */
export const ErrorSchema = z
	.object({
		error: z.object({
			code: z.string().openapi({ example: "invalid_request" }),
			message: z.string().openapi({ example: "Must be a 0x-prefixed 20-byte hex address." }),
			field: z.string().optional().openapi({ example: "address" }),
			requestId: z.string().optional(),
		}),
	})
	.openapi("Error");

/** An ALEPH amount: wei and ALEPH, both exact decimal strings. */
export const AmountSchema = z
	.object({
		wei: z.string().openapi({ example: "1500000000000000000" }),
		aleph: z.string().openapi({ example: "1.5" }),
	})
	.openapi("Amount");

/** A flow rate: wei per second and ALEPH per second, exact decimal strings. */
export const FlowRateSchema = z
	.object({
		weiPerSecond: z.string().openapi({ example: "15277777777777" }),
		alephPerSecond: z.string().openapi({ example: "0.000015277777777777" }),
	})
	.openapi("FlowRate");

const ADDRESS_EXAMPLE = "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874";
const ADDRESS_MESSAGE = "must be a 0x-prefixed 20-byte hex address";

/** An EVM address in any case, lowercased for the queries. */
export const AddressSchema = z
	.string()
	.refine(isEvmAddress, ADDRESS_MESSAGE)
	.transform((value) => value.toLowerCase());

/** `{address}` path parameter. */
export const AddressParams = z.object({
	address: AddressSchema.openapi({ param: { name: "address", in: "path" }, example: ADDRESS_EXAMPLE }),
});

/** An optional `address` query filter. */
export const AddressQuery = AddressSchema.optional().openapi({ example: ADDRESS_EXAMPLE });

/** `limit` query parameter: 1..max, default `fallback`. */
export function limitQuery(fallback: number, max: number) {
	return z.coerce
		.number()
		.int()
		.min(1)
		.max(max)
		.default(fallback)
		.openapi({ description: `Page size, at most ${max}.`, example: fallback });
}

/** Opaque `cursor` query parameter (from the previous page's `nextCursor`). */
export const CursorQuery = z.string().max(512).optional().openapi({ description: "The `nextCursor` of the previous page." });

/** A chain name among the configured ones. */
export function chainSchema(chains: readonly string[]) {
	const [first, ...rest] = chains;
	if (first === undefined) return z.never();
	return z.enum([first, ...rest]).openapi({ example: first });
}

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 503;
const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
	400: "Bad input: the body, a parameter or the JSON is invalid (`field` names it)",
	401: "Missing API key (`Authorization: Bearer <key>`)",
	403: "Wrong API key, or write routes are disabled",
	404: "Not found",
	409: "Conflicts with the stored state",
	410: "Gone: the message was forgotten",
	413: "Body too large",
	503: "The indexed data is too stale to answer",
};

/** OpenAPI entries of the error answers a route can give. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
	return Object.fromEntries(
		statuses.map((status) => [
			status,
			{ description: ERROR_DESCRIPTIONS[status], content: { "application/json": { schema: ErrorSchema } } },
		]),
	) as Record<S, { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }>;
}

/** A JSON response entry. */
export function json<T extends z.ZodType>(schema: T, description: string) {
	return { description, content: { "application/json": { schema } } };
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T, description: string) {
	return { required: true, description, content: { "application/json": { schema } } };
}
