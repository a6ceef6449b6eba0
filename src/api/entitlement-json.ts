import type { z } from "@hono/zod-openapi";
import type { CreditEntitlement, Entitlement, PaygCoverage, StreamEntitlement } from "../domain/entitlement.ts";
import { formatAleph } from "../lib/amounts.ts";
import { amount, blockMap, display, flowRate, isoFromSeconds } from "./format.ts";
import type { AccountSchema, CreditsSchema, PaygSchema, StreamStateSchema } from "./schemas/account.ts";

/** JSON of one chain's stream state. */
export function streamJson(s: StreamEntitlement): z.infer<typeof StreamStateSchema> {
	return {
		netFlowRate: flowRate(s.netFlowRate),
		deposit: amount(s.deposit),
		available: amount(s.available),
		criticalAt: isoFromSeconds(s.criticalAt),
		criticalAtUnix: s.criticalAt?.toString() ?? null,
		source: s.source,
	};
}

/** JSON of one pay-as-you-go group (flows and requirements in wei/s). */
export function paygJson(p: PaygCoverage): z.infer<typeof PaygSchema> {
	return {
		chain: p.chain,
		receiver: display(p.receiver),
		resources: p.resources,
		requiredToReceiver: flowRate(p.requiredToReceiver),
		requiredToCommunity: flowRate(p.requiredToCommunity),
		flowToReceiver: flowRate(p.flowToReceiver),
		flowToCommunity: flowRate(p.flowToCommunity),
		ok: p.ok,
		reason: p.reason,
	};
}

/** JSON of the account's credits: balance, spend and runway (null where unknown or nothing is spent). */
export function creditsJson(c: CreditEntitlement, now: bigint): z.infer<typeof CreditsSchema> {
	const spends = c.known && c.perSecondWei > 0n;
	return {
		known: c.known,
		balance: c.known ? Number(c.balance) : null,
		perSecond: formatAleph(c.perSecondWei),
		perDay: formatAleph(c.perSecondWei * 86_400n),
		runwaySeconds: spends && c.exhaustedAt !== null ? Number(c.exhaustedAt - now) : null,
		exhaustedAt: spends ? isoFromSeconds(c.exhaustedAt) : null,
	};
}

/**
 * The account answer of `GET /v1/accounts/{address}`: every configured chain appears in
 * `balances` (0 when the account has nothing there), amounts as `{ wei, aleph }`.
 */
export function entitlementJson(
	e: Entitlement,
	chains: readonly string[],
	meta: { source: "queue" | "live"; storedAt: Date | null },
): z.infer<typeof AccountSchema> {
	const balances = Object.fromEntries(chains.map((chain) => [chain, amount(e.balances[chain] ?? 0n)]));
	return {
		address: display(e.address),
		balance: amount(e.balance),
		balances,
		locked: { hold: amount(e.lockedHold) },
		free: amount(e.free),
		shortfall: amount(e.shortfall),
		streams: Object.fromEntries(Object.entries(e.streams).map(([chain, s]) => [chain, streamJson(s)])),
		payg: e.payg.map(paygJson),
		status: e.status,
		criticalAt: isoFromSeconds(e.criticalAt),
		conditions: e.conditions.map((c) => ({ kind: c.kind, subject: c.subject, detail: c.detail })),
		computedAt: isoFromSeconds(e.computedAt) ?? new Date(0).toISOString(),
		asOf: blockMap(e.asOf),
		source: meta.source,
		storedAt: meta.storedAt?.toISOString() ?? null,
		credits: creditsJson(e.credits, e.computedAt),
		creditBalanceKnown: e.credits.known,
	};
}
