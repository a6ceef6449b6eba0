import { isEvmAddress } from "../lib/address.ts";
import type { CostResult, PaymentDecision, PaymentFlows, PricedMessage, Settings } from "../pricing/index.ts";
import { decidePayment } from "../pricing/index.ts";
import type { Entitlement, EntitlementInputs } from "./entitlement.ts";

/** The stream check of a superfluid verdict, with the flows it read. */
export type StreamsUsed = {
	chain: string;
	receiver: string;
	communityWallet: string | null;
	toReceiverWei: bigint;
	toCommunityWei: bigint;
};

/** A verdict plus what it was decided on. `allowed: null` when it hinges on the (not indexed) credit balance. */
export type CanPayVerdict = Omit<PaymentDecision, "allowed" | "reason"> & {
	allowed: boolean | null;
	reason: PaymentDecision["reason"] | "credit_balance_unknown";
	lockedHoldWei: bigint;
	/** The flows a superfluid verdict read; null when the payment chain's streams are not indexed or there is no receiver. */
	flowsUsed: StreamsUsed | null;
};

export type CanPayInput = {
	message: Exclude<PricedMessage, { kind: "unpriced" }>;
	costs: CostResult;
	/** The owner's indexed inputs and entitlement, read live. */
	inputs: EntitlementInputs;
	entitlement: Entitlement;
	settings: Settings;
	/** Unix seconds: the start of the new execution. */
	now: number;
	/** Chains whose streams are indexed. */
	streamChains: readonly string[];
};

/**
 * Decides whether the owner can pay the message from its live indexed state. The message itself
 * is left out of the locked costs and of the stream resources when it is already registered (a
 * re-check). Superfluid: the flows owner → `payment.receiver` and owner → community wallet on
 * `payment.chain`, against every superfluid resource of the owner to that receiver plus this one.
 * Credit: the ledger's credits when the feed has backfilled (pyaleph's check: one day of every
 * credit resource plus this one); otherwise a verdict that depends on them is `allowed: null`.
 */
export function decideCanPay(input: CanPayInput): CanPayVerdict {
	const { message, inputs } = input;
	const others = inputs.resources.filter((r) => r.itemHash !== message.itemHash);
	const lockedHoldWei = others.filter((r) => r.paymentType === "hold").reduce((sum, r) => sum + r.costHold, 0n);
	const lockedCreditPerSecondWei = others.filter((r) => r.paymentType === "credit").reduce((sum, r) => sum + r.costCredit, 0n);
	const used = message.payment.type === "superfluid" ? streamsOf(input) : null;
	const flows: PaymentFlows | undefined = used
		? {
				toReceiverWei: used.toReceiverWei,
				toCommunityWei: used.toCommunityWei,
				others: others
					.filter((r) => r.paymentType === "superfluid" && r.chain === used.chain && r.receiver === used.receiver)
					.map((r) => ({ requiredPerSecondWei: r.costStream, startedAt: Math.floor(r.acceptedAt / 1000) })),
			}
		: undefined;
	const decision = decidePayment({
		message,
		costs: input.costs,
		now: input.now,
		balanceWei: input.entitlement.balance,
		lockedHoldWei,
		creditBalance: input.entitlement.credits.known ? input.entitlement.credits.balance : 0n,
		lockedCreditPerSecondWei,
		settings: input.settings,
		...(flows ? { flows } : {}),
	});
	const verdict: CanPayVerdict = { ...decision, lockedHoldWei, flowsUsed: used };
	if (decision.reason !== "credit_insufficient" || input.entitlement.credits.known) return verdict;
	return {
		...verdict,
		allowed: null,
		errorCode: null,
		reason: "credit_balance_unknown",
		message: `Credit balances are not indexed: the account needs ${decision.required} credits for one day of runtime, which this oracle cannot check`,
		available: null,
	};
}

function streamsOf(input: CanPayInput): StreamsUsed | null {
	const { chain, receiver } = input.message.payment;
	if (!chain || !input.streamChains.includes(chain) || !receiver || !isEvmAddress(receiver)) return null;
	const to = receiver.toLowerCase();
	const community = isEvmAddress(input.settings.communityWalletAddress) ? input.settings.communityWalletAddress.toLowerCase() : null;
	const flowTo = (address: string) => input.inputs.flows.find((f) => f.chain === chain && f.receiver === address)?.flowRate ?? 0n;
	return { chain, receiver: to, communityWallet: community, toReceiverWei: flowTo(to), toCommunityWei: community ? flowTo(community) : 0n };
}
