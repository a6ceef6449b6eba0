import type { ChainConfig } from "../config/env.ts";
import type { Db } from "../db/database.ts";
import { classifyDatabaseError } from "../db/errors.ts";
import { BaseError, ConfigError, describeError, PermanentError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import { backoffMs, sleep } from "../lib/sleep.ts";
import { eth_chainId, eth_getBlockByNumber, type LightBlock } from "../rpc/actions.ts";
import type { RpcClient } from "../rpc/client.ts";
import { BlockNotFoundError } from "../rpc/errors.ts";
import { writeBatch } from "./batch.ts";
import { createRangeFetcher, createRangeSizer } from "./block-ranges.ts";
import type { ChainEvent } from "./events.ts";
import { createLogSource } from "./log-source.ts";
import { createProgress } from "./progress.ts";
import { reconcileAccounts } from "./reconcile.ts";
import { rollbackTo } from "./rollback.ts";
import { allFlagged, flaggedAmong } from "./tables/agreement-flags.ts";
import { keptBlocks } from "./tables/blocks.ts";
import {
	type Cursor,
	CursorMovedError,
	initChainRow,
	markLive,
	readCursor,
	recordHeadRead,
	saveProgress,
	tryLeadership,
} from "./tables/chains.ts";

/** Flagged accounts (GDA, IDA) are re-read on chain at least this often while live, ms. */
const RECONCILE_INTERVAL_MS = 60_000;

/** Another watcher process took the chain over (its advisory lock). */
export class LostLeadershipError extends BaseError {
	override name = "LostLeadershipError";
}

export type ChainWatcher = {
	readonly chain: string;
	/** Runs until `stop()`; rejects only on a permanent error. */
	start(): Promise<void>;
	stop(): Promise<void>;
	/** True once this process holds the chain's writer lock. */
	readonly leader: boolean;
};

export type CreateChainWatcherParameters = {
	chain: ChainConfig;
	/**
	 * A database handle used by this watcher only. On Postgres it must have exactly one
	 * connection: that session holds the chain's writer lock and makes every write.
	 */
	db: Db;
	rpc: RpcClient;
	logger: Logger;
	metrics?: Metrics;
	/** eth_getLogs requests in flight during a backfill. Default: `4`. */
	inFlight?: number;
	/** First eth_getLogs range, blocks. Default: `500`. */
	initialRange?: number;
	/**
	 * Most events a backfill transaction writes; as many are fetched ahead meanwhile, so memory
	 * holds about two batches and the requests in flight. Default: `40000`.
	 */
	batchEvents?: number;
	/** Called after each commit with the accounts it touched. */
	onCommit?: (touched: string[]) => void;
	/** Delay between attempts to take the writer lock while standing by, ms. Default: `2000`. */
	standbyPollMs?: number;
};

/**
 * Indexes one chain: backfills finalized blocks with adaptive eth_getLogs ranges, then follows
 * the head block by block, checking each block's parent hash against the last applied block and
 * rolling back to the common ancestor on a reorg. Every batch commits in one transaction with the
 * cursor, so a crash at any point loses nothing and applies nothing twice. Only the process
 * holding the chain's advisory lock writes; others stand by.
 */
export function createChainWatcher(parameters: CreateChainWatcherParameters): ChainWatcher {
	const { chain, db, rpc, metrics, inFlight = 4, batchEvents = 40_000, onCommit, standbyPollMs = 2_000 } = parameters;
	const logger = parameters.logger.child({ chain: chain.name });
	const source = createLogSource(chain, rpc);
	const sizer = createRangeSizer(parameters.initialRange ?? 500, chain.maxBlockRange);
	const progress = createProgress();
	const controller = new AbortController();
	const signal = controller.signal;
	let running: Promise<void> | undefined;
	let leader = false;
	const finality = BigInt(chain.finalityBlocks);
	const finalizedAt = (head: bigint) => (head > finality ? head - finality : 0n);

	async function commit(from: Cursor, to: LightBlock, events: ChainEvent[], head: bigint, keep: LightBlock[]) {
		const touched = await db.transaction().execute(async (trx) => {
			if (!(await tryLeadership(trx, chain.name))) throw new LostLeadershipError(`another process holds the writer lock of ${chain.name}`);
			return writeBatch(trx, {
				chain: chain.name,
				from,
				to,
				events,
				blocks: keep,
				head,
				finalized: finalizedAt(head),
			});
		});
		metrics?.indexedBlock.set({ chain: chain.name }, Number(to.number));
		metrics?.lagBlocks.set({ chain: chain.name }, Number(head - to.number));
		metrics?.logsIndexed.inc({ chain: chain.name }, events.length);
		if (chain.cfa) {
			// Pool activity moves every connected member's balance without an event naming it:
			// after any, re-read all flagged accounts; else only the flagged accounts touched.
			const poolActivity = events.some((e) => e.kind === "agreement");
			const accounts = poolActivity ? await allFlagged(db, chain.name) : await flaggedAmong(db, chain.name, touched);
			await reconcileAccounts(db, rpc, chain.name, chain.token, accounts, to);
		}
		onCommit?.(touched);
	}

	/** Re-reads every flagged account at the cursor (GDA flows move balances without events). */
	async function reconcileAllFlagged(cursor: LightBlock) {
		const flagged = await allFlagged(db, chain.name);
		await reconcileAccounts(db, rpc, chain.name, chain.token, flagged, cursor);
		if (flagged.length > 0) onCommit?.(flagged);
	}

	async function backfill(cursor: Cursor, target: bigint, head: bigint) {
		logger.info(
			{
				from_block: String(cursor.number + 1n),
				to_block: String(target),
				head_block: String(head),
			},
			"Started backfill",
		);
		progress.start(cursor.number, target);
		const fetcher = createRangeFetcher({
			from: cursor.number + 1n,
			to: target,
			sizer,
			inFlight,
			fetch: async (from, to) => {
				const [{ events, logs }, header] = await Promise.all([source.range(from, to, signal), eth_getBlockByNumber(rpc, to, signal)]);
				if (!header) throw new BlockNotFoundError(`block ${to} is unknown to the RPC`);
				return { events, logs, header };
			},
			merge: (parts) => ({
				events: parts.flatMap((p) => p.events),
				logs: parts.reduce((n, p) => n + p.logs, 0),
				header: (parts.at(-1) as (typeof parts)[number]).header,
			}),
			// Events keep no variable-length field of their log, so counting them bounds their bytes too.
			weigh: (value) => value.events.length + 1,
			maxBuffered: batchEvents,
		});
		try {
			while (!signal.aborted) {
				// Everything fetched meanwhile, up to a batch, goes into one transaction.
				const ranges = await fetcher.take(batchEvents);
				const last = ranges.at(-1);
				if (!last) break;
				const events = ranges.length === 1 ? last.value.events : ranges.flatMap((r) => r.value.events);
				await commit(cursor, last.value.header, events, head, [last.value.header]);
				cursor = { number: last.to, hash: last.value.header.hash };
				progress.advance(
					last.to,
					ranges.reduce((n, r) => n + r.value.logs, 0),
				);
				if (progress.due()) {
					const p = progress.report(head);
					logger.info(
						{
							indexed_block: String(last.to),
							head_block: String(head),
							blocks_per_second: p.blocksPerSecond,
							logs_per_second: p.logsPerSecond,
							eta_seconds: p.etaSeconds,
						},
						`Backfilling ${chain.name}: block ${last.to} of ${target}, ${p.blocksPerSecond} blocks/s, ${p.logsPerSecond} logs/s, ETA ${p.etaSeconds ?? "?"} s`,
					);
					await saveProgress(db, chain.name, p);
				}
			}
		} finally {
			fetcher.close();
		}
		if (signal.aborted) return;
		const p = progress.report(head);
		logger.info(
			{
				indexed_block: String(target),
				logs: progress.logs,
				seconds: progress.elapsedSeconds(),
				logs_per_second: p.logsPerSecond,
			},
			"Finished backfill",
		);
	}

	/** Applies the blocks after the cursor up to `head`, one at a time, by hash. */
	async function followHead(cursor: Cursor, head: LightBlock): Promise<boolean> {
		if (head.number === cursor.number && head.hash === cursor.hash) return false;
		// A head below the cursor is a node behind the others (or a chain that will grow again):
		// wait, and let the parent-hash check decide once it is past the cursor.
		if (head.number < cursor.number) return false;
		if (head.number === cursor.number) {
			await rollbackReorg(cursor, head.number);
			return true;
		}
		while (cursor.number < head.number && !signal.aborted) {
			const block = await eth_getBlockByNumber(rpc, cursor.number + 1n, signal);
			if (!block) return true; // the head moved back: look again
			if (cursor.hash !== null && block.parentHash !== cursor.hash) {
				await rollbackReorg(cursor, head.number);
				return true;
			}
			const events = await source.block(block, signal);
			await commit(cursor, block, events, head.number, [block]);
			cursor = { number: block.number, hash: block.hash };
		}
		return true;
	}

	/** Finds the highest kept block still on the canonical chain and rolls back to it. */
	async function rollbackReorg(cursor: Cursor, head: bigint) {
		const kept = await keptBlocks(db, chain.name, cursor.number);
		for (const stored of kept) {
			const remote = await eth_getBlockByNumber(rpc, stored.number, signal);
			// A node that lacks a block we applied is behind, not proof of a reorg: never rewind on it.
			if (!remote) throw new BlockNotFoundError(`the RPC does not have block ${stored.number}; not rolling back on a lagging node`);
			if (remote.hash !== stored.hash) continue;
			if (stored.number === cursor.number) return; // the cursor is canonical: nothing to undo
			const ancestor: LightBlock = {
				number: stored.number,
				hash: stored.hash,
				parentHash: stored.parent_hash,
				timestamp: stored.timestamp,
			};
			const touched = await db.transaction().execute(async (trx) => {
				if (!(await tryLeadership(trx, chain.name)))
					throw new LostLeadershipError(`another process holds the writer lock of ${chain.name}`);
				return rollbackTo(trx, chain.name, cursor, ancestor, head, finalizedAt(head));
			});
			metrics?.reorgs.inc({ chain: chain.name });
			logger.warn(
				{
					depth: Number(cursor.number - ancestor.number),
					ancestor_block: String(ancestor.number),
					from_block: String(cursor.number),
				},
				"Rolled back reorged blocks",
			);
			onCommit?.(touched);
			return;
		}
		throw new BlockNotFoundError(
			`reorg deeper than the ${kept.length} kept block headers (finality ${chain.finalityBlocks}) or a lagging node: refusing to rewind`,
		);
	}

	async function standBy() {
		let announced = false;
		while (!signal.aborted) {
			try {
				if (await tryLeadership(db, chain.name)) {
					leader = true;
					logger.info("Took the writer lock");
					return;
				}
				if (!announced) logger.info("Standing by: another process holds the writer lock");
				announced = true;
			} catch (error) {
				// The database away: try again (the process's watchdog bounds how long).
				const database = classifyDatabaseError(error);
				if (database !== "unavailable" && database !== "transient") throw error;
				logger.warn({ err: describeError(error) }, "Could not ask for the writer lock; retrying");
			}
			await sleep(standbyPollMs, signal);
		}
	}

	async function loop() {
		let failures = 0;
		let initialized = false;
		let lastReconcile = 0;
		await standBy();
		while (!signal.aborted) {
			try {
				if (!initialized) {
					const chainId = await eth_chainId(rpc, signal);
					if (chainId !== chain.chainId)
						throw new ConfigError([
							{ variable: `${chain.name}_CHAIN_ID`, message: `is ${chain.chainId} but the RPC serves chain id ${chainId}` },
						]);
					await initChainRow(db, chain);
					initialized = true;
				}
				const head = await eth_getBlockByNumber(rpc, "latest", signal);
				if (!head) throw new BlockNotFoundError("the RPC has no latest block");
				metrics?.headBlock.set({ chain: chain.name }, Number(head.number));
				await recordHeadRead(db, chain.name, head.number);
				const cursor = await readCursor(db, chain.name);
				const safe = head.number - finality;
				if (cursor.number < safe) {
					await backfill(cursor, safe, head.number);
				} else if (!(await followHead(cursor, head))) {
					await markLive(db, chain.name, head.number, finalizedAt(head.number));
					if (chain.cfa && Date.now() - lastReconcile > RECONCILE_INTERVAL_MS) {
						lastReconcile = Date.now();
						await reconcileAllFlagged(head);
					}
					await sleep(chain.pollIntervalMs, signal);
				}
				failures = 0;
			} catch (error) {
				if (signal.aborted) return;
				if (error instanceof LostLeadershipError || error instanceof CursorMovedError) {
					leader = false;
					logger.warn({ err: describeError(error) }, "Lost the writer lock; standing by");
					await standBy();
					continue;
				}
				if (error instanceof PermanentError) throw error;
				const database = classifyDatabaseError(error);
				if (database === "permanent")
					throw new PermanentError(`the ${chain.name} watcher stopped: the database refused a write for good (${describeError(error)})`, {
						cause: error,
					});
				failures++;
				metrics?.watcherErrors.inc({
					chain: chain.name,
					kind: database ? `database_${database}` : ((error as Error).name ?? "Error"),
				});
				// A database coming back is noticed within seconds; an RPC failing is given more time.
				const delay = backoffMs(Math.min(failures, 8), 250, database ? 2_000 : 30_000);
				logger[failures > 3 ? "error" : "warn"](
					{
						err: describeError(error),
						failures,
						retry_in_ms: Math.round(delay),
					},
					"Watcher step failed; retrying",
				);
				await sleep(delay, signal);
			}
		}
	}

	return {
		chain: chain.name,
		get leader() {
			return leader;
		},
		start() {
			running ??= loop();
			return running;
		},
		async stop() {
			controller.abort();
			await running?.catch(() => {});
		},
	};
}
