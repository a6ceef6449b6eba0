import type { InstanceMessage } from "./messages.ts";

/** The parts of `PUT /v1/resources/{item_hash}`'s answer the demo reads. */
export type Registered = {
	itemHash: string;
	created: boolean;
	paymentType: "hold" | "superfluid" | "credit";
	costs: { hold: { wei: string; aleph: string }; stream: { weiPerSecond: string; alephPerSecond: string }; credit: string };
};

/** The parts of `POST /v1/can-pay`'s answer the demo reads. */
export type CanPay = {
	allowed: boolean | null;
	errorCode: number | null;
	reason: string;
	/** The message's own cost in its payment column: ALEPH to hold, or ALEPH per second to stream. */
	cost: string;
	required: string | null;
	available: string | null;
};

/** One chain of `GET /v1/status`. */
export type ChainStatus = {
	chain: string;
	indexedBlock: number | null;
	headBlock: number | null;
	lagBlocks: number | null;
	stale: boolean;
};

/** One feed of `GET /v1/status`. */
export type FeedStatus = { url: string; lagSeconds: number | null; stale: boolean; messages: { applied: number } };

/** One alert of `GET /v1/alerts`. */
export type Alert = { id: string; address: string; kind: string; subject: string; status: "open" | "resolved" };

/** The parts of `GET /v1/accounts/{address}` the demo reads. */
export type Account = { address: string; status: "ok" | "insufficient" | "at_risk" };

/** An answer the API gave with an unexpected status. */
export class ApiCallError extends Error {
	constructor(
		readonly status: number,
		readonly body: string,
		what: string,
	) {
		super(`${what} answered ${status}: ${body.slice(0, 300)}`);
		this.name = "ApiCallError";
	}
}

/** A small client of the oracle's own HTTP API, as a node operator's script would use it. */
export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * Creates a client for the API at `baseUrl`; `apiKey` authorises the write routes. Every call
 * times out after 15 s.
 */
export function createApiClient(baseUrl: string, apiKey: string) {
	async function call<T>(method: string, path: string, body?: unknown, expected: number[] = [200]): Promise<T> {
		const response = await fetch(new URL(path, baseUrl), {
			method,
			headers: {
				...(body === undefined ? {} : { "content-type": "application/json" }),
				...(method === "GET" || path === "/v1/can-pay" ? {} : { authorization: `Bearer ${apiKey}` }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(15_000),
		});
		const text = await response.text();
		if (!expected.includes(response.status)) throw new ApiCallError(response.status, text, `${method} ${path}`);
		return (text ? JSON.parse(text) : null) as T;
	}
	return {
		/** `PUT /v1/resources/{item_hash}`: the node accepted the message; returns its frozen costs. */
		register: (message: InstanceMessage) => call<Registered>("PUT", `/v1/resources/${message.item_hash}`, { message }, [200, 201]),
		/** `DELETE /v1/resources/{item_hash}`: the instance was stopped. */
		forget: (itemHash: string) => call<null>("DELETE", `/v1/resources/${itemHash}`, undefined, [204, 404]),
		/** `POST /v1/can-pay`. */
		canPay: (message: InstanceMessage) => call<CanPay>("POST", "/v1/can-pay", { message }),
		/** `GET /v1/status`. */
		status: () => call<{ chains: ChainStatus[]; feeds: FeedStatus[] }>("GET", "/v1/status"),
		/** `GET /ready`: whether the service is ready, and why not. */
		ready: () => call<{ ok: boolean; reasons: string[] }>("GET", "/ready", undefined, [200, 503]),
		/** `GET /v1/alerts?status=`. */
		alerts: (status?: "open" | "resolved") => call<{ alerts: Alert[] }>("GET", `/v1/alerts?limit=1000${status ? `&status=${status}` : ""}`),
		/** `GET /api/v0/price/{item_hash}`: the status alone (200 priced, 404 not known yet, 410 forgotten) and the cost. */
		price: async (itemHash: string) => {
			const response = await fetch(new URL(`/api/v0/price/${itemHash}`, baseUrl), { signal: AbortSignal.timeout(15_000) });
			const body = (await response.json().catch(() => null)) as { cost?: string } | null;
			return { status: response.status, cost: body?.cost ?? null };
		},
		/** `GET /v1/accounts/{address}`. */
		account: (address: string) => call<Account>("GET", `/v1/accounts/${address}`),
	};
}
