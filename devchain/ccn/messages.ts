import { sha256Hex } from "./item-hash.ts";
import { dumpsCompact, parsePython } from "./python-json.ts";
import type { UnsignedMessage } from "./sign.ts";

/**
 * Builders of Aleph messages as `@aleph-sdk/client` 1.7.x builds them: the same content keys in
 * the same order, `item_content = JSON.stringify(content)`, `item_hash = sha256(item_content)`,
 * chain `ETH`, `content.time` = envelope `time`. Sign the result with `createSigner(pk).sign`.
 * `content.address` (the owner) defaults to the sender; a delegate passes the owner's address.
 */

/** The credit issuer (`aleph.credit_balances.addresses`). */
export const CREDIT_ISSUER = "0x2E4454fAD1906c0Ce6e45cBFA05cE898Ac3AC1dC";
/** The delegate that signs the real credit posts for the issuer. */
export const CREDIT_DELEGATE = "0x6aeaEEb08720DEc9d6dae1A8fc49344Dd99391Ac";
/** Owner of the network's `pricing` and `settings` aggregates. */
export const PRICING_OWNER = "0xFba561a84A537fCaa567bb7A2257e7142701ae2A";
export const CREDIT_CHANNEL = "ALEPH_CREDIT";

/** Envelope fields every builder takes. `time` is epoch seconds (the SDK uses `Date.now() / 1000`). */
export type Common = { sender: string; time: number; channel?: string; chain?: string };

/** An inline message of `type` with this exact content object. */
export function inlineMessage(type: string, content: object, common: Common): UnsignedMessage {
	const itemContent = JSON.stringify(content);
	return {
		chain: common.chain ?? "ETH",
		sender: common.sender,
		...(common.channel === undefined ? {} : { channel: common.channel }),
		time: common.time,
		item_type: "inline",
		item_hash: sha256Hex(itemContent),
		item_content: itemContent,
		type,
	};
}

/**
 * The storage-type form of an inline message, as the SDK makes it for content ≥ 50 kB: the content
 * goes to `POST /api/v0/storage/add_json`, which stores pyaleph's own serialisation of it (orjson,
 * sorted keys); the message carries that file's sha256 and no `item_content`. Add `file` to the
 * CCN (`addFile`) before the message.
 */
export function toStorage(message: UnsignedMessage): { message: UnsignedMessage; file: string } {
	if (message.item_content === null) throw new Error("toStorage: the message is not inline");
	const file = dumpsCompact(parsePython(message.item_content), { sortKeys: true });
	return { message: { ...message, item_type: "storage", item_hash: sha256Hex(file), item_content: null }, file };
}

export type PostOptions = Common & { postType: string; content: unknown; address?: string; ref?: string };

/** A POST (`PostMessageClient.send`): content `{type, address, content, time, ref?}`. */
export function post(o: PostOptions): UnsignedMessage {
	const content = {
		type: o.postType,
		address: o.address ?? o.sender,
		content: o.content,
		time: o.time,
		...(o.ref === undefined ? {} : { ref: o.ref }),
	};
	return inlineMessage("POST", content, o);
}

export type AggregateOptions = Common & { key: string; content: object; address?: string };

/** An AGGREGATE (`AggregateMessageClient.send`): content `{address, key, time, content}`. */
export function aggregate(o: AggregateOptions): UnsignedMessage {
	return inlineMessage("AGGREGATE", { address: o.address ?? o.sender, key: o.key, time: o.time, content: o.content }, o);
}

export type ForgetOptions = Common & { hashes: string[]; aggregates?: string[]; reason?: string; address?: string };

/** A FORGET (`ForgetMessageClient.send`): content `{address, time, hashes, reason?}` (+ `aggregates`). */
export function forget(o: ForgetOptions): UnsignedMessage {
	const content = {
		address: o.address ?? o.sender,
		time: o.time,
		hashes: o.hashes,
		...(o.reason === undefined ? {} : { reason: o.reason }),
		...(o.aggregates === undefined ? {} : { aggregates: o.aggregates }),
	};
	return inlineMessage("FORGET", content, o);
}

export type Payment = { chain?: string; type: "hold" | "superfluid" | "credit"; receiver?: string };

export type StoreOptions = Common & {
	/** Hash of the stored file (`ccn.addFile(bytes)` returns it). */
	itemHash: string;
	itemType?: "storage" | "ipfs";
	payment?: Payment;
	ref?: string;
	metadata?: Record<string, unknown>;
	address?: string;
};

/** A STORE (`StoreMessageClient.send`): content `{address, item_type, item_hash, time, ref?, metadata?, payment?}`. */
export function store(o: StoreOptions): UnsignedMessage {
	const content = {
		address: o.address ?? o.sender,
		item_type: o.itemType ?? "storage",
		item_hash: o.itemHash,
		time: o.time,
		...(o.ref === undefined ? {} : { ref: o.ref }),
		...(o.metadata === undefined ? {} : { metadata: o.metadata }),
		...(o.payment === undefined ? {} : { payment: o.payment }),
	};
	return inlineMessage("STORE", content, o);
}

/** A volume of a VM: immutable (`ref` to a STORE), persistent or ephemeral. */
export type Volume = Record<string, unknown> & {
	mount?: string;
	ref?: string;
	use_latest?: boolean;
	persistence?: string;
	size_mib?: number;
	ephemeral?: boolean;
};

export type InstanceOptions = Common & {
	address?: string;
	/** Default `{ chain: "ETH", type: "credit" }` (the SDK 1.7 default, hold, is refused by CCNs since 2026-03-11). */
	payment?: Payment;
	resources?: { vcpus?: number; memory?: number; seconds?: number };
	/** Rootfs size in MiB (the SDK raises it to at least memory × 10) and parent image. */
	rootfs?: { sizeMib?: number; parent?: string };
	volumes?: Volume[];
	environment?: Record<string, unknown>;
	requirements?: Record<string, unknown>;
	metadata?: Record<string, unknown>;
	authorizedKeys?: string[];
	variables?: Record<string, string>;
};

const DEFAULT_ROOTFS_PARENT = "f7e68c568906b4ebcd3cd3c4bfdff96c489cd2a9ef73ba2d7503f244dfd578de";
const DEFAULT_RUNTIME = "63f07193e6ee9d207b7d1fcf8286f9aee34e6f12f101d2ec77c1229f92964696";
/** aleph-message's maximum disk size (2 TiB in MiB). */
const MAXIMUM_DISK_SIZE = 2048 * 1024;

/** An INSTANCE (`InstanceMessageClient.send`), the SDK's defaults and key order. */
export function instance(o: InstanceOptions): UnsignedMessage {
	const resources = { memory: 128, vcpus: 1, seconds: 30, ...o.resources };
	const tier = resources.memory * 10;
	const content = {
		address: o.address ?? o.sender,
		time: o.time,
		metadata: o.metadata,
		authorized_keys: o.authorizedKeys,
		volumes: o.volumes ?? [],
		variables: o.variables,
		...(o.requirements === undefined ? {} : { requirements: o.requirements }),
		allow_amend: false,
		resources,
		environment: { reproducible: false, internet: true, aleph_api: true, shared_cache: false, hypervisor: "qemu", ...o.environment },
		rootfs: {
			parent: { ref: o.rootfs?.parent ?? DEFAULT_ROOTFS_PARENT, use_latest: true },
			persistence: "host",
			size_mib: Math.min(Math.max(o.rootfs?.sizeMib || tier, tier), MAXIMUM_DISK_SIZE),
		},
		payment: o.payment ?? { chain: "ETH", type: "credit" },
	};
	return inlineMessage("INSTANCE", content, o);
}

export type ProgramOptions = Common & {
	address?: string;
	/** Hash of the STORE holding the code. */
	codeRef: string;
	entrypoint?: string;
	encoding?: "plain" | "zip" | "squashfs";
	/** Persistent (always on) or on demand (default). */
	persistent?: boolean;
	memory?: number;
	vcpus?: number;
	runtime?: string;
	volumes?: Volume[];
	variables?: Record<string, string>;
	metadata?: Record<string, unknown>;
	/** Default `{ chain: "ETH", type: "credit" }`. */
	payment?: Payment;
};

/** A PROGRAM (`ProgramMessageClient.send` with a `programRef`), the SDK's defaults and key order. */
export function program(o: ProgramOptions): UnsignedMessage {
	const content = {
		address: o.address ?? o.sender,
		time: o.time,
		type: "vm-function",
		allow_amend: false,
		metadata: o.metadata,
		on: { http: true, persistent: o.persistent ?? false },
		environment: { reproducible: false, internet: true, aleph_api: true, shared_cache: false },
		resources: { vcpus: o.vcpus ?? 1, memory: o.memory ?? 128, seconds: 30 },
		runtime: { ref: o.runtime ?? DEFAULT_RUNTIME, use_latest: true, comment: "Aleph Alpine Linux with Python 3.12" },
		volumes: o.volumes ?? [],
		variables: o.variables ?? {},
		payment: o.payment ?? { chain: "ETH", type: "credit" },
		code: { encoding: o.encoding ?? "zip", entrypoint: o.entrypoint ?? "main:app", ref: o.codeRef, use_latest: true },
	};
	return inlineMessage("PROGRAM", content, o);
}

/** One entry of a `security` aggregate (`permissions.py`): empty or missing lists mean unrestricted. */
export type Authorization = {
	address: string;
	chain?: string;
	channels?: string[];
	types?: string[];
	post_types?: string[];
	aggregate_keys?: string[];
};

/** The owner's `security` aggregate: who may sign for it, and for what. */
export function securityAggregate(o: Common & { authorizations: Authorization[]; address?: string }): UnsignedMessage {
	return aggregate({ ...o, key: "security", content: { authorizations: o.authorizations } });
}

/** An element of the network's `pricing` aggregate (owner `PRICING_OWNER` by default). */
export function pricingAggregate(o: Common & { content: object; address?: string }): UnsignedMessage {
	return aggregate({ ...o, key: "pricing", address: o.address ?? PRICING_OWNER });
}

/** An element of the network's `settings` aggregate (GPU models…; owner `PRICING_OWNER` by default). */
export function settingsAggregate(o: Common & { content: object; address?: string }): UnsignedMessage {
	return aggregate({ ...o, key: "settings", address: o.address ?? PRICING_OWNER });
}

/** A distribution entry (`schemas/credit_transfer.py`): `amount` an integer > 0, `expiration` epoch ms. */
export type DistributionCredit = {
	address: string;
	amount: number;
	price?: string | number;
	tx_hash?: string;
	provider?: string;
	expiration?: number | null;
	origin?: string;
	ref?: string;
	payment_method?: string;
	bonus_amount?: number;
};

type CreditCommon = Common & { address?: string };

/**
 * An `aleph_credit_distribution` POST on `ALEPH_CREDIT`, for the issuer by default (a delegate
 * sender needs the issuer's security aggregate). Missing `price`, `tx_hash` and `provider` (all
 * required by pyaleph) get stand-in values: `"0.000001"`, a hash of the entry, `"ALEPH"`.
 */
export function creditDistribution(
	o: CreditCommon & { credits: DistributionCredit[]; token?: string; distributionChain?: string },
): UnsignedMessage {
	const credits = o.credits.map((credit, index) => ({
		price: "0.000001",
		tx_hash: `0x${sha256Hex(`${o.time}:${index}:${credit.address}:${credit.amount}`)}`,
		provider: "ALEPH",
		...credit,
	}));
	return creditPost(o, "aleph_credit_distribution", {
		distribution: { token: o.token ?? "ALEPH", chain: o.distributionChain ?? "ETH", credits },
	});
}

/** An expense entry: what one resource consumed (`amount` ≈ `price` credits/s × `time` s). */
export type ExpenseCredit = {
	address: string;
	amount: number;
	ref?: string;
	execution_id?: string;
	node_id?: string;
	price?: string | number;
	time?: number;
	count?: number;
	size?: number;
};

/**
 * An `aleph_credit_expense` POST, in the style of the real hourly ones (nodestatus fixture
 * `expense_execution.json`): `tags`, and `expense` with the window (`start_date`/`end_date`, ms),
 * totals and prices that pyaleph ignores, and the `credits` it deducts.
 */
export function creditExpense(
	o: CreditCommon & {
		credits: ExpenseCredit[];
		kind?: "execution" | "storage";
		startDate?: number;
		endDate?: number;
		creditPriceAleph?: number;
	},
): UnsignedMessage {
	const endDate = o.endDate ?? Math.round(o.time * 1000);
	const expense = {
		tags: ["credit_expense", `type_${o.kind ?? "execution"}`],
		expense: {
			count: o.credits.length,
			amount: o.credits.reduce((sum, c) => sum + c.amount, 0),
			credits: o.credits,
			end_date: endDate,
			start_date: o.startDate ?? endDate - 3_600_000,
			credit_price_usdc: 0.000001,
			credit_price_aleph: o.creditPriceAleph ?? 0.000057308924861535,
		},
	};
	return creditPost(o, "aleph_credit_expense", expense);
}

export type TransferCredit = { address: string; amount: number; expiration?: number | null };

/** An `aleph_credit_transfer` POST: `content.address` (default the sender) is debited. */
export function creditTransfer(o: CreditCommon & { credits: TransferCredit[] }): UnsignedMessage {
	return post({
		...o,
		channel: o.channel ?? CREDIT_CHANNEL,
		postType: "aleph_credit_transfer",
		content: { transfer: { credits: o.credits } },
	});
}

function creditPost(o: CreditCommon, postType: string, content: object): UnsignedMessage {
	return post({ ...o, channel: o.channel ?? CREDIT_CHANNEL, postType, content, address: o.address ?? CREDIT_ISSUER });
}
