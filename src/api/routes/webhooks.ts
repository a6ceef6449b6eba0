import { randomBytes, randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors.ts";
import { requireApiKey } from "../middleware/api-key.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { errorResponses, json, jsonBody } from "../schemas/common.ts";

/** Events a webhook can subscribe to; `*` is every event. */
export const WEBHOOK_EVENTS = ["alert.opened", "alert.resolved", "*"] as const;

const WebhookUrl = z
	.string()
	.max(2048)
	.refine((value) => {
		try {
			const url = new URL(value);
			return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === "" && url.hostname !== "";
		} catch {
			return false;
		}
	}, "must be an http(s) URL without credentials")
	.openapi({ example: "https://example.com/aleph-oracle" });

const CreateWebhook = z
	.object({
		url: WebhookUrl,
		events: z
			.array(z.enum(WEBHOOK_EVENTS))
			.min(1)
			.max(WEBHOOK_EVENTS.length)
			.refine((events) => new Set(events).size === events.length, "must not list an event twice"),
	})
	.openapi("CreateWebhookRequest");

const WebhookSchema = z
	.object({
		id: z.string().openapi({ format: "uuid" }),
		url: z.string(),
		events: z.array(z.string()),
		secret: z.string().openapi({ description: "HMAC-SHA256 key of `X-Aleph-Oracle-Signature: sha256=<hex>`; shown once" }),
		createdAt: z.string().openapi({ format: "date-time" }),
	})
	.openapi("Webhook");

const IdParams = z.object({
	id: z
		.string()
		.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a webhook id (a UUID)")
		.openapi({ param: { name: "id", in: "path" } }),
});

/** `POST /v1/webhooks` and `DELETE /v1/webhooks/{id}`, behind an API key. */
export function webhookRoutes(deps: RouteDeps) {
	const { ctx } = deps;
	const app = createRouter();
	const auth = requireApiKey(ctx.config.apiKeys);

	app.openapi(
		createRoute({
			method: "post",
			path: "/",
			tags: ["Alerts"],
			summary: "Subscribe a URL to alert events; deliveries are signed POSTs, retried with backoff",
			security: [{ bearer: [] }],
			middleware: [auth],
			request: { body: jsonBody(CreateWebhook, "Where to deliver and which events") },
			responses: { 201: json(WebhookSchema, "Created; keep the secret"), ...errorResponses(400, 401, 403, 413) },
		}),
		async (c) => {
			const { url, events } = c.req.valid("json");
			const row = await ctx.db
				.insertInto("webhooks")
				.values({ id: randomUUID(), url, events, secret: randomBytes(32).toString("hex") })
				.returningAll()
				.executeTakeFirstOrThrow();
			return c.json({ id: row.id, url: row.url, events: row.events, secret: row.secret, createdAt: row.created_at.toISOString() }, 201);
		},
	);

	app.openapi(
		createRoute({
			method: "delete",
			path: "/{id}",
			tags: ["Alerts"],
			summary: "Remove a webhook (its pending deliveries go with it)",
			security: [{ bearer: [] }],
			middleware: [auth],
			request: { params: IdParams },
			responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const removed = await ctx.db.deleteFrom("webhooks").where("id", "=", id.toLowerCase()).executeTakeFirst();
			if (removed.numDeletedRows === 0n) throw new ApiError(404, "not_found", `No webhook has the id ${id}.`, "id");
			return c.body(null, 204);
		},
	);
	return app;
}
