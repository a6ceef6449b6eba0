import { createRoute, z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor, isInteger } from "../cursor.ts";
import { ApiError } from "../errors.ts";
import { amount, blockNumber, display, isoFromSeconds } from "../format.ts";
import { listHistory } from "../queries/history.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { AddressParams, AmountSchema, CursorQuery, chainSchema, errorResponses, json, limitQuery } from "../schemas/common.ts";

const Block = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();

const EntrySchema = z
	.object({
		chain: z.string(),
		block: z.number().int(),
		logIndex: z.number().int().openapi({ description: "Negative for genesis credits (no transaction)" }),
		txHash: z.string().nullable(),
		timestamp: z.string().nullable().openapi({ format: "date-time" }),
		from: z.string(),
		to: z.string(),
		delta: AmountSchema.openapi({ description: "Signed change of the account's balance" }),
		balanceAfter: AmountSchema.openapi({ description: "Transfer balance after this row (all earlier transfers included)" }),
	})
	.openapi("HistoryEntry");

const HistorySchema = z
	.object({ address: z.string(), entries: z.array(EntrySchema), nextCursor: z.string().nullable() })
	.openapi("AccountHistory");

/** `GET /v1/accounts/{address}/history`: transfer balance changes, keyset-paginated. */
export function accountHistoryRoutes(deps: RouteDeps) {
	const { ctx, fresh, chains } = deps;
	const app = createRouter();
	app.openapi(
		createRoute({
			method: "get",
			path: "/{address}/history",
			tags: ["Accounts"],
			summary: "Balance changes from token transfers, with the running balance",
			description: "Ordered by chain, block and log index. Superfluid stream balances are not part of these rows (see /flows).",
			request: {
				params: AddressParams,
				query: z.object({
					chain: chainSchema(chains).optional(),
					fromBlock: Block,
					toBlock: Block,
					order: z.enum(["asc", "desc"]).default("asc"),
					limit: limitQuery(100, 1000),
					cursor: CursorQuery,
				}),
			},
			responses: { 200: json(HistorySchema, "One page of balance changes"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { address } = c.req.valid("param");
			const query = c.req.valid("query");
			if (query.fromBlock !== undefined && query.toBlock !== undefined && query.fromBlock > query.toBlock) {
				throw new ApiError(400, "invalid_request", "The fromBlock parameter must not exceed toBlock.", "fromBlock");
			}
			const selected = query.chain ? [query.chain] : chains;
			const position = query.cursor
				? decodeCursor(query.cursor, 3, (p, i) => (i === 0 ? selected.includes(p) : isInteger(p, i === 1 ? 18 : 9)))
				: null;
			await fresh.assertFresh(selected);
			const rows = await listHistory(ctx.db, {
				address,
				chains: selected,
				...(query.fromBlock === undefined ? {} : { fromBlock: query.fromBlock }),
				...(query.toBlock === undefined ? {} : { toBlock: query.toBlock }),
				...(position
					? { after: { chain: position[0] as string, block: BigInt(position[1] as string), logIndex: Number(position[2]) } }
					: {}),
				order: query.order,
				limit: query.limit + 1,
			});
			const page = rows.slice(0, query.limit);
			const last = page.at(-1);
			return c.json(
				{
					address: display(address),
					entries: page.map((r) => ({
						chain: r.chain,
						block: blockNumber(r.block_number),
						logIndex: r.log_index,
						txHash: r.tx_hash,
						timestamp: isoFromSeconds(r.block_timestamp),
						from: display(r.from_address),
						to: display(r.to_address),
						delta: amount(r.delta),
						balanceAfter: amount(r.balance_after),
					})),
					nextCursor:
						rows.length > query.limit && last ? encodeCursor([last.chain, last.block_number.toString(), String(last.log_index)]) : null,
				},
				200,
			);
		},
	);
	return app;
}
