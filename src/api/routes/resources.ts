import { createRoute, z } from "@hono/zod-openapi";
import { ACCEPTED_AT_SKEW_SECONDS, forgetResource, ITEM_HASH, type LedgerError, registerResource } from "../../ledger/resources.ts";
import { formatAleph } from "../../lib/amounts.ts";
import { describeError } from "../../lib/errors.ts";
import { ApiError, sentence } from "../errors.ts";
import { amount, display, flowRate } from "../format.ts";
import { requireApiKey } from "../middleware/api-key.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { AmountSchema, errorResponses, FlowRateSchema, json, jsonBody } from "../schemas/common.ts";
import { CostDetailSchema, MessageSchema, SizesSchema } from "../schemas/message.ts";

const ItemHashParams = z.object({
	item_hash: z
		.string()
		.regex(ITEM_HASH, "must be a sha256 hex digest or an IPFS CID (Qm… of 46 characters, bafy… of 59)")
		.openapi({ param: { name: "item_hash", in: "path" }, example: "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595" }),
});

const RegisterRequest = z
	.object({
		message: MessageSchema,
		sizes: SizesSchema.optional(),
		acceptedAt: z.iso
			.datetime({ offset: true })
			.optional()
			.openapi({
				description: `When the node accepted it; default now. No more than ${ACCEPTED_AT_SKEW_SECONDS} s before the message's \`time\` nor after now`,
			}),
	})
	.openapi("RegisterResourceRequest");

const RegisteredSchema = z
	.object({
		itemHash: z.string(),
		created: z.boolean(),
		owner: z.string(),
		paymentType: z.enum(["hold", "superfluid", "credit"]),
		costs: z.object({ hold: AmountSchema, stream: FlowRateSchema, credit: z.string().openapi({ description: "Credits per second" }) }),
		detail: z.array(
			CostDetailSchema.omit({ size_mib: true }).extend({ size_mib: z.number().nullable().optional(), ref: z.string().nullable() }),
		),
		missingSizes: z.array(z.string()),
	})
	.openapi("RegisteredResource");

/** The message's `time` (its pricing time); 0 when it has none (the registration then refuses it). */
const messageTime = (message: unknown): number => {
	const time = (message as { time?: unknown } | null)?.time;
	return typeof time === "number" && Number.isFinite(time) ? time : 0;
};

/** A refused registration as an answer: a conflict with the stored message is 409, anything else 400. */
function ledgerError(error: LedgerError): ApiError {
	return new ApiError(error.code === "conflict" ? 409 : 400, error.code, sentence(error.message), error.field);
}

/** `PUT /v1/resources/{item_hash}` and `DELETE /v1/resources/{item_hash}`, behind an API key. */
export function resourceRoutes(deps: RouteDeps) {
	const { ctx } = deps;
	// The app's clock; the wall clock keeps its milliseconds (registrations within one second stay in arrival order).
	const clock = () => (ctx.now ? new Date(Number(ctx.now()) * 1_000) : new Date());
	const app = createRouter();
	const auth = requireApiKey(ctx.config.apiKeys);

	/** After the ledger committed (its outbox row is the guarantee), nudge the queue; a failure here is only logged. */
	async function recompute(address: string) {
		ctx.accountCache?.changes.changed([address]);
		if (!ctx.queue) return;
		try {
			await ctx.queue.add([{ name: "entitlement.recompute", data: { address } }]);
		} catch (error) {
			ctx.logger.warn({ err: describeError(error), address }, "Could not enqueue a recompute; the outbox will");
		}
	}

	app.openapi(
		createRoute({
			method: "put",
			path: "/{item_hash}",
			tags: ["Ledger"],
			summary: "Register a message a node accepted; its cost rows are computed and frozen now (idempotent)",
			security: [{ bearer: [] }],
			middleware: [auth],
			request: { params: ItemHashParams, body: jsonBody(RegisterRequest, "The accepted message") },
			responses: {
				200: json(RegisteredSchema, "Already registered with the same message: unchanged"),
				201: json(RegisteredSchema, "Registered"),
				...errorResponses(400, 401, 403, 409, 413),
			},
		}),
		async (c) => {
			const { item_hash: itemHash } = c.req.valid("param");
			const body = c.req.valid("json");
			const result = await registerResource(
				ctx.db,
				{ itemHash, message: body.message, sizes: body.sizes, acceptedAt: body.acceptedAt ? new Date(body.acceptedAt) : undefined },
				{ ...(await deps.pricingAt(messageTime(body.message))), now: clock() },
			);
			if (!result.ok) throw ledgerError(result.error);
			if (result.created) await recompute(result.owner);
			const answer = {
				itemHash: result.itemHash,
				created: result.created,
				owner: display(result.owner),
				paymentType: result.paymentType as "hold" | "superfluid" | "credit",
				costs: { hold: amount(result.costs.hold), stream: flowRate(result.costs.stream), credit: formatAleph(result.costs.credit) },
				detail: result.rows as z.infer<typeof RegisteredSchema>["detail"],
				missingSizes: [...result.missingSizes],
			};
			return result.created ? c.json(answer, 201) : c.json(answer, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "delete",
			path: "/{item_hash}",
			tags: ["Ledger"],
			summary: "Forget a registered resource (one learned from the network feed is 409: a FORGET message removes it)",
			security: [{ bearer: [] }],
			middleware: [auth],
			request: { params: ItemHashParams },
			responses: { 204: { description: "Forgotten" }, ...errorResponses(400, 401, 403, 404, 409) },
		}),
		async (c) => {
			const { item_hash: itemHash } = c.req.valid("param");
			const owner = await forgetResource(ctx.db, itemHash);
			if (owner === null) throw new ApiError(404, "not_found", `No resource is registered under ${itemHash}.`, "item_hash");
			if (owner === "network")
				throw new ApiError(
					409,
					"conflict",
					`The resource ${itemHash} was learned from the network feed; only a FORGET message removes it.`,
					"item_hash",
				);
			await recompute(owner);
			return c.body(null, 204);
		},
	);
	return app;
}
