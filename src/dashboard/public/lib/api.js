// Reading the oracle's own API: the dashboard shows exactly what any client gets.

/** A non-2xx answer, with the API's error code and message. */
export class ApiError extends Error {
	constructor(status, path, body) {
		super(body?.error?.message ?? `${path} answered ${status}.`);
		this.name = "ApiError";
		this.status = status;
		this.code = body?.error?.code ?? "http_error";
	}
}

/** GET `path` on this origin and parse its JSON; throws an {@link ApiError} on a non-2xx answer. */
export async function getJson(path) {
	const response = await fetch(path, { headers: { accept: "application/json" }, cache: "no-store" });
	const body = await response.json().catch(() => null);
	if (!response.ok) throw new ApiError(response.status, path, body);
	return body;
}

/** A path with its query string, leaving out empty parameters. */
export function withQuery(path, params) {
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(params))
		if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
	const text = query.toString();
	return text ? `${path}?${text}` : path;
}

/** Every positive credit balance the network feed gives (pyaleph's route and shape), and their exact sum. */
export async function creditBalances() {
	const body = await getJson("/api/v0/credit_balances?pagination=0&min_balance=1");
	let total = 0n;
	for (const row of body.credit_balances) total += BigInt(row.credits);
	return { balances: body.credit_balances, total: total.toString() };
}

/** The network feeds of a `/v1/status` answer; empty when none is configured (or the oracle predates them). */
export function feedsOf(status) {
	return Array.isArray(status?.feeds) ? status.feeds : [];
}
