import type { Hook } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { classifyDatabaseError } from "../db/errors.ts";
import { describeError } from "../lib/errors.ts";
import { formatFieldPath } from "../lib/field-path.ts";
import type { Logger } from "../lib/logger.ts";
import type { ApiEnv } from "./context.ts";

/** The body of every error answer. `field` names the input at fault (dot path, `[i]` for indexes). */
export type ErrorBody = { error: { code: string; message: string; field?: string; requestId?: string } };

/** A failure with its HTTP status and snake_case code; `app.onError` turns it into an {@link ErrorBody}. */
export class ApiError extends Error {
	override name = "ApiError";
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly field?: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

/** Builds an error body, leaving `field` out when no input is at fault. */
export function errorBody(code: string, message: string, field?: string): ErrorBody {
	return { error: field === undefined || field === "" ? { code, message } : { code, message, field } };
}

const TARGET_FIELD: Record<string, string> = { json: "body", query: "query", param: "path", header: "header" };

/** The zod hook of every route: the first issue becomes a 400 naming its field. */
export const validationHook: Hook<unknown, ApiEnv, string, Response | undefined> = (result, c) => {
	if (result.success) return undefined;
	const issue: z.core.$ZodIssue | undefined = result.error.issues[0];
	// The pricing engine's path format: `message.content.volumes[0].size_mib`.
	const field = formatFieldPath(issue?.path ?? []) || TARGET_FIELD[result.target] || result.target;
	return c.json(errorBody("invalid_request", sentence(issue?.message ?? "invalid input"), field), 400);
};

/** Capitalises a message and ends it with a period. */
export function sentence(message: string): string {
	const text = message.charAt(0).toUpperCase() + message.slice(1);
	return /[.!?]$/.test(text) ? text : `${text}.`;
}

const HTTP_CODES: Record<number, [string, string]> = {
	400: ["invalid_json", "The request body is not valid JSON."],
	404: ["not_found", "Not found."],
	405: ["method_not_allowed", "Method not allowed."],
	413: ["body_too_large", "The request body is too large."],
	415: ["unsupported_media_type", "Send the body as application/json."],
};

/** Seconds a client is asked to wait before retrying a 503. */
const RETRY_AFTER_SECONDS = "5";

/**
 * The one error handler: `ApiError`s and Hono's own `HTTPException`s (malformed JSON, unsupported
 * media type, body limit) keep their status; a database that does not answer (or a transaction
 * that lost a race) is a 503 with `Retry-After`; anything else is a 500 with a generic message and
 * the request id, logged in full server-side.
 */
export function createErrorHandler(logger: Logger): ErrorHandler<ApiEnv> {
	return function onError(error, c) {
		if (error instanceof ApiError) {
			for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
			return c.json(errorBody(error.code, error.message, error.field), error.status);
		}
		const database = classifyDatabaseError(error);
		if (database === "unavailable" || database === "transient") {
			logger.warn({ err: describeError(error), request_id: c.get("requestId"), path: c.req.path }, "Database unavailable for a request");
			c.header("Retry-After", RETRY_AFTER_SECONDS);
			return c.json(errorBody("database_unavailable", "The database does not answer; retry later."), 503);
		}
		if (error instanceof HTTPException && error.status < 500) {
			const [code, message] = HTTP_CODES[error.status] ?? ["bad_request", "The request cannot be served."];
			return c.json(errorBody(code, message, error.status === 400 || error.status === 413 ? "body" : undefined), error.status);
		}
		const requestId = c.get("requestId");
		logger.error(
			{ err: error, request_id: requestId, method: c.req.method, path: c.req.path },
			`Failed to serve request: ${describeError(error)}`,
		);
		return c.json(
			{ error: { code: "internal_error", message: "An internal error occurred; quote the request id when reporting it.", requestId } },
			500,
		);
	};
}

/** 404 for paths no route serves. */
export const notFound: NotFoundHandler<ApiEnv> = (c: Context<ApiEnv>) =>
	c.json(errorBody("not_found", `No route serves ${c.req.method} ${c.req.path}.`), 404);
