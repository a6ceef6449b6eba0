import type { Config } from "../config/env.ts";
import type { Db } from "../db/database.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import type { Pricing, Settings } from "../pricing/index.ts";
import type { JobQueue } from "../queue/jobs.ts";
import type { AccountCacheConfig } from "./queries/account-inputs.ts";

/** What `GET /ready` reports: ready when `ok`, else the reasons. */
export type Readiness = { ok: boolean; reasons: string[] };

/** Everything the HTTP API needs; built by the caller (no env reads, no listening in the API). */
export type ApiContext = {
	config: Config;
	db: Db;
	pricing: Pricing;
	settings: Settings;
	/** Producer of recompute jobs after ledger changes; null when the outbox drainer alone feeds the queue. */
	queue: JobQueue | null;
	logger: Logger;
	metrics: Metrics;
	/** Unix seconds. Default: the wall clock. */
	now?: () => bigint;
	/** Readiness of the process. Default: the database answers and every chain is fresh and within its lag. */
	ready?: () => Promise<Readiness>;
	/** How long the `chains` rows behind the freshness check are cached, ms. Default: `1000`. */
	freshnessTtlMs?: number;
	/** Largest request body accepted, bytes. Default: `262144` (256 KiB). */
	maxBodyBytes?: number;
	/**
	 * Cache account inputs in memory, evicted by the change notifications of the database
	 * (`createAccountCache`). Default: none, every request reads the database.
	 */
	accountCache?: AccountCacheConfig;
};

/** Hono environment of every route: the request id set by the request-id middleware. */
export type ApiEnv = { Variables: { requestId: string } };

/** The wall clock in unix seconds. */
export function wallClock(): bigint {
	return BigInt(Math.floor(Date.now() / 1000));
}
