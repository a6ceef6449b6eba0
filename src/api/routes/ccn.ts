import { createRoute, z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import { loadPricingTimeline } from "../../feed/resource-store.ts";
import { ITEM_HASH } from "../../ledger/resources.ts";
import { formatAleph } from "../../lib/amounts.ts";
import { computeCosts, fromWei, parseMessage, priceEstimate } from "../../pricing/index.ts";
import type { ApiEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { display } from "../format.ts";
import { type PyalephJsonValue, pyalephJson, pydanticDatetime } from "../pyaleph-json.ts";
import { creditDetails } from "../queries/credits.ts";
import { priceRecord } from "../queries/resources.ts";
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

const PriceParams = z.object({
	item_hash: z
		.string()
		.openapi({ param: { name: "item_hash", in: "path" }, example: "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595" }),
});

const PRICED_TYPES = ["INSTANCE", "PROGRAM", "STORE", "V-PROGRAM"];

type StoredRow = { type: string; name: string; cost_hold: string; cost_stream: string; cost_credit: string; size_mib?: number };

/** pyaleph's (O) serializer: sorted keys (the answer's numbers are as the schema says). */
function sendSorted(c: Context<ApiEnv>, value: PyalephJsonValue): TypedResponse<never, 200, "json"> {
	return c.body(pyalephJson(value, true), 200, { "content-type": "application/json; charset=utf-8" }) as unknown as TypedResponse<
		never,
		200,
		"json"
	>;
}

/** The CCN-compatible routes: `POST /api/v0/price/estimate`, `GET /api/v0/price/{item_hash}`, `GET /api/v0/addresses/{address}/balance`. */
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
		async (c) => {
			const body = c.req.valid("json");
			const time = (body.message as { time?: unknown }).time;
			const estimate = priceEstimate(body.message, {
				...(await deps.pricingAt(typeof time === "number" ? time : Number(now()))),
				...(body.sizes ? { sizes: body.sizes } : {}),
			});
			if (!estimate.ok) throw pricingError(estimate.error);
			return c.json({ ...estimate.value, detail: [...estimate.value.detail] }, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/price/{item_hash}",
			tags: ["CCN compatible"],
			summary: "The stored price of a resource message, as a CCN answers it",
			description:
				"Same answer as a CCN's `GET /api/v0/price/{item_hash}` (sorted keys): the cost rows computed when the oracle learned the message (from the network feed or `PUT /v1/resources`), `cost` in the payment type's column (credits per second for credit). 404 unknown or never valid, 410 forgotten (a forgotten STORE is priced again from its file size, as pyaleph does), 400 a message type that has no price or a malformed hash.",
			request: {
				params: PriceParams,
				query: z.object({
					include_size: z
						.enum(["true", "false", "1", "0", "yes", "no", "on", "off", "True", "False"])
						.optional()
						.openapi({ description: "Fill `size_mib` of each row" }),
				}),
			},
			responses: { 200: json(EstimateSchema, "The price"), ...errorResponses(400, 404, 410) },
		}),
		async (c) => {
			const { item_hash: itemHash } = c.req.valid("param");
			const withSize = ["true", "1", "yes", "on", "True"].includes(c.req.valid("query").include_size ?? "false");
			if (!ITEM_HASH.test(itemHash)) throw new ApiError(400, "invalid_request", "Not an item hash.", "item_hash");
			const record = await priceRecord(ctx.db, itemHash);
			const answer = (paymentType: string, totals: { hold: bigint; stream: bigint; credit: bigint }, rows: StoredRow[], owner: string) => {
				const cost = fromWei(paymentType === "credit" ? totals.credit : paymentType === "superfluid" ? totals.stream : totals.hold);
				return sendSorted(c, {
					charged_address: owner,
					cost,
					detail: rows.map((r) => ({
						cost_credit: r.cost_credit,
						cost_hold: r.cost_hold,
						cost_stream: r.cost_stream,
						name: r.name,
						size_mib: withSize && r.size_mib !== undefined ? r.size_mib : null,
						type: r.type,
					})),
					payment_type: paymentType,
					required_tokens: Number(cost),
				});
			};
			const ownerOf = (message: unknown) => {
				const content = (message as { content?: { address?: unknown } } | null)?.content;
				return typeof content?.address === "string" ? content.address : "";
			};
			if (record === null) throw new ApiError(404, "not_found", `No resource is known under ${itemHash}.`, "item_hash");
			if (record.kind === "message") {
				if (!PRICED_TYPES.includes(record.type))
					throw new ApiError(400, "invalid_request", `A ${record.type} message has no price.`, "item_hash");
				throw new ApiError(404, "not_found", `The message ${itemHash} is not a valid resource (${record.status}).`, "item_hash");
			}
			if (record.kind === "forgotten") {
				const parsed = record.type === "STORE" && record.message !== null ? parseMessage(record.message) : null;
				if (parsed?.ok && parsed.value.kind === "store" && record.size !== null) {
					const msg = parsed.value;
					const timeline = await loadPricingTimeline(ctx.db, {
						issuers: [],
						pricingOwner: ctx.config.feed.pricingOwner,
						pricingFile: ctx.config.pricingFile ? ctx.pricing : undefined,
						settingsFile: ctx.config.settingsFile ? ctx.settings : undefined,
					});
					const inForce = timeline.at(BigInt(now()) * 1_000_000n);
					const costs = computeCosts(msg, { pricing: inForce.pricing, settings: inForce.settings, sizes: { [msg.fileHash]: record.size } });
					if (costs.ok)
						return answer(
							costs.value.paymentType,
							costs.value.totalsWei,
							costs.value.rows.map(({ wei: _, ...r }) => r),
							msg.address,
						);
				}
				throw new ApiError(410, "gone", `The message ${itemHash} was forgotten.`, "item_hash");
			}
			return answer(
				record.paymentType,
				{ hold: record.costHold, stream: record.costStream, credit: record.costCredit },
				record.costRows as StoredRow[],
				ownerOf(record.message),
			);
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
