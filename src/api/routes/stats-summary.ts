import { createRoute, z } from "@hono/zod-openapi";
import { formatAleph } from "../../lib/amounts.ts";
import { streamJson } from "../entitlement-json.ts";
import { amount, display, flowRate, isoFromSeconds } from "../format.ts";
import {
	balanceDecades,
	countAlerts,
	countHolders,
	creditSpend,
	type StreamTotals,
	soonestCritical,
	streamTotals,
} from "../queries/stats-summary.ts";
import { createRouter, type RouteDeps } from "../router.ts";
import { StreamStateSchema } from "../schemas/account.ts";
import { AmountSchema, chainSchema, errorResponses, FlowRateSchema, json, limitQuery } from "../schemas/common.ts";

const SECONDS_PER_HOUR = 3_600n;
const SECONDS_PER_DAY = 86_400n;
const WEI_DIGITS = 19; // 10^18 wei = 1 ALEPH

const StreamTotalsSchema = z.object({
	streams: z.number().int().openapi({ description: "Open flows" }),
	senders: z.number().int(),
	receivers: z.number().int(),
	flowRate: FlowRateSchema.openapi({ description: "Σ of the open flows' rates" }),
	perHour: AmountSchema.openapi({ description: "The same, in ALEPH per hour" }),
});

const TotalsSchema = z
	.object({
		holders: z.object({
			total: z.number().int().openapi({ description: "Addresses with a positive available balance on at least one chain" }),
			chains: z.record(z.string(), z.number().int()),
		}),
		streams: StreamTotalsSchema.extend({ chains: z.record(z.string(), StreamTotalsSchema) }),
		credits: z
			.object({
				resources: z.number().int().openapi({ description: "Credit-paid resources in the ledger" }),
				perSecond: z.string().openapi({ description: "Σ of their cost, credits per second, exact" }),
				perDay: z.string().openapi({ description: "The same over a day: what they spend per day at the current prices" }),
			})
			.openapi({ description: "What the credit-paid resources the oracle knows spend" }),
	})
	.openapi("StatsTotals");

const DistributionSchema = z
	.object({
		chain: z.string().nullable(),
		buckets: z.array(
			z.object({
				decade: z.number().int().openapi({ description: "Balances in [10^decade, 10^(decade+1)) ALEPH" }),
				from: AmountSchema,
				to: AmountSchema.openapi({ description: "Exclusive" }),
				holders: z.number().int(),
				balance: AmountSchema.openapi({ description: "Σ of the balances in the bucket" }),
			}),
		),
	})
	.openapi("BalanceDistribution");

const AlertCountsSchema = z
	.object({
		open: z.number().int(),
		resolved: z.number().int(),
		kinds: z.array(z.object({ kind: z.string(), open: z.number().int(), resolved: z.number().int() })),
	})
	.openapi("AlertCounts");

const RunningDrySchema = z
	.object({
		accounts: z.array(
			z.object({
				address: z.string(),
				status: z.enum(["ok", "insufficient", "at_risk"]),
				criticalAt: z.string().nullable().openapi({ format: "date-time" }),
				criticalAtUnix: z.string().openapi({ description: "The same instant in unix seconds" }),
				streams: z.record(z.string(), StreamStateSchema),
			}),
		),
	})
	.openapi("RunningDry");

function streamTotalsJson(t: StreamTotals) {
	return {
		streams: Number(t.streams),
		senders: Number(t.senders),
		receivers: Number(t.receivers),
		flowRate: flowRate(t.rate),
		perHour: amount(t.rate * SECONDS_PER_HOUR),
	};
}

/**
 * `GET /v1/stats/totals`, `/distribution`, `/alerts`, `/running-dry`: the aggregates the dashboard
 * shows that no other route gives (holder and stream counts, the balance histogram, alerts by
 * kind, the accounts whose streams run dry soonest).
 */
export function statsSummaryRoutes(deps: RouteDeps) {
	const { ctx, fresh, chains, streamChains, now } = deps;
	const app = createRouter();

	app.openapi(
		createRoute({
			method: "get",
			path: "/totals",
			tags: ["Analytics"],
			summary: "Holders per chain and in all; open streams, their senders, receivers and total rate; what credit resources spend",
			responses: { 200: json(TotalsSchema, "Totals"), ...errorResponses(503) },
		}),
		async (c) => {
			await fresh.assertFresh(chains);
			const [holders, streams, credits] = await Promise.all([
				countHolders(ctx.db, chains, now()),
				streamTotals(ctx.db, streamChains),
				creditSpend(ctx.db),
			]);
			return c.json(
				{
					holders: { total: Number(holders.total), chains: Object.fromEntries([...holders.chains].map(([k, v]) => [k, Number(v)])) },
					streams: {
						...streamTotalsJson(streams.total),
						chains: Object.fromEntries([...streams.chains].map(([chain, t]) => [chain, streamTotalsJson(t)])),
					},
					credits: {
						resources: Number(credits.resources),
						perSecond: formatAleph(credits.rate),
						perDay: formatAleph(credits.rate * SECONDS_PER_DAY),
					},
				},
				200,
			);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/distribution",
			tags: ["Analytics"],
			summary: "How many holders have a balance of each order of magnitude (streams settled to now)",
			description:
				"One bucket per power of ten of ALEPH, from the lowest to the highest that holds someone (empty ones in between included).",
			request: { query: z.object({ chain: chainSchema(chains).optional() }) },
			responses: { 200: json(DistributionSchema, "Buckets, lowest first"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { chain } = c.req.valid("query");
			const selected = chain ? [chain] : chains;
			await fresh.assertFresh(selected);
			const rows = await balanceDecades(ctx.db, selected, now());
			const byDecade = new Map(rows.map((r) => [r.decade, r]));
			const first = rows[0]?.decade ?? 0;
			const last = rows.at(-1)?.decade ?? -1;
			const buckets = [];
			for (let decade = first; decade <= last; decade++) {
				const row = byDecade.get(decade);
				buckets.push({
					decade,
					from: amount(10n ** BigInt(decade + WEI_DIGITS - 1)),
					to: amount(10n ** BigInt(decade + WEI_DIGITS)),
					holders: Number(row?.holders ?? 0n),
					balance: amount(row?.balance ?? 0n),
				});
			}
			return c.json({ chain: chain ?? null, buckets }, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/alerts",
			tags: ["Alerts"],
			summary: "Alerts counted by kind, open and resolved",
			responses: { 200: json(AlertCountsSchema, "Counts, most open first") },
		}),
		async (c) => {
			const byKind = new Map<string, { kind: string; open: number; resolved: number }>();
			for (const row of await countAlerts(ctx.db)) {
				const entry = byKind.get(row.kind) ?? { kind: row.kind, open: 0, resolved: 0 };
				if (row.status === "open") entry.open += Number(row.n);
				else entry.resolved += Number(row.n);
				byKind.set(row.kind, entry);
			}
			const kinds = [...byKind.values()].sort((a, b) => b.open - a.open || b.resolved - a.resolved || a.kind.localeCompare(b.kind));
			const sum = (key: "open" | "resolved") => kinds.reduce((n, k) => n + k[key], 0);
			return c.json({ open: sum("open"), resolved: sum("resolved"), kinds }, 200);
		},
	);

	app.openapi(
		createRoute({
			method: "get",
			path: "/running-dry",
			tags: ["Analytics"],
			summary: "The stream accounts that run dry soonest, with their stream state now",
			description:
				"Accounts whose available balance on a stream chain reaches zero at or after now, soonest first. Candidates come from the critical times the queue stored; each is evaluated again now.",
			request: { query: z.object({ limit: limitQuery(20, 100) }) },
			responses: { 200: json(RunningDrySchema, "Accounts, soonest first"), ...errorResponses(400, 503) },
		}),
		async (c) => {
			const { limit } = c.req.valid("query");
			await fresh.assertFresh(streamChains);
			const t = now();
			const addresses = await soonestCritical(ctx.db, t, limit);
			const evaluated = await Promise.all(
				addresses.map(async (address) => deps.evaluate((await deps.readers.stored.load(address)).inputs, t)),
			);
			const accounts = evaluated
				.flatMap((e) => (e.criticalAt === null || e.criticalAt < t ? [] : [{ e, criticalAt: e.criticalAt }]))
				.sort((a, b) => (a.criticalAt < b.criticalAt ? -1 : a.criticalAt > b.criticalAt ? 1 : 0))
				.map(({ e, criticalAt }) => ({
					address: display(e.address),
					status: e.status,
					criticalAt: isoFromSeconds(criticalAt),
					criticalAtUnix: criticalAt.toString(),
					streams: Object.fromEntries(Object.entries(e.streams).map(([chain, s]) => [chain, streamJson(s)])),
				}));
			return c.json({ accounts }, 200);
		},
	);
	return app;
}
