import { createRoute, z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import { ledgerAddress } from "../../domain/credits/posts.ts";
import {
	decodeCursor,
	encodeCursor,
	fromTimestampMicros,
	isDatetimeMicros,
	isoformat,
	parseIsoformat,
} from "../../domain/network/cursor.ts";
import { MESSAGE_TYPES } from "../../domain/network/envelope.ts";
import type { ApiEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { display } from "../format.ts";
import { decimalFloat, decimalString, epochSeconds, type PyalephJsonValue, pyalephJson, pydanticDatetime } from "../pyaleph-json.ts";
import {
	CREDIT_HISTORY_SORTS,
	type CreditHistoryEntry,
	type CreditHistoryFilters,
	type CreditHistorySort,
	consumedCredits,
	countCreditBalances,
	type HistoryAfter,
	listCreditBalances,
	listCreditHistory,
	summarizeCreditHistory,
} from "../queries/credits.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { errorResponses, json } from "../schemas/common.ts";

const CURSOR_MAX_PAGINATION = 200;

const int = (min: number, what: string) =>
	z
		.string()
		.regex(/^[+-]?\d{1,15}$/, `${what} must be an integer`)
		.transform(Number)
		.refine((n) => n >= min, `${what} must be at least ${min}`);

/** pydantic's lax bool from a query string. */
const bool = (what: string) =>
	z
		.string()
		.transform((s) => s.toLowerCase())
		.refine((s) => ["true", "false", "1", "0", "yes", "no", "on", "off", "t", "f", "y", "n"].includes(s), `${what} must be a boolean`)
		.transform((s) => ["true", "1", "yes", "on", "t", "y"].includes(s));

/** An epoch-seconds date (pyaleph: float ≥ 0 that makes a datetime), as microseconds. */
const epoch = (what: string) =>
	z
		.string()
		.transform((s) => Number(s.trim()))
		.refine(
			(n) => Number.isFinite(n) && n >= 0 && isDatetimeMicros(fromTimestampMicros(n)),
			`${what} must be a Unix timestamp in seconds, not negative`,
		)
		.transform((n) => fromTimestampMicros(n));

const csv = z.string().transform((s) => s.split(","));

const PaginationQuery = {
	page: int(1, "page").optional().openapi({ description: "Offset in pages, from 1 (page mode)" }),
	cursor: z.string().max(4096).optional().openapi({ description: "Opaque cursor; present (even empty) selects cursor mode" }),
};

const BalancesQuery = z.object({
	pagination: int(0, "pagination").optional().openapi({ description: "Page size (default 100; 0: all)" }),
	...PaginationQuery,
	min_balance: int(1, "min_balance").optional().openapi({ description: "Only addresses with at least this many credits (≥ 1 when given)" }),
});

const FilterQuery = {
	tx_hash: z.string().optional(),
	token: z.string().optional(),
	chain: z.string().optional(),
	provider: z.string().optional(),
	origin: z.string().optional(),
	origin_ref: z.string().optional(),
	payment_method: z.string().optional(),
	has_expiration: bool("has_expiration").optional(),
	exclude_payment_method: csv.optional().openapi({ description: "Comma-separated payment methods to leave out" }),
	startDate: epoch("startDate").optional().openapi({ description: "message_timestamp ≥ this (epoch seconds); also `start_date`" }),
	start_date: epoch("start_date").optional(),
	endDate: epoch("endDate").optional().openapi({ description: "message_timestamp ≤ this (epoch seconds); also `end_date`" }),
	end_date: epoch("end_date").optional(),
	direction: z.enum(["incoming", "outgoing"]).optional(),
	resourceTypes: csv
		.refine((list) => list.every((t) => (MESSAGE_TYPES as readonly string[]).includes(t)), "resourceTypes must list message types")
		.optional()
		.openapi({ description: "Billed resource types (of the resources the oracle knows), comma-separated" }),
	resource: z.string().optional().openapi({ description: "The billed resource's item hash (coalesce(nullif(origin, ''), origin_ref))" }),
};

const SORTS = Object.keys(CREDIT_HISTORY_SORTS) as [CreditHistorySort, ...CreditHistorySort[]];

const HistoryQuery = z.object({
	pagination: int(0, "pagination").optional().openapi({ description: "Page size (default 0: all)" }),
	...PaginationQuery,
	sort_by: z.enum(SORTS).optional(),
	sort_order: z.enum(["1", "-1"]).optional(),
	...FilterQuery,
});

const SummaryQuery = z.object(FilterQuery);

const LedgerAddressParams = z.object({
	address: z
		.string()
		.min(1)
		.max(256)
		.openapi({ param: { name: "address", in: "path" }, example: "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874" }),
});

const HistoryItemSchema = z
	.object({
		amount: z.number().int(),
		price: z.string().nullable().openapi({ description: "Decimal (a float in cursor mode)" }),
		bonus_amount: z.number().int().nullable(),
		tx_hash: z.string().nullable(),
		token: z.string().nullable(),
		chain: z.string().nullable(),
		provider: z.string().nullable(),
		origin: z.string().nullable(),
		origin_ref: z.string().nullable(),
		payment_method: z.string().nullable(),
		credit_ref: z.string(),
		credit_index: z.number().int(),
		expiration_date: z.string().nullable().openapi({ description: "ISO 8601 (epoch seconds in cursor mode)" }),
		message_timestamp: z.string().openapi({ description: "content.time, ISO 8601 (epoch seconds in cursor mode)" }),
		expense_count: z.number().int().nullable(),
		expense_size_mib: z.string().nullable(),
	})
	.openapi("CreditHistoryItem");

const HistorySchema = z
	.object({
		address: z.string(),
		credit_history: z.array(HistoryItemSchema),
		pagination_page: z.number().int().optional(),
		pagination_total: z.number().int().optional(),
		pagination_per_page: z.number().int(),
		next_cursor: z.string().nullable().optional(),
	})
	.openapi("CreditHistory");

const BalancesSchema = z
	.object({
		credit_balances: z.array(z.object({ address: z.string(), credits: z.number().int() })),
		pagination_item: z.literal("credit_balances").optional(),
		pagination_page: z.number().int().optional(),
		pagination_per_page: z.number().int(),
		pagination_total: z.number().int().optional(),
		next_cursor: z.string().nullable().optional(),
	})
	.openapi("CreditBalances");

const SummarySchema = z
	.object({
		address: z.string(),
		entry_count: z.number().int(),
		total_amount: z.number().int(),
		total_incoming: z.number().int(),
		total_outgoing: z.number().int().openapi({ description: "Negative: total_amount = total_incoming + total_outgoing" }),
	})
	.openapi("CreditHistorySummary");

const ConsumedSchema = z.object({ item_hash: z.string(), consumed_credits: z.number().int() }).openapi("ConsumedCredits");

/**
 * A 200 JSON answer written by `pyalephJson` (exact integers, pyaleph's key order), typed as the
 * route's JSON response: its schema documents the same shape.
 */
function send(c: Context<ApiEnv>, value: PyalephJsonValue, sortKeys: boolean): TypedResponse<never, 200, "json"> {
	return c.body(pyalephJson(value, sortKeys), 200, { "content-type": "application/json; charset=utf-8" }) as unknown as TypedResponse<
		never,
		200,
		"json"
	>;
}

/** pyaleph's `validate_cursor_pagination`: at most 200, and 0 is refused in cursor mode. */
function cursorPagination(pagination: number): number {
	if (pagination === 0)
		throw new ApiError(400, "invalid_request", "Pagination=0 is not allowed with cursor-based pagination.", "pagination");
	return Math.min(pagination, CURSOR_MAX_PAGINATION);
}

const badCursor = (message = "The cursor is not one this API returned.") => new ApiError(400, "invalid_cursor", message, "cursor");

function filtersOf(q: z.infer<typeof SummaryQuery>): CreditHistoryFilters {
	const start = q.startDate ?? q.start_date;
	const end = q.endDate ?? q.end_date;
	if (start !== undefined && end !== undefined && end < start)
		throw new ApiError(400, "invalid_request", "The end date cannot be lower than the start date.", "endDate");
	const f: CreditHistoryFilters = {};
	const strings = {
		txHash: q.tx_hash,
		token: q.token,
		chain: q.chain,
		provider: q.provider,
		origin: q.origin,
		originRef: q.origin_ref,
		paymentMethod: q.payment_method,
		resource: q.resource,
	} as const;
	for (const [key, value] of Object.entries(strings)) if (value !== undefined) (f as Record<string, unknown>)[key] = value;
	if (q.has_expiration !== undefined) f.hasExpiration = q.has_expiration;
	if (q.exclude_payment_method) f.excludePaymentMethod = q.exclude_payment_method;
	if (start !== undefined) f.startMicros = start;
	if (end !== undefined) f.endMicros = end;
	if (q.direction) f.direction = q.direction;
	if (q.resourceTypes) f.resourceTypes = q.resourceTypes;
	return f;
}

/** A history row as pydantic (page mode) or json.dumps (cursor mode) writes it. */
function historyItem(e: CreditHistoryEntry, mode: "P" | "O"): Record<string, PyalephJsonValue> {
	const p = mode === "P";
	return {
		amount: e.amount,
		price: e.price === null ? null : p ? decimalString(e.price) : decimalFloat(e.price),
		bonus_amount: e.bonus_amount,
		tx_hash: e.tx_hash,
		token: e.token,
		chain: e.chain,
		provider: e.provider,
		origin: e.origin,
		origin_ref: e.origin_ref,
		payment_method: e.payment_method,
		credit_ref: e.credit_ref,
		credit_index: e.credit_index,
		expiration_date: e.expiration_micros === null ? null : p ? pydanticDatetime(e.expiration_micros) : epochSeconds(e.expiration_micros),
		message_timestamp: p ? pydanticDatetime(e.message_time_micros) : epochSeconds(e.message_time_micros),
		expense_count: e.expense_count,
		expense_size_mib: e.expense_size_mib === null ? null : p ? decimalString(e.expense_size_mib) : decimalFloat(e.expense_size_mib),
	};
}

/** The sort value of a row as pyaleph puts it in a cursor (datetimes by isoformat). */
function sortValue(e: CreditHistoryEntry, sort: CreditHistorySort): string | bigint | null {
	switch (sort) {
		case "message_timestamp":
			return isoformat(e.message_time_micros);
		case "expiration_date":
			return e.expiration_micros === null ? null : isoformat(e.expiration_micros);
		case "amount":
			return e.amount;
		default:
			return e[sort];
	}
}

/** Decodes a history cursor; its sort must be the request's. */
function historyAfter(cursor: string, sort: CreditHistorySort, order: 1 | -1): HistoryAfter {
	const d = decodeCursor(cursor);
	if (d === null) throw badCursor();
	const s = "s" in d ? d.s : "message_timestamp";
	const o = "s" in d ? d.o : -1n;
	const v = "s" in d ? d.v : d.t;
	if (typeof d.r !== "string" || typeof d.i !== "bigint" || (typeof o !== "bigint" && typeof o !== "number")) throw badCursor();
	if (s !== sort)
		throw badCursor(`Cursor sort field mismatch: cursor was created with sort_by=${String(s)}, but request has sort_by=${sort}.`);
	if (Number(o) !== order)
		throw badCursor(`Cursor sort order mismatch: cursor was created with sort_order=${o}, but request has sort_order=${order}.`);
	let value: string | bigint | null;
	if (v === null || v === undefined) value = null;
	else if (sort === "message_timestamp" || sort === "expiration_date") {
		value = typeof v === "string" ? parseIsoformat(v) : null;
		if (value === null) throw badCursor();
	} else if (sort === "amount") {
		if (typeof v !== "bigint") throw badCursor();
		value = v;
	} else if (typeof v === "string") value = v;
	else throw badCursor();
	return { value, ref: d.r, index: Number(d.i) };
}

/**
 * The CCN's credit routes (spec aleph-network §7.2-7.5), from the ledger the feed builds:
 * `/api/v0/credit_balances`, `/api/v0/addresses/{address}/credit_history` and `…/summary`,
 * `/api/v0/messages/{item_hash}/consumed_credits`. pyaleph's shapes and serializers; bad input is a
 * 400 in this API's error shape (pyaleph answers 422).
 */
export function creditRoutes(deps: RouteDeps) {
	const { ctx, now } = deps;
	const app = createRouter();

	app.openapi(
		createRoute({
			method: "get",
			path: "/credit_balances",
			tags: ["CCN compatible"],
			summary: "Credit balances of every address with credits in the ledger, in address order",
			description:
				"pyaleph's answer: page mode (`pagination`, `page`) or cursor mode (`cursor`, up to 200 a page). Addresses with only expired lots are listed with 0 unless `min_balance` is given.",
			request: { query: BalancesQuery },
			responses: { 200: json(BalancesSchema, "Credit balances"), ...errorResponses(400) },
		}),
		async (c) => {
			const q = c.req.valid("query");
			const t = now();
			const minBalance = BigInt(q.min_balance ?? 0);
			const pagination = q.pagination ?? 100;
			const item = (r: { address: string; credits: bigint }) => ({ address: display(r.address), credits: r.credits });
			if (q.cursor !== undefined) {
				const perPage = cursorPagination(pagination);
				let after: string | undefined;
				if (q.cursor) {
					const d = decodeCursor(q.cursor);
					if (d === null || typeof d.a !== "string") throw badCursor();
					after = ledgerAddress(d.a);
				}
				const rows = await listCreditBalances(ctx.db, { now: t, minBalance, limit: perPage + 1, ...(after ? { after } : {}) });
				const page = rows.slice(0, perPage);
				const last = page.at(-1);
				const next = rows.length > perPage && last ? encodeCursor({ a: last.address }) : null;
				return send(c, { credit_balances: page.map(item), next_cursor: next, pagination_per_page: perPage }, true);
			}
			const page = q.page ?? 1;
			const rows = await listCreditBalances(ctx.db, {
				now: t,
				minBalance,
				limit: pagination === 0 ? null : pagination,
				offset: (page - 1) * pagination,
			});
			const total = await countCreditBalances(ctx.db, t, minBalance);
			return send(
				c,
				{
					credit_balances: rows.map(item),
					pagination_item: "credit_balances",
					pagination_page: page,
					pagination_per_page: pagination,
					pagination_total: total,
				},
				true,
			);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/addresses/{address}/credit_history",
			tags: ["CCN compatible"],
			summary: "The credit history rows of an address (pyaleph's credit_history)",
			description:
				"Filters, sorts (`sort_by`, `sort_order`, ties by credit_ref and credit_index) and pages as pyaleph. 404 when no row matches. Page mode is serialized as pydantic does (ISO dates, decimal strings), cursor mode as pyaleph's JSON fallback (sorted keys, epoch seconds, floats).",
			request: { params: LedgerAddressParams, query: HistoryQuery },
			responses: { 200: json(HistorySchema, "Credit history"), ...errorResponses(400, 404) },
		}),
		async (c) => {
			const address = ledgerAddress(c.req.valid("param").address);
			const q = c.req.valid("query");
			const filters = filtersOf(q);
			const sort: CreditHistorySort = q.sort_by ?? "message_timestamp";
			const order = q.sort_order === "1" ? 1 : -1;
			const pagination = q.pagination ?? 0;
			const notFound = () => new ApiError(404, "not_found", "No credit history found for this address.");
			if (q.cursor !== undefined) {
				const perPage = cursorPagination(pagination);
				const after = q.cursor ? historyAfter(q.cursor, sort, order) : undefined;
				const rows = await listCreditHistory(ctx.db, address, filters, { sort, order, limit: perPage + 1, ...(after ? { after } : {}) });
				if (rows.length === 0) throw notFound();
				const page = rows.slice(0, perPage);
				const last = page.at(-1) as CreditHistoryEntry;
				const next =
					rows.length > perPage
						? encodeCursor({ s: sort, v: sortValue(last, sort), o: BigInt(order), r: last.credit_ref, i: BigInt(last.credit_index) })
						: null;
				return send(
					c,
					{
						address: display(address),
						credit_history: page.map((e) => historyItem(e, "O")),
						next_cursor: next,
						pagination_per_page: perPage,
					},
					true,
				);
			}
			const page = q.page ?? 1;
			const rows = await listCreditHistory(ctx.db, address, filters, {
				sort,
				order,
				limit: pagination === 0 ? null : pagination,
				offset: pagination === 0 ? 0 : (page - 1) * pagination,
			});
			if (rows.length === 0) throw notFound();
			const { entryCount } = await summarizeCreditHistory(ctx.db, address, filters);
			return send(
				c,
				{
					address: display(address),
					credit_history: rows.map((e) => historyItem(e, "P")),
					pagination_page: page,
					pagination_total: entryCount,
					pagination_per_page: pagination,
				},
				false,
			);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/addresses/{address}/credit_history/summary",
			tags: ["CCN compatible"],
			summary: "Totals over an address's credit history rows (same filters)",
			request: { params: LedgerAddressParams, query: SummaryQuery },
			responses: { 200: json(SummarySchema, "Totals; zeros when nothing matches"), ...errorResponses(400) },
		}),
		async (c) => {
			const address = ledgerAddress(c.req.valid("param").address);
			const s = await summarizeCreditHistory(ctx.db, address, filtersOf(c.req.valid("query")));
			return send(
				c,
				{
					address: display(address),
					entry_count: s.entryCount,
					total_amount: s.total,
					total_incoming: s.incoming,
					total_outgoing: s.outgoing,
				},
				false,
			);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/messages/{item_hash}/consumed_credits",
			tags: ["CCN compatible"],
			summary: "Credits the expense posts billed to a resource",
			description: "Σ |amount| of the `credit_expense` rows whose coalesce(nullif(origin, ''), origin_ref) is the hash; 0 when none.",
			request: {
				params: z.object({
					item_hash: z
						.string()
						.min(1)
						.max(256)
						.openapi({ param: { name: "item_hash", in: "path" } }),
				}),
			},
			responses: { 200: json(ConsumedSchema, "Consumed credits"), ...errorResponses(400) },
		}),
		async (c) => {
			const { item_hash: itemHash } = c.req.valid("param");
			return send(c, { item_hash: itemHash, consumed_credits: await consumedCredits(ctx.db, itemHash) }, false);
		},
	);
	return app;
}
