import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "../context.ts";
import { ApiError } from "../errors.ts";

const sha256 = (value: string) => createHash("sha256").update(value).digest();

/**
 * Guards a write route with `Authorization: Bearer <key>`. Both sides are hashed with sha256 and
 * compared with `timingSafeEqual` against every key (no early exit), so neither the length nor
 * the content of a key leaks through timing. No keys configured → 403 `write_routes_disabled`;
 * no bearer token → 401; a wrong one → 403.
 */
export function requireApiKey(keys: readonly string[]): MiddlewareHandler<ApiEnv> {
	const digests = keys.map(sha256);
	return async function requireApiKey(c, next) {
		if (digests.length === 0) {
			throw new ApiError(403, "write_routes_disabled", "Write routes are disabled: the server has no API keys configured.");
		}
		const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header("authorization") ?? "");
		if (!match?.[1]) {
			throw new ApiError(401, "missing_api_key", "This route needs an `Authorization: Bearer <key>` header.", "authorization", {
				"WWW-Authenticate": 'Bearer realm="aleph-oracle"',
			});
		}
		const given = sha256(match[1]);
		let valid = false;
		for (const digest of digests) valid = timingSafeEqual(given, digest) || valid;
		if (!valid) throw new ApiError(403, "invalid_api_key", "The API key is not valid.", "authorization");
		await next();
	};
}
