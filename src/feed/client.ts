/**
 * The part of one CCN's public HTTP API the follower reads (spec aleph-network §1): message lists,
 * reception-ordered hashes, a message's reception time, raw storage. Every request has a timeout
 * and a size limit and is retried with backoff; an answer is returned only once its shape is
 * checked (a 200 with JSON of the expected shape, within the sizes asked for). What the messages
 * say is checked later, by verification.
 */

import { parseIsoformat } from "../domain/network/cursor.ts";
import { itemTypeFromHash } from "../domain/network/envelope.ts";
import { RetryableError } from "../lib/errors.ts";
import { backoffMs, sleep } from "../lib/sleep.ts";

/** A request failed (transport, status, size, shape); the caller retries later. */
export class FeedRequestError extends RetryableError {
	override name = "FeedRequestError";
}

/** One page of `GET /api/v0/messages.json`. `nextCursor` is undefined in page mode (an older CCN). */
export type MessagePage = { messages: unknown[]; nextCursor: string | null | undefined };

export type HashPage = { hashes: string[] };

export type CcnClient = {
	readonly url: string;
	listMessages(params: Record<string, string>, signal?: AbortSignal): Promise<MessagePage>;
	listHashes(params: Record<string, string>, signal?: AbortSignal): Promise<HashPage>;
	/** The CCN's reception time of a message, epoch seconds; null when it does not know the hash. */
	receptionTime(itemHash: string, signal?: AbortSignal): Promise<number | null>;
	/** The stored bytes of a file; null when the CCN does not have it. */
	rawStorage(hash: string, signal?: AbortSignal): Promise<Uint8Array | null>;
	/**
	 * The file of a STORE message and its size (`GET /api/v0/storage/by-message-hash/{h}`, spec
	 * §6.4: trusted data); null when the CCN has no file for it.
	 */
	fileOfStore(messageHash: string, signal?: AbortSignal): Promise<{ fileHash: string; size: bigint } | null>;
};

export type CcnClientOptions = {
	url: string;
	timeoutMs: number;
	/** Attempts per request. Default: `3`. */
	attempts?: number;
	/** Largest answer read, bytes. Default: 64 MiB (200 messages of 200 000 characters fit). */
	maxBytes?: number;
	/** Called after every HTTP exchange: route, outcome ("ok" or an error kind), seconds. */
	observe?: (route: string, outcome: string, seconds: number) => void;
};

const MAX_CURSOR_LENGTH = 4096;

type Raw = { status: number; body: Uint8Array };

async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array> {
	const declared = Number(response.headers.get("content-length") ?? Number.NaN);
	if (declared > maxBytes) throw new FeedRequestError(`the answer is ${declared} bytes, above the ${maxBytes} bytes limit`);
	const reader = response.body?.getReader();
	if (!reader) return new Uint8Array();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > maxBytes) {
			await reader.cancel();
			throw new FeedRequestError(`the answer is above the ${maxBytes} bytes limit`);
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks);
}

function parseJsonObject(body: Uint8Array, what: string): Record<string, unknown> {
	let value: unknown;
	try {
		value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
	} catch {
		throw new FeedRequestError(`${what}: the answer is not JSON`);
	}
	if (typeof value !== "object" || value === null || Array.isArray(value))
		throw new FeedRequestError(`${what}: the answer is not an object`);
	return value as Record<string, unknown>;
}

/** `pagination` as asked: an answer with more rows than that is not one we asked for. */
function askedPagination(params: Record<string, string>, fallback: number): number {
	const n = Number(params.pagination ?? fallback);
	return Number.isSafeInteger(n) && n > 0 ? n : Number.POSITIVE_INFINITY;
}

export function createCcnClient(options: CcnClientOptions): CcnClient {
	const { url, timeoutMs, attempts = 3, maxBytes = 64 * 1024 * 1024, observe } = options;

	async function once(route: string, path: string, accept: number[], signal?: AbortSignal): Promise<Raw> {
		const started = performance.now();
		// A controller per request (AbortSignal.any keeps listeners on the long-lived signal on Node 20).
		const abort = new AbortController();
		const timer = setTimeout(() => abort.abort(), timeoutMs);
		const forward = () => abort.abort();
		signal?.addEventListener("abort", forward, { once: true });
		let outcome = "ok";
		try {
			let response: Response;
			try {
				response = await fetch(`${url}${path}`, { signal: abort.signal });
			} catch (error) {
				outcome = abort.signal.aborted ? "timeout" : "transport";
				throw new FeedRequestError(abort.signal.aborted ? `no answer within ${timeoutMs} ms` : "the connection failed", { cause: error });
			}
			if (!accept.includes(response.status)) {
				outcome = `http_${response.status}`;
				await response.body?.cancel().catch(() => {});
				throw new FeedRequestError(`HTTP ${response.status}`);
			}
			try {
				return { status: response.status, body: await readLimited(response, maxBytes) };
			} catch (error) {
				outcome = abort.signal.aborted ? "timeout" : "body";
				if (error instanceof FeedRequestError) throw error;
				throw new FeedRequestError(abort.signal.aborted ? `the answer did not end within ${timeoutMs} ms` : "the answer was cut", {
					cause: error,
				});
			}
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener("abort", forward);
			observe?.(route, outcome, (performance.now() - started) / 1000);
		}
	}

	/** Runs `read` (a request and the check of its answer) up to `attempts` times, with backoff. */
	async function withRetries<T>(read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			try {
				return await read();
			} catch (error) {
				if (signal?.aborted || attempt >= attempts || !(error instanceof FeedRequestError)) throw error;
				await sleep(backoffMs(attempt, 250, 5_000), signal);
			}
		}
	}

	const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

	return {
		url,
		listMessages(params, signal) {
			return withRetries(async () => {
				const { body } = await once("messages", `/api/v0/messages.json?${query(params)}`, [200], signal);
				const page = parseJsonObject(body, "messages.json");
				const { messages } = page;
				if (!Array.isArray(messages)) throw new FeedRequestError("messages.json: no messages list");
				if (messages.length > askedPagination(params, 20)) throw new FeedRequestError("messages.json: more messages than asked for");
				let nextCursor: string | null | undefined;
				if ("next_cursor" in page) {
					const next = page.next_cursor;
					if (next !== null && (typeof next !== "string" || next.length === 0 || next.length > MAX_CURSOR_LENGTH))
						throw new FeedRequestError("messages.json: next_cursor is not a cursor");
					nextCursor = next;
				}
				return { messages, nextCursor };
			}, signal);
		},
		listHashes(params, signal) {
			return withRetries(async () => {
				const { body } = await once("hashes", `/api/v0/messages/hashes?${query(params)}`, [200], signal);
				const { hashes } = parseJsonObject(body, "messages/hashes");
				if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === "string" && itemTypeFromHash(h) !== null))
					throw new FeedRequestError("messages/hashes: no list of item hashes");
				if (hashes.length > askedPagination(params, 20)) throw new FeedRequestError("messages/hashes: more hashes than asked for");
				return { hashes: hashes as string[] };
			}, signal);
		},
		receptionTime(itemHash, signal) {
			return withRetries(async () => {
				const { status, body } = await once("message", `/api/v0/messages/${encodeURIComponent(itemHash)}`, [200, 404], signal);
				if (status === 404) return null;
				const { reception_time: reception } = parseJsonObject(body, "messages/{hash}");
				const micros = typeof reception === "string" ? parseIsoformat(reception) : null;
				if (micros === null) throw new FeedRequestError("messages/{hash}: no reception_time");
				return Number(micros) / 1e6;
			}, signal);
		},
		fileOfStore(messageHash, signal) {
			return withRetries(async () => {
				const { status, body } = await once(
					"file",
					`/api/v0/storage/by-message-hash/${encodeURIComponent(messageHash)}`,
					[200, 400, 404],
					signal,
				);
				if (status !== 200) return null;
				const { file_hash: fileHash, size } = parseJsonObject(body, "storage/by-message-hash");
				if (typeof fileHash !== "string" || itemTypeFromHash(fileHash) === null)
					throw new FeedRequestError("storage/by-message-hash: no file_hash");
				if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0)
					throw new FeedRequestError("storage/by-message-hash: size is not a byte count");
				return { fileHash, size: BigInt(size) };
			}, signal);
		},
		rawStorage(hash, signal) {
			return withRetries(async () => {
				const { status, body } = await once("storage", `/api/v0/storage/raw/${encodeURIComponent(hash)}`, [200, 404], signal);
				return status === 404 ? null : body;
			}, signal);
		},
	};
}
