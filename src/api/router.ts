import { OpenAPIHono } from "@hono/zod-openapi";
import { computeEntitlement, type Entitlement, type EntitlementInputs } from "../domain/entitlement.ts";
import { loadPricingTimeline } from "../feed/resource-store.ts";
import type { Pricing, Settings } from "../pricing/index.ts";
import type { PricingTimeline } from "../pricing/timeline.ts";
import { type ApiContext, type ApiEnv, wallClock } from "./context.ts";
import { validationHook } from "./errors.ts";
import type { Freshness } from "./freshness.ts";
import { type AccountReaders, type CacheLookups, createAccountReaders } from "./queries/account-inputs.ts";
import { creditLedgerSynced } from "./queries/feeds.ts";

/** What every route factory receives: the context plus the pieces `createApp` builds once. */
export type RouteDeps = {
	ctx: ApiContext;
	fresh: Freshness;
	/** Unix seconds (the context's clock, or the wall clock). */
	now: () => bigint;
	/** Configured chain names, in configuration order. */
	chains: string[];
	/** Configured chains whose streams are indexed (a CFA is set). */
	streamChains: string[];
	/** Batched readers of account state. */
	readers: AccountReaders;
	/** The entitlement of `inputs` at `now`, with the context's settings and alert horizon. */
	evaluate(inputs: EntitlementInputs, now: bigint): Entitlement;
	/**
	 * `inputs` with the credit ledger's state now: stored inputs may predate the feed's first
	 * backfill. Credits are known when a feed is configured and has backfilled (cached 1 s).
	 */
	withCreditState(inputs: EntitlementInputs): Promise<EntitlementInputs>;
	/**
	 * The aggregates a message of time `seconds` is priced with (spec §6.3): PRICING_FILE /
	 * SETTINGS_FILE when configured, else the network's timeline when a feed is configured (cached
	 * 1 s), else the built-in defaults.
	 */
	pricingAt(seconds: number): Promise<{ pricing: Pricing; settings: Settings }>;
};

/** Builds the deps shared by every route factory of one app. */
export function createRouteDeps(ctx: ApiContext, fresh: Freshness): RouteDeps {
	const chains = ctx.config.chains.map((c) => c.name);
	let synced: { at: number; value: Promise<boolean> } | null = null;
	const ledgerSynced = () => {
		if (synced === null || performance.now() - synced.at > 1_000) {
			const value = creditLedgerSynced(ctx.db);
			synced = { at: performance.now(), value };
			value.catch(() => {
				synced = null;
			});
		}
		return synced.value;
	};
	let timeline: { at: number; value: Promise<PricingTimeline> } | null = null;
	const networkTimeline = () => {
		if (timeline === null || performance.now() - timeline.at > 1_000) {
			const value = loadPricingTimeline(ctx.db, {
				issuers: [],
				pricingOwner: ctx.config.feed.pricingOwner,
				pricingFile: ctx.config.pricingFile ? ctx.pricing : undefined,
				settingsFile: ctx.config.settingsFile ? ctx.settings : undefined,
			});
			timeline = { at: performance.now(), value };
			value.catch(() => {
				timeline = null;
			});
		}
		return timeline.value;
	};
	return {
		ctx,
		fresh,
		now: ctx.now ?? wallClock,
		chains,
		streamChains: ctx.config.chains.filter((c) => c.cfa !== null).map((c) => c.name),
		readers: createAccountReaders(ctx.db, chains, ctx.accountCache, cacheLookups(ctx)),
		evaluate: (inputs, now) =>
			computeEntitlement(inputs, {
				now,
				settings: ctx.settings,
				horizonSeconds: ctx.config.alertHorizonSeconds,
				creditFeed: ctx.config.feed.urls.length > 0,
			}),
		async pricingAt(seconds) {
			const fixed = { pricing: ctx.pricing, settings: ctx.settings };
			if (ctx.config.feed.urls.length === 0 || (ctx.config.pricingFile && ctx.config.settingsFile)) return fixed;
			const inForce = (await networkTimeline()).at(BigInt(Math.floor(seconds * 1e6)));
			return { pricing: inForce.pricing, settings: inForce.settings };
		},
		async withCreditState(inputs) {
			if (ctx.config.feed.urls.length === 0) return inputs;
			return { ...inputs, credits: { lots: inputs.credits?.lots ?? [], synced: await ledgerSynced() } };
		},
	};
}

/** Counts cache lookups in the metrics, with one labelled child per (reader, result) (label hashing costs per request). */
function cacheLookups(ctx: ApiContext): CacheLookups {
	const counter = ctx.metrics.accountCacheLookups;
	const children = {
		"live:true": counter.labels("live", "hit"),
		"live:false": counter.labels("live", "miss"),
		"stored:true": counter.labels("stored", "hit"),
		"stored:false": counter.labels("stored", "miss"),
	};
	return (reader, hit) => children[`${reader}:${hit}`].inc();
}

/** A sub-app whose zod failures answer 400 in the error shape. */
export function createRouter(): OpenAPIHono<ApiEnv> {
	return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}
