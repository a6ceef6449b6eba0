import { isItemHash } from "./item-hash.ts";

/**
 * The query parameters of `messages.json` and `messages/hashes`, validated as pyaleph's pydantic
 * models do (`schemas/messages_query_params.py`): lists are comma-separated, both the alias and
 * the snake_case name are accepted (`populate_by_name`, the alias wins), the first value of a
 * repeated key counts, unknown keys are ignored, and every failure is collected into a list shaped
 * like pydantic's `ValidationError.json()` (answered as a 422).
 */

export const MESSAGE_TYPES = ["POST", "AGGREGATE", "STORE", "PROGRAM", "INSTANCE", "FORGET", "V-PROGRAM"] as const;
export const MESSAGE_STATUSES = ["pending", "processed", "rejected", "forgotten", "removing", "removed"] as const;
export const PAYMENT_TYPES = ["hold", "superfluid", "credit"] as const;
/** aleph-message's `Chain` values. */
export const CHAINS = [
	"ARB",
	"AURORA",
	"AVAX",
	"BASE",
	"BLAST",
	"BOB",
	"BSC",
	"CSDK",
	"CYBER",
	"DOT",
	"ES",
	"ETH",
	"ETHERLINK",
	"FRAX",
	"HYPE",
	"INK",
	"LENS",
	"LINEA",
	"LISK",
	"METIS",
	"MODE",
	"NEO",
	"NULS",
	"NULS2",
	"OP",
	"POL",
	"SOL",
	"STT",
	"SONIC",
	"TEZOS",
	"UNICHAIN",
	"WLD",
	"ZORA",
] as const;

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export type MessageQuery = {
	sortBy: "time" | "tx-time";
	sortOrder: 1 | -1;
	messageType?: string;
	messageTypes?: string[];
	statuses: MessageStatus[];
	addresses?: string[];
	owners?: string[];
	refs?: string[];
	contentHashes?: string[];
	contentKeys?: string[];
	contentTypes?: string[];
	chains?: string[];
	channels?: string[];
	tags?: string[];
	hashes?: string[];
	paymentTypes?: string[];
	contentFormat: "full" | "headers" | "none";
	/** Epoch seconds; 0 = no bound. */
	startDate: number;
	endDate: number;
	startBlock: number;
	endBlock: number;
	pagination: number;
	page: number;
	/** Present (even empty) → cursor mode. */
	cursor?: string;
};

export type HashesQuery = {
	status?: MessageStatus;
	page: number;
	pagination: number;
	startDate: number;
	endDate: number;
	sortOrder: 1 | -1;
	hashOnly: boolean;
};

export type ValidationIssue = {
	type: string;
	loc: (string | number)[];
	msg: string;
	input: unknown;
	ctx?: Record<string, unknown>;
	url: string;
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** One error of a pydantic `ValidationError.json()` list. */
export const issue = (
	type: string,
	loc: (string | number)[],
	msg: string,
	input: unknown,
	ctx?: Record<string, unknown>,
): ValidationIssue => ({
	type,
	loc,
	msg,
	input,
	...(ctx ? { ctx } : {}),
	url: `https://errors.pydantic.dev/2.13/v/${type}`,
});

type Reader = {
	/** The raw value under the alias or the name, and the key it came from. */
	raw(alias: string, name?: string): { key: string; value: string } | undefined;
	issues: ValidationIssue[];
};

function reader(params: URLSearchParams): Reader {
	return {
		raw(alias, name) {
			for (const key of name ? [alias, name] : [alias]) {
				const value = params.get(key);
				if (value !== null) return { key, value };
			}
			return undefined;
		},
		issues: [],
	};
}

const quote = (values: readonly (string | number)[]) => values.map((v) => (typeof v === "string" ? `'${v}'` : String(v)));
const expected = (values: readonly (string | number)[]) => {
	const quoted = quote(values);
	return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}` : (quoted[0] ?? "");
};

function enumValue<T extends string | number>(
	r: Reader,
	entry: { key: string; value: string },
	allowed: readonly T[],
	loc: (string | number)[],
): T | undefined {
	const raw = entry.value;
	const found = allowed.find((a) => (typeof a === "number" ? /^\s*[+-]?\d+\s*$/.test(raw) && Number(raw) === a : a === raw));
	if (found === undefined) {
		const list = expected(allowed);
		r.issues.push(issue("enum", loc, `Input should be ${list}`, raw, { expected: list }));
	}
	return found;
}

function intField(r: Reader, alias: string, name: string | undefined, fallback: number, min: number): number {
	const entry = r.raw(alias, name);
	if (!entry) return fallback;
	if (!/^\s*[+-]?\d+\s*$/.test(entry.value)) {
		r.issues.push(issue("int_parsing", [entry.key], "Input should be a valid integer, unable to parse string as an integer", entry.value));
		return fallback;
	}
	const value = Number(entry.value);
	if (value < min) {
		r.issues.push(issue("greater_than_equal", [entry.key], `Input should be greater than or equal to ${min}`, entry.value, { ge: min }));
	}
	return value;
}

function floatField(r: Reader, alias: string, name: string): number {
	const entry = r.raw(alias, name);
	if (!entry) return 0;
	const text = entry.value.trim();
	const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
	if (value === undefined) {
		r.issues.push(issue("float_parsing", [entry.key], "Input should be a valid number, unable to parse string as a number", entry.value));
		return 0;
	}
	if (value < 0)
		r.issues.push(issue("greater_than_equal", [entry.key], "Input should be greater than or equal to 0", entry.value, { ge: 0 }));
	return value;
}

/** pydantic's lax bool: true/false, 0/1, and the strings it accepts; undefined otherwise. */
export function laxBool(value: unknown): boolean | undefined {
	if (typeof value === "boolean") return value;
	if (value === 0 || value === 1) return value === 1;
	if (typeof value !== "string") return undefined;
	const text = value.toLowerCase();
	if (["1", "on", "t", "true", "y", "yes"].includes(text)) return true;
	if (["0", "off", "f", "false", "n", "no"].includes(text)) return false;
	return undefined;
}

const BOOL_ERROR = "Input should be a valid boolean, unable to interpret input";

function boolField(r: Reader, alias: string, name: string | undefined, fallback: boolean): boolean {
	const entry = r.raw(alias, name);
	if (!entry) return fallback;
	const value = laxBool(entry.value);
	if (value === undefined) r.issues.push(issue("bool_parsing", [entry.key], BOOL_ERROR, entry.value));
	return value ?? fallback;
}

/** A csv list; `allowed` restricts the items to an enum, `itemHash` to ItemHash values. */
function listField(r: Reader, alias: string, name: string | undefined, check?: readonly string[] | "itemHash"): string[] | undefined {
	const entry = r.raw(alias, name);
	if (!entry) return undefined;
	const items = entry.value.split(",");
	items.forEach((item, index) => {
		if (check === "itemHash" && !isItemHash(item)) {
			const msg = `Could not determine hash type: '${item}'`;
			r.issues.push(issue("value_error", [entry.key, index], `Value error, ${msg}`, item, { error: msg }));
		} else if (Array.isArray(check)) {
			enumValue(r, { key: entry.key, value: item }, check, [entry.key, index]);
		}
	});
	return items;
}

function modelError(r: Reader, params: URLSearchParams, message: string) {
	r.issues.push(issue("value_error", [], `Value error, ${message}`, Object.fromEntries(params), { error: message }));
}

/** Validates `GET /api/v0/messages.json` query parameters. */
export function parseMessageQuery(params: URLSearchParams): Parsed<MessageQuery> {
	const r = reader(params);
	const pick = <T extends string | number>(alias: string, name: string, allowed: readonly T[], fallback: T): T => {
		const entry = r.raw(alias, name);
		return entry ? (enumValue(r, entry, allowed, [entry.key]) ?? fallback) : fallback;
	};
	const messageTypeEntry = r.raw("msgType", "message_type");
	const cursorEntry = r.raw("cursor");
	const query: MessageQuery = {
		sortBy: pick("sortBy", "sort_by", ["time", "tx-time"] as const, "time"),
		sortOrder: pick("sortOrder", "sort_order", [1, -1] as const, -1),
		...(messageTypeEntry ? { messageType: enumValue(r, messageTypeEntry, MESSAGE_TYPES, [messageTypeEntry.key]) ?? "" } : {}),
		statuses: (listField(r, "msgStatuses", "message_statuses", MESSAGE_STATUSES) ?? ["processed", "removing"]) as MessageStatus[],
		contentFormat: "full",
		startDate: floatField(r, "startDate", "start_date"),
		endDate: floatField(r, "endDate", "end_date"),
		startBlock: intField(r, "startBlock", "start_block", 0, 0),
		endBlock: intField(r, "endBlock", "end_block", 0, 0),
		pagination: intField(r, "pagination", undefined, 20, 0),
		page: intField(r, "page", undefined, 1, 1),
		...(cursorEntry ? { cursor: cursorEntry.value } : {}),
	};
	const lists: [keyof MessageQuery, string, string | undefined, (readonly string[] | "itemHash")?][] = [
		["messageTypes", "msgTypes", "message_types", MESSAGE_TYPES],
		["addresses", "addresses", undefined],
		["owners", "owners", undefined],
		["refs", "refs", undefined],
		["contentHashes", "contentHashes", "content_hashes", "itemHash"],
		["contentKeys", "contentKeys", "content_keys", "itemHash"],
		["contentTypes", "contentTypes", "content_types"],
		["chains", "chains", undefined, CHAINS],
		["channels", "channels", undefined],
		["tags", "tags", undefined],
		["hashes", "hashes", undefined, "itemHash"],
		["paymentTypes", "paymentTypes", "payment_types", PAYMENT_TYPES],
	];
	for (const [field, alias, name, check] of lists) {
		const value = listField(r, alias, name, check);
		if (value) Object.assign(query, { [field]: value });
	}
	const excludeContent = boolField(r, "excludeContent", "exclude_content", false);
	const formatEntry = r.raw("contentFormat", "content_format");
	query.contentFormat = formatEntry
		? (enumValue(r, formatEntry, ["full", "headers", "none"] as const, [formatEntry.key]) ?? "full")
		: excludeContent
			? "none"
			: "full";
	if (r.issues.length === 0) {
		if (query.startDate && query.endDate && query.endDate < query.startDate)
			modelError(r, params, "end date cannot be lower than start date.");
		else if (query.startBlock && query.endBlock && query.endBlock < query.startBlock)
			modelError(r, params, "end block cannot be lower than start block.");
		else if (query.cursor && query.sortBy === "tx-time")
			modelError(r, params, "Cursor pagination is not supported with tx-time sort order.");
	}
	return r.issues.length ? { ok: false, issues: r.issues } : { ok: true, value: query };
}

/** Validates `GET /api/v0/messages/hashes` query parameters. */
export function parseHashesQuery(params: URLSearchParams): Parsed<HashesQuery> {
	const r = reader(params);
	const statusEntry = r.raw("status");
	const orderEntry = r.raw("sortOrder", "sort_order");
	const query: HashesQuery = {
		...(statusEntry ? { status: enumValue(r, statusEntry, MESSAGE_STATUSES, ["status"]) ?? "processed" } : {}),
		page: intField(r, "page", undefined, 1, 1),
		pagination: intField(r, "pagination", undefined, 20, 0),
		startDate: floatField(r, "startDate", "start_date"),
		endDate: floatField(r, "endDate", "end_date"),
		sortOrder: orderEntry ? (enumValue(r, orderEntry, [1, -1] as const, [orderEntry.key]) ?? -1) : -1,
		hashOnly: boolField(r, "hash_only", undefined, true),
	};
	if (r.issues.length === 0 && query.startDate && query.endDate && query.endDate < query.startDate) {
		modelError(r, params, "end date cannot be lower than start date.");
	}
	return r.issues.length ? { ok: false, issues: r.issues } : { ok: true, value: query };
}
