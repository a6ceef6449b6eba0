import { createRoute, z } from "@hono/zod-openapi";
import { type CanPayVerdict, decideCanPay } from "../../domain/can-pay.ts";
import { isEvmAddress } from "../../lib/address.ts";
import { computeCosts, decidePayment, estimateDetail, parseMessage } from "../../pricing/index.ts";
import { amount, blockMap, display, flowRate } from "../format.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { AmountSchema, errorResponses, FlowRateSchema, json, jsonBody } from "../schemas/common.ts";
import { CostDetailSchema, MessageSchema, SizesSchema } from "../schemas/message.ts";
import { nonEvmOwnerError, pricingError } from "./pricing-error.ts";

/** What a verdict is measured in, per payment type. */
const UNIT_OF = { hold: "ALEPH", superfluid: "ALEPH/s", credit: "credits/s" } as const;

const CanPayRequest = z.object({ message: MessageSchema, sizes: SizesSchema.optional() }).openapi("CanPayRequest");

const StreamsSchema = z
	.object({
		chain: z.string(),
		receiver: z.string(),
		communityWallet: z.string().nullable(),
		flowToReceiver: FlowRateSchema,
		flowToCommunity: FlowRateSchema,
		requiredToReceiver: FlowRateSchema,
		requiredToCommunity: FlowRateSchema,
		shortfallToReceiver: FlowRateSchema,
		shortfallToCommunity: FlowRateSchema,
	})
	.openapi("StreamsCheck");

const CanPaySchema = z
	.object({
		allowed: z
			.boolean()
			.nullable()
			.openapi({ description: "null when the verdict hinges on the credit balance and no feed has backfilled it" }),
		paymentType: z.enum(["hold", "superfluid", "credit"]),
		cost: z
			.string()
			.openapi({ description: "The message's own cost in its payment column, 18 decimals", example: "1000.000000000000000000" }),
		unit: z.enum(["ALEPH", "ALEPH/s", "credits/s"]),
		required: z
			.string()
			.nullable()
			.openapi({ description: "hold: ALEPH (locked + this); credit: credits for one day; superfluid: ALEPH/s to the receiver" }),
		available: z.string().nullable(),
		errorCode: z
			.union([z.literal(5), z.literal(6), z.literal(202)])
			.nullable()
			.openapi({ description: "Aleph's code: 5 balance, 6 credit, 202 payment method" }),
		reason: z.string().openapi({ example: "balance_sufficient" }),
		message: z.string(),
		detail: z.array(CostDetailSchema),
		address: z.string().nullable().openapi({ description: "The charged account (`content.address`), checksummed" }),
		balance: AmountSchema.nullable(),
		lockedHold: AmountSchema.nullable(),
		streamsChecked: z.boolean().openapi({ description: "superfluid: the indexed flows on `payment.chain` were checked" }),
		streams: StreamsSchema.nullable(),
		creditBalanceKnown: z.boolean().openapi({
			description: "The credit balance comes from the network feed (configured and backfilled); else a credit verdict is null",
		}),
		missingSizes: z
			.array(z.string())
			.openapi({ description: "Refs whose size was not given: they add no cost (the CCN's legacy tolerance)" }),
		asOf: z.record(z.string(), z.number().int()),
	})
	.openapi("CanPay");

/** `POST /v1/can-pay`: would a CCN accept this message, and do the indexed streams pay for it? */
export function canPayRoutes(deps: RouteDeps) {
	const { ctx, fresh, chains, now } = deps;
	const app = createRouter();
	app.openapi(
		createRoute({
			method: "post",
			path: "/can-pay",
			tags: ["Payment"],
			summary: "Whether the sender can pay a message, from the live indexed state",
			description:
				"Prices the message like a CCN and decides with the indexed balances, the owner's registered resources and, for superfluid, the indexed flows to `payment.receiver` and the community wallet on `payment.chain`. No RPC.",
			request: { body: jsonBody(CanPayRequest, "The message and the byte sizes of the files it references") },
			responses: { 200: json(CanPaySchema, "The verdict"), ...errorResponses(400, 413, 503) },
		}),
		async (c) => {
			const body = c.req.valid("json");
			const parsed = parseMessage(body.message);
			if (!parsed.ok) throw pricingError(parsed.error);
			const message = parsed.value;
			const priced = computeCosts(message, { ...(await deps.pricingAt(message.time)), ...(body.sizes ? { sizes: body.sizes } : {}) });
			if (!priced.ok) throw pricingError(priced.error);
			const costs = priced.value;
			const t = now();
			const base = {
				cost: costs.total,
				detail: costs.rows.map(estimateDetail),
				missingSizes: [...costs.missingSizes],
			};
			if (message.kind === "unpriced") {
				const d = decidePayment({ message, costs, now: Number(t), balanceWei: 0n });
				const verdict = { ...d, lockedHoldWei: 0n, flowsUsed: null };
				return c.json(
					{ ...base, ...answer(verdict), creditBalanceKnown: false, address: null, balance: null, lockedHold: null, asOf: {} },
					200,
				);
			}
			if (!isEvmAddress(message.address)) {
				throw nonEvmOwnerError();
			}
			const owner = message.address.toLowerCase();
			await fresh.assertFresh(chains);
			const inputs = await deps.readers.live.load(owner);
			const entitlement = deps.evaluate(inputs, t);
			const verdict = decideCanPay({
				message,
				costs,
				inputs,
				entitlement,
				settings: ctx.settings,
				now: Number(t),
				streamChains: deps.streamChains,
			});
			return c.json(
				{
					...base,
					...answer(verdict),
					creditBalanceKnown: entitlement.credits.known,
					address: display(owner),
					balance: amount(entitlement.balance),
					lockedHold: amount(verdict.lockedHoldWei),
					asOf: blockMap(entitlement.asOf),
				},
				200,
			);
		},
	);

	return app;
}

function answer(v: CanPayVerdict) {
	const s = v.flowsUsed;
	const check = v.streams;
	return {
		allowed: v.allowed,
		paymentType: v.paymentType,
		unit: UNIT_OF[v.paymentType],
		required: v.required,
		available: v.available,
		errorCode: v.errorCode,
		reason: v.reason,
		message: v.message,
		streamsChecked: check !== undefined,
		streams:
			s && check
				? {
						chain: s.chain,
						receiver: display(s.receiver),
						communityWallet: s.communityWallet === null ? null : display(s.communityWallet),
						flowToReceiver: flowRate(s.toReceiverWei),
						flowToCommunity: flowRate(s.toCommunityWei),
						requiredToReceiver: flowRate(check.crnRequiredWei),
						requiredToCommunity: flowRate(check.communityRequiredWei),
						shortfallToReceiver: flowRate(check.crnShortfallWei),
						shortfallToCommunity: flowRate(check.communityShortfallWei),
					}
				: null,
	};
}
