import { itemTypeOf, sha256Hex } from "./item-hash.ts";
import { fromJs, type PyObject, type PyValue, parsePython, throughJsonb } from "./python-json.ts";
import { createSortedIndex, type SortedIndex } from "./sorted-index.ts";
import { toMicros, toSeconds } from "./time.ts";

/**
 * The stand-in's state, in memory: what pyaleph keeps in its `messages`, `message_status`,
 * `forgotten_messages`, `removed_messages`, `rejected_messages`, `pending_messages` and `files`
 * tables, with one sorted index per ordering the API offers.
 */

export type ItemType = "inline" | "storage" | "ipfs";

/** A message as a client sends it (`POST /api/v0/messages`) and as the SDK signs it. */
export type Envelope = {
	chain: string;
	sender: string;
	type: string;
	channel?: string | null;
	time: number;
	item_type?: string;
	item_hash: string;
	item_content?: string | null;
	signature?: string | null;
};

/** An on-chain confirmation; `time` (epoch s) defaults to the message's reception time. */
export type Confirmation = { chain: string; hash: string; height: number; time?: number };

export type LiveStatus = "processed" | "removing";
export type TerminalStatus = "forgotten" | "removed";

/** A row of pyaleph's `messages` table (status processed or removing). */
export type StoredMessage = {
	itemHash: string;
	type: string;
	chain: string;
	sender: string;
	signature: string | null;
	itemType: string;
	itemContent: string | null;
	channel: string | null;
	timeUs: number;
	receptionUs: number;
	status: LiveStatus;
	/** The content as parsed JS (address/time filled in), for filters and checks. */
	content: Record<string, unknown>;
	/** The content as pyaleph's JSONB column gives it back (rebuilt on each call, not kept). */
	tree(): PyValue;
	size: number;
	confirmations: Required<Confirmation>[];
	owner: string | null;
	contentType: string | null;
	contentRef: string | null;
	contentKey: string | null;
	contentItemHash: string | null;
	paymentType: string | null;
	tags: string[] | null;
	firstConfirmedUs: number | null;
	firstConfirmedHeight: number | null;
	/** This message in `messages.json`, computed once. */
	listed?: string;
};

/** A row of `forgotten_messages` or `removed_messages`: no content left. */
export type Skeleton = {
	status: TerminalStatus;
	itemHash: string;
	type: string;
	chain: string;
	sender: string;
	signature: string | null;
	itemType: string;
	timeUs: number;
	channel: string | null;
	owner: string | null;
	paymentType: string | null;
	size: number | null;
	receptionUs: number;
	forgottenBy: string[];
	/** forgotten_at (the FORGET's declared time) or removed_at (node-local), µs. */
	terminalUs: number | null;
};

/** A message that never reached the `messages` table. */
export type Unlisted = {
	status: "pending" | "rejected";
	itemHash: string;
	receptionUs: number;
	envelope: Envelope;
	errorCode: number;
	details: unknown;
};

export type StatusEntry = StoredMessage | Skeleton | Unlisted;

export type StoredFile = { bytes: Buffer | null; size: number; type: "file" | "directory" };

export type InsertOptions = {
	/** Default `processed`. `forgotten` / `removed` store the skeleton only. */
	status?: LiveStatus | TerminalStatus | "pending" | "rejected";
	/** This node's reception time, epoch seconds (default: the clock). */
	receptionTime?: number;
	confirmations?: Confirmation[];
	/** Content the CCN shows instead of the one it would parse (a lying CCN). */
	content?: unknown;
	/** `rejected`: pyaleph's error code (default 0) and details. */
	errorCode?: number;
	details?: unknown;
	/** `forgotten`: the FORGETs and the FORGET's time (default: the clock). */
	forgottenBy?: string[];
	forgottenAt?: number;
	/** `removed`: the node-local removal time (default: the clock); null for a legacy row. */
	removedAt?: number | null;
};

export type MessageStore = {
	insert(envelope: Envelope, options?: InsertOptions): StatusEntry;
	setStatus(
		itemHash: string,
		status: LiveStatus | TerminalStatus,
		options?: Pick<InsertOptions, "forgottenBy" | "forgottenAt" | "removedAt">,
	): void;
	/** Any message the node knows, whatever its status. */
	get(itemHash: string): StatusEntry | undefined;
	/** A processed or removing message. */
	live(itemHash: string): StoredMessage | undefined;
	/** Processed and removing messages (of one type) by time, then item_hash ascending in both orders. */
	byTime(order: 1 | -1, type?: string): SortedIndex<StoredMessage>;
	/** Processed and removing messages by (reception_time, item_hash). */
	byReception(order: 1 | -1): SortedIndex<StoredMessage>;
	skeletons(status: TerminalStatus): Skeleton[];
	addFile(bytes: Uint8Array | string | null, options?: { hash?: string; size?: number; type?: "file" | "directory" }): string;
	file(hash: string): StoredFile | undefined;
	/** Changes on every write, so cached counts know when to go stale. */
	readonly version: number;
	/** Epoch seconds now (the node's clock). */
	now(): number;
};

const compareHash = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function codePoints(text: string): number {
	let count = 0;
	for (let i = 0; i < text.length; i++) {
		const unit = text.charCodeAt(i);
		if (unit < 0xd800 || unit > 0xdbff) count++;
		else if (i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			count++;
			i++;
		} else count++;
	}
	return count;
}

const asString = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** `db/models/messages.py` `extract_tags`. */
function extractTags(type: string, content: Record<string, unknown>): string[] | null {
	const inner = (key: string) => {
		const value = content[key];
		return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>).tags : undefined;
	};
	const tags =
		type === "POST" || type === "AGGREGATE"
			? inner("content")
			: type === "STORE"
				? content.tags
				: ["INSTANCE", "PROGRAM", "V-PROGRAM"].includes(type)
					? inner("metadata")
					: undefined;
	if (!Array.isArray(tags) || tags.length === 0) return null;
	const strings = tags.filter((t): t is string => typeof t === "string");
	return strings.length ? strings : null;
}

/** pyaleph's payment_type column: credit, superfluid (a stream), else hold; null without payment. */
function paymentTypeOf(type: string, content: Record<string, unknown>): string | null {
	if (!["STORE", "INSTANCE", "PROGRAM", "V-PROGRAM"].includes(type)) return null;
	const payment = content.payment as { type?: unknown } | null | undefined;
	if (!payment || typeof payment !== "object") return null;
	return payment.type === "credit" ? "credit" : payment.type === "superfluid" ? "superfluid" : "hold";
}

export function createMessageStore(options: { now?: () => number } = {}): MessageStore {
	const now = options.now ?? (() => Date.now() / 1000);
	const live = new Map<string, StoredMessage>();
	const skeletons = new Map<string, Skeleton>();
	const unlisted = new Map<string, Unlisted>();
	const files = new Map<string, StoredFile>();
	const timeAsc = (a: StoredMessage, b: StoredMessage) => a.timeUs - b.timeUs || compareHash(a.itemHash, b.itemHash);
	const timeDesc = (a: StoredMessage, b: StoredMessage) => b.timeUs - a.timeUs || compareHash(a.itemHash, b.itemHash);
	const indexes = {
		timeAsc: createSortedIndex(timeAsc),
		timeDesc: createSortedIndex(timeDesc),
		receptionAsc: createSortedIndex<StoredMessage>((a, b) => a.receptionUs - b.receptionUs || compareHash(a.itemHash, b.itemHash)),
		receptionDesc: createSortedIndex<StoredMessage>((a, b) => b.receptionUs - a.receptionUs || compareHash(a.itemHash, b.itemHash)),
	};
	/** The time indexes again, per message type: a scan for one type skips the others. */
	const byType = new Map<string, { asc: SortedIndex<StoredMessage>; desc: SortedIndex<StoredMessage> }>();
	const indexesOf = (message: StoredMessage) => {
		let typed = byType.get(message.type);
		if (!typed) {
			typed = { asc: createSortedIndex(timeAsc), desc: createSortedIndex(timeDesc) };
			byType.set(message.type, typed);
		}
		return [...Object.values(indexes), typed.asc, typed.desc];
	};
	let version = 0;

	/** The content text a CCN would parse: item_content, or the stored file for storage/ipfs. */
	function sourceText(envelope: Envelope): string | null {
		if (envelope.item_content !== null && envelope.item_content !== undefined) return envelope.item_content;
		const stored = files.get(envelope.item_hash);
		return stored?.bytes ? stored.bytes.toString("utf8") : null;
	}

	function toStored(envelope: Envelope, opts: InsertOptions, receptionUs: number): StoredMessage {
		const timeUs = toMicros(envelope.time);
		const text = opts.content === undefined ? sourceText(envelope) : null;
		let parsed: unknown = opts.content;
		if (text !== null) {
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = undefined;
			}
		}
		const isObject = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed);
		// A parse result is ours to keep; a content given by the caller is copied.
		const content = (isObject ? (text !== null ? parsed : structuredClone(parsed)) : {}) as Record<string, unknown>;
		// MessageDb._coerce_content
		content.address ??= envelope.sender;
		content.time ??= toSeconds(timeUs);
		const type = envelope.type;
		const confirmations = (opts.confirmations ?? []).map((c) => ({ ...c, time: c.time ?? toSeconds(receptionUs) }));
		const first = confirmations.reduce<Required<Confirmation> | null>((min, c) => (min === null || c.time < min.time ? c : min), null);
		const inline = envelope.item_content !== null && envelope.item_content !== undefined;
		const itemType = envelope.item_type ?? (inline ? "inline" : (itemTypeOf(envelope.item_hash) ?? "storage"));
		return {
			itemHash: envelope.item_hash,
			type,
			chain: envelope.chain,
			sender: envelope.sender,
			signature: envelope.signature ?? null,
			itemType,
			itemContent: envelope.item_content ?? null,
			channel: envelope.channel ?? null,
			timeUs,
			receptionUs,
			status: opts.status === "removing" ? "removing" : "processed",
			content,
			tree() {
				let value: PyValue;
				try {
					value = text !== null ? parsePython(text) : fromJs(opts.content);
				} catch {
					value = null;
				}
				const object: PyObject = value instanceof Map ? value : new Map();
				if ((object.get("address") ?? null) === null) object.set("address", envelope.sender);
				if ((object.get("time") ?? null) === null) object.set("time", toSeconds(timeUs));
				return throughJsonb(object);
			},
			size: itemType === "inline" ? codePoints(envelope.item_content ?? "") : (files.get(envelope.item_hash)?.size ?? 0),
			confirmations,
			owner: asString(content.address),
			contentType: asString(content.type),
			contentRef: asString(content.ref),
			contentKey: asString(content.key),
			contentItemHash: asString(content.item_hash),
			paymentType: paymentTypeOf(type, content),
			tags: extractTags(type, content),
			firstConfirmedUs: first ? toMicros(first.time) : null,
			firstConfirmedHeight: first ? first.height : null,
		};
	}

	/** Removes a hash from every table and index (before a replacement or a status change). */
	function drop(itemHash: string) {
		const message = live.get(itemHash);
		if (message) {
			live.delete(itemHash);
			for (const index of indexesOf(message)) index.remove(message);
		}
		skeletons.delete(itemHash);
		unlisted.delete(itemHash);
	}

	function toSkeleton(
		message: StoredMessage,
		status: TerminalStatus,
		opts: Pick<InsertOptions, "forgottenBy" | "forgottenAt" | "removedAt">,
	): Skeleton {
		const terminal = status === "forgotten" ? (opts.forgottenAt ?? now()) : opts.removedAt === undefined ? now() : opts.removedAt;
		const fileSize = message.contentItemHash ? (files.get(message.contentItemHash)?.size ?? null) : null;
		return {
			status,
			itemHash: message.itemHash,
			type: message.type,
			chain: message.chain,
			sender: message.sender,
			signature: message.signature,
			itemType: message.itemType,
			timeUs: message.timeUs,
			channel: message.channel,
			owner: message.owner,
			// A forgotten row coalesces a missing payment to hold; a removed row keeps the column.
			paymentType: status === "forgotten" ? (message.paymentType ?? "hold") : message.paymentType,
			size: fileSize,
			receptionUs: message.receptionUs,
			forgottenBy: status === "forgotten" ? [...(opts.forgottenBy ?? [])] : [],
			terminalUs: terminal === null ? null : toMicros(terminal),
		};
	}

	const store: MessageStore = {
		insert(envelope, opts = {}) {
			drop(envelope.item_hash);
			version++;
			const receptionUs = toMicros(opts.receptionTime ?? now());
			const status = opts.status ?? "processed";
			if (status === "pending" || status === "rejected") {
				const entry: Unlisted = {
					status,
					itemHash: envelope.item_hash,
					receptionUs,
					envelope: { ...envelope },
					errorCode: opts.errorCode ?? 0,
					details: opts.details ?? null,
				};
				unlisted.set(entry.itemHash, entry);
				return entry;
			}
			const message = toStored(envelope, opts, receptionUs);
			if (status === "forgotten" || status === "removed") {
				const skeleton = toSkeleton(message, status, opts);
				skeletons.set(skeleton.itemHash, skeleton);
				return skeleton;
			}
			live.set(message.itemHash, message);
			for (const index of indexesOf(message)) index.add(message);
			return message;
		},
		setStatus(itemHash, status, opts = {}) {
			const message = live.get(itemHash);
			if (!message) throw new Error(`no processed or removing message ${itemHash}`);
			version++;
			if (status === "processed" || status === "removing") {
				message.status = status;
				return;
			}
			drop(itemHash);
			skeletons.set(itemHash, toSkeleton(message, status, opts));
		},
		get: (itemHash) => live.get(itemHash) ?? skeletons.get(itemHash) ?? unlisted.get(itemHash),
		live: (itemHash) => live.get(itemHash),
		byTime(order, type) {
			if (type === undefined) return order === 1 ? indexes.timeAsc : indexes.timeDesc;
			const typed = byType.get(type);
			return typed ? (order === 1 ? typed.asc : typed.desc) : createSortedIndex(timeAsc);
		},
		byReception: (order) => (order === 1 ? indexes.receptionAsc : indexes.receptionDesc),
		skeletons: (status) => [...skeletons.values()].filter((s) => s.status === status),
		addFile(bytes, fileOptions = {}) {
			const buffer = bytes === null ? null : Buffer.from(bytes);
			const hash = fileOptions.hash ?? (buffer ? sha256Hex(buffer) : "");
			if (!hash) throw new Error("addFile: a file without bytes needs a hash");
			files.set(hash, { bytes: buffer, size: fileOptions.size ?? buffer?.length ?? 0, type: fileOptions.type ?? "file" });
			version++;
			return hash;
		},
		file: (hash) => files.get(hash),
		get version() {
			return version;
		},
		now,
	};
	return store;
}
