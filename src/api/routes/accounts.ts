import { createRoute, z } from "@hono/zod-openapi";
import { entitlementJson } from "../entitlement-json.ts";
import { amount, display, flowRate, isoFromSeconds } from "../format.ts";
import { listAccountFlows } from "../queries/flows.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { AccountSchema } from "../schemas/account.ts";
import { AddressParams, AmountSchema, errorResponses, FlowRateSchema, json } from "../schemas/common.ts";

const FlowSchema = z
	.object({
		direction: z.enum(["in", "out"]),
		chain: z.string(),
		sender: z.string(),
		receiver: z.string(),
		flowRate: FlowRateSchema,
		deposit: AmountSchema,
		since: z.string().nullable().openapi({ format: "date-time", description: "Open without interruption since" }),
		updatedBlock: z.number().int(),
	})
	.openapi("Flow");

const FlowsSchema = z.object({ address: z.string(), flows: z.array(FlowSchema) }).openapi("AccountFlows");

/** `GET /v1/accounts/{address}` and `GET /v1/accounts/{address}/flows`. */
export function accountRoutes(deps: RouteDeps) {
	const { ctx, fresh, chains, now } = deps;
	const app = createRouter();

	app.openapi(
		createRoute({
			method: "get",
			path: "/{address}",
			tags: ["Accounts"],
			summary: "The entitlement of an account: balances, locked hold, streams, status",
			description: "An unknown address is a zero account, not a 404. Evaluated now from the inputs the queue last stored (or read live).",
			request: { params: AddressParams },
			responses: { 200: json(AccountSchema, "The account"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { address } = c.req.valid("param");
			await fresh.assertFresh(chains);
			const read = await deps.readers.stored.load(address);
			return c.json(entitlementJson(deps.evaluate(await deps.withCreditState(read.inputs), now()), chains, read), 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/{address}/flows",
			tags: ["Accounts"],
			summary: "The account's open Superfluid streams, in and out",
			request: { params: AddressParams },
			responses: { 200: json(FlowsSchema, "Open flows, outgoing first"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { address } = c.req.valid("param");
			await fresh.assertFresh(deps.streamChains);
			const { outgoing, incoming } = await listAccountFlows(ctx.db, address, chains);
			const flows = [
				...outgoing.map((f) => ({ direction: "out" as const, ...f })),
				...incoming.map((f) => ({ direction: "in" as const, ...f })),
			].map((f) => ({
				direction: f.direction,
				chain: f.chain,
				sender: display(f.sender),
				receiver: display(f.receiver),
				flowRate: flowRate(f.flow_rate),
				deposit: amount(f.deposit),
				since: isoFromSeconds(f.opened_at),
				updatedBlock: Number(f.updated_block),
			}));
			return c.json({ address: display(address), flows }, 200);
		},
	);
	return app;
}
