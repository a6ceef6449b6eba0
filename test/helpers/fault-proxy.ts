import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { seededRandom } from "../../devchain/seeded-random.ts";
import { type GetLogsErrorStyle, getLogsLimitError } from "./provider-errors.ts";

export type { GetLogsErrorStyle };

/** Faults to inject. Probabilities are per HTTP request, in [0, 1], and must sum to ≤ 1. */
export interface FaultConfig {
	/** Answer HTTP 429 Too Many Requests (with `Retry-After: 1`). */
	http429?: number;
	/** Answer HTTP 500 Internal Server Error. */
	http500?: number;
	/** Never answer: hang until the client gives up (or the proxy stops). */
	timeout?: number;
	/** Destroy the socket mid-request without answering. */
	drop?: number;
	/** eth_getLogs covering more than this many blocks (to − from + 1) → JSON-RPC error. */
	maxGetLogsRange?: number;
	/** eth_getLogs returning more than this many logs → JSON-RPC error. */
	maxGetLogsResults?: number;
	/** Wording of the two errors above (default `alchemy`). */
	getLogsErrorStyle?: GetLogsErrorStyle;
	/** Remove `blockTimestamp` from logs, like providers that don't send it. */
	stripBlockTimestamp?: boolean;
}

const TRANSPORT_FAULTS = ["drop", "timeout", "http429", "http500"] as const;
const ANSWER_FAULTS = ["getLogsRange", "getLogsResults", "stripBlockTimestamp"] as const;
export type FaultKind = (typeof TRANSPORT_FAULTS)[number] | (typeof ANSWER_FAULTS)[number];

export interface FaultProxyOptions {
	/** Upstream HTTP JSON-RPC URL. */
	upstream: string;
	/** PRNG seed (default 1). */
	seed?: number;
	faults?: FaultConfig;
	/** Methods the faults apply to (default: all). A batch is eligible if any call matches. */
	methods?: readonly string[];
}

export interface FaultProxyStats {
	/** HTTP requests received. */
	requests: number;
	/** JSON-RPC calls received (a batch counts each element). */
	calls: number;
	byMethod: Record<string, number>;
	/** Faults injected, by kind (stripBlockTimestamp counts modified answers). */
	injected: Record<FaultKind, number>;
}

export interface FaultProxy {
	url: string;
	stats: FaultProxyStats;
	/** Replaces the fault config (and optionally the method filter). */
	setFaults(faults: FaultConfig, methods?: readonly string[]): void;
	/**
	 * Holds every eth_getLogs range call that reaches above `block` until the gate is raised past
	 * it (or removed with null): a client cannot index beyond the gate, however fast it is.
	 */
	setLogsGate(block: bigint | null): void;
	resetStats(): void;
	stop(): Promise<void>;
}

type RpcCall = { id?: unknown; method?: string; params?: unknown[] };
type RpcAnswer = { id?: unknown; result?: unknown; error?: unknown };

/** Methods whose answers carry logs: plain log lists, or receipts (`*Receipt*`). */
const LOG_METHODS = new Set([
	"eth_getLogs",
	"eth_getFilterLogs",
	"eth_getFilterChanges",
	"eth_getTransactionReceipt",
	"eth_getBlockReceipts",
]);

function emptyStats(): FaultProxyStats {
	const kinds = [...TRANSPORT_FAULTS, ...ANSWER_FAULTS];
	const injected = Object.fromEntries(kinds.map((k) => [k, 0]));
	return { requests: 0, calls: 0, byMethod: {}, injected } as FaultProxyStats;
}

/** Deletes `blockTimestamp` from logs of a log or receipt answer; true if any. */
function stripTimestamps(method: string, result: unknown): boolean {
	const logs = !method.includes("Receipt")
		? [result]
		: (Array.isArray(result) ? result : [result]).map((r) => (r as { logs?: unknown[] } | null)?.logs ?? []);
	let changed = false;
	for (const log of logs.flat()) {
		if (log && typeof log === "object" && "blockTimestamp" in log) {
			delete (log as Record<string, unknown>).blockTimestamp;
			changed = true;
		}
	}
	return changed;
}

const BLOCK_NUMBER = '{"jsonrpc":"2.0","id":0,"method":"eth_blockNumber"}';
type Reply = { status: number; type: string; text: string };

async function post(url: string, body: string): Promise<Reply> {
	const res = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body,
	});
	const type = res.headers.get("content-type") ?? "application/json";
	return { status: res.status, type, text: await res.text() };
}

function send(res: http.ServerResponse, reply: Reply, headers = {}): void {
	res.writeHead(reply.status, { "content-type": reply.type, ...headers });
	res.end(reply.text);
}

/** [from, to] block numbers of an eth_getLogs call (tags resolved), or none. */
async function logsRange(call: RpcCall, head: () => Promise<bigint>): Promise<[bigint, bigint] | undefined> {
	const filter = call.params?.[0] as Record<string, unknown> | undefined;
	if (call.method !== "eth_getLogs" || !filter || filter.blockHash) return;
	const block = (tag: unknown) =>
		typeof tag === "string" && tag.startsWith("0x") ? Promise.resolve(BigInt(tag)) : tag === "earliest" ? Promise.resolve(0n) : head();
	return [await block(filter.fromBlock), await block(filter.toBlock)];
}

/**
 * Starts a fault-injecting JSON-RPC HTTP proxy (node:http only) on 127.0.0.1 in front of an
 * upstream node (anvil). Transport faults are drawn per HTTP request from a seeded PRNG, so a
 * sequential client sees the same faults on every run. Successful upstream answers pass
 * through byte for byte, except when `stripBlockTimestamp` removes `blockTimestamp` from
 * logs. JSON-RPC batches (arrays) are supported; getLogs limits apply per call.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
	const random = seededRandom(options.seed ?? 1);
	let faults: FaultConfig = { ...options.faults };
	let methods = options.methods ? new Set(options.methods) : undefined;
	const applies = (m?: string) => !methods || (!!m && methods.has(m));
	const proxy = { stats: emptyStats() } as FaultProxy;
	const upstream = (body: string) => post(options.upstream, body);
	let gate: bigint | null = null;
	let gateMoved: Array<() => void> = [];
	function openGate() {
		for (const resume of gateMoved) resume();
		gateMoved = [];
	}
	/** Resolves once no eth_getLogs range call of the request reaches above the gate. */
	async function passGate(calls: RpcCall[], head: () => Promise<bigint>): Promise<void> {
		for (const call of calls) {
			const range = await logsRange(call, head);
			while (range && gate !== null && range[1] > gate) await new Promise<void>((resume) => gateMoved.push(resume));
		}
	}

	function drawTransportFault(): (typeof TRANSPORT_FAULTS)[number] | undefined {
		const roll = random();
		let threshold = 0;
		for (const kind of TRANSPORT_FAULTS) {
			threshold += faults[kind] ?? 0;
			if (roll < threshold) return kind;
		}
		return undefined;
	}

	/** Caps results and strips timestamps on one upstream answer; true if changed. */
	async function postProcess(call: RpcCall, answer: RpcAnswer, head: () => Promise<bigint>): Promise<boolean> {
		const method = call.method ?? "";
		if (!applies(method) || answer.error !== undefined) return false;
		const max = faults.maxGetLogsResults;
		const logs = answer.result;
		const over = Array.isArray(logs) && logs.length > (max ?? Infinity);
		const range = over ? await logsRange(call, head) : undefined;
		if (max !== undefined && range) {
			proxy.stats.injected.getLogsResults++;
			const style = faults.getLogsErrorStyle ?? "alchemy";
			answer.result = undefined;
			answer.error = getLogsLimitError("results", style, range, max);
			return true;
		}
		if (!faults.stripBlockTimestamp || !LOG_METHODS.has(method)) return false;
		const changed = stripTimestamps(method, answer.result);
		if (changed) proxy.stats.injected.stripBlockTimestamp++;
		return changed;
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
		proxy.stats.requests++;
		let parsed: unknown;
		try {
			parsed = JSON.parse(raw);
		} catch {
			return send(res, await upstream(raw));
		}
		const isBatch = Array.isArray(parsed);
		const calls = (isBatch ? parsed : [parsed]) as RpcCall[];
		for (const { method = "?" } of calls) {
			proxy.stats.calls++;
			proxy.stats.byMethod[method] = (proxy.stats.byMethod[method] ?? 0) + 1;
		}
		const fault = calls.some((c) => applies(c.method)) ? drawTransportFault() : undefined;
		if (fault) proxy.stats.injected[fault]++;
		if (fault === "drop") return void req.socket.destroy();
		if (fault === "timeout") return; // hangs until the client or stop() closes it
		if (fault === "http500") {
			const text = "Internal Server Error";
			return send(res, { status: 500, type: "text/plain", text });
		}
		if (fault === "http429") {
			const error = { code: 429, message: "Too Many Requests" };
			const body = calls.map(({ id }) => ({ jsonrpc: "2.0", id, error }));
			const text = JSON.stringify(isBatch ? body : body[0]);
			const reply = { status: 429, type: "application/json", text };
			return send(res, reply, { "retry-after": "1" });
		}
		const head = () => upstream(BLOCK_NUMBER).then((r) => BigInt(JSON.parse(r.text).result));
		await passGate(calls, head);
		// eth_getLogs calls over the block-range limit are answered here
		const local = await Promise.all(
			calls.map(async (call): Promise<RpcAnswer | undefined> => {
				const max = faults.maxGetLogsRange;
				if (max === undefined || !applies(call.method)) return undefined;
				const range = await logsRange(call, head);
				if (!range || range[1] - range[0] + 1n <= BigInt(max)) return undefined;
				proxy.stats.injected.getLogsRange++;
				const style = faults.getLogsErrorStyle ?? "alchemy";
				return {
					id: call.id,
					error: getLogsLimitError("range", style, range, max),
				};
			}),
		);
		const forwarded = calls.filter((_, i) => local[i] === undefined);
		const reply =
			forwarded.length === 0
				? { status: 200, type: "application/json", text: "[]" }
				: await upstream(isBatch ? JSON.stringify(forwarded) : raw);
		let changed = local.some(Boolean);
		const inspect = faults.maxGetLogsResults !== undefined || faults.stripBlockTimestamp;
		if (!changed && !(inspect && reply.status === 200)) return send(res, reply);
		const body = JSON.parse(reply.text) as RpcAnswer | RpcAnswer[];
		const answers = Array.isArray(body) ? body : [body];
		for (const answer of answers) {
			const call = isBatch ? forwarded.find((c) => c.id === answer.id) : forwarded[0];
			if (call && (await postProcess(call, answer, head))) changed = true;
		}
		if (!changed) return send(res, reply); // byte-for-byte upstream answer
		const byId = new Map(answers.map((a) => [a.id, a]));
		const merged = calls.map((c, i) => ({
			jsonrpc: "2.0",
			...(local[i] ?? (isBatch ? byId.get(c.id) : answers[0])),
			id: c.id,
		}));
		const text = JSON.stringify(isBatch ? merged : merged[0]);
		return send(res, { status: 200, type: "application/json", text });
	}

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const raw = Buffer.concat(chunks).toString("utf8");
			handle(req, res, raw).catch((err: unknown) => {
				if (res.headersSent || res.destroyed) return;
				const text = `fault proxy upstream error: ${String(err)}`;
				send(res, { status: 502, type: "text/plain", text });
			});
		});
	});
	await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
	proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	proxy.setFaults = (next, nextMethods) => {
		faults = { ...next };
		if (nextMethods !== undefined) methods = new Set(nextMethods);
	};
	proxy.setLogsGate = (block) => {
		gate = block;
		openGate();
	};
	proxy.resetStats = () => {
		proxy.stats = emptyStats();
	};
	proxy.stop = () =>
		new Promise<void>((resolve) => {
			gate = null;
			openGate();
			server.close(() => resolve());
			server.closeAllConnections();
		});
	return proxy;
}
