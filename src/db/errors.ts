/**
 * What a database failure means for whoever ran the statement, for both drivers (pg and PGlite
 * report the server's SQLSTATE in `code`; pg adds Node's socket errors and its own messages):
 *
 * - `unavailable`: the server cannot be reached, is shutting down or starting, or is out of
 *   connections; the same statement works once it is back (HTTP 503, retry with backoff).
 * - `transient`: serialization failure, deadlock, lock or statement timeout: running the
 *   transaction again may succeed at once.
 * - `permanent`: constraint, data, syntax, permission, internal errors: running it again fails
 *   the same way (stop, or fail the job without retries).
 */
export type DatabaseFailure = "unavailable" | "transient" | "permanent";

/** SQLSTATE classes (first two characters) and codes that are not permanent. */
const UNAVAILABLE_CLASSES = new Set(["08", "53", "57", "58"]);
const TRANSIENT_CODES = new Set(["40001", "40P01", "40003", "55P03", "57014"]);
// A standby that is not (yet) promoted refuses writes: the primary is elsewhere for a while.
const UNAVAILABLE_CODES = new Set(["25006"]);

/** Node socket errors of a connection to the server. */
const SOCKET_CODES = new Set([
	"ECONNREFUSED",
	"ECONNRESET",
	"ETIMEDOUT",
	"EPIPE",
	"ENOTFOUND",
	"EAI_AGAIN",
	"EHOSTUNREACH",
	"ENETUNREACH",
	"ECONNABORTED",
]);

/** Messages of pg, pg-pool, kysely and PGlite when there is no usable connection. */
const UNAVAILABLE_MESSAGES = [
	/^Connection terminated/,
	/^timeout exceeded when trying to connect/,
	/is not queryable$/,
	/^Cannot use a pool after calling end on the pool/,
	/^driver has already been destroyed/,
	/^PGlite is closed/,
];

type Coded = { code?: unknown; severity?: unknown; message?: unknown; cause?: unknown; errors?: unknown };

function classifyOne(error: Coded): DatabaseFailure | null {
	const code = typeof error.code === "string" ? error.code : undefined;
	// A server error carries a severity next to its 5-character SQLSTATE (a socket error has neither).
	if (code !== undefined && typeof error.severity === "string" && /^[0-9A-Z]{5}$/.test(code)) {
		if (TRANSIENT_CODES.has(code)) return "transient";
		if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CLASSES.has(code.slice(0, 2))) return "unavailable";
		return "permanent";
	}
	if (code !== undefined && SOCKET_CODES.has(code)) return "unavailable";
	const message = typeof error.message === "string" ? error.message : "";
	if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return "unavailable";
	return null;
}

/**
 * Classifies a thrown value as a database failure, looking through `cause` chains and aggregated
 * errors (a connection tried on several addresses); null when it is not a database failure.
 */
export function classifyDatabaseError(error: unknown): DatabaseFailure | null {
	for (let current = error, depth = 0; current !== null && typeof current === "object" && depth < 8; depth++) {
		const coded = current as Coded;
		const kind = classifyOne(coded);
		if (kind) return kind;
		if (Array.isArray(coded.errors)) {
			for (const inner of coded.errors) {
				const innerKind = classifyDatabaseError(inner);
				if (innerKind) return innerKind;
			}
		}
		current = coded.cause;
	}
	return null;
}

/** True for a failure that retrying cannot fix. */
export function isPermanentDatabaseError(error: unknown): boolean {
	return classifyDatabaseError(error) === "permanent";
}
