import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const gzipAsync = promisify(gzip);

const TYPES: Record<string, string> = {
	".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
};

type Loaded = { body: Uint8Array<ArrayBuffer>; gzipped: Uint8Array<ArrayBuffer> | null; etag: string; type: string };

/** Files served by URL path: each read and compressed once (on its first request), then revalidated by ETag. */
export type StaticFiles = {
	/** The answer for `path`, or null when no file is served there. */
	respond(path: string, request: Request, headers?: Record<string, string>): Promise<Response | null>;
};

/**
 * Serves the files of `files` (URL path → file on disk) with their content type, an ETag and
 * `Cache-Control: no-cache` (browsers keep them and revalidate: a 304 without a body), gzip when the
 * client accepts it. Only the listed paths are served, so no request can reach another file.
 */
export function createStaticFiles(files: ReadonlyMap<string, string>): StaticFiles {
	const cache = new Map<string, Promise<Loaded>>();

	async function load(file: string): Promise<Loaded> {
		const body = new Uint8Array(await readFile(file));
		const compressed = new Uint8Array(await gzipAsync(body, { level: 9 }));
		return {
			body,
			gzipped: compressed.byteLength < body.byteLength ? compressed : null,
			etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
			type: TYPES[extname(file)] ?? "application/octet-stream",
		};
	}

	return {
		async respond(path, request, headers = {}) {
			const file = files.get(path);
			if (file === undefined) return null;
			let loading = cache.get(path);
			if (!loading) {
				loading = load(file);
				loading.catch(() => cache.delete(path));
				cache.set(path, loading);
			}
			const loaded = await loading;
			const common = { ...headers, ETag: loaded.etag, "Cache-Control": "no-cache", Vary: "Accept-Encoding" };
			if (request.headers.get("if-none-match") === loaded.etag) return new Response(null, { status: 304, headers: common });
			const useGzip = loaded.gzipped !== null && /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
			const body = useGzip && loaded.gzipped ? loaded.gzipped : loaded.body;
			return new Response(request.method === "HEAD" ? null : body, {
				status: 200,
				headers: {
					...common,
					"Content-Type": loaded.type,
					"Content-Length": String(body.byteLength),
					...(useGzip ? { "Content-Encoding": "gzip" } : {}),
				},
			});
		},
	};
}
