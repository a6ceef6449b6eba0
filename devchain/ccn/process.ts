import type { MessageStore, StoredMessage } from "./store.ts";
import { toMicros, toSeconds } from "./time.ts";
import { type ParsedEnvelope, validContent, verifySignature } from "./verify.ts";

/**
 * What a CCN does with a message it receives (`handlers/message_handler.py`), in the order it
 * does it: signature, content, permissions (`permissions.py`), then the type's own checks and
 * effects. Balance and credit checks (error codes 5 and 6) and VM volume dependencies are not
 * modelled: the stand-in accepts what is correctly signed and authorised.
 */

export type Outcome = { status: "processed" | "pending" | "rejected"; errorCode?: number; details?: unknown };

/** `ErrorCode` values of `types/message_status.py` used here. */
export const ERROR = {
	INVALID_FORMAT: 0,
	INVALID_SIGNATURE: 1,
	PERMISSION_DENIED: 2,
	POST_AMEND_TARGET_NOT_FOUND: 101,
	POST_AMEND_AMEND: 102,
	INVALID_PAYMENT_METHOD: 202,
	FORGET_NO_TARGET: 500,
	FORGET_TARGET_NOT_FOUND: 501,
	FORGET_FORGET: 502,
	FORGET_NOT_ALLOWED: 503,
	FORGOTTEN_DUPLICATE: 504,
} as const;

/** From this time INSTANCE and persistent PROGRAM must pay in credits; from the second, every STORE and VM. */
const CREDIT_ONLY_VMS = 1773187200;
const CREDIT_ONLY_ALL = 1798761600;

type Json = Record<string, unknown>;
type Subject = { type: string; chain: string; channel: string | null; content: Json };

const VM_TYPES = ["INSTANCE", "PROGRAM", "V-PROGRAM"];

/** Processed and removing messages of these types. */
const messagesOf = (store: MessageStore, ...types: string[]) => types.flatMap((type) => store.byTime(1, type).items());

/** The owner's `security` aggregate: its elements merged shallowly in (content.time, item_hash) order. */
function securityAggregate(store: MessageStore, owner: string): Json | undefined {
	const elements = messagesOf(store, "AGGREGATE")
		.filter((m) => m.owner === owner && m.contentKey === "security")
		.sort((a, b) => Number(a.content.time) - Number(b.content.time) || (a.itemHash < b.itemHash ? -1 : 1));
	if (elements.length === 0) return undefined;
	return Object.assign({}, ...elements.map((m) => m.content.content));
}

const list = (value: unknown) => (Array.isArray(value) ? value : []);

/** `is_sender_authorized_for_owner`: the owner itself, or a matching entry of its security aggregate. */
export function isSenderAuthorizedForOwner(store: MessageStore, sender: string, owner: string, subject: Subject): boolean {
	if (sender.toLowerCase() === owner.toLowerCase()) return true;
	const aggregate = securityAggregate(store, owner);
	if (!aggregate) return false;
	return list(aggregate.authorizations).some((auth: Json) => {
		if (String(auth?.address ?? "").toLowerCase() !== sender.toLowerCase()) return false;
		if (auth.chain && subject.chain !== auth.chain) return false;
		const channels = list(auth.channels);
		const types = list(auth.types);
		const postTypes = list(auth.post_types);
		const keys = list(auth.aggregate_keys);
		if (channels.length && !channels.includes(subject.channel)) return false;
		if (types.length && !types.includes(subject.type)) return false;
		if (subject.type === "POST" && postTypes.length && !postTypes.includes(subject.content.type)) return false;
		if (subject.type === "AGGREGATE" && keys.length && !keys.includes(subject.content.key)) return false;
		return true;
	});
}

const subjectOf = (m: StoredMessage): Subject => ({ type: m.type, chain: m.chain, channel: m.channel, content: m.content });

/** `check_sender_authorization`, with the amend rule (an amend is judged as its original). */
function senderAuthorized(store: MessageStore, sender: string, subject: Subject): boolean {
	const address = String(subject.content.address);
	if (sender.toLowerCase() === address.toLowerCase()) return true;
	if (subject.type === "POST" && subject.content.type === "amend" && typeof subject.content.ref === "string") {
		const original = store.live(subject.content.ref);
		if (original) {
			if (String(original.owner).toLowerCase() !== address.toLowerCase()) return false;
			return isSenderAuthorizedForOwner(store, sender, address, subjectOf(original));
		}
	}
	return isSenderAuthorizedForOwner(store, sender, address, subject);
}

/** Hashes a VM refers to (volumes, code, runtime, data, rootfs parent): those may not be forgotten. */
function vmReferences(store: MessageStore): Set<string> {
	const refs = new Set<string>();
	for (const m of messagesOf(store, ...VM_TYPES)) {
		const c = m.content as Record<string, { ref?: unknown; parent?: { ref?: unknown } } | undefined>;
		for (const part of [c.code, c.runtime, c.data, c.rootfs?.parent]) if (typeof part?.ref === "string") refs.add(part.ref);
		for (const volume of list((m.content as Json).volumes)) if (typeof volume?.ref === "string") refs.add(volume.ref);
	}
	return refs;
}

/** `ForgetMessageHandler`: every target may be forgotten, or the FORGET is rejected as a whole. */
function forgetTargets(store: MessageStore, sender: string, content: Json): { targets: StoredMessage[] } | Outcome {
	const hashes = list(content.hashes) as string[];
	const keys = list(content.aggregates) as string[];
	const elements = messagesOf(store, "AGGREGATE").filter((m) => m.owner === content.address && keys.includes(m.contentKey as string));
	const all = [...new Set([...hashes, ...elements.map((m) => m.itemHash)])];
	if (hashes.length === 0 && keys.length === 0) return { status: "rejected", errorCode: ERROR.FORGET_NO_TARGET };
	const targets: StoredMessage[] = [];
	for (const hash of all) {
		const target = store.live(hash);
		if (!target) return { status: "rejected", errorCode: ERROR.FORGET_TARGET_NOT_FOUND, details: { errors: [hash] } };
		if (target.type === "FORGET") return { status: "rejected", errorCode: ERROR.FORGET_FORGET, details: { errors: [hash] } };
		targets.push(target);
	}
	const used = vmReferences(store);
	if (targets.some((t) => used.has(t.itemHash))) return { status: "rejected", errorCode: ERROR.FORGET_NOT_ALLOWED };
	if (!targets.every((t) => isSenderAuthorizedForOwner(store, sender, String(t.owner), subjectOf(t)))) {
		return { status: "rejected", errorCode: ERROR.PERMISSION_DENIED };
	}
	return { targets };
}

/** Forgets a target the way `forget.py` does: amends of a POST and updates of a VM go with it. */
function applyForget(store: MessageStore, forgetHash: string, forgetTime: number, targets: StoredMessage[]) {
	const followers = (target: StoredMessage) =>
		target.type === "POST"
			? messagesOf(store, "POST").filter((m) => m.contentType === "amend" && m.contentRef === target.itemHash)
			: messagesOf(store, ...VM_TYPES).filter((m) => m.content.replaces === target.itemHash);
	for (const target of targets) {
		for (const m of [target, ...followers(target)]) {
			if (store.live(m.itemHash)) store.setStatus(m.itemHash, "forgotten", { forgottenBy: [forgetHash], forgottenAt: forgetTime });
		}
	}
}

/** The payment cut-offs of `handlers/content/vm.py` and `store.py` (error 202), on the declared time. */
function paymentAllowed(type: string, time: number, content: Json): boolean {
	const credit = (content.payment as Json | undefined)?.type === "credit";
	if (credit) return true;
	const persistent = type === "INSTANCE" || (type === "PROGRAM" && (content.on as Json | undefined)?.persistent === true);
	if (persistent && time >= CREDIT_ONLY_VMS) return false;
	return !(["STORE", "INSTANCE", "PROGRAM"].includes(type) && time >= CREDIT_ONLY_ALL);
}

/**
 * Processes a parsed message and stores it with its outcome (processed, pending for a missing
 * file, rejected with an error code); a message already processed is left as it is.
 */
export async function processMessage(store: MessageStore, parsed: ParsedEnvelope): Promise<Outcome> {
	const { envelope } = parsed;
	const known = store.get(envelope.item_hash);
	if (known?.status === "processed" || known?.status === "removing") return { status: "processed" };
	if (known?.status === "forgotten") return { status: "rejected", errorCode: ERROR.FORGOTTEN_DUPLICATE };
	const outcome = await judge(store, parsed);
	if (outcome.status === "processed") {
		const content = parsed.content ?? {};
		const forget =
			envelope.type === "FORGET"
				? forgetTargets(store, envelope.sender, { ...content, address: content.address ?? envelope.sender })
				: undefined;
		if (forget && "status" in forget) return reject(store, parsed, forget);
		store.insert(envelope);
		if (forget) applyForget(store, envelope.item_hash, envelope.time, forget.targets);
		return outcome;
	}
	if (outcome.status === "rejected") return reject(store, parsed, outcome);
	store.insert(envelope, { status: "pending" });
	return outcome;
}

function reject(store: MessageStore, parsed: ParsedEnvelope, outcome: Outcome): Outcome {
	store.insert(parsed.envelope, { status: "rejected", errorCode: outcome.errorCode ?? 0, details: outcome.details ?? null });
	return outcome;
}

/** Signature, content, permissions and type checks, without effects. */
async function judge(store: MessageStore, parsed: ParsedEnvelope): Promise<Outcome> {
	const { envelope } = parsed;
	if (!(await verifySignature(envelope))) return { status: "rejected", errorCode: ERROR.INVALID_SIGNATURE };
	let content = parsed.content;
	let text = envelope.item_content ?? "";
	if (!content) {
		const file = store.file(envelope.item_hash);
		if (!file?.bytes) return { status: "pending" };
		text = file.bytes.toString("utf8");
		try {
			content = JSON.parse(text) as Json;
		} catch {
			return { status: "rejected", errorCode: ERROR.INVALID_FORMAT };
		}
		if (typeof content !== "object" || content === null) return { status: "rejected", errorCode: ERROR.INVALID_FORMAT };
		content.address ??= envelope.sender;
		content.time ??= toSeconds(toMicros(envelope.time));
		if (!validContent(envelope.type, content)) return { status: "rejected", errorCode: ERROR.INVALID_FORMAT };
		parsed.content = content;
	}
	// `storage.py`: the escaped NUL cannot go into Postgres JSONB.
	if (text.includes("\\u0000")) return { status: "rejected", errorCode: ERROR.INVALID_FORMAT };
	const subject = { type: envelope.type, chain: envelope.chain, channel: envelope.channel ?? null, content };
	if (!senderAuthorized(store, envelope.sender, subject)) return { status: "rejected", errorCode: ERROR.PERMISSION_DENIED };
	if (envelope.type === "POST" && content.type === "amend") {
		const original = store.live(String(content.ref));
		if (!original) return { status: "rejected", errorCode: ERROR.POST_AMEND_TARGET_NOT_FOUND };
		if (original.contentType === "amend") return { status: "rejected", errorCode: ERROR.POST_AMEND_AMEND };
		if (original.owner !== content.address) return { status: "rejected", errorCode: ERROR.PERMISSION_DENIED };
	}
	if (!paymentAllowed(envelope.type, envelope.time, content)) return { status: "rejected", errorCode: ERROR.INVALID_PAYMENT_METHOD };
	if (envelope.type === "STORE" && content.item_type !== "inline" && !store.file(String(content.item_hash))) return { status: "pending" };
	return { status: "processed" };
}
