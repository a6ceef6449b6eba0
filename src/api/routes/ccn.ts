import { createRoute, z } from "@hono/zod-openapi";
import { formatAleph } from "../../lib/amounts.ts";
import { priceEstimate } from "../../pricing/index.ts";
import { display } from "../format.ts";
import { pydanticDatetime } from "../pyaleph-json.ts";
import { creditDetails } from "../queries/credits.ts";
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
		credit_balance: z
			.number()
			.int()
			.openapi({ description: "Credits from the network feed's ALEPH_CREDIT posts; 0 when not known (see `credit_balance_known`)" }),
		credit_balance_details: z
			.array(z.object({ expiration_date: z.string().nullable(), amount: z.number().int() }))
			.nullable()
			.openapi({ description: "With `include_credit_details=true`: credits per expiration, non-expiring first, then soonest first" }),
		credit_balance_known: z
			.boolean()
			.openapi({ description: "true when a feed is configured (ALEPH_API_URLS) and has backfilled the network's credit history" }),
		exact: z.object({
			balance: z.string(),
			details: z.record(z.string(), z.string()),
			locked_amount: z.string(),
			credit_balance: z.string().openapi({ description: "The credits as an exact integer string" }),
		}),
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
			request: {
				params: AddressParams,
				query: z.object({
					include_credit_details: z
						.enum(["true", "false", "1", "0", "yes", "no", "on", "off", "True", "False"])
						.optional()
						.openapi({ description: "Add `credit_balance_details` (pyaleph's boolean)" }),
				}),
			},
			responses: { 200: json(CcnBalanceSchema, "The balance"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { address } = c.req.valid("param");
			const withDetails = ["true", "1", "yes", "on", "True"].includes(c.req.valid("query").include_credit_details ?? "false");
			await fresh.assertFresh(chains);
			const t = now();
			const e = deps.evaluate(await deps.withCreditState((await deps.readers.stored.load(address)).inputs), t);
			// Credits straight from the ledger (the stored inputs may be a debounce behind a new post).
			const lots = e.credits.known ? await creditDetails(ctx.db, address, t) : [];
			const creditBalance = lots.reduce((sum, l) => sum + l.amount, 0n);
			const details = Object.fromEntries(chains.map((chain) => [chain, formatAleph(e.balances[chain] ?? 0n)]));
			const exact = { balance: formatAleph(e.balance), details, locked_amount: formatAleph(e.lockedHold) };
			return c.json(
				{
					address: display(address),
					balance: Number(exact.balance),
					details: Object.fromEntries(Object.entries(details).map(([chain, value]) => [chain, Number(value)])),
					locked_amount: Number(exact.locked_amount),
					credit_balance: Number(creditBalance),
					credit_balance_details:
						withDetails && e.credits.known
							? lots.map((l) => ({
									expiration_date: l.expirationMicros === null ? null : pydanticDatetime(l.expirationMicros),
									amount: Number(l.amount),
								}))
							: null,
					credit_balance_known: e.credits.known,
					exact: { ...exact, credit_balance: creditBalance.toString() },
				},
				200,
			);
		},
	);
	return app;
}
