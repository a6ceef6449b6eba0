import { createRoute, z } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor, isInteger } from "../cursor.ts";
import { display } from "../format.ts";
import { listAlerts } from "../queries/alerts.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { AddressQuery, CursorQuery, errorResponses, json, limitQuery } from "../schemas/common.ts";

const AlertSchema = z
	.object({
		id: z.string(),
		address: z.string(),
		kind: z.string().openapi({
			example: "stream_running_dry",
			description: "insufficient_balance, stream_running_dry, stream_below_requirement, critical_account",
		}),
		subject: z.string().openapi({ example: "AVAX" }),
		status: z.enum(["open", "resolved"]),
		detail: z.unknown(),
		openedAt: z.string().openapi({ format: "date-time" }),
		resolvedAt: z.string().nullable().openapi({ format: "date-time" }),
	})
	.openapi("Alert");

const AlertsSchema = z.object({ alerts: z.array(AlertSchema), nextCursor: z.string().nullable() }).openapi("Alerts");

/** `GET /v1/alerts?status=&address=`: newest first, keyset-paginated. */
export function alertRoutes(deps: RouteDeps) {
	const { ctx } = deps;
	const app = createRouter();
	app.openapi(
		createRoute({
			method: "get",
			path: "/",
			tags: ["Alerts"],
			summary: "Alerts opened and resolved by entitlement changes, newest first",
			request: {
				query: z.object({
					status: z.enum(["open", "resolved"]).optional(),
					address: AddressQuery,
					limit: limitQuery(100, 1000),
					cursor: CursorQuery,
				}),
			},
			responses: { 200: json(AlertsSchema, "One page of alerts"), ...errorResponses(400) },
		}),
		async (c) => {
			const query = c.req.valid("query");
			const before = query.cursor ? decodeCursor(query.cursor, 1, (p) => isInteger(p) && !p.startsWith("-")) : null;
			const rows = await listAlerts(ctx.db, {
				status: query.status,
				address: query.address,
				before: before ? BigInt(before[0] as string) : null,
				limit: query.limit + 1,
			});
			const page = rows.slice(0, query.limit);
			const last = page.at(-1);
			return c.json(
				{
					alerts: page.map((a) => ({
						id: a.id.toString(),
						address: display(a.address),
						kind: a.kind,
						subject: a.subject,
						status: a.status,
						detail: a.detail,
						openedAt: a.opened_at.toISOString(),
						resolvedAt: a.resolved_at?.toISOString() ?? null,
					})),
					nextCursor: rows.length > query.limit && last ? encodeCursor([last.id.toString()]) : null,
				},
				200,
			);
		},
	);
	return app;
}
