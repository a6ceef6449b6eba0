import { type Insertable, sql } from "kysely";
import type { Db } from "../db/database.ts";
import type { ResourcesTable } from "../db/schema.ts";
import { isEvmAddress } from "../lib/address.ts";
import {
	bodyField,
	computeCosts,
	type Pricing,
	type PricingErrorCode,
	parseMessage,
	type Settings,
	type SizeMap,
} from "../pricing/index.ts";
import { addToOutbox } from "../queue/outbox.ts";

/**
 * Aleph item hashes, as aleph-message accepts them: a sha256 in hex, a CIDv0 (`Qm…`, 46
 * characters) or a CIDv1 in base32 (`bafy…`, 59 characters: dag-pb, sha2-256).
 */
export const ITEM_HASH = /^(?:[0-9a-f]{64}|Qm[1-9A-HJ-NP-Za-km-z]{44}|bafy[a-z2-7]{55})$/;

/**
 * How far `acceptedAt` may lie before the message's own time (the sender's clock) or after ours
 * (the node's clock), seconds.
 */
export const ACCEPTED_AT_SKEW_SECONDS = 600;

export type RegisterInput = {
	itemHash: string;
	/** The Aleph message the node accepted. */
	message: unknown;
	/** File ref / item hash → byte size, for STORE files and volumes. */
	sizes?: SizeMap;
	/** When the node accepted it; default `now`. */
	acceptedAt?: Date;
};

/** What registration needs besides the input: the aggregates in force and the clock. */
export type RegisterContext = { pricing: Pricing; settings: Settings; now: Date };

/** Why a registration was refused; `field` is a path of the request body (`message.content.address`, `acceptedAt`, …). */
export type LedgerError = {
	code: PricingErrorCode | "invalid_address" | "invalid_request" | "conflict";
	message: string;
	field: string;
};

export type RegisterResult =
	| {
			ok: true;
			created: boolean;
			itemHash: string;
			owner: string;
			paymentType: string;
			costs: { hold: bigint; stream: bigint; credit: bigint };
			rows: unknown[];
			missingSizes: readonly string[];
	  }
	| { ok: false; error: LedgerError };

/** Only EVM accounts are indexed, so only they can hold resources. */
export const NON_EVM_OWNER: LedgerError = {
	code: "invalid_address",
	message: "only EVM accounts are indexed: content.address must be a 0x-prefixed 20-byte hex address",
	field: "message.content.address",
};

const refuse = (error: LedgerError) => ({ ok: false as const, error });

/** `acceptedAt` must fall between the message's time and our clock, give or take the skew. */
function checkAcceptedAt(acceptedAt: Date, messageTime: number, now: Date): LedgerError | null {
	const skewMs = ACCEPTED_AT_SKEW_SECONDS * 1_000;
	const at = acceptedAt.getTime();
	if (at < messageTime * 1_000 - skewMs)
		return {
			code: "invalid_request",
			message: `must not be more than ${ACCEPTED_AT_SKEW_SECONDS} s before the message's time (${new Date(messageTime * 1_000).toISOString()})`,
			field: "acceptedAt",
		};
	if (at > now.getTime() + skewMs)
		return { code: "invalid_request", message: `must not be more than ${ACCEPTED_AT_SKEW_SECONDS} s in the future`, field: "acceptedAt" };
	return null;
}

/**
 * Records a message a node accepted, with the cost rows computed now (frozen, as a CCN freezes
 * them). Idempotent, also when the same registration arrives several times at once (every node
 * processes every message): the first insert wins, the others compare. Another message under the
 * same item hash is a conflict. The owner's entitlement is queued for recompute in the
 * transaction that writes the row (outbox).
 */
export async function registerResource(db: Db, input: RegisterInput, context: RegisterContext): Promise<RegisterResult> {
	const parsed = parseMessage(input.message);
	if (!parsed.ok) return refuse({ ...parsed.error, field: bodyField(parsed.error.field) });
	const message = parsed.value;
	if (message.kind === "unpriced") {
		return refuse({ code: "invalid_message", message: `a ${message.type} message has no cost to lock`, field: "message.type" });
	}
	if (!isEvmAddress(message.address)) return refuse(NON_EVM_OWNER);
	if (message.itemHash !== null && message.itemHash !== input.itemHash) {
		return refuse({
			code: "invalid_message",
			message: "the message's item_hash differs from the one in the path",
			field: "message.item_hash",
		});
	}
	const acceptedAt = input.acceptedAt ?? context.now;
	const late = checkAcceptedAt(acceptedAt, message.time, context.now);
	if (late) return refuse(late);
	const costs = computeCosts(message, { ...context, sizes: input.sizes });
	if (!costs.ok) return refuse({ ...costs.error, field: bodyField(costs.error.field) });
	const owner = message.address.toLowerCase();
	const payment = message.payment;
	const superfluid = costs.value.paymentType === "superfluid";
	const rows = costs.value.rows.map(({ wei: _, ...row }) => row);
	const messageJson = JSON.stringify(input.message);
	const row: Insertable<ResourcesTable> = {
		item_hash: input.itemHash,
		owner,
		message_type: message.type,
		payment_type: costs.value.paymentType,
		chain: superfluid ? payment.chain : null,
		receiver: superfluid ? (payment.receiver?.toLowerCase() ?? null) : null,
		cost_hold: costs.value.totalsWei.hold,
		cost_stream: costs.value.totalsWei.stream,
		cost_credit: costs.value.totalsWei.credit,
		cost_rows: sql`${JSON.stringify(rows)}::jsonb`,
		message: sql`${messageJson}::jsonb`,
		message_time: message.time,
		accepted_at: acceptedAt,
	};

	const created = await db.transaction().execute(async (trx) => {
		// A row can vanish between the two statements (a concurrent forget): the insert is tried again.
		for (let attempt = 0; attempt < 3; attempt++) {
			if (await insertResource(trx, row)) {
				await addToOutbox(trx, "ledger", [owner]);
				return true;
			}
			const same = await isRegisteredWith(trx, input.itemHash, messageJson);
			if (same !== undefined) return same ? false : null;
		}
		throw new Error(`resource ${input.itemHash} kept being inserted and removed concurrently`);
	});
	if (created === null)
		return refuse({ code: "conflict", message: `item ${input.itemHash} is registered with another message`, field: "message" });
	return {
		ok: true,
		created,
		itemHash: input.itemHash,
		owner,
		paymentType: costs.value.paymentType,
		costs: costs.value.totalsWei,
		rows,
		missingSizes: costs.value.missingSizes,
	};
}

/**
 * Inserts the row unless the item hash is taken; true when it did. ON CONFLICT waits for a
 * concurrent insert of the same hash to commit, so the comparison that follows sees its row.
 */
async function insertResource(db: Db, row: Insertable<ResourcesTable>): Promise<boolean> {
	const inserted = await db
		.insertInto("resources")
		.values(row)
		.onConflict((oc) => oc.column("item_hash").doNothing())
		.returning("item_hash")
		.executeTakeFirst();
	return inserted !== undefined;
}

/** Whether the item is registered with this message (jsonb equality ignores key order and whitespace); undefined when it is not registered. */
async function isRegisteredWith(db: Db, itemHash: string, messageJson: string): Promise<boolean | undefined> {
	const existing = await db
		.selectFrom("resources")
		// A resource learned from the network under this hash is the same message (its item_hash is its content's sha256).
		.select(sql<boolean>`source = 'network' or message = ${messageJson}::jsonb`.as("same"))
		.where("item_hash", "=", itemHash)
		.executeTakeFirst();
	return existing?.same;
}

/**
 * Forgets a registered resource (idempotent) and queues its owner's recompute; returns the owner,
 * null when it was not registered, or "network" when it was learned from the network feed (only
 * a FORGET message removes those).
 */
export async function forgetResource(db: Db, itemHash: string): Promise<string | null | "network"> {
	return db.transaction().execute(async (trx) => {
		const removed = await trx
			.deleteFrom("resources")
			.where("item_hash", "=", itemHash)
			.where("source", "=", "registered")
			.returning("owner")
			.executeTakeFirst();
		if (removed) await addToOutbox(trx, "ledger", [removed.owner]);
		if (removed) return removed.owner;
		const network = await trx.selectFrom("resources").select("item_hash").where("item_hash", "=", itemHash).executeTakeFirst();
		return network ? "network" : null;
	});
}
