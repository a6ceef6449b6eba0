import { createRoute, z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor, isInteger, isLowerAddress } from "../cursor.ts";
import { amount, display, flowRate } from "../format.ts";
import { flowsByReceiver } from "../queries/flows.ts";
import { listHolders, supplyByChain } from "../queries/stats.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import {
	AddressQuery,
	AmountSchema,
	CursorQuery,
	chainSchema,
	errorResponses,
	FlowRateSchema,
	json,
	limitQuery,
} from "../schemas/common.ts";

const SupplySchema = z
	.object({
		chains: z.record(z.string(), z.object({ minted: AmountSchema, burned: AmountSchema, supply: AmountSchema })),
		total: AmountSchema,
	})
	.openapi("Supply");

const HoldersSchema = z
	.object({
		chain: z.string().nullable(),
		holders: z.array(z.object({ address: z.string(), balance: AmountSchema, balances: z.record(z.string(), AmountSchema) })),
		nextCursor: z.string().nullable(),
	})
	.openapi("Holders");

const ReceiversSchema = z
	.object({
		receivers: z.array(
			z.object({
				chain: z.string(),
				receiver: z.string(),
				communityWallet: z.boolean(),
				streams: z.number().int(),
				flowRate: FlowRateSchema,
				deposit: AmountSchema,
			}),
		),
	})
	.openapi("FlowsByReceiver");

/** `GET /v1/stats/supply`, `/v1/stats/holders`, `/v1/stats/flows`. */
export function statsRoutes(deps: RouteDeps) {
	const { ctx, fresh, chains, now } = deps;
	const app = createRouter();
	const Chain = chainSchema(chains).optional();

	app.openapi(
		createRoute({
			method: "get",
			path: "/supply",
			tags: ["Analytics"],
			summary: "Indexed supply per chain (minted from the zero address minus burned to it) and in total",
			responses: { 200: json(SupplySchema, "Supply"), ...errorResponses(503) },
		}),
		async (c) => {
			await fresh.assertFresh(chains);
			const supply = await supplyByChain(ctx.db, chains);
			let total = 0n;
			const perChain = Object.fromEntries(
				[...supply].map(([chain, { minted, burned }]) => {
					total += minted - burned;
					return [chain, { minted: amount(minted), burned: amount(burned), supply: amount(minted - burned) }];
				}),
			);
			return c.json({ chains: perChain, total: amount(total) }, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/holders",
			tags: ["Analytics"],
			summary: "Top holders by available balance (streams settled to now), keyset-paginated",
			request: { query: z.object({ chain: Chain, limit: limitQuery(100, 1000), cursor: CursorQuery }) },
			responses: { 200: json(HoldersSchema, "One page of holders, largest first"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const query = c.req.valid("query");
			const after = query.cursor
				? decodeCursor(query.cursor, 2, (p, i) => (i === 0 ? isInteger(p, 80) && !p.startsWith("-") : isLowerAddress(p)))
				: null;
			const selected = query.chain ? [query.chain] : chains;
			await fresh.assertFresh(selected);
			const rows = await listHolders(ctx.db, {
				chains: selected,
				t: now(),
				after: after ? { amount: BigInt(after[0] as string), address: after[1] as string } : null,
				limit: query.limit + 1,
			});
			const page = rows.slice(0, query.limit);
			const last = page.at(-1);
			return c.json(
				{
					chain: query.chain ?? null,
					holders: page.map((h) => ({
						address: display(h.address),
						balance: amount(h.amount),
						balances: Object.fromEntries(Object.entries(h.chains ?? {}).map(([chain, wei]) => [chain, amount(BigInt(wei))])),
					})),
					nextCursor: rows.length > query.limit && last ? encodeCursor([last.amount.toString(), last.address]) : null,
				},
				200,
			);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/flows",
			tags: ["Analytics"],
			summary: "Open streams aggregated by receiver: what each CRN and the community wallet receive",
			request: { query: z.object({ chain: Chain, receiver: AddressQuery, limit: limitQuery(100, 1000) }) },
			responses: { 200: json(ReceiversSchema, "Receivers, largest total flow rate first"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const query = c.req.valid("query");
			const selected = query.chain ? [query.chain] : deps.streamChains;
			await fresh.assertFresh(selected);
			const community = ctx.settings.communityWalletAddress.toLowerCase();
			const rows =
				selected.length === 0
					? []
					: await flowsByReceiver(ctx.db, { chains: selected, receiver: query.receiver ?? null, limit: query.limit });
			return c.json(
				{
					receivers: rows.map((r) => ({
						chain: r.chain,
						receiver: display(r.receiver),
						communityWallet: r.receiver === community,
						streams: Number(r.streams),
						flowRate: flowRate(r.total_rate),
						deposit: amount(r.total_deposit),
					})),
				},
				200,
			);
		},
	);
	return app;
}
