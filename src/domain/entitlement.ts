import { checkStreams, coveredResources, type Settings } from "../pricing/index.ts";
import { type CreditLotView, creditBalanceAt, creditExhaustion, nextLotExpiry } from "./credits/runway.ts";
import { availableBalance, type BalanceRead, criticalAt, lockedDeposit, readAsStream, type StreamAccount } from "./superfluid.ts";

/** What the index knows of one account on one chain. */
export type ChainState = {
	chain: string;
	/** Sum of Transfer values in minus out (plus genesis), wei. */
	transferred: bigint;
	/** CFA state, on chains whose streams are indexed; null when the account never streamed. */
	stream: StreamAccount | null;
	/** The latest `realtimeBalanceOf` read, for an account another agreement (GDA, IDA) touched. */
	reconciled: BalanceRead | null;
	/** The block this state reflects. */
	block: bigint;
};

/** A resource of the ledger, with its frozen costs (scaled by 10^18). */
export type LedgerResource = {
	itemHash: string;
	paymentType: "hold" | "superfluid" | "credit";
	/** Payment chain and CRN receiver (superfluid only), lowercase. */
	chain: string | null;
	receiver: string | null;
	/** wei of ALEPH to hold */
	costHold: bigint;
	/** wei of ALEPH per second */
	costStream: bigint;
	/** 10^-18 credit per second */
	costCredit: bigint;
	/** Envelope time, unix seconds. */
	messageTime: number;
	/** When the node accepted it, unix ms; the ledger is ordered by it (oldest first). */
	acceptedAt: number;
};

/** An open flow from the account, wei/s. */
export type OutgoingFlow = { chain: string; receiver: string; flowRate: bigint };

/** What the credit ledger (built from the network feed) knows of the account. */
export type CreditInputs = {
	/** A feed has completed its first backfill: the ledger holds the network's credit history. */
	synced: boolean;
	/** Lots with credits left, in emission order (first granted first). */
	lots: CreditLotView[];
};

export type EntitlementInputs = {
	address: string;
	chains: ChainState[];
	flows: OutgoingFlow[];
	resources: LedgerResource[];
	/** Absent in inputs stored before the credit ledger existed: no credits. */
	credits?: CreditInputs;
};

export type StreamEntitlement = {
	netFlowRate: bigint;
	deposit: bigint;
	/** Available balance at `now` (negative when critical), wei. */
	available: bigint;
	/** First second the account is critical, or null. */
	criticalAt: bigint | null;
	source: "events" | "rpc";
};

export type PaygCoverage = {
	chain: string;
	receiver: string;
	resources: string[];
	requiredToReceiver: bigint;
	requiredToCommunity: bigint;
	flowToReceiver: bigint;
	flowToCommunity: bigint;
	ok: boolean;
	reason: string;
};

export type AlertCondition = {
	kind:
		| "insufficient_balance"
		| "stream_running_dry"
		| "stream_below_requirement"
		| "critical_account"
		| "credit_insufficient"
		| "credits_running_out";
	subject: string;
	detail: Record<string, string | null>;
};

export type CreditEntitlement = {
	/** A feed is configured and has backfilled: the balance is the network's. Else it is not known (0). */
	known: boolean;
	/** Credits now. */
	balance: bigint;
	/** Σ cost_credit of the account's credit resources, 10^-18 credits per second. */
	perSecondWei: bigint;
	/** When the credits run out at that rate (unix seconds); null when nothing is spent or not known. */
	exhaustedAt: bigint | null;
	/** The next time a lot expires (unix seconds, rounded up), or null. */
	nextExpiryAt: bigint | null;
};

export type Entitlement = {
	address: string;
	/** Σ over chains of max(0, balance), wei: what a CCN's hold check adds up. */
	balance: bigint;
	balances: Record<string, bigint>;
	lockedHold: bigint;
	free: bigint;
	shortfall: bigint;
	streams: Record<string, StreamEntitlement>;
	payg: PaygCoverage[];
	/** Hold resources, oldest first, and whether the balance still covers each. */
	coverage: { itemHash: string; covered: boolean }[];
	status: "ok" | "insufficient" | "at_risk";
	/** Earliest critical time over the stream chains, or null. */
	criticalAt: bigint | null;
	conditions: AlertCondition[];
	credits: CreditEntitlement;
	asOf: Record<string, bigint>;
	computedAt: bigint;
};

const max0 = (v: bigint) => (v > 0n ? v : 0n);

/**
 * What an account can pay for at `now` (unix seconds): a pure function of indexed state, the
 * resources ledger and time. Hold: balance (summed over chains, live stream balances included)
 * against the locked hold costs. Pay-as-you-go: per (chain, receiver), the open flows to the CRN
 * and to the community wallet against the resources' 80/20 requirement. Streams: available
 * balance and critical time per chain. Status: `insufficient` when something is not paid for
 * (or a stream account is already critical), `at_risk` when a stream runs dry within
 * `horizonSeconds`, else `ok`. Credits (when a feed is configured and backfilled): `insufficient`
 * when they cover less than one day of the credit resources (pyaleph's removal threshold),
 * `at_risk` when they run out within the horizon.
 */
export function computeEntitlement(
	inputs: EntitlementInputs,
	options: { now: bigint; settings: Settings; horizonSeconds: number; creditFeed?: boolean },
): Entitlement {
	const { now } = options;
	const balances: Record<string, bigint> = {};
	const streams: Record<string, StreamEntitlement> = {};
	const asOf: Record<string, bigint> = {};
	const conditions: AlertCondition[] = [];
	for (const state of inputs.chains) {
		asOf[state.chain] = state.block;
		balances[state.chain] = max0(availableOnChain(state, now));
		const stream = streamOf(state, now);
		if (stream) streams[state.chain] = stream;
	}
	const balance = Object.values(balances).reduce((a, b) => a + b, 0n);
	const holds = inputs.resources.filter((r) => r.paymentType === "hold");
	const lockedHold = holds.reduce((sum, r) => sum + r.costHold, 0n);
	if (balance < lockedHold) {
		conditions.push({
			kind: "insufficient_balance",
			subject: "",
			detail: { balance: balance.toString(), locked: lockedHold.toString(), shortfall: (lockedHold - balance).toString() },
		});
	}
	const coverage = coveredResources({
		paymentType: "hold",
		balanceWei: balance,
		resources: holds.map((r, i) => ({ id: r.itemHash, costWei: r.costHold, order: i })),
	}).entries.map((e) => ({ itemHash: e.id, covered: e.covered }));

	const payg = paygCoverage(inputs, options.settings);
	for (const p of payg) {
		if (!p.ok)
			conditions.push({
				kind: "stream_below_requirement",
				subject: `${p.chain}:${p.receiver}`,
				detail: {
					chain: p.chain,
					receiver: p.receiver,
					reason: p.reason,
					requiredToReceiver: p.requiredToReceiver.toString(),
					flowToReceiver: p.flowToReceiver.toString(),
					requiredToCommunity: p.requiredToCommunity.toString(),
					flowToCommunity: p.flowToCommunity.toString(),
				},
			});
	}

	let earliest: bigint | null = null;
	for (const [chain, s] of Object.entries(streams)) {
		if (s.criticalAt === null) continue;
		if (earliest === null || s.criticalAt < earliest) earliest = s.criticalAt;
		const detail = { chain, criticalAt: s.criticalAt.toString(), available: s.available.toString(), netFlowRate: s.netFlowRate.toString() };
		if (s.available < 0n) conditions.push({ kind: "critical_account", subject: chain, detail });
		else if (s.criticalAt - now <= BigInt(options.horizonSeconds)) conditions.push({ kind: "stream_running_dry", subject: chain, detail });
	}
	const credits = creditsOf(inputs, now, options.creditFeed === true);
	conditions.push(...creditConditions(credits, now, options.horizonSeconds));
	const status = conditions.some((c) => !WARNINGS.includes(c.kind)) ? "insufficient" : conditions.length > 0 ? "at_risk" : "ok";
	return {
		address: inputs.address,
		balance,
		balances,
		lockedHold,
		free: max0(balance - lockedHold),
		shortfall: max0(lockedHold - balance),
		streams,
		payg,
		coverage,
		status,
		criticalAt: earliest,
		conditions,
		credits,
		asOf,
		computedAt: now,
	};
}

/** Conditions that make an account `at_risk` rather than `insufficient`. */
const WARNINGS: readonly AlertCondition["kind"][] = ["stream_running_dry", "credits_running_out"];

const SECONDS_PER_DAY = 86_400n;
const WEI = 10n ** 18n;
const ceilSeconds = (micros: bigint) => (micros + 999_999n) / 1_000_000n;

function creditsOf(inputs: EntitlementInputs, now: bigint, feed: boolean): CreditEntitlement {
	const perSecondWei = inputs.resources.filter((r) => r.paymentType === "credit").reduce((sum, r) => sum + r.costCredit, 0n);
	const known = feed && inputs.credits?.synced === true;
	if (!known) return { known, balance: 0n, perSecondWei, exhaustedAt: null, nextExpiryAt: null };
	const lots = inputs.credits?.lots ?? [];
	const nowMicros = now * 1_000_000n;
	const exhausted = creditExhaustion(lots, perSecondWei, nowMicros);
	const next = nextLotExpiry(lots, nowMicros);
	return {
		known,
		balance: creditBalanceAt(lots, nowMicros),
		perSecondWei,
		exhaustedAt: exhausted === null ? null : exhausted / 1_000_000n,
		nextExpiryAt: next === null ? null : ceilSeconds(next),
	};
}

function creditConditions(c: CreditEntitlement, now: bigint, horizonSeconds: number): AlertCondition[] {
	if (!c.known || c.perSecondWei === 0n) return [];
	const perDayWei = c.perSecondWei * SECONDS_PER_DAY;
	const detail = {
		balance: c.balance.toString(),
		perSecondWei: c.perSecondWei.toString(),
		requiredPerDayWei: perDayWei.toString(),
		exhaustedAt: c.exhaustedAt?.toString() ?? null,
	};
	if (c.balance * WEI < perDayWei) return [{ kind: "credit_insufficient", subject: "", detail }];
	if (c.exhaustedAt !== null && c.exhaustedAt - now <= BigInt(horizonSeconds))
		return [{ kind: "credits_running_out", subject: "", detail }];
	return [];
}

/**
 * The available balance of an account on one chain at `t`, wei (negative when a stream account is
 * critical): its latest `realtimeBalanceOf` read moved to `t` when another agreement touched it,
 * else its transfers plus its CFA state settled to `t` minus the locked deposit, else its
 * transfers. Its SQL twin is `availableBalancesSql` (src/api/queries/available-balances.ts);
 * test/domain/available-balance.test.ts checks that both agree.
 */
export function availableOnChain(state: ChainState, t: bigint): bigint {
	if (state.reconciled) return availableBalance(0n, readAsStream(state.reconciled), t);
	if (state.stream) return availableBalance(state.transferred, state.stream, t);
	return state.transferred;
}

function streamOf(state: ChainState, now: bigint): StreamEntitlement | null {
	if (state.reconciled) {
		return {
			netFlowRate: state.reconciled.netFlowRate,
			deposit: state.reconciled.deposit,
			available: availableOnChain(state, now),
			criticalAt: criticalAt(0n, readAsStream(state.reconciled)),
			source: "rpc",
		};
	}
	if (!state.stream) return null;
	return {
		netFlowRate: state.stream.netFlowRate,
		deposit: lockedDeposit(state.stream),
		available: availableOnChain(state, now),
		criticalAt: criticalAt(state.transferred, state.stream),
		source: "events",
	};
}

function paygCoverage(inputs: EntitlementInputs, settings: Settings): PaygCoverage[] {
	const groups = new Map<string, LedgerResource[]>();
	for (const r of inputs.resources) {
		if (r.paymentType !== "superfluid" || !r.chain || !r.receiver) continue;
		const key = `${r.chain}:${r.receiver}`;
		groups.set(key, [...(groups.get(key) ?? []), r]);
	}
	const community = settings.communityWalletAddress.toLowerCase();
	const flowTo = (chain: string, receiver: string) =>
		inputs.flows.find((f) => f.chain === chain && f.receiver === receiver)?.flowRate ?? 0n;
	return [...groups.values()].map((resources) => {
		const { chain, receiver } = resources[0] as { chain: string; receiver: string };
		const flowToReceiver = flowTo(chain, receiver);
		const flowToCommunity = community ? flowTo(chain, community) : 0n;
		const check = checkStreams({
			resources: resources.map((r) => ({ requiredPerSecondWei: r.costStream, startedAt: Math.floor(r.acceptedAt / 1000) })),
			flowToReceiverWei: flowToReceiver,
			flowToCommunityWei: flowToCommunity,
			settings,
			mode: "monitor",
		});
		return {
			chain,
			receiver,
			resources: resources.map((r) => r.itemHash),
			requiredToReceiver: check.crnRequiredWei,
			requiredToCommunity: check.communityRequiredWei,
			flowToReceiver,
			flowToCommunity,
			ok: check.ok,
			reason: check.reason,
		};
	});
}
