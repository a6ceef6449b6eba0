import type { Context } from "hono";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import type { Handler } from "./faults.ts";
import { isItemHash } from "./item-hash.ts";
import { dumpsPython } from "./python-json.ts";
import { type MessageQuery, parseHashesQuery, parseMessageQuery, type ValidationIssue } from "./query.ts";
import { bare, json, text } from "./respond.ts";
import { type After, countMessages, selectHashes, selectMessages, selectSkeletons } from "./select.ts";
import { listMessage, listSkeleton, messageStatus, messageWithStatus, modelContent } from "./serialize.ts";
import type { MessageStore, StoredMessage, TerminalStatus } from "./store.ts";

/** What the route modules share. */
export type CcnContext = {
	store: MessageStore;
	/** A CCN older than 0.10.1: `cursor` is an unknown parameter, ignored. */
	legacy: boolean;
};

export type Route = (method: "GET" | "POST", path: string, handler: Handler) => void;

const CURSOR_MAX_PAGINATION = 200;
const TERMINAL: TerminalStatus[] = ["forgotten", "removed"];

const issues = (c: Context, list: ValidationIssue[]) => text(c, JSON.stringify(list), 422);

/** Python `int(str)` for the `{page}` path segment. */
function pathPage(raw: string): number | undefined {
	return /^\s*[+-]?\d+(_\d+)*\s*$/.test(raw) ? Number(raw.replaceAll("_", "")) : undefined;
}

/** `msgStatuses=forgotten|removed`: skeletons from their own table, page mode only. */
function terminalList(c: Context, store: MessageStore, status: TerminalStatus, q: MessageQuery): Response {
	if (q.cursor !== undefined) return text(c, `Cursor pagination is not supported for ${status} message queries`, 400);
	const unsupported = Object.entries({
		refs: q.refs,
		contentTypes: q.contentTypes,
		contentHashes: q.contentHashes,
		contentKeys: q.contentKeys,
		tags: q.tags,
		startBlock: q.startBlock,
		endBlock: q.endBlock,
	})
		.filter(([, value]) => (Array.isArray(value) ? value.length > 0 : Boolean(value)))
		.map(([name]) => name);
	if (unsupported.length) return text(c, `Filters not supported for ${status} message queries: ${unsupported.join(", ")}`, 400);
	const { rows, count } = selectSkeletons(store, status, q);
	const total = q.pagination && rows.length < q.pagination ? (q.page - 1) * q.pagination + rows.length : count;
	return json(c, pageBody(rows.map(listSkeleton), q, total));
}

function pageBody(messages: string[], q: MessageQuery, total: number): string {
	return `{"messages":[${messages.join(",")}],"pagination_item":"messages","pagination_page":${q.page},"pagination_per_page":${q.pagination},"pagination_total":${total}}`;
}

export function registerMessageRoutes(route: Route, { store, legacy }: CcnContext): void {
	/** Page-mode totals, cached per filter set until the store changes (pyaleph caches them too). */
	const counts = new Map<string, { version: number; count: number }>();
	const cachedCount = (q: MessageQuery) => {
		const key = JSON.stringify({ ...q, page: 1, pagination: 0, cursor: undefined, contentFormat: undefined });
		const hit = counts.get(key);
		if (hit && hit.version === store.version) return hit.count;
		const count = countMessages(store, q);
		counts.set(key, { version: store.version, count });
		return count;
	};

	const list = (c: Context, page?: string): Response => {
		const parsed = parseMessageQuery(new URL(c.req.url).searchParams);
		if (!parsed.ok) return issues(c, parsed.issues);
		const q = parsed.value;
		if (page !== undefined) {
			const number = pathPage(page);
			if (number === undefined) return text(c, `Invalid page value in path: ${page}`, 400);
			if (number < 1) return text(c, "Page number must be greater than 1.", 422);
			q.page = number;
		}
		if (legacy) delete q.cursor;
		const statuses = new Set(q.statuses);
		const terminal = TERMINAL.filter((s) => statuses.has(s));
		if (terminal.length) {
			if (statuses.size > 1) return text(c, "msgStatuses=forgotten/removed cannot be combined with other statuses", 400);
			return terminalList(c, store, terminal[0] as TerminalStatus, q);
		}
		const render = (rows: StoredMessage[]) => rows.map((m) => listMessage(m, q.contentFormat));
		if (q.cursor === undefined) {
			const rows = selectMessages(store, q, undefined, false);
			const total = q.pagination && rows.length < q.pagination ? (q.page - 1) * q.pagination + rows.length : cachedCount(q);
			return json(c, pageBody(render(rows), q, total));
		}
		if (q.pagination === 0) return text(c, "pagination=0 is not allowed with cursor-based pagination", 422);
		const perPage = Math.min(q.pagination, CURSOR_MAX_PAGINATION);
		let after: After | undefined;
		if (q.cursor) {
			try {
				after = decodeCursor(q.cursor);
			} catch (error) {
				return text(c, (error as Error).message, 422);
			}
		}
		const rows = selectMessages(store, q, after, true);
		const last = rows.length > perPage ? rows[perPage - 1] : undefined;
		const next = last ? JSON.stringify(encodeCursor(last.timeUs, last.itemHash)) : "null";
		return json(c, `{"messages":[${render(rows.slice(0, perPage)).join(",")}],"next_cursor":${next},"pagination_per_page":${perPage}}`);
	};

	route("GET", "/api/v0/messages.json", (c) => list(c));
	route("GET", "/api/v0/messages/page/:page{[^/]+\\.json}", (c) => list(c, (c.req.param("page") ?? "").slice(0, -".json".length)));

	route("GET", "/api/v0/messages/hashes", (c) => {
		const parsed = parseHashesQuery(new URL(c.req.url).searchParams);
		if (!parsed.ok) return issues(c, parsed.issues);
		const q = parsed.value;
		// pyaleph's hash_only=false path reads a column under a name it no longer has (#1019).
		if (!q.hashOnly) return bare(c, 500);
		const { rows, total } = selectHashes(store, q);
		return json(
			c,
			`{"hashes":${JSON.stringify(rows.map((m) => m.itemHash))},"pagination_item":"hashes","pagination_page":${q.page},"pagination_per_page":${q.pagination},"pagination_total":${total}}`,
		);
	});

	/** The status entry of a path's `{item_hash}`, or the answer pyaleph gives without one. */
	const entryOf = (c: Context) => {
		const hash = c.req.param("item_hash") ?? "";
		if (!isItemHash(hash)) return { response: text(c, `Invalid message hash: ${hash}`, 400) };
		const entry = store.get(hash);
		return entry ? { entry } : { response: bare(c, 404) };
	};

	route("GET", "/api/v0/messages/:item_hash", (c) => {
		const { entry, response } = entryOf(c);
		return entry ? json(c, messageWithStatus(entry)) : response;
	});

	route("GET", "/api/v0/messages/:item_hash/status", (c) => {
		const { entry, response } = entryOf(c);
		return entry ? json(c, messageStatus(entry)) : response;
	});

	route("GET", "/api/v0/messages/:item_hash/content", (c) => {
		const { entry, response } = entryOf(c);
		if (!entry) return response;
		if (entry.status !== "processed") return text(c, `Message ${entry.itemHash} is not processed (status: ${entry.status})`, 422);
		const content = modelContent(entry as StoredMessage);
		const value = entry.type === "POST" && content instanceof Map ? (content.get("content") ?? null) : content;
		return json(c, dumpsPython(value));
	});
}
