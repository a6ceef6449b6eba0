import type { MiddlewareHandler } from "hono";
import { bodyLimit as streamingBodyLimit } from "hono/body-limit";
import type { ApiEnv } from "../context.ts";
import { ApiError } from "../errors.ts";

/**
 * Refuses bodies over `maxBytes` with 413 `body_too_large`. Behind @hono/node-server a request
 * without `Transfer-Encoding` is framed by its `Content-Length` (Node's parser enforces it), so the
 * header is enough and the body is left to node-server's direct read (touching `c.req.raw.body`
 * would build a web stream for every request, at a third of the throughput). Chunked bodies, and
 * requests from other runtimes (`app.request`), are counted as they stream.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<ApiEnv> {
	const tooLarge = () => {
		throw new ApiError(413, "body_too_large", `The request body exceeds ${maxBytes} bytes.`, "body");
	};
	const streaming = streamingBodyLimit({ maxSize: maxBytes, onError: tooLarge });
	return async function bodyLimit(c, next) {
		const method = c.req.method;
		if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
		const framedByNode = (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined;
		if (framedByNode && c.req.header("transfer-encoding") === undefined) {
			if (Number(c.req.header("content-length") ?? 0) > maxBytes) tooLarge();
			return next();
		}
		return streaming(c, next);
	};
}
