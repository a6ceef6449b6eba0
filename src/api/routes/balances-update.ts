import { createRoute, z } from "@hono/zod-openapi";
import { formatAleph } from "../../lib/amounts.ts";
import { display } from "../format.ts";
import { listAvailableBalances } from "../queries/available-balances.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { chainSchema, errorResponses, json } from "../schemas/common.ts";

const BalancesUpdateSchema = z
	.object({
		chain: z.string(),
		main_height: z
			.number()
			.int()
			.openapi({ description: "The Ethereum indexed block when ETH is watched (what the CCN orders posts by), else this chain's" }),
		height_chain: z.string().openapi({ description: "The chain `main_height` is a block of" }),
		balances: z.record(z.string(), z.number()).openapi({ description: "Checksummed address → ALEPH as a JSON number, zeros included" }),
		platform: z.string(),
		token_symbol: z.literal("ALEPH"),
		token_contract: z.string(),
	})
	.openapi("BalancesUpdate");

/** `GET /v1/balances-update/{chain}`: the content of a `balances-update` post for one chain. */
export function balancesUpdateRoutes(deps: RouteDeps) {
	const { ctx, fresh, chains, now } = deps;
	const app = createRouter();
	app.openapi(
		createRoute({
			method: "get",
			path: "/{chain}",
			tags: ["CCN compatible"],
			summary: "The content of a balances-update post a CCN would accept for the chain",
			description:
				"Every account the index knows on the chain, zeros included (an account that emptied must be zeroed in the CCN). Stream chains report the available balance now, never below 0.",
			request: { params: z.object({ chain: chainSchema(chains).openapi({ param: { name: "chain", in: "path" } }) }) },
			responses: { 200: json(BalancesUpdateSchema, "The post content"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { chain } = c.req.valid("param");
			const heightChain = chains.includes("ETH") ? "ETH" : chain;
			const rows = await fresh.assertFresh([...new Set([chain, heightChain])]);
			const balances = await listAvailableBalances(ctx.db, chain, now());
			const cursor = rows.get(heightChain);
			return c.json(
				{
					chain,
					main_height: Number(cursor?.indexed_block ?? 0n),
					height_chain: heightChain,
					balances: Object.fromEntries(balances.map((b) => [display(b.address), Number(formatAleph(b.amount))])),
					platform: `ALEPH_${chain}`,
					token_symbol: "ALEPH" as const,
					token_contract: display(rows.get(chain)?.token ?? ""),
				},
				200,
			);
		},
	);
	return app;
}
