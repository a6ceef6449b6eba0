/**
 * The network feed follower (spec aleph-network §2.3): per configured CCN, independently, a poll
 * loop that scans the followed aggregates and the credit posts by time from each watermark minus
 * the lookback (deeper once a day), then the reception-ordered hashes for messages listed with an
 * old time; verifies every new message itself and applies each page in one transaction with its
 * watermark. One CCN failing (timeouts, errors, garbage, lies) only stops its own loop; pages of
 * all CCNs are applied one at a time. Only the process holding the feed's advisory lock writes;
 * another one stands by and takes over when it goes.
 */
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { FeedConfig } from "../config/env.ts";
import type { Db, Trx } from "../db/database.ts";
import { fromTimestampMicros } from "../domain/network/cursor.ts";
import { BaseError, describeError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../lib/metrics.ts";
import { backoffMs, sleep } from "../lib/sleep.ts";
import type { Pricing, Settings } from "../pricing/index.ts";
import { addToOutbox } from "../queue/outbox.ts";
import { applyPage, FEED_OUTBOX_SOURCE, type PageInput, type PageResult } from "./apply.ts";
import { type CcnClient, createCcnClient } from "./client.ts";
import { type Checked, checkListed, classify, fingerprintOf, RESOURCE_TYPES } from "./intake.ts";
import { createFeedProgress, type FeedProgressTracker } from "./progress.ts";
import {
	cachedSizes,
	type FileSize,
	loadPricingTimeline,
	missingSizeRefs,
	repriceMissing,
	saveSizes,
	setRemoving,
} from "./resource-store.ts";
import {
	aggregateFilters,
	CREDIT_FILTERS,
	messagesByHash,
	REMOVING_FILTERS,
	RESOURCE_FILTERS,
	receptionScan,
	type ScanPosition,
	timeScan,
} from "./scan.ts";
import {
	alreadyDecided,
	ensureSources,
	knownHashes,
	markSynced,
	readDeepScanAt,
	readReceptionWm,
	readWatermark,
	recordError,
	saveFeedProgress,
	setReceptionWm,
	tryFeedLeadership,
	waitingOwners,
	wasSynced,
} from "./sources.ts";

/** Another process holds the feed's writer lock. */
export class LostFeedLeadershipError extends BaseError {
	override name = "LostFeedLeadershipError";
}

export type FeedFollower = {
	/** Runs until `stop()`. */
	start(): Promise<void>;
	stop(): Promise<void>;
	readonly leader: boolean;
};

export type FeedFollowerOptions = {
	/** On Postgres, a handle of this follower only with ONE connection: its session holds the writer lock. */
	db: Db;
	/**
	 * Where the follower reads what it need not read in its writing session (which messages are
	 * known, watermarks), so that reading the next page does not wait for the write of the last.
	 * Default: `db`.
	 */
	readDb?: Db;
	feed: FeedConfig;
	logger: Logger;
	metrics?: Metrics;
	/** Called after each commit with the accounts whose credits changed. */
	onCommit?: (touched: string[]) => void;
	/** false: item hashes and signatures are not checked (benchmarks only). Default true. */
	verify?: boolean;
	/** Delay between attempts to take the writer lock while standing by, ms. Default: `2000`. */
	standbyPollMs?: number;
	/** The periodic deeper rescan. Default: every 24 h, 7 days back. */
	deepScan?: { everyMs: number; lookbackSeconds: number };
	/** Scan the reception-ordered hashes too. Default true. */
	receptionScan?: boolean;
	/** Storage items fetched at once per page. Default: `8`. */
	storageConcurrency?: number;
	/** File sizes (`storage/by-message-hash`) fetched at once per page. Default: `32`. */
	sizeConcurrency?: number;
	/** A size a CCN did not give is asked of it again after this long, ms. Default: `60000`. */
	sizeRetryMs?: number;
	/** `PRICING_FILE` / `SETTINGS_FILE`: they override the network's aggregates. */
	pricingFile?: Pricing;
	settingsFile?: Settings;
};

/** Messages written in one transaction, at most (a page more when a page ends past it). */
const BATCH_MESSAGES = 2_000;

/** Owners of unauthorized posts whose aggregates are followed too, at most. */
const MAX_WAITING_OWNERS = 100;

/** The variants an EVM owner may be signed under (`owners=` matches exactly). */
function ownerVariants(owner: string): string[] {
	return /^0x[0-9a-fA-F]{40}$/.test(owner) ? [owner, owner.toLowerCase()] : [owner];
}

type Scan = { name: string; filters: Record<string, string> };

export function createFeedFollower(options: FeedFollowerOptions): FeedFollower {
	const { db, feed, metrics, onCommit, standbyPollMs = 2_000 } = options;
	const reads = options.readDb ?? db;
	const logger = options.logger.child({ component: "feed" });
	const deepScan = options.deepScan ?? { everyMs: 86_400_000, lookbackSeconds: 7 * 86_400 };
	const classifyOptions = {
		issuers: feed.creditIssuers,
		pricingOwner: feed.pricingOwner,
		pricingFile: options.pricingFile,
		settingsFile: options.settingsFile,
	};
	const controller = new AbortController();
	// One leadership term: losing the writer lock in one CCN's loop stops the loops of all.
	let term = new AbortController();
	let running: Promise<void> | undefined;
	let leader = false;
	// Pages of every CCN are applied one at a time (one writer, in order per CCN).
	let applying: Promise<unknown> = Promise.resolve();
	// Storage contents a CCN could not serve: logged once per process.
	const unavailable = new Set<string>();

	function serialized<T>(work: () => Promise<T>): Promise<T> {
		const next = applying.then(work, work);
		applying = next.catch(() => {});
		return next;
	}

	async function apply(input: PageInput): Promise<PageResult> {
		const result = await serialized(() =>
			db.transaction().execute(async (trx) => {
				if (!(await tryFeedLeadership(trx))) throw new LostFeedLeadershipError("another process holds the feed's writer lock");
				return applyPage(trx, input, classifyOptions);
			}),
		);
		for (const [outcome, n] of Object.entries(result.counts))
			if (outcome !== "seen" && n > 0) metrics?.feedMessages.inc({ url: input.source, outcome }, n);
		for (const n of result.notices) {
			if (n.status === "rejected") metrics?.feedRejections.inc({ reason: n.reason });
			logger.warn(
				{ url: input.source, item_hash: n.itemHash, status: n.status, reason: n.reason, detail: n.detail },
				`Feed message not applied: ${n.reason}`,
			);
		}
		if (result.touched.length > 0) onCommit?.(result.touched);
		return result;
	}

	/** Verifies the listed messages not decided before (by hash, or this exact listing rejected). */
	async function check(client: CcnClient, messages: readonly unknown[]): Promise<Checked[]> {
		const listed = messages.map((raw) => ({ raw, ...fingerprintOf(raw) }));
		const decided = await alreadyDecided(reads, listed);
		const todo = listed.filter((l) => !decided.has(`${l.itemHash}|${l.fingerprint}`));
		const out: Checked[] = [];
		const concurrency = options.storageConcurrency ?? 8;
		for (let i = 0; i < todo.length; i += concurrency) {
			const checked = await Promise.all(
				todo
					.slice(i, i + concurrency)
					.map((l) => checkListed(l.raw, { storage: (hash) => client.rawStorage(hash, term.signal), verify: options.verify ?? true })),
			);
			for (const c of checked) {
				if (!c.ok && !c.permanent && !unavailable.has(c.rejection.itemHash)) {
					unavailable.add(c.rejection.itemHash);
					logger.warn(
						{ url: client.url, item_hash: c.rejection.itemHash, reason: c.rejection.reason },
						"Feed message content unavailable; retried later",
					);
				}
			}
			out.push(...checked);
		}
		return out;
	}

	/**
	 * The file sizes the verified resources of `checked` are priced on (spec §6.4) that are not
	 * cached yet, asked from the CCN that listed them. A size it does not have stays unknown: the
	 * resource is priced without that row and flagged.
	 */
	async function sizesFor(client: CcnClient, checked: readonly Checked[]): Promise<FileSize[]> {
		const refs = new Set<string>();
		for (const c of checked) {
			if (!c.ok || !(RESOURCE_TYPES as readonly string[]).includes(c.message.envelope.type)) continue;
			const what = classify(c.message, classifyOptions);
			if (what.kind === "resource") for (const ref of what.resource.sizeRefs) refs.add(ref);
		}
		if (refs.size === 0) return [];
		const cached = await cachedSizes(reads, [...refs]);
		return (
			await askSizes(
				client,
				[...refs].filter((r) => !cached.has(r)),
			)
		).found;
	}

	/**
	 * Asks the CCN for the files of these STORE messages, `sizeConcurrency` at once: the sizes it
	 * gave and the messages it gave none for. A request that fails throws, unless `tolerant` (then
	 * it counts as none given).
	 */
	async function askSizes(client: CcnClient, refs: readonly string[], tolerant = false): Promise<{ found: FileSize[]; none: string[] }> {
		const found: FileSize[] = [];
		const none: string[] = [];
		const concurrency = options.sizeConcurrency ?? 32;
		for (let i = 0; i < refs.length; i += concurrency) {
			const batch = refs.slice(i, i + concurrency);
			const answers = await Promise.all(
				batch.map((ref) => {
					const asked = client.fileOfStore(ref, term.signal);
					return tolerant ? asked.catch(() => null) : asked;
				}),
			);
			for (const [j, answer] of answers.entries()) {
				const ref = batch[j] as string;
				if (answer) found.push({ messageHash: ref, ...answer, source: client.url });
				else none.push(ref);
			}
		}
		return { found, none };
	}

	/**
	 * One write of the leader outside a page: `work` returns the owners whose resources it changed;
	 * they go to the outbox in the same transaction and to `onCommit` after it.
	 */
	async function commitAsLeader(work: (trx: Trx) => Promise<string[]>): Promise<void> {
		const touched = await serialized(() =>
			db.transaction().execute(async (trx) => {
				if (!(await tryFeedLeadership(trx))) throw new LostFeedLeadershipError("another process holds the feed's writer lock");
				const owners = await work(trx);
				await addToOutbox(trx, FEED_OUTBOX_SOURCE, owners);
				return owners;
			}),
		);
		if (touched.length > 0) onCommit?.(touched);
	}

	async function scans(): Promise<Scan[]> {
		const owners = [
			...new Set([...feed.creditIssuers, feed.pricingOwner, ...(await waitingOwners(reads, MAX_WAITING_OWNERS))].flatMap(ownerVariants)),
		].sort();
		// A new owner set is a new scan: its watermark starts at the beginning of the owners' history.
		const key = createHash("sha256").update(owners.join(",")).digest("hex").slice(0, 16);
		return [
			{ name: `aggregates:${key}`, filters: aggregateFilters(owners) },
			{ name: "credits", filters: CREDIT_FILTERS },
			{ name: "resources", filters: RESOURCE_FILTERS },
		];
	}

	/** One poll of one CCN: every scan to the present, then the reception scan; marks the CCN synced. */
	async function poll(client: CcnClient, progress: FeedProgressTracker, state: { synced: boolean }): Promise<void> {
		const signal = term.signal;
		const startedAt = new Date();
		const deepAt = await readDeepScanAt(db, client.url);
		const deep = deepAt === null || startedAt.getTime() - deepAt.getTime() >= deepScan.everyMs;
		const lookback = deep ? Math.max(deepScan.lookbackSeconds, feed.lookbackSeconds) : feed.lookbackSeconds;
		const useReception = options.receptionScan ?? true;
		if (useReception && (await readReceptionWm(db, client.url)) === null) {
			// First poll: the reception scan starts from the newest message the CCN has now; the
			// time scan covers everything before.
			const newest = (await client.listHashes({ sortOrder: "-1", pagination: "1" }, signal)).hashes[0];
			await setReceptionWm(db, client.url, newest ? ((await client.receptionTime(newest, signal)) ?? 0) : 0);
		}
		let mode: "cursor" | "page" | null = null;
		for (const scan of await scans()) {
			const wm = await readWatermark(reads, client.url, scan.name);
			const start = wm === null ? 0 : Math.max(0, Number(wm.timeMicros) / 1e6 - lookback);
			// Pages are verified while the batch before them is written (the CCN, this process and
			// Postgres work at once), and written BATCH_MESSAGES at a time with their watermark.
			let writing: Promise<void> = Promise.resolve();
			let batch: Checked[] = [];
			let count = 0;
			let last: ScanPosition | null = null;
			for await (const page of timeScan(client, scan.filters, start, signal)) {
				if (signal.aborted) break;
				mode = page.mode;
				batch.push(...(await check(client, page.messages)));
				count += page.messages.length;
				last = page.last ?? last;
				if (count < BATCH_MESSAGES && !page.tail) continue;
				const input: PageInput = {
					source: client.url,
					checked: batch,
					sizes: await sizesFor(client, batch),
					...(last ? { watermark: { scan: scan.name, timeMicros: fromTimestampMicros(last.time), itemHash: last.itemHash } } : {}),
				};
				const [n, reached] = [count, scan.name === "credits" ? (last?.time ?? null) : null];
				await writing;
				writing = apply(input).then(async () => {
					progress.advance(n, reached);
					if (progress.due()) await report(client.url, progress, state.synced);
				});
				writing.catch(() => {});
				batch = [];
				count = 0;
			}
			await writing;
			if (signal.aborted) return;
		}
		if (useReception) await receptionPass(client);
		await removingPass(client);
		await missingSizesPass(client);
		await markSynced(db, client.url, Date.now() - startedAt.getTime(), mode, deep);
		// A first catch-up makes credits known: its outbox rows are to be drained now.
		if (!state.synced) onCommit?.([]);
		state.synced = true;
	}

	/** The resources the CCN lists as REMOVING (the whole list, each poll): shown, still counted (spec §6.5). */
	async function removingPass(client: CcnClient): Promise<void> {
		const removing: string[] = [];
		for await (const page of timeScan(client, REMOVING_FILTERS, 0, term.signal))
			for (const m of page.messages) {
				const hash = (m as { item_hash?: unknown } | null)?.item_hash;
				if (typeof hash === "string") removing.push(hash);
			}
		await commitAsLeader((trx) => setRemoving(trx, removing));
	}

	// When each CCN may be asked again for a size it did not give (`url|store hash` → epoch ms).
	const sizeRetryAt = new Map<string, number>();

	/**
	 * Asks the CCN again for the file sizes network resources were priced without (a CCN may get a
	 * file later), at most once per `sizeRetryMs` per size; re-prices, in one transaction with the
	 * sizes, the resources it now can.
	 */
	async function missingSizesPass(client: CcnClient): Promise<void> {
		const now = Date.now();
		const key = (ref: string) => `${client.url}|${ref}`;
		const due = (await missingSizeRefs(reads, 1_000)).filter((ref) => (sizeRetryAt.get(key(ref)) ?? 0) <= now);
		// A failing answer is one more size not given this time: the poll goes on.
		const { found, none } = await askSizes(client, due, true);
		for (const f of found) sizeRetryAt.delete(key(f.messageHash));
		for (const ref of none) sizeRetryAt.set(key(ref), now + (options.sizeRetryMs ?? 60_000));
		if (found.length === 0) return;
		await commitAsLeader(async (trx) => {
			await saveSizes(trx, found);
			const timeline = await loadPricingTimeline(trx, classifyOptions);
			return repriceMissing(
				trx,
				found.map((f) => f.messageHash),
				timeline,
			);
		});
	}

	/** Messages the CCN received since its reception watermark (minus the lookback) that the time scans missed. */
	async function receptionPass(client: CcnClient): Promise<void> {
		const signal = term.signal;
		const since = ((await readReceptionWm(db, client.url)) ?? 0) - feed.lookbackSeconds;
		const hashes = await receptionScan(client, since, signal);
		const last = hashes.at(-1);
		if (last === undefined) return;
		const known = await knownHashes(reads, hashes);
		const unknown = hashes.filter((h) => !known.has(h) && !checkedHashes.has(`${client.url}|${h}`));
		const found: unknown[] = [];
		if (unknown.length > 0) for (const scan of await scans()) found.push(...(await messagesByHash(client, scan.filters, unknown, signal)));
		const receptionWm = (await client.receptionTime(last, signal)) ?? undefined;
		const checked = await check(client, found);
		await apply({
			source: client.url,
			checked,
			sizes: await sizesFor(client, checked),
			...(receptionWm === undefined ? {} : { receptionWm }),
		});
		if (checkedHashes.size > 200_000) checkedHashes.clear();
		for (const h of unknown) checkedHashes.add(`${client.url}|${h}`);
	}
	// Hashes of other messages (not followed) the reception scan already asked about.
	const checkedHashes = new Set<string>();

	async function report(url: string, progress: FeedProgressTracker, synced: boolean): Promise<void> {
		const p = progress.report(synced ? "live" : "backfill", Date.now() / 1000);
		await saveFeedProgress(db, url, p);
		if (!synced)
			logger.info(
				{ url, messages: p.messages, messages_per_second: p.messagesPerSecond, reached: p.reachedTime, eta_seconds: p.etaSeconds },
				`Backfilling the feed of ${url}: ${p.messages} messages, ${p.messagesPerSecond} messages/s, at ${p.reachedTime ?? "the start"}, ETA ${p.etaSeconds ?? "?"} s`,
			);
	}

	/** The poll loop of one CCN, until stopped or the writer lock is lost (then it throws). */
	async function follow(url: string): Promise<void> {
		const client = createCcnClient({
			url,
			timeoutMs: feed.timeoutMs,
			observe: (route, outcome) => metrics?.feedRequests.inc({ url, route, outcome }),
		});
		const progress = createFeedProgress();
		const state = { synced: await wasSynced(db, url) };
		let failures = 0;
		const signal = term.signal;
		while (!signal.aborted) {
			try {
				await poll(client, progress, state);
				if (failures > 0) logger.info({ url, failures }, "Feed is answering again");
				failures = 0;
				await report(url, progress, true);
				await sleep(feed.pollMs, signal);
			} catch (error) {
				if (signal.aborted) return;
				if (error instanceof LostFeedLeadershipError) {
					term.abort();
					throw error;
				}
				failures++;
				const delay = Math.max(feed.pollMs, backoffMs(Math.min(failures, 6), 1_000, 60_000));
				if (failures === 1 || failures % 10 === 0)
					logger.warn({ url, err: describeError(error), failures, retry_in_ms: Math.round(delay) }, "Feed poll failed; retrying");
				await recordError(db, url, describeError(error)).catch(() => {});
				await sleep(delay, signal);
			}
		}
	}

	async function standBy(): Promise<void> {
		let announced = false;
		while (!controller.signal.aborted) {
			if (await tryFeedLeadership(db).catch(() => false)) {
				leader = true;
				logger.info("Took the feed's writer lock");
				return;
			}
			if (!announced) logger.info("Standing by: another process holds the feed's writer lock");
			announced = true;
			await sleep(standbyPollMs, controller.signal);
		}
	}

	async function loop(): Promise<void> {
		while (!controller.signal.aborted) {
			await standBy();
			if (controller.signal.aborted) return;
			await ensureSources(db, feed.urls);
			term = new AbortController();
			// Every request in flight listens to it (size fetches run 32 at once per CCN).
			setMaxListeners(256, term.signal);
			const stop = () => term.abort();
			controller.signal.addEventListener("abort", stop, { once: true });
			const results = await Promise.allSettled(feed.urls.map((url) => follow(url)));
			controller.signal.removeEventListener("abort", stop);
			const lost = results.find((r) => r.status === "rejected");
			if (!lost) return;
			leader = false;
			logger.warn({ err: describeError((lost as PromiseRejectedResult).reason) }, "Lost the feed's writer lock; standing by");
		}
	}

	return {
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
