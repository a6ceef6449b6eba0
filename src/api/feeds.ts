import { z } from "@hono/zod-openapi";
import type { ApiContext } from "./context.ts";
import { listFeedRows, pricingElements } from "./queries/feeds.ts";

export const FeedStatusSchema = z
	.object({
		url: z.string(),
		watermark: z
			.string()
			.nullable()
			.openapi({ format: "date-time", description: "Envelope time of the last credit post of the CCN's ascending list applied" }),
		syncedAt: z.string().nullable().openapi({ format: "date-time", description: "Start of the last poll that read every list to its end" }),
		lagSeconds: z.number().int().nullable().openapi({ description: "Seconds since syncedAt (before the first: since the watermark)" }),
		stale: z.boolean().openapi({ description: "lagSeconds is above ALEPH_FEED_MAX_LAG_SECONDS (or unknown)" }),
		mode: z.enum(["cursor", "page"]).nullable().openapi({ description: "cursor: the CCN answers next_cursor (pyaleph >= 0.10.1)" }),
		messages: z
			.object({
				seen: z.number().int(),
				applied: z.number().int(),
				ignored: z.number().int(),
				unauthorized: z.number().int(),
				invalid: z.number().int(),
			})
			.openapi({ description: "Messages this CCN was the first to list, by what became of them" }),
		lastError: z.string().nullable(),
		lastErrorAt: z.string().nullable().openapi({ format: "date-time" }),
		backfill: z
			.object({
				phase: z.enum(["backfill", "live"]),
				messages: z.number().int(),
				messagesPerSecond: z.number(),
				reachedTime: z.string().nullable(),
				etaSeconds: z.number().nullable(),
			})
			.nullable(),
	})
	.openapi("FeedStatus");

export type FeedStatus = z.infer<typeof FeedStatusSchema>;

/** The status of every configured feed (`ALEPH_API_URLS`); ages by the database's clock. */
export async function feedStatuses(ctx: ApiContext): Promise<FeedStatus[]> {
	const { urls, maxLagSeconds } = ctx.config.feed;
	if (urls.length === 0) return [];
	const rows = await listFeedRows(ctx.db);
	return urls.map((url) => {
		const row = rows.get(url);
		const wm = row?.wm_time_micros ?? null;
		const lagSeconds = row?.lag_seconds == null ? null : Math.max(0, Number(row.lag_seconds));
		return {
			url,
			watermark: wm === null ? null : new Date(Number(wm / 1000n)).toISOString(),
			syncedAt: row?.synced_at?.toISOString() ?? null,
			lagSeconds,
			stale: lagSeconds === null || lagSeconds > maxLagSeconds,
			mode: row?.mode ?? null,
			messages: {
				seen: Number(row?.seen ?? 0n),
				applied: Number(row?.applied ?? 0n),
				ignored: Number(row?.ignored ?? 0n),
				unauthorized: Number(row?.unauthorized ?? 0n),
				invalid: Number(row?.invalid ?? 0n),
			},
			lastError: row?.last_error ?? null,
			lastErrorAt: row?.last_error_at?.toISOString() ?? null,
			backfill: row?.progress ?? null,
		};
	});
}

export const PricingStatusSchema = z
	.object({
		pricing: z.object({
			source: z.enum(["file", "network", "default"]).openapi({
				description: "What prices a message now: PRICING_FILE, the network's `pricing` aggregate of PRICING_OWNER, or the built-in default",
			}),
			elements: z
				.number()
				.int()
				.openapi({ description: "Authorized elements of the aggregate followed (each message is priced with those before it)" }),
			latest: z
				.object({ itemHash: z.string(), time: z.string().openapi({ format: "date-time" }) })
				.nullable()
				.openapi({ description: "The newest element" }),
		}),
		settings: z.object({
			source: z.enum(["file", "network", "default"]),
			elements: z.number().int(),
			latest: z.object({ itemHash: z.string(), time: z.string().openapi({ format: "date-time" }) }).nullable(),
		}),
	})
	.openapi("PricingStatus");

/** Where prices come from (spec aleph-network §6.3): the files override the network's timeline, else the default. */
export async function pricingStatus(ctx: ApiContext): Promise<z.infer<typeof PricingStatusSchema>> {
	const elements = ctx.config.feed.urls.length === 0 ? [] : await pricingElements(ctx.db, ctx.config.feed.pricingOwner);
	const of = (key: "pricing" | "settings", file: string | null) => {
		const e = elements.find((x) => x.key === key);
		return {
			source: file !== null ? ("file" as const) : e ? ("network" as const) : ("default" as const),
			elements: e?.count ?? 0,
			latest: e ? { itemHash: e.item_hash, time: new Date(Number(e.time_micros / 1000n)).toISOString() } : null,
		};
	};
	return { pricing: of("pricing", ctx.config.pricingFile), settings: of("settings", ctx.config.settingsFile) };
}
