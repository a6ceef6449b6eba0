import type { Context } from "hono";
import { seededRandom } from "../seeded-random.ts";

/** Faults to inject, for the oracle's resilience tests. Shares are per request, in [0, 1], summing to ≤ 1. */
export type CcnFaults = {
	/** Added delay before every answer, in milliseconds. */
	latencyMs?: number;
	/** Answer HTTP 500 (as aiohttp does on an unhandled error). */
	http500?: number;
	/** Never answer: the request hangs until the client gives up or the CCN stops. */
	hang?: number;
	/** Answer the real status and headers with the body cut in half (truncated JSON). */
	truncate?: number;
	/** Answer 200 `application/json` with a body that is not JSON. */
	garbage?: number;
	/** Route keys the faults apply to, e.g. `GET /api/v0/messages.json` (default: every route). */
	routes?: string[];
};

export const FAULT_KINDS = ["http500", "hang", "truncate", "garbage"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type CcnStats = {
	/** HTTP requests received. */
	requests: number;
	/** Requests per route key (`METHOD /path/pattern`). */
	byRoute: Record<string, number>;
	/** Faults injected, by kind. */
	faults: Record<FaultKind, number>;
};

export type Handler = (c: Context) => Response | Promise<Response>;

export function emptyStats(): CcnStats {
	return { requests: 0, byRoute: {}, faults: { http500: 0, hang: 0, truncate: 0, garbage: 0 } };
}

export type FaultInjector = {
	stats: CcnStats;
	set(faults: CcnFaults): void;
	resetStats(): void;
	/** Wraps a route's handler: counts it, then maybe delays it and answers with a fault instead. */
	wrap(route: string, handler: Handler): Handler;
	/** Ends every hanging request (used by `stop`). */
	release(): void;
};

export function createFaultInjector(seed: number): FaultInjector {
	const random = seededRandom(seed);
	let faults: CcnFaults = {};
	const hanging = new Set<() => void>();
	const injector: FaultInjector = {
		stats: emptyStats(),
		set(next) {
			faults = { ...next };
		},
		resetStats() {
			Object.assign(injector.stats, emptyStats());
		},
		wrap(route, handler) {
			return async (c) => {
				const stats = injector.stats;
				stats.requests++;
				stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
				const applies = !faults.routes || faults.routes.includes(route);
				if (applies && faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
				const kind = applies ? draw() : undefined;
				if (kind) stats.faults[kind]++;
				if (kind === "hang") {
					await new Promise<void>((resolve) => hanging.add(resolve));
					return c.text("", 503);
				}
				if (kind === "http500") return c.text("500 Internal Server Error\n\nServer got itself in trouble", 500);
				if (kind === "garbage") {
					return c.body(`<html>\u0000${random().toString(36)}`, 200, { "content-type": "application/json; charset=utf-8" });
				}
				const response = await handler(c);
				if (kind !== "truncate") return response;
				const body = await response.text();
				const headers = new Headers(response.headers);
				headers.delete("content-length");
				return new Response(body.slice(0, Math.floor(body.length / 2)), { status: response.status, headers });
			};
		},
		release() {
			for (const resolve of hanging) resolve();
			hanging.clear();
		},
	};
	function draw(): FaultKind | undefined {
		const roll = random();
		let edge = 0;
		for (const kind of FAULT_KINDS) {
			edge += faults[kind] ?? 0;
			if (roll < edge) return kind;
		}
		return undefined;
	}
	return injector;
}
