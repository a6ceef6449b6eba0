import type { Context } from "hono";
import { isItemHash } from "./item-hash.ts";
import { dumpsPython, fromJs } from "./python-json.ts";
import { json, text } from "./respond.ts";
import type { CcnContext, Route } from "./routes-messages.ts";

/** `storage.max_file_size`: `GET /api/v0/storage/{hash}` refuses bigger files (413). */
const MAX_FILE_SIZE = 100 * 1024 * 1024;

/** pyaleph's loose `utils.item_type_from_hash` (the storage routes use it, not ItemHash). */
function engineOf(hash: string): "storage" | "ipfs" | undefined {
	if (hash.startsWith("Qm") && hash.length >= 44 && hash.length <= 46) return "ipfs";
	if (hash.startsWith("bafy") && hash.length === 59) return "ipfs";
	return hash.length === 64 ? "storage" : undefined;
}

/** Python's `base64.encodebytes`: lines of 76 characters, each ending with a newline. */
function encodebytes(bytes: Buffer): string {
	const b64 = bytes.toString("base64");
	let out = "";
	for (let i = 0; i < b64.length; i += 76) out += `${b64.slice(i, i + 76)}\n`;
	return out;
}

/** aiohttp `json_response(data)`: the standard library's json.dumps, keys in the order given. */
const pyJson = (c: Context, data: Record<string, unknown>, status: 200 | 202 | 422 = 200) => json(c, dumpsPython(fromJs(data)), status);

export function registerStorageRoutes(route: Route, { store }: CcnContext): void {
	route("GET", "/api/v0/storage/raw/:file_hash", (c) => {
		const hash = c.req.param("file_hash") ?? "";
		if (!engineOf(hash)) return text(c, "Invalid hash", 400);
		const file = store.file(hash);
		if (!file) return text(c, "Not found", 404);
		const headers: Record<string, string> = {
			"content-type": file.type === "directory" ? "application/x-tar" : "application/octet-stream",
			"accept-ranges": "none",
		};
		// A directory's stored size is IPFS's CumulativeSize, not the tar stream's length.
		if (file.type !== "directory") headers["content-length"] = String(file.size);
		if (c.req.method === "HEAD") return new Response(null, { status: 200, headers });
		if (!file.bytes) return text(c, "Not found", 404);
		return new Response(new Uint8Array(file.bytes), { status: 200, headers });
	});

	route("GET", "/api/v0/storage/metadata/:file_hash", (c) => {
		const hash = c.req.param("file_hash") ?? "";
		const file = store.file(hash);
		if (!file) return text(c, `No file found for hash ${hash}`, 404);
		return pyJson(c, { file_hash: hash, type: file.type, size: file.size, download_url: `/api/v0/storage/raw/${hash}` });
	});

	route("GET", "/api/v0/storage/by-message-hash/:message_hash", (c) => {
		const hash = c.req.param("message_hash") ?? "";
		if (!isItemHash(hash)) return text(c, "Invalid hash provided", 400);
		const message = store.live(hash);
		const fileHash = message?.type === "STORE" ? message.contentItemHash : null;
		const file = fileHash ? store.file(fileHash) : undefined;
		if (!message || !fileHash || !file) return text(c, `No file found for message ${hash}`, 404);
		return pyJson(c, {
			ref: message.contentRef ?? hash,
			owner: message.owner,
			file_hash: fileHash,
			download_url: `/api/v0/storage/raw/${fileHash}`,
			size: file.size,
		});
	});

	route("GET", "/api/v0/storage/:file_hash", (c) => {
		const hash = c.req.param("file_hash") ?? "";
		const engine = engineOf(hash);
		if (!engine) return text(c, "Invalid hash provided", 400);
		const file = store.file(hash);
		if (!file) return text(c, "Not found", 404);
		if (file.size > MAX_FILE_SIZE) return text(c, "Request Entity Too Large", 413);
		if (!file.bytes) return text(c, `No file found for hash ${hash}`, 404);
		return pyJson(c, { status: "success", hash, engine, content: encodebytes(file.bytes) });
	});
}
