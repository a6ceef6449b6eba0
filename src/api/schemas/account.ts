import { z } from "@hono/zod-openapi";
import { AmountSchema, FlowRateSchema } from "./common.ts";

const Iso = z.string().openapi({ format: "date-time" });

export const StreamStateSchema = z
	.object({
		netFlowRate: FlowRateSchema.openapi({ description: "Inflow minus outflow (negative for a payer)" }),
		deposit: AmountSchema.openapi({ description: "Superfluid deposit locked by the outgoing flows" }),
		available: AmountSchema.openapi({ description: "Available balance now (negative once critical)" }),
		criticalAt: Iso.nullable().openapi({ description: "When the available balance goes below zero; null when never" }),
		criticalAtUnix: z.string().nullable().openapi({ description: "The same instant in unix seconds (exact even past year 275760)" }),
		source: z.enum(["events", "rpc"]).openapi({ description: "events: derived from indexed logs; rpc: a realtimeBalanceOf read" }),
	})
	.openapi("StreamState");

export const PaygSchema = z
	.object({
		chain: z.string(),
		receiver: z.string(),
		resources: z.array(z.string()),
		requiredToReceiver: FlowRateSchema,
		requiredToCommunity: FlowRateSchema,
		flowToReceiver: FlowRateSchema,
		flowToCommunity: FlowRateSchema,
		ok: z.boolean(),
		reason: z.string(),
	})
	.openapi("PaygCoverage");

export const CreditsSchema = z
	.object({
		known: z.boolean().openapi({ description: "A feed is configured (ALEPH_API_URLS) and has backfilled the network's credit history" }),
		balance: z.number().int().nullable().openapi({ description: "Credits now; null when not known" }),
		perSecond: z.string().openapi({
			description: "Exact decimal Σ cost_credit of the account's credit resources, credits per second",
			example: "3.958333333333333333",
		}),
		perDay: z.string().openapi({ description: "perSecond × 86400: what one day of the credit resources costs" }),
		runwaySeconds: z
			.number()
			.int()
			.nullable()
			.openapi({ description: "Seconds until the credits run out at that rate (lots expiring unspent are lost)" }),
		exhaustedAt: Iso.nullable(),
	})
	.openapi("AccountCredits");

export const AccountSchema = z
	.object({
		address: z.string().openapi({ description: "EIP-55 checksummed" }),
		balance: AmountSchema.openapi({ description: "Σ over chains of max(0, available balance): what a CCN's hold check adds up" }),
		balances: z.record(z.string(), AmountSchema).openapi({ description: "Per configured chain" }),
		locked: z.object({ hold: AmountSchema }),
		free: AmountSchema,
		shortfall: AmountSchema,
		streams: z.record(z.string(), StreamStateSchema).openapi({ description: "Per stream chain where the account has CFA state" }),
		payg: z.array(PaygSchema),
		status: z.enum(["ok", "insufficient", "at_risk"]),
		criticalAt: Iso.nullable(),
		conditions: z.array(z.object({ kind: z.string(), subject: z.string(), detail: z.record(z.string(), z.string().nullable()) })),
		computedAt: Iso,
		asOf: z.record(z.string(), z.number().int()).openapi({ description: "Indexed block per chain the answer reflects" }),
		source: z.enum(["queue", "live"]).openapi({ description: "queue: inputs stored by the last recompute; live: read now" }),
		storedAt: Iso.nullable(),
		credits: CreditsSchema,
		creditBalanceKnown: z.boolean().openapi({ description: "Same as credits.known" }),
	})
	.openapi("Account");
