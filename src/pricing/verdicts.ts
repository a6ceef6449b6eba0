/**
 * @module pricing/verdicts
 * Whether a message can pay (§1, §4): free rules, payment-type cut-offs, then the
 * hold or credit balance check of pyaleph's `validate_balance_for_payment`, and
 * for PAYG the stream check of aleph-vm when flows are known.
 */
import { getDefaultSettings, type Settings } from "./aggregates.ts";
import {
	ERROR_BALANCE_INSUFFICIENT,
	ERROR_CREDIT_INSUFFICIENT,
	ERROR_INVALID_PAYMENT_METHOD,
	MAX_FREE_STORE_MIB,
	SECONDS_PER_DAY,
} from "./constants.ts";
import type { CostResult } from "./costs.ts";
import { areStoreAndProgramFree, isCreditOnlyRequired, isHoldAndStreamDeprecated } from "./cutoffs.ts";
import { D, decFromWei } from "./decimal.ts";
import type { PaymentType, PricedMessage } from "./message.ts";
import { checkStreams, type StreamCheck, type StreamResource } from "./streams.ts";
import { fromWei } from "./units.ts";

/** Why a verdict was reached. */
export type PaymentReason =
	| "unpriced_message"
	| "free_before_cutoff"
	| "free_small_store"
	| "invalid_payment_method"
	| "superfluid_unchecked"
	| "stream_sufficient"
	| "stream_insufficient"
	| "balance_sufficient"
	| "balance_insufficient"
	| "credit_sufficient"
	| "credit_insufficient";

/** Known PAYG streams of the sender on `payment.chain` (wei per second). */
export interface PaymentFlows {
	/** Flow sender → `payment.receiver`. */
	readonly toReceiverWei: bigint;
	/** Flow sender → the settings' community wallet. */
	readonly toCommunityWei: bigint;
	/** The sender's other superfluid resources paid by the same streams. */
	readonly others?: readonly StreamResource[];
}

/** Input of {@link decidePayment}. */
export interface PaymentInput {
	readonly message: PricedMessage;
	readonly costs: CostResult;
	/** Unix seconds: start of the new execution, for the PAYG community split. */
	readonly now: number;
	/** Σ ALEPH balances of `content.address` on every chain, dapps excluded, in wei. */
	readonly balanceWei: bigint;
	/** `F(Σ cost_hold)` of the address' accepted hold resources, in wei. Default 0. */
	readonly lockedHoldWei?: bigint;
	/** Credit balance of `content.address`, in whole credits. Default 0. */
	readonly creditBalance?: bigint;
	/** `F(Σ cost_credit)` of the address' accepted credit resources, credit-wei per second. Default 0. */
	readonly lockedCreditPerSecondWei?: bigint;
	/** Ethereum height of the message's first confirmation, if it has one (free rule by height). */
	readonly confirmationHeight?: number | null;
	/** When given, superfluid messages are checked against these streams. */
	readonly flows?: PaymentFlows;
	/** For the community wallet of the stream check. Default: the built-in settings. */
	readonly settings?: Settings;
}

/** The verdict. `required` / `available` are 18-decimal strings in the unit of the check. */
export interface PaymentDecision {
	readonly allowed: boolean;
	/**
	 * Aleph's error code: 5 (balance), 6 (credit), 202 (payment method), or null.
	 * An insufficient PAYG stream has no Aleph code (the CCN does not check streams;
	 * the CRN answers HTTP 402): it gives `allowed: false` with `errorCode: null`.
	 */
	readonly errorCode: 5 | 6 | 202 | null;
	readonly reason: PaymentReason;
	readonly message: string;
	readonly paymentType: PaymentType;
	/** The message's own cost in its payment column (`costs.total`). */
	readonly cost: string;
	/** hold: ALEPH (locked + new); credit: credits for one day; superfluid: ALEPH/s to the CRN. */
	readonly required: string | null;
	/** hold: ALEPH balance; credit: credits; superfluid: ALEPH/s flowing to the receiver. */
	readonly available: string | null;
	readonly streams?: StreamCheck;
}

type Base = Pick<PaymentDecision, "paymentType" | "cost">;

function verdict(
	base: Base,
	allowed: boolean,
	reason: PaymentReason,
	message: string,
	extra: Partial<PaymentDecision> = {},
): PaymentDecision {
	return {
		allowed,
		errorCode: null,
		reason,
		message,
		required: null,
		available: null,
		...base,
		...extra,
	};
}

function invalidMethod(base: Base, message: string): PaymentDecision {
	return verdict(base, false, "invalid_payment_method", message, {
		errorCode: ERROR_INVALID_PAYMENT_METHOD,
	});
}

/** Hold: reject (5) when `balance < locked + cost` (equality passes). */
function checkHold(base: Base, input: PaymentInput): PaymentDecision {
	const required = decFromWei(input.lockedHoldWei ?? 0n).plus(decFromWei(input.costs.totalWei));
	const balance = decFromWei(input.balanceWei);
	const extra = {
		required: required.toFixed(18),
		available: fromWei(input.balanceWei),
	};
	return balance.lt(required)
		? verdict(base, false, "balance_insufficient", "Insufficient balance", {
				...extra,
				errorCode: ERROR_BALANCE_INSUFFICIENT,
			})
		: verdict(base, true, "balance_sufficient", "Balance covers the locked costs and this message", extra);
}

/** Credit: reject (6) when `credits < (locked per second + cost per second) × 86400`. */
function checkCredit(base: Base, input: PaymentInput): PaymentDecision {
	const perSecond = decFromWei(input.lockedCreditPerSecondWei ?? 0n).plus(decFromWei(input.costs.totalWei));
	const required = perSecond.times(SECONDS_PER_DAY);
	const credits = input.creditBalance ?? 0n;
	const extra = {
		required: required.toFixed(18),
		available: new D(credits.toString()).toFixed(18),
	};
	return new D(credits.toString()).lt(required)
		? verdict(base, false, "credit_insufficient", "Insufficient credits for one day of runtime", {
				...extra,
				errorCode: ERROR_CREDIT_INSUFFICIENT,
			})
		: verdict(base, true, "credit_sufficient", "Credits cover one day of every credit resource", extra);
}

function checkSuperfluid(base: Base, input: PaymentInput): PaymentDecision {
	if (input.flows === undefined) {
		return verdict(base, true, "superfluid_unchecked", "PAYG messages are accepted by the CCN; the CRN checks the stream");
	}
	const streams = checkStreams({
		resources: [...(input.flows.others ?? []), { requiredPerSecondWei: input.costs.totalWei, startedAt: input.now }],
		flowToReceiverWei: input.flows.toReceiverWei,
		flowToCommunityWei: input.flows.toCommunityWei,
		settings: input.settings ?? getDefaultSettings(),
	});
	const extra = {
		required: streams.crnRequired,
		available: fromWei(input.flows.toReceiverWei),
		streams,
	};
	return streams.ok
		? verdict(base, true, "stream_sufficient", "Streams cover the CRN and community shares", extra)
		: verdict(base, false, "stream_insufficient", `Insufficient payment stream (${streams.reason})`, extra);
}

function checkPayment(base: Base, input: PaymentInput): PaymentDecision {
	return base.paymentType === "credit" ? checkCredit(base, input) : checkHold(base, input);
}

/**
 * Decides whether a message can pay, as pyaleph's `check_balance` would at
 * processing time (message envelope time for the cut-offs), plus the CRN's
 * stream check for superfluid messages when `flows` are given.
 */
export function decidePayment(input: PaymentInput): PaymentDecision {
	const { message, costs } = input;
	const paymentType = message.kind === "unpriced" ? "hold" : message.payment.type;
	const base: Base = { paymentType, cost: costs.total };
	if (message.kind === "unpriced") {
		return verdict(base, true, "unpriced_message", `${message.type} messages are never charged`);
	}
	const time = message.time;
	if (message.kind === "vprogram") {
		if (paymentType !== "credit") return invalidMethod(base, "V-PROGRAM messages must pay with credits");
		return checkCredit(base, input);
	}
	const free = areStoreAndProgramFree(time, input.confirmationHeight);
	if (message.kind === "store") {
		if (free) return verdict(base, true, "free_before_cutoff", "STOREs were free before 2025-04-04");
		if (isCreditOnlyRequired(time) && paymentType !== "credit") {
			return invalidMethod(base, "STOREs must pay with credits from 2027-01-01");
		}
		const size = costs.storeSizeMib;
		if (paymentType === "hold" && size && size <= MAX_FREE_STORE_MIB) {
			return verdict(base, true, "free_small_store", "Hold STOREs up to 25 MiB are free");
		}
		return checkPayment(base, input);
	}
	const persistent = message.kind === "instance" || message.persistent;
	if (!persistent && free) {
		return verdict(base, true, "free_before_cutoff", "On-demand PROGRAMs were free before 2025-04-04");
	}
	if (isCreditOnlyRequired(time) && paymentType !== "credit") {
		return invalidMethod(base, "Executions must pay with credits from 2027-01-01");
	}
	if (persistent && isHoldAndStreamDeprecated(time) && paymentType !== "credit") {
		return invalidMethod(base, "INSTANCEs and persistent PROGRAMs must pay with credits from 2026-03-11");
	}
	if (paymentType === "superfluid") return checkSuperfluid(base, input);
	return checkPayment(base, input);
}
