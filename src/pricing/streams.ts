/**
 * @module pricing/streams
 * The PAYG (Superfluid) check of aleph-vm (§6.2–6.3): the sender's flow to the
 * CRN receiver must cover the CRN share and its flow to the community wallet the
 * community share, with a tolerance of 10^8 wei/s. Amounts are wei per second.
 */
import type { Settings } from "./aggregates.ts";
import { COMMUNITY_STREAM_RATIO, PAYMENT_BUFFER_WEI } from "./constants.ts";
import { toMicroseconds } from "./cutoffs.ts";
import { D, decFromWei, floorToWei } from "./decimal.ts";
import { fromWei } from "./units.ts";

const RATIO = new D(COMMUNITY_STREAM_RATIO);
/** `1 − Decimal(0.2)` in the 28-digit context: 0.7999999999999999888977697537. */
const CRN_RATIO = new D(1).minus(RATIO);

/** One superfluid resource paid by the stream. */
export interface StreamResource {
	/** `F(Σ cost_stream)` of the resource, ALEPH-wei per second. */
	readonly requiredPerSecondWei: bigint;
	/** Unix seconds the execution started (for a new message: now). */
	readonly startedAt: number;
}

/** Input of {@link checkStreams}: every resource of one (sender, chain, receiver). */
export interface StreamCheckInput {
	readonly resources: readonly StreamResource[];
	/** Current flow sender → CRN receiver on the payment chain, wei/s. */
	readonly flowToReceiverWei: bigint;
	/** Current flow sender → community wallet on the payment chain, wei/s. */
	readonly flowToCommunityWei: bigint;
	readonly settings: Pick<Settings, "communityWalletAddress" | "communityWalletTimestamp">;
	/**
	 * `allocation` (default): the CRN's check before starting a VM — passes when
	 * `flow ≥ required − buffer` and the flow is not empty.
	 * `monitor`: the CRN's periodic check — passes when `flow + buffer > required`.
	 */
	readonly mode?: "allocation" | "monitor";
}

/** Outcome of {@link checkStreams}; wei/s amounts with their 18-decimal ALEPH/s strings. */
export interface StreamCheck {
	readonly ok: boolean;
	readonly reason: "sufficient" | "empty_stream" | "insufficient_crn_stream" | "insufficient_community_stream";
	/** `F(Σreq_after × (1 − ratio) + Σreq_before)`. */
	readonly crnRequiredWei: bigint;
	readonly crnRequired: string;
	/** `F(Σreq_after × ratio)`; 0 when no community wallet is set. */
	readonly communityRequiredWei: bigint;
	readonly communityRequired: string;
	/** Extra flow to the receiver needed to pass, wei/s (0 when enough). */
	readonly crnShortfallWei: bigint;
	/** Extra flow to the community wallet needed to pass, wei/s (0 when enough). */
	readonly communityShortfallWei: bigint;
}

function shortfall(flow: bigint, required: bigint, strict: boolean): bigint {
	const missing = required - PAYMENT_BUFFER_WEI - flow + (strict ? 1n : 0n);
	return missing > 0n ? missing : 0n;
}

/**
 * Checks streams against resources, summed per (sender, chain, receiver).
 * Executions started after `community_wallet_timestamp` (strictly) pay 80 % /
 * 20 % (with aleph-vm's float ratio); older ones pay 100 % to the CRN.
 * @example checkStreams({ resources: [{ requiredPerSecondWei: 15277777777777n, startedAt: now }], flowToReceiverWei, flowToCommunityWei, settings })
 */
export function checkStreams(input: StreamCheckInput): StreamCheck {
	const { communityWalletAddress, communityWalletTimestamp } = input.settings;
	const hasCommunity = communityWalletAddress !== "";
	let after = new D(0);
	let before = new D(0);
	for (const resource of input.resources) {
		const required = decFromWei(resource.requiredPerSecondWei);
		// aleph-vm `is_after_community_wallet_start`: datetime(startedAt) > datetime(timestamp).
		const split = hasCommunity && toMicroseconds(resource.startedAt) > communityWalletTimestamp * 1_000_000;
		if (split) after = after.plus(required);
		else before = before.plus(required);
	}
	const crnRequiredWei = floorToWei(after.times(CRN_RATIO).plus(before));
	const communityRequiredWei = floorToWei(after.times(RATIO));
	const monitor = input.mode === "monitor";
	const crnFlow = input.flowToReceiverWei;
	const communityFlow = input.flowToCommunityWei;
	const crnShortfallWei = shortfall(crnFlow, crnRequiredWei, monitor);
	const communityShortfallWei =
		monitor || (hasCommunity && communityRequiredWei !== 0n) ? shortfall(communityFlow, communityRequiredWei, monitor) : 0n;
	const empty = !monitor && crnFlow === 0n;
	const reason = empty
		? "empty_stream"
		: crnShortfallWei > 0n
			? "insufficient_crn_stream"
			: communityShortfallWei > 0n
				? "insufficient_community_stream"
				: "sufficient";
	return {
		ok: reason === "sufficient",
		reason,
		crnRequiredWei,
		crnRequired: fromWei(crnRequiredWei),
		communityRequiredWei,
		communityRequired: fromWei(communityRequiredWei),
		crnShortfallWei: empty && crnShortfallWei === 0n ? 1n : crnShortfallWei,
		communityShortfallWei,
	};
}
