/**
 * Which POST messages are credit posts, and what they say (spec aleph-network §5.1–5.3, Appendix
 * A §1.2; pyaleph `handlers/content/post.py`, `schemas/credit_transfer.py`,
 * `db/accessors/balances.py`). A valid credit post becomes a typed `CreditPost` whose entries hold
 * exactly the values pyaleph writes into its `credit_history` rows (amounts already scaled by the
 * ×10 000 precision rule, `""` already null). A post pyaleph would reject is `invalid`; a valid
 * POST with no credit effect (wrong channel, a distribution from a non-issuer, an amend…) is
 * `ignored`.
 *
 * Divergence from pyaleph, on purpose (interface.md, additions of 2026-12-01): EVM addresses
 * (`0x` + 40 hex digits) are compared case-insensitively, so they are lowercased as ledger keys,
 * in the issuer check and in the self-transfer check. pyaleph compares all three exactly.
 */
import { fromTimestampMicros, isDatetimeMicros } from "../network/cursor.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../network/json.ts";
import { laxFloat, laxInt, pythonStr, pythonStrip, pythonTruthy } from "../network/python.ts";
import type { VerifiedMessage } from "../network/verify.ts";
import { parsePythonDecimal, pgNumericAccepts, pythonDecimalStr } from "./decimal.ts";

export const CREDIT_CHANNEL = "ALEPH_CREDIT";
export const CREDIT_POST_TYPES = ["aleph_credit_distribution", "aleph_credit_expense", "aleph_credit_transfer"] as const;
/** pyaleph's `credit_balances.addresses`: whose distributions and expenses count (`CREDIT_ISSUERS`). */
export const DEFAULT_CREDIT_ISSUERS: readonly string[] = ["0x2E4454fAD1906c0Ce6e45cBFA05cE898Ac3AC1dC"];
/** Posts whose `content.time` is before 2026-02-02T00:00Z count 100 credits per USD: ×10 000. */
export const CREDIT_PRECISION_CUTOFF_MICROS = 1_769_990_400_000_000n;
export const CREDIT_PRECISION_MULTIPLIER = 10_000n;
/** `credit_history.amount` and `credit_balances.amount_remaining` are BIGINT. */
export const BIGINT_MAX = 2n ** 63n - 1n;

/** The ledger key of an address: EVM addresses lowercase, any other form as it is. */
export function ledgerAddress(address: string): string {
	return /^0x[0-9a-fA-F]{40}$/.test(address) ? address.toLowerCase() : address;
}

type PostBase = {
	itemHash: string;
	/** `content.time` in microseconds: the post's place in the ledger. */
	timeMicros: bigint;
	/** `content.address` as a ledger key: the issuer, or the debited party of a transfer. */
	owner: string;
};

export type DistributionEntry = {
	address: string;
	/** Credits granted, after the precision multiplier. */
	amount: bigint;
	/** `str(Decimal(price))`, as written to the history row. */
	price: string;
	txHash: string | null;
	provider: string | null;
	expirationMicros: bigint | null;
	origin: string | null;
	/** The entry's `ref`, the row's `origin_ref`. */
	ref: string | null;
	paymentMethod: string | null;
	bonusAmount: bigint | null;
};

export type ExpenseEntry = {
	address: string;
	/** Credits consumed, after the precision multiplier (positive). */
	amount: bigint;
	ref: string | null;
	executionId: string | null;
	nodeId: string | null;
	/** `str(price)`, as written to the history row. */
	price: string | null;
	count: bigint | null;
	/** `str(Decimal(size))`: the billed MiB of a v2 storage entry. */
	sizeMib: string | null;
};

export type TransferEntry = {
	address: string;
	/** Credits moved, after the precision multiplier. */
	amount: bigint;
	/** The amount as posted: pyaleph's balance pre-check compares these (§5.7). */
	rawAmount: bigint;
	/** The requested expiration; a non-minted transfer caps it at its source lots' (ledger.ts). */
	expirationMicros: bigint | null;
};

export type DistributionPost = PostBase & {
	kind: "distribution";
	token: string | null;
	chain: string | null;
	entries: DistributionEntry[];
};
export type ExpensePost = PostBase & { kind: "expense"; entries: ExpenseEntry[] };
/** `minted`: the sender is an issuer, so recipients are credited and nobody is debited. */
export type TransferPost = PostBase & { kind: "transfer"; minted: boolean; entries: TransferEntry[] };
export type CreditPost = DistributionPost | ExpensePost | TransferPost;

export type IgnoredReason = "not_post" | "not_credit_type" | "not_credit_channel" | "empty_content" | "not_issuer";
export type InvalidReason = "invalid_credit_content" | "invalid_amount" | "out_of_range" | "duplicate_recipient" | "self_transfer";

export type CreditPostResult =
	| { status: "credit"; post: CreditPost }
	| { status: "invalid"; reason: InvalidReason; detail: string }
	| { status: "ignored"; reason: IgnoredReason };

export type CreditPostOptions = { issuers?: readonly string[] };

class Invalid extends Error {
	constructor(
		readonly reason: InvalidReason,
		message: string,
	) {
		super(message);
	}
}

function fail(reason: InvalidReason, detail: string): never {
	throw new Invalid(reason, detail);
}

function object(value: JsonValue | undefined, path: string): JsonObject {
	return isJsonObject(value) ? value : fail("invalid_credit_content", `${path} is not an object`);
}

function list(value: JsonValue | undefined, path: string): JsonValue[] {
	if (!Array.isArray(value)) fail("invalid_credit_content", `${path} is not a list`);
	if (value.length === 0) fail("invalid_credit_content", `${path} is empty`);
	return value;
}

function requiredString(value: JsonValue | undefined, path: string): string {
	return typeof value === "string" ? value : fail("invalid_credit_content", `${path} is not a string`);
}

/** An `Optional[str]` field, with the CSV rule that writes `""` as NULL. */
function optionalString(value: JsonValue | undefined, path: string): string | null {
	if (value === undefined || value === null) return null;
	return requiredString(value, path) || null;
}

/** pyaleph's address rule: a string that is not blank (Python's `strip()`). */
function address(value: JsonValue | undefined, path: string): string {
	const text = requiredString(value, path);
	if (pythonStrip(text) === "") fail("invalid_credit_content", `${path} is blank`);
	return text;
}

/** `amount`: a JSON integer > 0 (bool, float, string refused), scaled, within BIGINT. */
function amount(value: JsonValue | undefined, path: string, multiplier: bigint): { raw: bigint; scaled: bigint } {
	if (typeof value !== "bigint") fail("invalid_amount", `${path} is not an integer`);
	if (value <= 0n) fail("invalid_amount", `${path} is not > 0`);
	const scaled = value * multiplier;
	if (scaled > BIGINT_MAX) fail("out_of_range", `${path} exceeds a BIGINT`);
	return { raw: value, scaled };
}

/** `expiration`: a lax int of epoch ms; 0 or null mean none; it must make a Python datetime. */
function expiration(value: JsonValue | undefined, path: string): bigint | null {
	if (value === undefined || value === null) return null;
	const ms = laxInt(value);
	if (ms === null) fail("invalid_credit_content", `${path} is not an integer`);
	if (ms === 0n) return null;
	if (ms > 2n ** 53n || ms < -(2n ** 53n)) fail("out_of_range", `${path} is not a datetime`);
	const micros = fromTimestampMicros(Number(ms) / 1000);
	if (!isDatetimeMicros(micros)) fail("out_of_range", `${path} is not a datetime`);
	return micros;
}

/** A price: a string or number coerced with `str()`, which must parse as a Decimal. */
function priceText(value: JsonValue | undefined, path: string): string {
	if (typeof value === "number") return pythonStr(value);
	if (typeof value === "bigint") return value.toString();
	const text = requiredString(value, path);
	if (parsePythonDecimal(text) === null) fail("invalid_credit_content", `${path} is not a decimal`);
	return text;
}

/** The text pyaleph writes to a numeric column must also be accepted by Postgres. */
function numericColumn(text: string, path: string): string {
	return pgNumericAccepts(text) ? text : fail("invalid_credit_content", `${path} is not a value Postgres can store`);
}

function distributionEntry(value: JsonValue, path: string, multiplier: bigint): DistributionEntry {
	const e = object(value, path);
	const entry = {
		address: ledgerAddress(address(e.address, `${path}.address`)),
		amount: amount(e.amount, `${path}.amount`, multiplier).scaled,
		price: priceText(e.price, `${path}.price`),
		txHash: requiredString(e.tx_hash, `${path}.tx_hash`) || null,
		provider: requiredString(e.provider, `${path}.provider`) || null,
		expirationMicros: expiration(e.expiration, `${path}.expiration`),
		origin: optionalString(e.origin, `${path}.origin`),
		ref: optionalString(e.ref, `${path}.ref`),
		paymentMethod: optionalString(e.payment_method, `${path}.payment_method`),
		bonusAmount: bonusAmount(e.bonus_amount, `${path}.bonus_amount`),
	};
	// pyaleph writes str(Decimal(price)) into the numeric column.
	const decimal = parsePythonDecimal(entry.price);
	if (decimal === null) fail("invalid_credit_content", `${path}.price is not a decimal`);
	return { ...entry, price: numericColumn(pythonDecimalStr(decimal), `${path}.price`) };
}

/** `bonus_amount` is typed Any but lands in a BIGINT column through `str(v or "")`. */
function bonusAmount(value: JsonValue | undefined, path: string): bigint | null {
	if (!pythonTruthy(value)) return null;
	let n: bigint | null = null;
	if (typeof value === "bigint") n = value;
	else if (typeof value === "string" && /^[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*$/.test(value)) n = BigInt(value.trim());
	if (n === null || n > BIGINT_MAX || n < -BIGINT_MAX - 1n) fail("invalid_credit_content", `${path} is not a BIGINT`);
	return n;
}

function expenseEntry(value: JsonValue, path: string, multiplier: bigint): ExpenseEntry {
	const e = object(value, path);
	const entry: ExpenseEntry = {
		address: ledgerAddress(address(e.address, `${path}.address`)),
		amount: amount(e.amount, `${path}.amount`, multiplier).scaled,
		ref: optionalString(e.ref, `${path}.ref`),
		executionId: optionalString(e.execution_id, `${path}.execution_id`),
		nodeId: optionalString(e.node_id, `${path}.node_id`),
		price: e.price === undefined || e.price === null ? null : numericColumn(priceText(e.price, `${path}.price`), `${path}.price`),
		count: null,
		sizeMib: null,
	};
	if (e.time !== undefined && e.time !== null && laxFloat(e.time) === null) fail("invalid_credit_content", `${path}.time is not a number`);
	if (e.count !== undefined && e.count !== null) {
		const count = laxInt(e.count);
		if (count === null || count < 0n) fail("invalid_credit_content", `${path}.count is not an integer >= 0`);
		if (count > BIGINT_MAX) fail("out_of_range", `${path}.count exceeds a BIGINT`);
		entry.count = count;
	}
	if (e.size !== undefined && e.size !== null) entry.sizeMib = sizeMib(e.size, `${path}.size`);
	return entry;
}

/** pydantic's `Decimal` with `ge=0`: a number (via its repr) or a decimal string, finite and >= 0. */
function sizeMib(value: JsonValue, path: string): string {
	const text =
		typeof value === "number" ? pythonStr(value) : typeof value === "bigint" ? value.toString() : typeof value === "string" ? value : null;
	const decimal = text === null ? null : parsePythonDecimal(text);
	if (decimal === null || decimal.kind !== "finite") fail("invalid_credit_content", `${path} is not a finite decimal`);
	if (decimal.negative && /[1-9]/.test(decimal.coefficient)) fail("invalid_credit_content", `${path} is negative`);
	return numericColumn(pythonDecimalStr(decimal), path);
}

function transferEntry(value: JsonValue, path: string, multiplier: bigint): TransferEntry {
	const e = object(value, path);
	const recipient = address(e.address, `${path}.address`);
	const { raw, scaled } = amount(e.amount, `${path}.amount`, multiplier);
	return { address: recipient, amount: scaled, rawAmount: raw, expirationMicros: expiration(e.expiration, `${path}.expiration`) };
}

function creditPost(message: VerifiedMessage, issuers: ReadonlySet<string>): CreditPost | { ignored: IgnoredReason } {
	const { envelope, content } = message;
	if (content.kind !== "POST") return { ignored: "not_post" };
	if (!(CREDIT_POST_TYPES as readonly string[]).includes(content.type)) return { ignored: "not_credit_type" };
	if (envelope.channel !== CREDIT_CHANNEL) return { ignored: "not_credit_channel" };
	if (!pythonTruthy(content.content)) return { ignored: "empty_content" };
	const owner = ledgerAddress(content.address);
	const isIssuer = issuers.has(owner);
	const multiplier = content.timeMicros < CREDIT_PRECISION_CUTOFF_MICROS ? CREDIT_PRECISION_MULTIPLIER : 1n;
	const base = { itemHash: envelope.itemHash, timeMicros: content.timeMicros, owner };
	// A distribution or expense from anyone else is an ordinary POST: pyaleph never validates it.
	if (content.type !== "aleph_credit_transfer" && !isIssuer) return { ignored: "not_issuer" };
	const body = object(content.content, "content");
	if (content.type === "aleph_credit_distribution") {
		const d = object(body.distribution, "distribution");
		const entries = list(d.credits, "distribution.credits").map((e, i) => distributionEntry(e, `distribution.credits[${i}]`, multiplier));
		const token = requiredString(d.token, "distribution.token") || null;
		const chain = requiredString(d.chain, "distribution.chain") || null;
		return { ...base, kind: "distribution", token, chain, entries };
	}
	if (content.type === "aleph_credit_expense") {
		const x = object(body.expense, "expense");
		return {
			...base,
			kind: "expense",
			entries: list(x.credits, "expense.credits").map((e, i) => expenseEntry(e, `expense.credits[${i}]`, multiplier)),
		};
	}
	const t = object(body.transfer, "transfer");
	const entries = list(t.credits, "transfer.credits").map((e, i) => transferEntry(e, `transfer.credits[${i}]`, multiplier));
	// pyaleph compares recipients as exact strings: 0xAbc… and 0xabc… are two recipients there too.
	if (new Set(entries.map((e) => e.address)).size !== entries.length) fail("duplicate_recipient", "transfer.credits has a recipient twice");
	if (entries.some((e) => ledgerAddress(e.address) === owner)) fail("self_transfer", "a transfer to its own sender");
	return { ...base, kind: "transfer", minted: isIssuer, entries: entries.map((e) => ({ ...e, address: ledgerAddress(e.address) })) };
}

/**
 * Reads a verified message as a credit post. Call it only for messages that passed the permission
 * check with `owner = content.address` (§4.1): distributions and expenses come from an issuer's
 * delegate, and a transfer debits `content.address`.
 */
export function parseCreditPost(message: VerifiedMessage, options: CreditPostOptions = {}): CreditPostResult {
	const issuers = new Set((options.issuers ?? DEFAULT_CREDIT_ISSUERS).map(ledgerAddress));
	try {
		const post = creditPost(message, issuers);
		return "ignored" in post ? { status: "ignored", reason: post.ignored } : { status: "credit", post };
	} catch (error) {
		if (error instanceof Invalid) return { status: "invalid", reason: error.reason, detail: error.message };
		throw error;
	}
}
