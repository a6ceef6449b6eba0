/**
 * One page of a CCN's list, applied in one transaction with the watermark that produced it
 * (spec aleph-network §2.3): rejections stored (once), verified messages stored once by item_hash
 * (first seen wins), aggregate elements and the owners' authorization timelines, credit posts in
 * the ledger when authorized (kept as `unauthorized` otherwise, re-evaluated whenever the owner's
 * security aggregate changes, and then applied or taken out as the timeline says), the outbox
 * rows of the accounts whose credits changed, the CCN's counters and its watermark. A crash
 * before the commit leaves nothing; a page read again changes nothing.
 */
import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import type { FeedMessageStatus, FeedMessagesTable } from "../db/schema.ts";
import { insertUnnest, unnestAs } from "../db/unnest.ts";
import type { CreditPost } from "../domain/credits/posts.ts";
import { type AggregateElement, aggregateKeyString } from "../domain/network/aggregates.ts";
import type { MessageType } from "../domain/network/envelope.ts";
import { type AuthorizedMessage, authorizedElements, isAuthorizedAt, type TimelineElement } from "../domain/network/security-timeline.ts";
import type { VerifiedMessage } from "../domain/network/verify.ts";
import { isEvmAddress } from "../lib/address.ts";
import { addToOutbox } from "../queue/outbox.ts";
import { type Checked, type ClassifyOptions, classify, type Rejection } from "./intake.ts";
import { changeLedger, insertCreditPosts, loadCreditPosts, setInLedger } from "./ledger-store.ts";
import {
	applyForgets,
	type FileSize,
	insertResourceMessages,
	loadPricingTimeline,
	loadResourceMessages,
	priceResources,
	refusedForgetsOf,
	removeNetworkResources,
	repriceFrom,
	type StoredResource,
	saveSizes,
	type TargetRow,
	tombstoned,
} from "./resource-store.ts";

export type Watermark = { scan: string; timeMicros: bigint; itemHash: string };

export type PageInput = {
	/** The CCN that listed the page. */
	source: string;
	checked: readonly Checked[];
	/** The time-scan watermark this page moves to (kept if already further). */
	watermark?: Watermark;
	/** The reception-clock watermark this page moves to. */
	receptionWm?: number;
	/** File sizes the follower fetched for the page's resources (kept in `file_sizes`). */
	sizes?: readonly FileSize[];
};

export type Counts = { seen: number; applied: number; ignored: number; unauthorized: number; invalid: number };

/** Something worth one log line: a message stored for the first time as not applied. */
export type Notice = { itemHash: string; status: "rejected" | "invalid" | "unauthorized"; reason: string; detail: string };

export type PageResult = { counts: Counts; notices: Notice[]; touched: string[] };

const zero = (): Counts => ({ seen: 0, applied: 0, ignored: 0, unauthorized: 0, invalid: 0 });

/** The source of the outbox rows the feed writes. */
export const FEED_OUTBOX_SOURCE = "feed";

type Fresh = { message: VerifiedMessage; fingerprint: string; status: FeedMessageStatus; reason: string | null };

function authorizedMessage(m: VerifiedMessage): AuthorizedMessage {
	const { envelope, content } = m;
	return {
		sender: envelope.sender,
		owner: content.address,
		timeMicros: content.timeMicros,
		chain: envelope.chain,
		channel: envelope.channel,
		type: envelope.type,
		postType: content.kind === "POST" ? content.type : null,
		aggregateKey: null,
	};
}

/** The fingerprint of the stored listing of each of `hashes` that is stored. */
async function storedFingerprints(trx: Trx, hashes: readonly string[]): Promise<Map<string, string>> {
	if (hashes.length === 0) return new Map();
	const rows = await trx
		.selectFrom("feed_messages")
		.select(["item_hash", "fingerprint"])
		.where(sql<boolean>`item_hash = any(${hashes}::text[])`)
		.execute();
	return new Map(rows.map((r) => [r.item_hash, r.fingerprint]));
}

async function insertRejections(trx: Trx, source: string, rejections: readonly Rejection[]): Promise<Rejection[]> {
	if (rejections.length === 0) return [];
	const { rows } = await sql<{
		item_hash: string;
		fingerprint: string;
	}>`insert into feed_rejections (item_hash, fingerprint, reason, detail, source)
		select item_hash, fingerprint, reason, detail, ${source} from ${unnestAs("r", {
			item_hash: ["text", rejections.map((r) => r.itemHash)],
			fingerprint: ["text", rejections.map((r) => r.fingerprint)],
			reason: ["text", rejections.map((r) => r.reason)],
			detail: ["text", rejections.map((r) => r.detail.slice(0, 500))],
		})} on conflict do nothing returning item_hash, fingerprint`.execute(trx);
	const inserted = new Set(rows.map((r) => `${r.item_hash}|${r.fingerprint}`));
	return rejections.filter((r) => inserted.has(`${r.itemHash}|${r.fingerprint}`));
}

async function insertElements(trx: Trx, elements: readonly TimelineElement[]): Promise<void> {
	if (elements.length === 0) return;
	await sql`insert into aggregate_elements (item_hash, owner, key, sender, chain, channel, time_micros, content, authorized)
		select item_hash, owner, key, sender, chain, channel, time_micros, content::jsonb, false from ${unnestAs("e", {
			item_hash: ["text", elements.map((e) => e.itemHash)],
			owner: ["text", elements.map((e) => e.owner)],
			key: ["text", elements.map((e) => e.key)],
			sender: ["text", elements.map((e) => e.sender)],
			chain: ["text", elements.map((e) => e.chain)],
			channel: ["text", elements.map((e) => e.channel)],
			time_micros: ["int8", elements.map((e) => e.timeMicros)],
			content: ["text", elements.map((e) => JSON.stringify(e.content, (_, v) => (typeof v === "bigint" ? Number(v) : v)))],
		})} on conflict do nothing`.execute(trx);
}

type StoredElement = TimelineElement & { authorized: boolean };

async function loadElements(trx: Trx, owners: readonly string[], key?: string): Promise<StoredElement[]> {
	if (owners.length === 0) return [];
	let query = trx.selectFrom("aggregate_elements").selectAll().where(sql<boolean>`owner = any(${owners}::text[])`);
	if (key !== undefined) query = query.where("key", "=", key);
	const rows = await query.orderBy("time_micros").orderBy("item_hash").execute();
	return rows.map((r) => ({
		itemHash: r.item_hash,
		owner: r.owner,
		key: r.key,
		sender: r.sender,
		chain: r.chain,
		channel: r.channel,
		timeMicros: r.time_micros,
		content: r.content as AggregateElement["content"],
		authorized: r.authorized,
	}));
}

/** The authorized security elements of each owner. */
async function securityOf(trx: Trx, owners: readonly string[]): Promise<Map<string, AggregateElement[]>> {
	const out = new Map<string, AggregateElement[]>(owners.map((o) => [o, []]));
	for (const e of await loadElements(trx, owners, "security")) if (e.authorized) out.get(e.owner)?.push(e);
	return out;
}

type Tally = Map<string, Counts>;

function tally(counts: Tally, source: string, status: keyof Counts | "forgotten", by = 1): void {
	const c = counts.get(source) ?? zero();
	counts.set(source, c);
	c[status === "forgotten" ? "ignored" : status] += by;
}

/**
 * Re-judges every element of `owners` against their timelines; stores the flags and statuses that
 * changed and returns, per owner whose authorized security elements changed, the earliest time
 * concerned. `fresh` elements (just inserted) are counted at first sight by the caller.
 */
async function refreshTimelines(
	trx: Trx,
	owners: readonly string[],
	fresh: ReadonlySet<string>,
	counts: Tally,
	sources: Map<string, string>,
	pricingOwner: string,
): Promise<{ changedFrom: Map<string, bigint>; statuses: Map<string, boolean>; pricingFrom: bigint | null }> {
	const elements = await loadElements(trx, owners);
	const changedFrom = new Map<string, bigint>();
	let pricingFrom: bigint | null = null;
	const statuses = new Map<string, boolean>();
	const flips: StoredElement[] = [];
	for (const owner of owners) {
		const own = elements.filter((e) => e.owner === owner);
		const authorized = authorizedElements(own);
		for (const e of own) {
			const now = authorized.has(e.itemHash);
			statuses.set(e.itemHash, now);
			const isFresh = fresh.has(e.itemHash);
			if (!isFresh && now === e.authorized) continue;
			if (isFresh && !now) continue;
			flips.push({ ...e, authorized: now });
			if ((e.key === "pricing" || e.key === "settings") && e.owner.toLowerCase() === pricingOwner.toLowerCase()) {
				if (pricingFrom === null || e.timeMicros < pricingFrom) pricingFrom = e.timeMicros;
			}
			if (e.key === "security") {
				const from = changedFrom.get(owner);
				if (from === undefined || e.timeMicros < from) changedFrom.set(owner, e.timeMicros);
			}
		}
	}
	if (flips.length > 0) {
		await sql`update aggregate_elements a set authorized = f.authorized from ${unnestAs("f", {
			item_hash: ["text", flips.map((f) => f.itemHash)],
			authorized: ["bool", flips.map((f) => f.authorized)],
		})} where a.item_hash = f.item_hash`.execute(trx);
		const old = flips.filter((f) => !fresh.has(f.itemHash));
		await updateStatuses(
			trx,
			old.map((f) => ({ itemHash: f.itemHash, authorized: f.authorized })),
			counts,
			sources,
		);
	}
	return { changedFrom, statuses, pricingFrom };
}

/** Moves stored messages between applied and unauthorized, and their source's counters with them. */
async function updateStatuses(
	trx: Trx,
	changes: readonly { itemHash: string; authorized: boolean }[],
	counts: Tally,
	sources: Map<string, string>,
): Promise<void> {
	if (changes.length === 0) return;
	const { rows } = await sql<{ item_hash: string; source: string }>`update feed_messages m set status = c.status, reason = c.reason
		from ${unnestAs("c", {
			item_hash: ["text", changes.map((c) => c.itemHash)],
			status: ["text", changes.map((c) => (c.authorized ? "applied" : "unauthorized"))],
			reason: ["text", changes.map((c) => (c.authorized ? null : "sender_not_authorized"))],
		})} where m.item_hash = c.item_hash returning m.item_hash, m.source`.execute(trx);
	const authorized = new Map(changes.map((c) => [c.itemHash, c.authorized]));
	for (const row of rows) {
		sources.set(row.item_hash, row.source);
		const now = authorized.get(row.item_hash) === true;
		tally(counts, row.source, now ? "applied" : "unauthorized");
		tally(counts, row.source, now ? "unauthorized" : "applied", -1);
	}
}

type StoredMessageRow = Pick<
	FeedMessagesTable,
	"item_hash" | "type" | "chain" | "sender" | "owner" | "channel" | "post_type" | "time_micros" | "status"
>;

/** The credit posts of `owner` from `from` on whose verdict the new timeline flips. */
async function reevaluate(
	trx: Trx,
	owner: string,
	from: bigint,
	security: readonly AggregateElement[],
): Promise<{ authorize: string[]; revoke: string[]; types: Map<string, string> }> {
	const { rows } = await sql<StoredMessageRow>`select item_hash, type, chain, sender, owner, channel, post_type, time_micros, status
		from feed_messages where owner = ${owner} and sender <> owner and time_micros >= ${from}
		and type in ('POST', 'INSTANCE', 'PROGRAM', 'STORE', 'V-PROGRAM') and status in ('applied', 'unauthorized')`.execute(trx);
	const authorize: string[] = [];
	const revoke: string[] = [];
	const types = new Map(rows.map((r) => [r.item_hash, r.type]));
	for (const r of rows) {
		const ok = isAuthorizedAt(
			{
				sender: r.sender,
				owner: r.owner,
				timeMicros: r.time_micros,
				chain: r.chain,
				channel: r.channel,
				type: r.type as MessageType,
				postType: r.post_type,
				aggregateKey: null,
			},
			security,
		);
		if (ok && r.status === "unauthorized") authorize.push(r.item_hash);
		if (!ok && r.status === "applied") revoke.push(r.item_hash);
	}
	return { authorize, revoke, types };
}

async function insertMessages(trx: Trx, source: string, fresh: readonly Fresh[]): Promise<void> {
	const m = fresh.map((f) => f.message);
	await insertUnnest(
		trx,
		"feed_messages",
		{
			item_hash: ["text", m.map((x) => x.envelope.itemHash)],
			type: ["text", m.map((x) => x.envelope.type)],
			chain: ["text", m.map((x) => x.envelope.chain)],
			sender: ["text", m.map((x) => x.envelope.sender)],
			owner: ["text", m.map((x) => x.content.address)],
			channel: ["text", m.map((x) => x.envelope.channel)],
			post_type: ["text", m.map((x) => (x.content.kind === "POST" ? x.content.type : null))],
			aggregate_key: [
				"text",
				m.map((x) => (x.content.kind === "AGGREGATE" ? (typeof x.content.key === "string" ? x.content.key : null) : null)),
			],
			time_micros: ["int8", m.map((x) => x.content.timeMicros)],
			status: ["text", fresh.map((f) => f.status)],
			reason: ["text", fresh.map((f) => f.reason)],
			source: ["text", source],
			fingerprint: ["text", fresh.map((f) => f.fingerprint)],
		},
		sql`on conflict do nothing`,
	);
}

async function saveCounts(trx: Trx, counts: Tally): Promise<void> {
	for (const [url, c] of counts) {
		await sql`update feed_sources set seen = seen + ${c.seen}, applied = applied + ${c.applied}, ignored = ignored + ${c.ignored},
			unauthorized = unauthorized + ${c.unauthorized}, invalid = invalid + ${c.invalid}, updated_at = now() where url = ${url}`.execute(
			trx,
		);
	}
}

async function saveWatermarks(trx: Trx, input: PageInput): Promise<void> {
	const w = input.watermark;
	if (w) {
		await sql`insert into feed_watermarks (url, scan, time_micros, item_hash) values (${input.source}, ${w.scan}, ${w.timeMicros}, ${w.itemHash})
			on conflict (url, scan) do update set time_micros = excluded.time_micros, item_hash = excluded.item_hash
			where (feed_watermarks.time_micros, feed_watermarks.item_hash) < (excluded.time_micros, excluded.item_hash)`.execute(trx);
	}
	if (input.receptionWm !== undefined) {
		await sql`update feed_sources set reception_wm = greatest(coalesce(reception_wm, 0), ${input.receptionWm}::float8) where url = ${input.source}`.execute(
			trx,
		);
	}
}

/** The status a fresh message is stored with. */
function outcomeOf(
	what: ReturnType<typeof classify>,
	authorizedPosts: ReadonlySet<string>,
	authorizedElements: ReadonlyMap<string, boolean>,
	resourceOutcomes: ReadonlyMap<string, { status: FeedMessageStatus; reason: string | null }>,
): { status: FeedMessageStatus; reason: string | null } {
	const unauthorized = { status: "unauthorized", reason: "sender_not_authorized" } as const;
	if (what.kind === "credit") return authorizedPosts.has(what.post.itemHash) ? { status: "applied", reason: null } : unauthorized;
	if (what.kind === "resource") return resourceOutcomes.get(what.resource.itemHash) ?? unauthorized;
	if (what.kind === "forget") return resourceOutcomes.get(what.forget.itemHash) ?? { status: "invalid", reason: "forget_not_applied" };
	if (what.kind === "aggregate")
		return authorizedElements.get(what.element.itemHash) === true ? { status: "applied", reason: null } : unauthorized;
	return { status: what.kind, reason: what.reason };
}

/** The page's fresh messages as FORGET targets, with the status they are about to be stored with. */
function pageTargets(
	classified: readonly { message: VerifiedMessage; what: ReturnType<typeof classify> }[],
	authorizedPosts: ReadonlySet<string>,
	authorizedElements: ReadonlyMap<string, boolean>,
	resourceOutcomes: ReadonlyMap<string, { status: FeedMessageStatus; reason: string | null }>,
): Map<string, TargetRow> {
	const out = new Map<string, TargetRow>();
	for (const { message, what } of classified) {
		if (what.kind === "forget" && !resourceOutcomes.has(message.envelope.itemHash)) {
			// A FORGET of the page not judged yet: a FORGET target refuses the FORGET whatever its status.
			out.set(message.envelope.itemHash, targetRow(message, "applied"));
			continue;
		}
		out.set(message.envelope.itemHash, targetRow(message, outcomeOf(what, authorizedPosts, authorizedElements, resourceOutcomes).status));
	}
	return out;
}

function targetRow(m: VerifiedMessage, status: FeedMessageStatus): TargetRow {
	const a = authorizedMessage(m);
	return {
		item_hash: m.envelope.itemHash,
		type: m.envelope.type,
		owner: a.owner,
		chain: a.chain,
		channel: a.channel,
		post_type: a.postType,
		aggregate_key: m.content.kind === "AGGREGATE" ? aggregateKeyString(m.content.key) : null,
		status,
	};
}

/** Applies one page in the caller's transaction (see the module comment). */
export async function applyPage(trx: Trx, input: PageInput, options: ClassifyOptions): Promise<PageResult> {
	const counts: Tally = new Map();
	const notices: Notice[] = [];
	const sources = new Map<string, string>();
	const { source } = input;

	// Verified messages not stored yet; the first listing of a hash wins. Another listing of a
	// stored hash (the same signed content, other unsigned fields) is a CCN contradicting another.
	const verified = new Map<string, { message: VerifiedMessage; fingerprint: string }>();
	for (const c of input.checked) if (c.ok && !verified.has(c.message.envelope.itemHash)) verified.set(c.message.envelope.itemHash, c);
	const stored = await storedFingerprints(trx, [...verified.keys()]);
	const conflicting: Rejection[] = [];
	for (const [itemHash, v] of verified) {
		const first = stored.get(itemHash);
		if (first !== undefined && first !== v.fingerprint)
			conflicting.push({
				itemHash,
				fingerprint: v.fingerprint,
				reason: "conflicting_listing",
				detail: "another listing of this item_hash was stored first",
			});
	}
	const fresh = [...verified.values()].filter((v) => !stored.has(v.message.envelope.itemHash));

	// Rejections: stored, counted and reported once per (hash, fingerprint).
	const permanent = [...input.checked.flatMap((c) => (!c.ok && c.permanent ? [c.rejection] : [])), ...conflicting];
	for (const r of await insertRejections(trx, source, permanent)) {
		tally(counts, source, "seen");
		tally(counts, source, "invalid");
		notices.push({ itemHash: r.itemHash, status: "rejected", reason: r.reason, detail: r.detail });
	}

	const classified = fresh.map(({ message, fingerprint }) => ({ message, fingerprint, what: classify(message, options) }));

	// Aggregate elements first: a security element may authorize posts of the same page.
	const elements = classified.flatMap((c) => (c.what.kind === "aggregate" ? [c.what.element] : []));
	await insertElements(trx, elements);
	const elementOwners = [...new Set(elements.map((e) => e.owner))];
	const { changedFrom, statuses, pricingFrom } = await refreshTimelines(
		trx,
		elementOwners,
		new Set(elements.map((e) => e.itemHash)),
		counts,
		sources,
		options.pricingOwner,
	);

	// Credit posts of the page: authorized against their owner's timeline at their own time.
	const credits = classified.flatMap((c) => (c.what.kind === "credit" ? [{ message: c.message, post: c.what.post }] : []));
	const resources = classified.flatMap((c) => (c.what.kind === "resource" ? [{ message: c.message, resource: c.what.resource }] : []));
	const delegated = [...credits, ...resources].filter(
		(c) => c.message.envelope.sender.toLowerCase() !== c.message.content.address.toLowerCase(),
	);
	const security = await securityOf(trx, [...new Set([...delegated.map((c) => c.message.content.address), ...changedFrom.keys()])]);
	const authorizedNow = new Set<string>();
	for (const c of credits) {
		if (isAuthorizedAt(authorizedMessage(c.message), security.get(c.message.content.address) ?? [])) authorizedNow.add(c.post.itemHash);
	}
	await insertCreditPosts(
		trx,
		credits.map((c) => ({ post: c.post, inLedger: authorizedNow.has(c.post.itemHash) })),
	);

	// Stored posts whose verdict a changed timeline flips.
	const authorize: string[] = [];
	const revoke: string[] = [];
	// The resource messages among them (the rest are credit posts).
	const resourceTypes = new Map<string, string>();
	for (const [owner, from] of changedFrom) {
		const flips = await reevaluate(trx, owner, from, security.get(owner) ?? []);
		authorize.push(...flips.authorize);
		revoke.push(...flips.revoke);
		for (const [hash, type] of flips.types) if (type !== "POST") resourceTypes.set(hash, type);
	}
	await updateStatuses(
		trx,
		[...authorize.map((h) => ({ itemHash: h, authorized: true })), ...revoke.map((h) => ({ itemHash: h, authorized: false }))],
		counts,
		sources,
	);
	await setInLedger(trx, authorize, true);
	await setInLedger(trx, revoke, false);

	const added: CreditPost[] = [
		...credits.filter((c) => authorizedNow.has(c.post.itemHash)).map((c) => c.post),
		...(await loadCreditPosts(trx, authorize)),
	];
	const touched: string[] = await changeLedger(trx, { add: added, remove: await loadCreditPosts(trx, revoke) });

	// Resources (spec §6): stored once, authorized like credit posts, priced at their own time; the
	// ones a changed timeline flips join or leave the set; a pricing change prices again from its
	// time on; FORGETs last (a target of the same page is in place).
	const resourceOutcomes = new Map<string, { status: FeedMessageStatus; reason: string | null }>();
	const forgets = classified.flatMap((c) => (c.what.kind === "forget" ? [{ message: c.message, forget: c.what.forget }] : []));
	const flippedResources = [...authorize, ...revoke].filter((h) => resourceTypes.get(h) !== undefined);
	if (resources.length + forgets.length + flippedResources.length + changedFrom.size > 0 || pricingFrom !== null) {
		await saveSizes(trx, input.sizes ?? []);
		const timeline = await loadPricingTimeline(trx, options);
		const stored: StoredResource[] = resources.map(({ message, resource }) => ({
			...resource,
			timeMicros: message.content.timeMicros,
			acceptedAt: new Date(Number(message.envelope.timeMicros / 1000n)),
		}));
		await insertResourceMessages(trx, stored);
		const gone = await tombstoned(trx, [...stored.map((r) => r.itemHash), ...authorize]);
		const accepted: StoredResource[] = [];
		for (const [i, { message }] of resources.entries()) {
			const r = stored[i] as StoredResource;
			if (gone.has(r.itemHash)) resourceOutcomes.set(r.itemHash, { status: "forgotten", reason: "forgotten_before" });
			else if (isAuthorizedAt(authorizedMessage(message), security.get(message.content.address) ?? [])) {
				resourceOutcomes.set(r.itemHash, { status: "applied", reason: null });
				accepted.push(r);
			}
		}
		const joining = await loadResourceMessages(
			trx,
			authorize.filter((h) => resourceTypes.has(h) && !gone.has(h)),
		);
		for (const owner of await priceResources(trx, [...accepted, ...joining], timeline)) touched.push(owner);
		for (const owner of await removeNetworkResources(
			trx,
			revoke.filter((h) => resourceTypes.has(h)),
		))
			touched.push(owner);
		if (pricingFrom !== null) for (const owner of await repriceFrom(trx, pricingFrom, timeline)) touched.push(owner);
		const forgotten = await applyForgets(
			trx,
			forgets.map(({ message, forget }) => ({
				forget,
				sender: message.envelope.sender,
				owner: message.content.address,
				timeMicros: message.content.timeMicros,
			})),
			(owners) => securityOf(trx, owners),
			pageTargets(classified, authorizedNow, statuses, resourceOutcomes),
		);
		for (const [hash, outcome] of forgotten.outcomes) resourceOutcomes.set(hash, outcome);
		for (const hash of forgotten.forgotten)
			if (resourceOutcomes.get(hash)?.status === "applied") resourceOutcomes.set(hash, { status: "forgotten", reason: "forgotten" });
		touched.push(...forgotten.touched);
		// FORGETs refused because their sender was not known to be allowed, judged again now that a
		// target owner's security aggregate changed.
		const again = await refusedForgetsOf(trx, [...changedFrom.keys()]);
		if (again.length > 0) {
			const judged = await applyForgets(trx, again, (owners) => securityOf(trx, owners), new Map());
			const allowed = again.filter((f) => judged.outcomes.get(f.forget.itemHash)?.status === "applied");
			await updateStatuses(
				trx,
				allowed.map((f) => ({ itemHash: f.forget.itemHash, authorized: true })),
				counts,
				sources,
			);
			touched.push(...judged.touched);
		}
	}

	// The fresh messages themselves, with what became of them.
	const outcomes: Fresh[] = classified.map(({ message, fingerprint, what }) => ({
		message,
		fingerprint,
		...outcomeOf(what, authorizedNow, statuses, resourceOutcomes),
	}));
	await insertMessages(trx, source, outcomes);
	for (const [i, f] of outcomes.entries()) {
		tally(counts, source, "seen");
		tally(counts, source, f.status);
		const what = classified[i]?.what;
		if (f.status === "invalid" && what?.kind === "invalid")
			notices.push({ itemHash: f.message.envelope.itemHash, status: "invalid", reason: what.reason, detail: what.detail });
		if (f.status === "unauthorized")
			notices.push({
				itemHash: f.message.envelope.itemHash,
				status: "unauthorized",
				reason: "sender_not_authorized",
				detail: `${f.message.envelope.sender} may not publish for ${f.message.content.address}`,
			});
	}

	const accounts = [...new Set(touched)].filter(isEvmAddress);
	await addToOutbox(trx, FEED_OUTBOX_SOURCE, accounts);
	await saveCounts(trx, counts);
	await saveWatermarks(trx, input);
	return { counts: counts.get(source) ?? zero(), notices, touched: accounts };
}
