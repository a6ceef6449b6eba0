import { createRoute, z } from "@hono/zod-openapi";
import { formatAleph } from "../../lib/amounts.ts";
import { priceEstimate } from "../../pricing/index.ts";
import { display } from "../format.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { AddressParams, errorResponses, json, jsonBody } from "../schemas/common.ts";
import { CostDetailSchema, MessageSchema, SizesSchema } from "../schemas/message.ts";
import { pricingError } from "./pricing-error.ts";

const EstimateRequest = z.object({ message: MessageSchema, sizes: SizesSchema.optional() }).openapi("PriceEstimateRequest");

const EstimateSchema = z
	.object({
		required_tokens: z.number().openapi({ description: "`float(cost)`: the CCN's own lossy field; use `cost`" }),
		payment_type: z.enum(["hold", "superfluid", "credit"]),
		cost: z.string().openapi({ description: "Total in the payment type's column, 18 decimals", example: "1000.000000000000000000" }),
		detail: z.array(CostDetailSchema),
		charged_address: z.string(),
	})
	.openapi("PriceEstimate");

const CcnBalanceSchema = z
	.object({
		address: z.string(),
		balance: z.number().openapi({ description: "ALEPH as a JSON number, like the CCN (`float(Decimal)`); exact value in `exact.balance`" }),
		details: z.record(z.string(), z.number()),
		locked_amount: z.number(),
		credit_balance: z.number().int().openapi({ description: "Always 0: credit balances are not indexed (see `credit_balance_known`)" }),
		credit_balance_known: z.literal(false),
		exact: z.object({ balance: z.string(), details: z.record(z.string(), z.string()), locked_amount: z.string() }),
	})
	.openapi("CcnBalance");

/** The CCN-compatible routes: `POST /api/v0/price/estimate`, `GET /api/v0/addresses/{address}/balance`. */
export function ccnRoutes(deps: RouteDeps) {
	const { ctx, fresh, chains, now } = deps;
	const app = createRouter();

	app.openapi(
		createRoute({
			method: "post",
			path: "/price/estimate",
			tags: ["CCN compatible"],
			summary: "The CCN's price estimate of a draft message",
			description:
				"Same answer as a CCN's `POST /api/v0/price/estimate`. Sizes come from `sizes` or the message's `estimated_size_mib` fields.",
			request: { body: jsonBody(EstimateRequest, "The draft message") },
			responses: { 200: json(EstimateSchema, "The estimate"), ...errorResponses(400, 413) },
		}),
		(c) => {
			const body = c.req.valid("json");
			const estimate = priceEstimate(body.message, {
				pricing: ctx.pricing,
				settings: ctx.settings,
				...(body.sizes ? { sizes: body.sizes } : {}),
			});
			if (!estimate.ok) throw pricingError(estimate.error);
			return c.json({ ...estimate.value, detail: [...estimate.value.detail] }, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/addresses/{address}/balance",
			tags: ["CCN compatible"],
			summary: "The CCN's balance answer, from the indexed chains",
			description:
				"`balance` sums every chain (stream chains at their available balance now), `locked_amount` is the hold cost of the registered resources. Numbers like the CCN's; exact strings in `exact`.",
			request: { params: AddressParams },
			responses: { 200: json(CcnBalanceSchema, "The balance"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { address } = c.req.valid("param");
			await fresh.assertFresh(chains);
			const e = deps.evaluate((await deps.readers.stored.load(address)).inputs, now());
			const details = Object.fromEntries(chains.map((chain) => [chain, formatAleph(e.balances[chain] ?? 0n)]));
			const exact = { balance: formatAleph(e.balance), details, locked_amount: formatAleph(e.lockedHold) };
			return c.json(
				{
					address: display(address),
					balance: Number(exact.balance),
					details: Object.fromEntries(Object.entries(details).map(([chain, value]) => [chain, Number(value)])),
					locked_amount: Number(exact.locked_amount),
					credit_balance: 0,
					credit_balance_known: false as const,
					exact,
				},
				200,
			);
		},
	);
	return app;
}
