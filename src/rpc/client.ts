import type { Logger } from "../lib/logger.ts";
import { backoffMs, sleep } from "../lib/sleep.ts";
import { parseLogRangeError, RpcDataError, RpcResponseError, RpcTransportError } from "./errors.ts";

export type RpcClient = {
	/** Sends one JSON-RPC call, with retries across URLs; resolves with `result`. */
	request<T>(method: string, params: unknown[], options?: { signal?: AbortSignal; retries?: number }): Promise<T>;
	/** Calls made and failures seen, by method and kind (for metrics). */
	readonly stats: RpcStats;
};

export type RpcStats = {
	calls: Map<string, number>;
	errors: Map<string, number>;
};

export type CreateRpcClientParameters = {
	urls: string[];
	/** Per-request timeout, milliseconds. Default: `10_000`. */
	timeoutMs?: number;
	/** Attempts after the first failure before giving up. Default: `6`. */
	retries?: number;
	/** Requests in flight at once, over all URLs. Default: `8`. */
	maxInFlight?: number;
	logger?: Logger;
	/** Called after every HTTP exchange: method, outcome ("ok" or an error kind), seconds. */
	observe?: (method: string, outcome: string, seconds: number) => void;
};

// JSON-RPC codes that will not change by retrying the same request.
const PERMANENT_CODES = new Set([-32600, -32601, -32602, -32700, 3]);

/**
 * A JSON-RPC client over HTTP with several URLs: on a transport failure (HTTP 429/5xx, timeout,
 * dropped connection, bad body) it retries with exponential backoff and jitter on the next URL.
 * JSON-RPC errors are returned to the caller as `RpcResponseError` unless they look transient.
 * URLs never appear in errors or logs (they may carry API keys): only their index does.
 */
export function createRpcClient(parameters: CreateRpcClientParameters): RpcClient {
	const { urls, timeoutMs = 10_000, retries = 6, maxInFlight = 8, logger, observe } = parameters;
	if (urls.length === 0) throw new Error("createRpcClient needs at least one URL");
	const stats: RpcStats = { calls: new Map(), errors: new Map() };
	let id = 0;
	let inFlight = 0;
	const waiting: (() => void)[] = [];

	const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

	async function acquire() {
		if (inFlight < maxInFlight) {
			inFlight++;
			return;
		}
		await new Promise<void>((resolve) => waiting.push(resolve));
	}
	function release() {
		const wake = waiting.shift();
		if (wake) wake();
		else inFlight--;
	}

	async function once<T>(urlIndex: number, method: string, params: unknown[], signal?: AbortSignal): Promise<T> {
		const started = performance.now();
		// A controller per request (not AbortSignal.any, whose listeners on a long-lived caller
		// signal outlive the request on Node 20).
		const abort = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			abort.abort();
		}, timeoutMs);
		const forward = () => abort.abort();
		signal?.addEventListener("abort", forward, { once: true });
		let outcome = "ok";
		try {
			let response: Response;
			try {
				response = await fetch(urls[urlIndex] as string, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
					signal: abort.signal,
				});
			} catch (error) {
				outcome = timedOut ? "timeout" : "network";
				throw new RpcTransportError(
					`${method} to RPC #${urlIndex}: ${outcome === "timeout" ? `no answer within ${timeoutMs} ms` : "connection failed"}`,
					{ cause: error },
				);
			}
			let text: string;
			try {
				text = await response.text();
			} catch (error) {
				outcome = timedOut ? "timeout" : "network";
				throw new RpcTransportError(`${method} to RPC #${urlIndex}: body interrupted`, { cause: error });
			}
			if (!response.ok) {
				outcome = `http_${response.status}`;
				const error = parseBody(text)?.error;
				// Some providers put a JSON-RPC error (e.g. a log-range refusal) in a 4xx/5xx body.
				if (error && typeof error.code === "number" && response.status !== 429 && response.status < 500) {
					throw new RpcResponseError(method, error.code, String(error.message ?? ""));
				}
				throw new RpcTransportError(`${method} to RPC #${urlIndex}: HTTP ${response.status}`);
			}
			const body = parseBody(text);
			if (!body || !("result" in body || "error" in body)) {
				outcome = "bad_body";
				throw new RpcTransportError(`${method} to RPC #${urlIndex}: unparseable answer`);
			}
			if (body.error) {
				outcome = "rpc_error";
				throw new RpcResponseError(method, Number(body.error.code), String(body.error.message ?? ""));
			}
			return body.result as T;
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener("abort", forward);
			observe?.(method, outcome, (performance.now() - started) / 1000);
			if (outcome !== "ok") count(stats.errors, `${method}:${outcome}`);
		}
	}

	// Per-URL health: a URL that failed is benched for a while (doubling, up to 30 s), so retries
	// go to the others at once instead of hammering it; a success restores it.
	const health = urls.map(() => ({ failures: 0, benchedUntil: 0 }));
	let rotation = 0;

	function pick(tried: Set<number>): number {
		const now = Date.now();
		const start = rotation++ % urls.length;
		for (let k = 0; k < urls.length; k++) {
			const i = (start + k) % urls.length;
			if (!tried.has(i) && (health[i]?.benchedUntil ?? 0) <= now) return i;
		}
		let best = 0;
		for (let i = 1; i < urls.length; i++) if ((health[i]?.benchedUntil ?? 0) < (health[best]?.benchedUntil ?? 0)) best = i;
		return best;
	}

	async function request<T>(method: string, params: unknown[], options: { signal?: AbortSignal; retries?: number } = {}): Promise<T> {
		const maxAttempts = (options.retries ?? retries) + 1;
		count(stats.calls, method);
		const tried = new Set<number>();
		for (let attempt = 0; ; attempt++) {
			options.signal?.throwIfAborted();
			if (tried.size === urls.length) tried.clear();
			const urlIndex = pick(tried);
			const h = health[urlIndex] as { failures: number; benchedUntil: number };
			// Every URL is benched: wait for the first one to come back (bounded by the backoff).
			const wait = Math.min(h.benchedUntil - Date.now(), backoffMs(attempt, 100, 5_000));
			if (wait > 0) await sleep(wait, options.signal);
			tried.add(urlIndex);
			let failure: unknown;
			await acquire();
			try {
				const result = await once<T>(urlIndex, method, params, options.signal);
				h.failures = 0;
				h.benchedUntil = 0;
				return result;
			} catch (error) {
				failure = error;
			} finally {
				release();
			}
			const retryable = failure instanceof RpcTransportError || (failure instanceof RpcResponseError && isTransient(failure));
			if (retryable) {
				h.failures++;
				h.benchedUntil = Date.now() + Math.min(30_000, 250 * 2 ** (h.failures - 1));
			}
			if (!retryable || attempt + 1 >= maxAttempts || options.signal?.aborted) throw failure;
			logger?.debug({ method, attempt: attempt + 1, rpc: urlIndex, err: (failure as Error).message }, "Retrying RPC call");
		}
	}

	return { request, stats };
}

function parseBody(text: string): { result?: unknown; error?: { code?: unknown; message?: unknown } } | undefined {
	try {
		const value = JSON.parse(text);
		return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/** Errors a provider returns under load or while catching up, worth retrying. */
function isTransient(error: RpcResponseError): boolean {
	// Providers use -32005 both for rate limits and for oversized eth_getLogs: the caller splits the latter.
	if (PERMANENT_CODES.has(error.code) || (error.method === "eth_getLogs" && parseLogRangeError(error.rpcMessage))) return false;
	return (
		/rate limit|too many requests|limit exceeded|temporar|try again|timeout|busy|header not found|unavailable|internal error/i.test(
			error.rpcMessage,
		) ||
		error.code === -32005 ||
		error.code === -32603 ||
		error.code === 429
	);
}

/** Converts a JSON-RPC quantity to bigint, rejecting anything else. */
export function hexToBigInt(value: unknown, what: string): bigint {
	if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value))
		throw new RpcDataError(`RPC returned a malformed ${what}: ${String(value).slice(0, 40)}`);
	return BigInt(value);
}
