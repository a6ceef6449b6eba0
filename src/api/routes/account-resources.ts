import { createRoute, z } from "@hono/zod-openapi";
import { forecastRemovals } from "../../domain/removal-forecast.ts";
import { formatAleph } from "../../lib/amounts.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { amount, display, flowRate, isoFromSeconds } from "../format.ts";
import { listResources } from "../queries/resources.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { AddressParams, AmountSchema, CursorQuery, errorResponses, FlowRateSchema, json, limitQuery } from "../schemas/common.ts";

const ResourceSchema = z
	.object({
		itemHash: z.string(),
		messageType: z.string(),
		paymentType: z.enum(["hold", "superfluid", "credit"]),
		chain: z.string().nullable(),
		receiver: z.string().nullable(),
		cost: z.object({
			hold: AmountSchema.openapi({ description: "ALEPH to hold" }),
			stream: FlowRateSchema.openapi({ description: "ALEPH per second" }),
			credit: z.string().openapi({ description: "Credits per second, exact" }),
		}),
		messageTime: z.string().nullable().openapi({ format: "date-time" }),
		acceptedAt: z.string().openapi({ format: "date-time" }),
		covered: z.boolean().nullable().openapi({
			description:
				"hold: the balance still covers it, oldest first; superfluid: the streams to its receiver cover the group; credit: one day of it is covered, oldest first (null when credits are not known)",
		}),
		source: z.enum(["registered", "network"]).openapi({ description: "`network`: learned from the feed; `registered`: PUT /v1/resources" }),
		status: z.enum(["processed", "removing"]).openapi({
			description:
				"What the CCN lists it as: `removing` when its removal cron found it unfunded (still priced and billed); a forgotten resource is no longer listed",
		}),
		predictedCut: z.boolean().nullable().openapi({
			description:
				"Our prediction of the CCN's removal cron: its next run would mark it REMOVING (hold: not covered, oldest first; credit: less than one day of it left, oldest funded first); null for superfluid or unknown credits",
		}),
		runsOutAt: z.string().nullable().openapi({
			format: "date-time",
			description: "Credit resources: when the cron would cut it at the account's spend rate (lots assumed not to expire)",
		}),
		missingSizes: z.array(z.string()).openapi({
			description: "STORE item hashes whose file size the CCN did not give: their cost rows are missing (never guessed)",
		}),
		pricingRef: z.string().nullable().openapi({
			description: "The pricing aggregate element in force at the message's time; null: PRICING_FILE or the built-in default",
		}),
	})
	.openapi("LedgerResource");

const ResourcesSchema = z
	.object({
		address: z.string(),
		balance: AmountSchema,
		lockedHold: AmountSchema,
		resources: z.array(ResourceSchema),
		nextCursor: z.string().nullable(),
	})
	.openapi("AccountResources");

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** `GET /v1/accounts/{address}/resources`: the ledger of the owner, oldest first, with coverage. */
export function accountResourceRoutes(deps: RouteDeps) {
	const { ctx, fresh, chains, now } = deps;
	const app = createRouter();
	app.openapi(
		createRoute({
			method: "get",
			path: "/{address}/resources",
			tags: ["Accounts"],
			summary:
				"Every resource of the account (registered or from the network feed), oldest first, with cost, coverage and the predicted cut",
			request: { params: AddressParams, query: z.object({ limit: limitQuery(100, 1000), cursor: CursorQuery }) },
			responses: { 200: json(ResourcesSchema, "One page of resources"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { address } = c.req.valid("param");
			const { limit, cursor } = c.req.valid("query");
			const position = cursor
				? decodeCursor(cursor, 2, (p, i) => (i === 0 ? ISO.test(p) && !Number.isNaN(Date.parse(p)) : p.length <= 128))
				: null;
			await fresh.assertFresh(chains);
			const [liveInputs, rows] = await Promise.all([
				deps.readers.live.load(address),
				listResources(ctx.db, {
					owner: address,
					after: position ? { acceptedAt: position[0] as string, itemHash: position[1] as string } : null,
					limit: limit + 1,
				}),
			]);
			const inputs = await deps.withCreditState(liveInputs);
			const t = now();
			const entitlement = deps.evaluate(inputs, t);
			const holdCovered = new Map(entitlement.coverage.map((e) => [e.itemHash, e.covered]));
			const forecast = forecastRemovals(inputs.resources, holdCovered, entitlement.credits, t);
			const streamCovered = new Map(entitlement.payg.flatMap((p) => p.resources.map((r) => [r, p.ok] as const)));
			const page = rows.slice(0, limit);
			const last = page.at(-1);
			return c.json(
				{
					address: display(address),
					balance: amount(entitlement.balance),
					lockedHold: amount(entitlement.lockedHold),
					resources: page.map((r) => {
						const f = forecast.get(r.item_hash);
						const covered =
							r.payment_type === "hold"
								? holdCovered.get(r.item_hash)
								: r.payment_type === "credit"
									? f?.predictedCut == null
										? undefined
										: !f.predictedCut
									: streamCovered.get(r.item_hash);
						return {
							itemHash: r.item_hash,
							messageType: r.message_type,
							paymentType: r.payment_type as "hold" | "superfluid" | "credit",
							chain: r.chain,
							receiver: r.receiver === null ? null : display(r.receiver),
							cost: { hold: amount(r.cost_hold), stream: flowRate(r.cost_stream), credit: formatAleph(r.cost_credit) },
							messageTime: isoFromSeconds(r.message_time),
							acceptedAt: r.accepted_at.toISOString(),
							covered: covered ?? null,
							source: r.source,
							status: r.ccn_status === "removing" ? ("removing" as const) : ("processed" as const),
							predictedCut: f?.predictedCut ?? null,
							runsOutAt: isoFromSeconds(f?.runsOutAt ?? null),
							missingSizes: r.missing_sizes,
							pricingRef: r.pricing_ref,
						};
					}),
					nextCursor: rows.length > limit && last ? encodeCursor([last.accepted_at.toISOString(), last.item_hash]) : null,
				},
				200,
			);
		},
	);
	return app;
}
