import { createRoute, z } from "@hono/zod-openapi";
import type { TypedResponse } from "hono";
import { formatAleph } from "../../lib/amounts.ts";
import { display } from "../format.ts";
import { availableBalanceBatches } from "../queries/available-balances.ts";
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

/** How long a client may leave the answer unread before it is cut off (and the read transaction ended), ms. */
const STALLED_CLIENT_MS = 15_000;

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
			// Written as it is read (one batch of rows in memory at a time, whatever the number of
			// accounts), byte for byte what JSON.stringify of the whole object gives.
			const batches = availableBalanceBatches(ctx.db, chain, now());
			const first = await batches.next();
			const head = `{"chain":${JSON.stringify(chain)},"main_height":${Number(rows.get(heightChain)?.indexed_block ?? 0n)},"height_chain":${JSON.stringify(heightChain)},"balances":{`;
			const tail = `},"platform":${JSON.stringify(`ALEPH_${chain}`)},"token_symbol":"ALEPH","token_contract":${JSON.stringify(display(rows.get(chain)?.token ?? ""))}}`;
			let separator = "";
			const entries = (batch: { address: string; amount: bigint }[]) => {
				let out = "";
				for (const b of batch) {
					out += `${separator}${JSON.stringify(display(b.address))}:${JSON.stringify(Number(formatAleph(b.amount)))}`;
					separator = ",";
				}
				return out;
			};
			const encoder = new TextEncoder();
			let pending: IteratorResult<{ address: string; amount: bigint }[], void> | null = first;
			// The read transaction lasts as long as the client reads (on PGlite it holds the only
			// connection): a client that stops reading is cut off after STALLED_CLIENT_MS.
			let stalled: NodeJS.Timeout | undefined;
			const watch = (controller: ReadableStreamDefaultController<Uint8Array>) => {
				stalled = setTimeout(() => {
					void batches.return();
					controller.error(new Error("the client stopped reading"));
				}, STALLED_CLIENT_MS);
				stalled.unref();
			};
			const body = new ReadableStream<Uint8Array>({
				start(controller) {
					controller.enqueue(encoder.encode(head));
					watch(controller);
				},
				async pull(controller) {
					clearTimeout(stalled);
					const next = pending ?? (await batches.next());
					pending = null;
					if (next.done) {
						controller.enqueue(encoder.encode(tail));
						controller.close();
						return;
					}
					controller.enqueue(encoder.encode(entries(next.value)));
					watch(controller);
				},
				async cancel() {
					clearTimeout(stalled);
					await batches.return();
				},
			});
			return c.body(body, 200, { "content-type": "application/json" }) as unknown as TypedResponse<never, 200, "json">;
		},
	);
	return app;
}
