import { createRoute, z } from "@hono/zod-openapi";
import { checkWebhookUrl } from "../../webhooks/destination.ts";
import {
	deleteWebhook,
	insertWebhook,
	listWebhooks,
	MAX_WEBHOOKS,
	rotateWebhookSecret,
	type Webhook,
	type WebhookSummary,
} from "../../webhooks/queries.ts";
import { ApiError } from "../errors.ts";
import { requireApiKey } from "../middleware/api-key.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { errorResponses, json, jsonBody } from "../schemas/common.ts";

/** Events a webhook can subscribe to; `*` is every event. */
export const WEBHOOK_EVENTS = ["alert.opened", "alert.resolved", "*"] as const;

/** A webhook URL, checked and normalised (`new URL(x).href`); non-public hosts refused unless allowed. */
function webhookUrl(allowPrivate: boolean) {
	return z
		.string()
		.max(2048)
		.transform((value, ctx) => {
			const checked = checkWebhookUrl(value, allowPrivate);
			if (checked.ok) return checked.url;
			ctx.addIssue({ code: "custom", message: checked.message });
			return z.NEVER;
		})
		.openapi({
			description: allowPrivate
				? "An http(s) URL without credentials"
				: "An http(s) URL without credentials, reaching a public address (loopback, private, link-local… refused)",
			example: "https://example.com/aleph-oracle",
		});
}

const SummarySchema = z
	.object({
		id: z.string().openapi({ format: "uuid" }),
		url: z.string().openapi({ description: "As stored: normalised" }),
		events: z.array(z.string()),
		createdAt: z.string().openapi({ format: "date-time" }),
	})
	.openapi("WebhookSummary");

const WebhookSchema = SummarySchema.extend({
	secret: z.string().openapi({ description: "HMAC-SHA256 key of `X-Aleph-Oracle-Signature: sha256=<hex>`; shown once" }),
}).openapi("Webhook");

const WebhookListSchema = z.object({ webhooks: z.array(SummarySchema) }).openapi("WebhookList");

const IdParams = z.object({
	id: z
		.string()
		.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a webhook id (a UUID)")
		.transform((id) => id.toLowerCase())
		.openapi({ param: { name: "id", in: "path" } }),
});

const summary = (row: WebhookSummary) => ({ id: row.id, url: row.url, events: row.events, createdAt: row.created_at.toISOString() });
const withSecret = (row: Webhook) => ({ ...summary(row), secret: row.secret });
const notFound = (id: string) => new ApiError(404, "not_found", `No webhook has the id ${id}.`, "id");

/** `GET`/`POST /v1/webhooks`, `DELETE /v1/webhooks/{id}`, `POST /v1/webhooks/{id}/rotate`, behind an API key. */
export function webhookRoutes(deps: RouteDeps) {
	const { ctx } = deps;
	const app = createRouter();
	const auth = requireApiKey(ctx.config.apiKeys);
	const CreateWebhook = z
		.object({
			url: webhookUrl(ctx.config.webhookAllowPrivate),
			events: z
				.array(z.enum(WEBHOOK_EVENTS))
				.min(1)
				.max(WEBHOOK_EVENTS.length)
				.refine((events) => new Set(events).size === events.length, "must not list an event twice"),
		})
		.openapi("CreateWebhookRequest");

	app.openapi(
		createRoute({
			method: "get",
			path: "/",
			tags: ["Alerts"],
			summary: "List the webhooks (without their secrets)",
			security: [{ bearer: [] }],
			middleware: [auth],
			responses: { 200: json(WebhookListSchema, "Every webhook, oldest first"), ...errorResponses(401, 403) },
		}),
		async (c) => c.json({ webhooks: (await listWebhooks(ctx.db)).map(summary) }, 200),
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/",
			tags: ["Alerts"],
			summary: "Subscribe a URL to alert events; deliveries are signed POSTs, retried with backoff",
			description: `At most ${MAX_WEBHOOKS} webhooks: beyond, 409 \`too_many_webhooks\`.`,
			security: [{ bearer: [] }],
			middleware: [auth],
			request: { body: jsonBody(CreateWebhook, "Where to deliver and which events") },
			responses: { 201: json(WebhookSchema, "Created; keep the secret"), ...errorResponses(400, 401, 403, 409, 413) },
		}),
		async (c) => {
			const row = await insertWebhook(ctx.db, c.req.valid("json"));
			if (!row) throw new ApiError(409, "too_many_webhooks", `There are already ${MAX_WEBHOOKS} webhooks; remove one first.`);
			return c.json(withSecret(row), 201);
		},
	);

	app.openapi(
		createRoute({
			method: "post",
			path: "/{id}/rotate",
			tags: ["Alerts"],
			summary: "Give a webhook a new secret; deliveries are signed with it from now on",
			security: [{ bearer: [] }],
			middleware: [auth],
			request: { params: IdParams },
			responses: { 200: json(WebhookSchema, "The new secret, shown once"), ...errorResponses(400, 401, 403, 404) },
		}),
		async (c) => {
			const { id } = c.req.valid("param");
			const row = await rotateWebhookSecret(ctx.db, id);
			if (!row) throw notFound(id);
			return c.json(withSecret(row), 200);
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
			if (!(await deleteWebhook(ctx.db, id))) throw notFound(id);
			return c.body(null, 204);
		},
	);
	return app;
}
