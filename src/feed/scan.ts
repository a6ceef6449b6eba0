/**
 * The reads of one CCN's lists (spec aleph-network §1.2, §1.5, §2.3): an ascending time scan of one
 * filter set from a start date, in cursor mode where the CCN answers `next_cursor` (pyaleph >=
 * 0.10.1) and in page mode otherwise; and the reception-ordered hash scan that catches messages
 * listed with an old (backdated) time. The next page is requested while the caller applies the
 * current one.
 */
import type { CcnClient, MessagePage } from "./client.ts";
import { FeedRequestError } from "./client.ts";

/** The filter sets the oracle follows (spec §1.6), as `messages.json` parameters. */
export const CREDIT_FILTERS: Record<string, string> = {
	msgTypes: "POST",
	channels: "ALEPH_CREDIT",
	contentTypes: "aleph_credit_distribution,aleph_credit_expense,aleph_credit_transfer",
};

/** Resource messages and FORGETs (spec §6), of anyone. */
export const RESOURCE_FILTERS: Record<string, string> = { msgTypes: "INSTANCE,PROGRAM,STORE,V-PROGRAM,FORGET" };

/** Resource messages a CCN's removal cron marked REMOVING (node-local, a short list). */
export const REMOVING_FILTERS: Record<string, string> = { msgTypes: "INSTANCE,PROGRAM,STORE,V-PROGRAM", msgStatuses: "removing" };

/** AGGREGATEs of these owners (`contentKeys` cannot filter non-hash keys: keys are filtered after). */
export function aggregateFilters(owners: readonly string[]): Record<string, string> {
	return { msgTypes: "AGGREGATE", owners: owners.join(",") };
}

export const PAGE_SIZE = 200;

/** A position in a time scan: envelope time (as listed) and item_hash. */
export type ScanPosition = { time: number; itemHash: string };

export type ScanPage = {
	messages: unknown[];
	mode: "cursor" | "page";
	/** The last listed message of the page, when it had a readable time and hash. */
	last: ScanPosition | null;
	/** No page follows: the scan reached the CCN's present. */
	tail: boolean;
};

const positionOf = (raw: unknown): ScanPosition | null => {
	if (typeof raw !== "object" || raw === null) return null;
	const { time, item_hash: itemHash } = raw as Record<string, unknown>;
	return typeof time === "number" && Number.isFinite(time) && typeof itemHash === "string" ? { time, itemHash } : null;
};

const before = (a: ScanPosition, b: ScanPosition) => a.time < b.time || (a.time === b.time && a.itemHash < b.itemHash);

/** The page is sorted as asked (time ascending, then item_hash): otherwise no watermark can be taken from it. */
function checkOrder(messages: readonly unknown[]): ScanPosition | null {
	let last: ScanPosition | null = null;
	for (const raw of messages) {
		const p = positionOf(raw);
		if (p === null) continue;
		if (last !== null && before(p, last)) throw new FeedRequestError("messages.json: the page is not sorted by time");
		last = p;
	}
	return last;
}

/**
 * Pages of an ascending time scan of `filters` from `startDate` (epoch seconds, inclusive) to the
 * CCN's present. Page mode keys each request by the last time seen (a page number only steps
 * through a run of equal times), so messages inserted or removed meanwhile shift nothing.
 */
export async function* timeScan(
	client: CcnClient,
	filters: Record<string, string>,
	startDate: number,
	signal?: AbortSignal,
): AsyncGenerator<ScanPage> {
	const base = { ...filters, sortBy: "time", sortOrder: "1", pagination: String(PAGE_SIZE) };
	const withStart = (start: number): Record<string, string> => (start > 0 ? { startDate: String(start) } : {});
	let request: Promise<MessagePage> = client.listMessages({ ...base, ...withStart(startDate), cursor: "" }, signal);
	let pageStart = startDate;
	let pageNumber = 1;
	for (;;) {
		const page = await request;
		const mode = page.nextCursor === undefined ? "page" : "cursor";
		const last = checkOrder(page.messages);
		let tail: boolean;
		if (mode === "cursor") {
			tail = page.nextCursor === null || page.messages.length === 0;
			if (!tail) request = client.listMessages({ ...base, ...withStart(startDate), cursor: page.nextCursor as string }, signal);
		} else {
			tail = page.messages.length < PAGE_SIZE;
			if (!tail) {
				if (last !== null && last.time > pageStart) {
					pageStart = last.time;
					pageNumber = 1;
				} else pageNumber++;
				request = client.listMessages({ ...base, ...withStart(pageStart), page: String(pageNumber) }, signal);
			}
		}
		// A request started for the next page must not reject unobserved if the caller stops here.
		if (!tail) request.catch(() => {});
		yield { messages: page.messages, mode, last, tail };
		if (tail) return;
	}
}

/** Every hash the CCN received from `since` on (its reception clock, epoch seconds), oldest first. */
export async function receptionScan(client: CcnClient, since: number, signal?: AbortSignal): Promise<string[]> {
	const hashes: string[] = [];
	const pagination = 1000;
	for (let page = 1; ; page++) {
		const { hashes: found } = await client.listHashes(
			{ startDate: String(Math.max(0, since)), sortOrder: "1", pagination: String(pagination), page: String(page) },
			signal,
		);
		hashes.push(...found);
		if (found.length < pagination) return hashes;
	}
}

/** The messages of `hashes` that match `filters` (100 hashes a request). */
export async function messagesByHash(
	client: CcnClient,
	filters: Record<string, string>,
	hashes: readonly string[],
	signal?: AbortSignal,
): Promise<unknown[]> {
	const found: unknown[] = [];
	for (let i = 0; i < hashes.length; i += 100) {
		const chunk = hashes.slice(i, i + 100);
		const page = await client.listMessages({ ...filters, hashes: chunk.join(","), pagination: String(chunk.length) }, signal);
		found.push(...page.messages);
	}
	return found;
}
