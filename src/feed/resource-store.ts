/**
 * Resources from the network feed in Postgres (spec aleph-network §6): every verified resource
 * message (`resource_messages`), the ones authorized and not forgotten priced by the cost engine
 * with the pricing in force at their time and the file sizes the CCN gave (`file_sizes`) into the
 * one resource set (`resources`, `source = 'network'`, beside the registered ones), FORGETs with
 * their permissions, the volume rule and tombstones (`forgotten_messages`). Everything runs in the
 * caller's transaction (the page's).
 */
import { sql } from "kysely";
import type { Db, Trx } from "../db/database.ts";
import type { FeedMessageStatus } from "../db/schema.ts";
import { insertUnnest, unnestAs } from "../db/unnest.ts";
import type { AggregateElement } from "../domain/network/aggregates.ts";
import type { MessageType } from "../domain/network/envelope.ts";
import { isAuthorizedAt } from "../domain/network/security-timeline.ts";
import { computeCosts, parseMessage } from "../pricing/index.ts";
import { createPricingTimeline, type PricingElement, type PricingTimeline } from "../pricing/timeline.ts";
import { type ClassifyOptions, type ForgetMessage, type ResourceMessage, referencesOf } from "./intake.ts";

/** A STORE message's file and its size, as a CCN answered `by-message-hash` (trusted, unverifiable). */
export type FileSize = { messageHash: string; fileHash: string; size: bigint; source: string };

/** A resource message ready to price: what the follower read, with its times. */
export type StoredResource = Pick<ResourceMessage, "itemHash" | "json" | "parsed" | "sizeRefs" | "refs"> & {
	/** content.time, µs: the pricing in force then applies. */
	timeMicros: bigint;
	/** The envelope time: the order resources are funded in. */
	acceptedAt: Date;
};

/** The cached sizes of these STORE messages. */
export async function cachedSizes(db: Db | Trx, messageHashes: readonly string[]): Promise<Map<string, FileSize>> {
	if (messageHashes.length === 0) return new Map();
	const rows = await db
		.selectFrom("file_sizes")
		.select(["message_hash", "file_hash", "size", "source"])
		.where(sql<boolean>`message_hash = any(${[...new Set(messageHashes)]}::text[])`)
		.execute();
	return new Map(
		rows.map((r) => [r.message_hash, { messageHash: r.message_hash, fileHash: r.file_hash, size: BigInt(r.size), source: r.source }]),
	);
}

/** Keeps sizes fetched from a CCN (the first answer kept). */
export async function saveSizes(trx: Trx, sizes: readonly FileSize[]): Promise<void> {
	await insertUnnest(
		trx,
		"file_sizes",
		{
			message_hash: ["text", sizes.map((s) => s.messageHash)],
			file_hash: ["text", sizes.map((s) => s.fileHash)],
			size: ["int8", sizes.map((s) => s.size)],
			source: ["text", sizes.map((s) => s.source)],
		},
		sql`on conflict do nothing`,
	);
}

/** The pricing owner's authorized `pricing` and `settings` elements as a timeline; the files override. */
export async function loadPricingTimeline(db: Db | Trx, options: ClassifyOptions): Promise<PricingTimeline> {
	const rows = await db
		.selectFrom("aggregate_elements")
		.select(["item_hash", "key", "time_micros", "content"])
		.where(sql<boolean>`lower(owner) = lower(${options.pricingOwner}) and key in ('pricing', 'settings') and authorized`)
		.execute();
	const elements: PricingElement[] = rows.map((r) => ({
		itemHash: r.item_hash,
		key: r.key as PricingElement["key"],
		timeMicros: BigInt(r.time_micros),
		content: r.content as PricingElement["content"],
	}));
	return createPricingTimeline(elements, { pricing: options.pricingFile, settings: options.settingsFile });
}

/** Stores verified resource messages (authorized or not), once. */
export async function insertResourceMessages(trx: Trx, resources: readonly StoredResource[]): Promise<void> {
	if (resources.length === 0) return;
	await sql`insert into resource_messages (item_hash, message, time_micros, accepted_at)
		select item_hash, message::jsonb, time_micros, accepted_at::timestamptz from ${unnestAs("r", {
			item_hash: ["text", resources.map((r) => r.itemHash)],
			message: ["text", resources.map((r) => JSON.stringify(r.json))],
			time_micros: ["int8", resources.map((r) => r.timeMicros)],
			accepted_at: ["text", resources.map((r) => r.acceptedAt.toISOString())],
		})} on conflict do nothing`.execute(trx);
}

/** The stored resource messages of these hashes. */
export async function loadResourceMessages(db: Db | Trx, itemHashes: readonly string[]): Promise<StoredResource[]> {
	if (itemHashes.length === 0) return [];
	const rows = await db.selectFrom("resource_messages").selectAll().where(sql<boolean>`item_hash = any(${itemHashes}::text[])`).execute();
	return rows.flatMap((r) => {
		const stored = storedResourceOf(r.item_hash, r.message as Record<string, unknown>, BigInt(r.time_micros), r.accepted_at);
		return stored ? [stored] : [];
	});
}

/** A stored message parsed again (it parsed when it was stored). */
function storedResourceOf(itemHash: string, json: Record<string, unknown>, timeMicros: bigint, acceptedAt: Date): StoredResource | null {
	const parsed = parseMessage(json);
	if (!parsed.ok || parsed.value.kind === "unpriced") return null;
	return { itemHash, json, parsed: parsed.value, ...referencesOf(parsed.value), timeMicros, acceptedAt };
}

/** Which of `hashes` were forgotten. */
export async function tombstoned(db: Db | Trx, hashes: readonly string[]): Promise<Set<string>> {
	if (hashes.length === 0) return new Set();
	const rows = await db
		.selectFrom("forgotten_messages")
		.select("item_hash")
		.where(sql<boolean>`item_hash = any(${hashes}::text[])`)
		.execute();
	return new Set(rows.map((r) => r.item_hash));
}

/**
 * Prices resources with the pricing in force at their time and the cached sizes, and writes them
 * into the resource set (a registered row of the same hash stays as registered). A size not known
 * leaves that row out and the ref in `missing_sizes`. Returns the owners whose resources changed.
 */
export async function priceResources(trx: Trx, resources: readonly StoredResource[], timeline: PricingTimeline): Promise<string[]> {
	if (resources.length === 0) return [];
	const sizes = await cachedSizes(
		trx,
		resources.flatMap((r) => r.sizeRefs),
	);
	const rows: {
		itemHash: string;
		owner: string;
		type: string;
		paymentType: string;
		chain: string | null;
		receiver: string | null;
		hold: bigint;
		stream: bigint;
		credit: bigint;
		costRows: string;
		message: string;
		time: number;
		acceptedAt: string;
		refs: string;
		missing: string;
		pricingRef: string | null;
	}[] = [];
	for (const r of resources) {
		const msg = r.parsed;
		const known: Record<string, bigint> = {};
		for (const ref of r.sizeRefs) {
			const s = sizes.get(ref);
			if (s === undefined) continue;
			// A STORE is priced on its own file (content.item_hash); a VM on each STORE it references.
			known[msg.kind === "store" ? msg.fileHash : ref] = s.size;
		}
		const inForce = timeline.at(r.timeMicros);
		const costs = computeCosts(msg, { pricing: inForce.pricing, settings: inForce.settings, sizes: known });
		if (!costs.ok) continue;
		const superfluid = costs.value.paymentType === "superfluid";
		const missing = r.sizeRefs.filter((ref) => sizes.get(ref) === undefined);
		rows.push({
			itemHash: r.itemHash,
			owner: msg.address.toLowerCase(),
			type: msg.type,
			paymentType: costs.value.paymentType,
			chain: superfluid ? msg.payment.chain : null,
			receiver: superfluid ? (msg.payment.receiver?.toLowerCase() ?? null) : null,
			hold: costs.value.totalsWei.hold,
			stream: costs.value.totalsWei.stream,
			credit: costs.value.totalsWei.credit,
			costRows: JSON.stringify(costs.value.rows.map(({ wei: _, ...row }) => row)),
			message: JSON.stringify(r.json),
			time: msg.time,
			acceptedAt: r.acceptedAt.toISOString(),
			refs: r.refs.join(" "),
			missing: missing.join(" "),
			pricingRef: inForce.pricingRef,
		});
	}
	if (rows.length === 0) return [];
	const { rows: written } = await sql<{
		owner: string;
	}>`insert into resources (item_hash, owner, message_type, payment_type, chain, receiver,
			cost_hold, cost_stream, cost_credit, cost_rows, message, message_time, accepted_at, source, refs, missing_sizes, pricing_ref)
		select item_hash, owner, message_type, payment_type, chain, receiver, cost_hold, cost_stream, cost_credit, cost_rows::jsonb, message::jsonb,
			message_time::float8, accepted_at::timestamptz, 'network', string_to_array(refs, ' '), string_to_array(missing, ' '), pricing_ref
		from ${unnestAs("r", {
			item_hash: ["text", rows.map((r) => r.itemHash)],
			owner: ["text", rows.map((r) => r.owner)],
			message_type: ["text", rows.map((r) => r.type)],
			payment_type: ["text", rows.map((r) => r.paymentType)],
			chain: ["text", rows.map((r) => r.chain)],
			receiver: ["text", rows.map((r) => r.receiver)],
			cost_hold: ["numeric", rows.map((r) => r.hold)],
			cost_stream: ["numeric", rows.map((r) => r.stream)],
			cost_credit: ["numeric", rows.map((r) => r.credit)],
			cost_rows: ["text", rows.map((r) => r.costRows)],
			message: ["text", rows.map((r) => r.message)],
			message_time: ["text", rows.map((r) => String(r.time))],
			accepted_at: ["text", rows.map((r) => r.acceptedAt)],
			refs: ["text", rows.map((r) => r.refs)],
			missing: ["text", rows.map((r) => r.missing)],
			pricing_ref: ["text", rows.map((r) => r.pricingRef)],
		})}
		on conflict (item_hash) do update set cost_hold = excluded.cost_hold, cost_stream = excluded.cost_stream, cost_credit = excluded.cost_credit,
			cost_rows = excluded.cost_rows, missing_sizes = excluded.missing_sizes, pricing_ref = excluded.pricing_ref
		where resources.source = 'network' and (resources.cost_rows, resources.missing_sizes, resources.pricing_ref)
			is distinct from (excluded.cost_rows, excluded.missing_sizes, excluded.pricing_ref)
		returning owner`.execute(trx);
	return [...new Set(written.map((w) => w.owner))];
}

/** Takes network resources out of the set (revoked, forgotten); returns their owners. */
export async function removeNetworkResources(trx: Trx, itemHashes: readonly string[], anySource = false): Promise<string[]> {
	if (itemHashes.length === 0) return [];
	const { rows } = await sql<{ owner: string }>`delete from resources where item_hash = any(${itemHashes}::text[])
		${anySource ? sql`` : sql`and source = 'network'`} returning owner`.execute(trx);
	return [...new Set(rows.map((r) => r.owner))];
}

/**
 * Prices again the network resources of time `fromMicros` on (a pricing or settings element of
 * that time arrived or changed verdict). Returns the owners whose costs changed.
 */
export async function repriceFrom(trx: Trx, fromMicros: bigint, timeline: PricingTimeline): Promise<string[]> {
	const { rows } = await sql<{ item_hash: string }>`select m.item_hash from resource_messages m join resources r using (item_hash)
		where r.source = 'network' and m.time_micros >= ${fromMicros}`.execute(trx);
	const touched = new Set<string>();
	const hashes = rows.map((r) => r.item_hash);
	for (let i = 0; i < hashes.length; i += 5_000) {
		const resources = await loadResourceMessages(trx, hashes.slice(i, i + 5_000));
		for (const owner of await priceResources(trx, resources, timeline)) touched.add(owner);
	}
	return [...touched];
}

/** The STORE messages whose size some network resource was priced without, at most `limit`. */
export async function missingSizeRefs(db: Db | Trx, limit: number): Promise<string[]> {
	const { rows } = await sql<{ ref: string }>`select distinct ref from resources, unnest(missing_sizes) as ref
		where source = 'network' and missing_sizes <> '{}' order by ref limit ${limit}`.execute(db);
	return rows.map((r) => r.ref);
}

/** Re-prices the network resources that lacked one of these sizes (now cached); returns the owners whose resources changed. */
export async function repriceMissing(trx: Trx, refs: readonly string[], timeline: PricingTimeline): Promise<string[]> {
	if (refs.length === 0) return [];
	const { rows } = await sql<{ item_hash: string }>`select item_hash from resources
		where source = 'network' and missing_sizes && ${[...refs]}::text[]`.execute(trx);
	if (rows.length === 0) return [];
	return priceResources(
		trx,
		await loadResourceMessages(
			trx,
			rows.map((r) => r.item_hash),
		),
		timeline,
	);
}

/** A FORGET as the page gives it: its envelope sender and chain, its content time. */
export type ForgetInput = { forget: ForgetMessage; sender: string; owner: string; timeMicros: bigint };

export type ForgetOutcome = { status: FeedMessageStatus; reason: string | null };

/** A message a FORGET may target, as `feed_messages` holds it (or the page about to store it). */
export type TargetRow = {
	item_hash: string;
	type: string;
	owner: string;
	chain: string;
	channel: string | null;
	post_type: string | null;
	aggregate_key: string | null;
	status: FeedMessageStatus;
};

/**
 * Applies FORGETs (spec §6.2, §4.2), oldest first: per target, skipped when already forgotten or
 * never valid; a FORGET target refuses the whole FORGET (502), so does a STORE still referenced by
 * a VM (ForgetNotAllowed, 503) or a target its sender could not have created (denied). Allowed:
 * tombstones for every target (one listed later is not added), the resources removed, the
 * targets' status `forgotten`. A target the feed has not seen gets its tombstone (the CCN listed
 * the FORGET as processed, so it held the target). Returns each FORGET's outcome and the owners
 * whose resources changed.
 */
export async function applyForgets(
	trx: Trx,
	forgets: readonly ForgetInput[],
	securityOf: (owners: readonly string[]) => Promise<Map<string, AggregateElement[]>>,
	/** The page's own messages (not stored yet), with the status they are about to be stored with. */
	page: ReadonlyMap<string, TargetRow>,
): Promise<{ outcomes: Map<string, ForgetOutcome>; touched: string[]; forgotten: Set<string> }> {
	const outcomes = new Map<string, ForgetOutcome>();
	const forgottenNow = new Set<string>();
	const touched = new Set<string>();
	const ordered = [...forgets].sort((a, b) =>
		a.timeMicros < b.timeMicros ? -1 : a.timeMicros > b.timeMicros ? 1 : a.forget.itemHash < b.forget.itemHash ? -1 : 1,
	);
	for (const f of ordered) {
		const elementHashes =
			f.forget.aggregates.length === 0
				? []
				: (
						await trx
							.selectFrom("aggregate_elements")
							.select("item_hash")
							.where("owner", "=", f.owner)
							.where(sql<boolean>`key = any(${f.forget.aggregates}::text[])`)
							.execute()
					).map((r) => r.item_hash);
		const targets = [...new Set([...f.forget.hashes, ...elementHashes])];
		await insertUnnest(
			trx,
			"forget_targets",
			{ forget_hash: ["text", f.forget.itemHash], target_hash: ["text", targets] },
			sql`on conflict do nothing`,
		);
		const { rows: stored } = await sql<TargetRow>`select item_hash, type, owner, chain, channel, post_type, aggregate_key, status
			from feed_messages where item_hash = any(${targets}::text[])`.execute(trx);
		const rows = [...stored, ...targets.flatMap((t) => (page.has(t) ? [page.get(t) as TargetRow] : []))];
		const gone = await tombstoned(trx, targets);
		// Never valid (invalid) or gone: skipped, as pyaleph skips rejected and forgotten targets. A
		// target waiting as unauthorized is one a CCN processed: it is judged.
		const live = rows.filter((r) => !gone.has(r.item_hash) && r.status !== "invalid" && r.status !== "forgotten");
		const outcome = await judge(trx, f, live, securityOf);
		outcomes.set(f.forget.itemHash, outcome);
		if (outcome.status !== "applied") continue;
		const known = new Map(rows.map((r) => [r.item_hash, r]));
		const fresh = targets.filter((t) => !gone.has(t));
		const { rows: removed } = await sql<{ item_hash: string; owner: string; payment_type: string; message_type: string }>`
			delete from resources where item_hash = any(${fresh}::text[]) returning item_hash, owner, payment_type, message_type`.execute(trx);
		const removedOf = new Map(removed.map((r) => [r.item_hash, r]));
		for (const r of removed) touched.add(r.owner);
		await insertUnnest(
			trx,
			"forgotten_messages",
			{
				item_hash: ["text", fresh],
				forgotten_by: ["text", f.forget.itemHash],
				forgotten_at_micros: ["int8", f.timeMicros],
				type: ["text", fresh.map((t) => known.get(t)?.type ?? null)],
				owner: ["text", fresh.map((t) => removedOf.get(t)?.owner ?? known.get(t)?.owner ?? null)],
				payment_type: ["text", fresh.map((t) => removedOf.get(t)?.payment_type ?? null)],
			},
			sql`on conflict do nothing`,
		);
		// Credit posts and aggregate elements keep their effect (pyaleph never undoes credits; see docs/resources.md).
		await sql`update feed_messages set status = 'forgotten', reason = ${f.forget.itemHash} where item_hash = any(${fresh}::text[])
			and type in ('INSTANCE', 'PROGRAM', 'STORE', 'V-PROGRAM')`.execute(trx);
		for (const t of fresh) forgottenNow.add(t);
	}
	return { outcomes, touched: [...touched], forgotten: forgottenNow };
}

async function judge(
	trx: Trx,
	f: ForgetInput,
	live: readonly TargetRow[],
	securityOf: (owners: readonly string[]) => Promise<Map<string, AggregateElement[]>>,
): Promise<ForgetOutcome> {
	if (live.some((t) => t.type === "FORGET")) return { status: "invalid", reason: "cannot_forget_forget" };
	const stores = live.filter((t) => t.type === "STORE").map((t) => t.item_hash);
	if (stores.length > 0) {
		const { rows } = await sql<{ n: number }>`select count(*)::int as n from resources
			where source = 'network' and refs && ${stores}::text[]`.execute(trx);
		if ((rows[0]?.n ?? 0) > 0) return { status: "invalid", reason: "forget_not_allowed" };
	}
	const security = await securityOf([...new Set(live.map((t) => t.owner))]);
	for (const t of live) {
		const ok = isAuthorizedAt(
			{
				sender: f.sender,
				owner: t.owner,
				timeMicros: f.timeMicros,
				chain: t.chain,
				channel: t.channel,
				type: t.type as MessageType,
				postType: t.post_type,
				aggregateKey: t.aggregate_key,
			},
			security.get(t.owner) ?? [],
		);
		if (!ok) return { status: "unauthorized", reason: "sender_not_authorized" };
	}
	return { status: "applied", reason: null };
}

/**
 * FORGETs refused as unauthorized that target messages of `owners` (whose security aggregate
 * changed): to be judged again.
 */
export async function refusedForgetsOf(trx: Trx, owners: readonly string[]): Promise<ForgetInput[]> {
	if (owners.length === 0) return [];
	const { rows } = await sql<{ item_hash: string; sender: string; owner: string; time_micros: string; targets: string[] }>`
		select f.item_hash, f.sender, f.owner, f.time_micros::text, array_agg(t.target_hash) as targets
		from feed_messages f join forget_targets t on t.forget_hash = f.item_hash
		where f.type = 'FORGET' and f.status = 'unauthorized' and f.item_hash in (
			select t2.forget_hash from forget_targets t2 join feed_messages m on m.item_hash = t2.target_hash where m.owner = any(${owners}::text[]))
		group by f.item_hash, f.sender, f.owner, f.time_micros`.execute(trx);
	return rows.map((r) => ({
		forget: { itemHash: r.item_hash, hashes: r.targets, aggregates: [] },
		sender: r.sender,
		owner: r.owner,
		timeMicros: BigInt(r.time_micros),
	}));
}

/**
 * Records which network resources a CCN lists as `removing` (its removal cron found them
 * unfunded): those get `ccn_status = 'removing'`, the others lose it. Returns the owners whose
 * resources changed status.
 */
export async function setRemoving(trx: Trx, removing: readonly string[]): Promise<string[]> {
	const { rows } = await sql<{
		owner: string;
	}>`update resources set ccn_status = case when item_hash = any(${removing}::text[]) then 'removing' end
		where source = 'network' and (ccn_status is not null or item_hash = any(${removing}::text[]))
		and ccn_status is distinct from (case when item_hash = any(${removing}::text[]) then 'removing' end) returning owner`.execute(trx);
	return [...new Set(rows.map((r) => r.owner))];
}
