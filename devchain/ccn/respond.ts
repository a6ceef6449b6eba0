import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Answers as aiohttp does: `json_response(text=…)` and `HTTPException(text=…)`. */
export function json(c: Context, body: string, status: ContentfulStatusCode = 200): Response {
	return c.body(body, status, { "content-type": "application/json; charset=utf-8" });
}

export function text(c: Context, body: string, status: ContentfulStatusCode): Response {
	return c.body(body, status, { "content-type": "text/plain; charset=utf-8" });
}

/** aiohttp's default body for a bare `HTTPNotFound()` and friends. */
export function bare(c: Context, status: 404 | 410 | 422 | 500): Response {
	const reason = { 404: "Not Found", 410: "Gone", 422: "Unprocessable Entity", 500: "Internal Server Error" }[status];
	return text(c, `${status}: ${reason}`, status);
}
