import type { Context } from "hono";
import { sha256Hex } from "./item-hash.ts";
import { type Outcome, processMessage } from "./process.ts";
import { dumpsCompact, dumpsPython, fromJs, parsePython } from "./python-json.ts";
import { issue, laxBool, type ValidationIssue } from "./query.ts";
import { bare, json, text } from "./respond.ts";
import type { CcnContext, Route } from "./routes-messages.ts";
import { parseEnvelope, verifySignature } from "./verify.ts";

/**
 * The write routes the TypeScript SDK calls: `POST /api/v0/messages` (broadcast), and the
 * storage uploads (`add_json` for storage-type content, `add_file` for STOREs). Messages are
 * processed before the answer, so a caller sees them listed as soon as it returns.
 */

/** `broadcast_status_to_http_status` and the `BroadcastStatus` body; without `sync` pyaleph answers before processing. */
function broadcastAnswer(c: Context, outcome: Outcome, sync: boolean, body?: string): Response {
	const status = sync ? outcome.status : "pending";
	const code = status === "processed" ? 200 : status === "pending" ? 202 : 422;
	return json(c, body ?? `{"publication_status":{"status":"success","failed":[]},"message_status":"${status}"}`, code);
}

/** `sync` defaults to false; anything pydantic would not read as a bool is undefined. */
const syncOf = (value: unknown) => (value === undefined ? false : laxBool(value));

export function registerPublishRoutes(route: Route, { store }: CcnContext): void {
	route("POST", "/api/v0/messages", async (c) => {
		let body: unknown;
		try {
			body = JSON.parse(await c.req.text());
		} catch {
			return bare(c, 422);
		}
		const request = body as { sync?: unknown; message?: unknown } | null;
		const sync = syncOf(request?.sync);
		const message = request?.message;
		// PubMessageRequest: a bool `sync` and a dict `message`.
		const isDict = typeof message === "object" && message !== null && !Array.isArray(message);
		if (sync === undefined || !isDict) {
			const issues: ValidationIssue[] = [];
			if (sync === undefined)
				issues.push(issue("bool_parsing", ["sync"], "Input should be a valid boolean, unable to interpret input", request?.sync));
			if (message === undefined) issues.push(issue("missing", ["message"], "Field required", request));
			else if (!isDict) issues.push(issue("dict_type", ["message"], "Input should be a valid dictionary", message));
			return text(c, JSON.stringify(issues), 422);
		}
		const parsed = parseEnvelope(message);
		if (!parsed) return text(c, "InvalidMessageFormat", 422);
		return broadcastAnswer(c, await processMessage(store, parsed), sync);
	});

	route("POST", "/api/v0/storage/add_json", async (c) => {
		let value: ReturnType<typeof parsePython>;
		try {
			value = parsePython(await c.req.text());
		} catch {
			return bare(c, 500);
		}
		// pyaleph stores its own serialisation of the JSON it was sent (orjson, sorted keys).
		const hash = store.addFile(dumpsCompact(value, { sortKeys: true }));
		return json(c, dumpsPython(fromJs({ status: "success", hash })));
	});

	route("POST", "/api/v0/storage/add_file", async (c) => {
		const type = c.req.header("content-type") ?? "";
		let bytes: Buffer;
		let metadata: string | undefined;
		if (type.startsWith("multipart/form-data")) {
			const form = await c.req.parseBody();
			const file = form.file;
			if (!(file instanceof File)) return text(c, "File should be sent as FormData or Raw Upload", 400);
			bytes = Buffer.from(await file.arrayBuffer());
			const raw = form.metadata;
			metadata = raw instanceof File ? await raw.text() : raw;
		} else {
			bytes = Buffer.from(await c.req.arrayBuffer());
		}
		const hash = sha256Hex(bytes);
		const answer = dumpsPython(fromJs({ status: "success", hash }));
		if (metadata === undefined) {
			store.addFile(bytes);
			return json(c, answer);
		}
		let request: { message?: unknown; sync?: unknown };
		try {
			request = JSON.parse(metadata);
		} catch {
			return text(c, "Could not decode metadata", 422);
		}
		const parsed = parseEnvelope(request.message);
		const sync = syncOf(request.sync);
		if (parsed?.envelope.type !== "STORE" || parsed.itemType !== "inline" || sync === undefined) {
			return text(c, "Could not decode metadata", 422);
		}
		if (!(await verifySignature(parsed.envelope))) return text(c, "Forbidden", 403);
		if (parsed.content?.item_hash !== hash)
			return text(c, `File hash does not match (${hash} != ${String(parsed.content?.item_hash)})`, 422);
		store.addFile(bytes);
		return broadcastAnswer(c, await processMessage(store, parsed), sync, answer);
	});
}
