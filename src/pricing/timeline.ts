/**
 * @module pricing/timeline
 * The network's `pricing` and `settings` aggregates as a timeline (spec aleph-network §6.3): a
 * message is priced with the value in force at its own time, i.e. the shallow merge (§4.3) of the
 * elements whose `content.time` is at or before it, ties by item_hash. The built-in defaults are
 * the base the elements merge onto (a product no element names keeps its default entry), and a
 * configured file (`PRICING_FILE` / `SETTINGS_FILE`) overrides the network whatever the time.
 */
import {
	getDefaultPricing,
	getDefaultSettings,
	mergeAggregates,
	type Pricing,
	parsePricingAggregate,
	parseSettingsAggregate,
	type Settings,
} from "./aggregates.ts";
import { type AggregateContent, DEFAULT_PRICE_AGGREGATE, DEFAULT_SETTINGS_AGGREGATE } from "./defaults.ts";

/** One element of the pricing owner's `pricing` or `settings` aggregate. */
export type PricingElement = {
	readonly itemHash: string;
	readonly key: "pricing" | "settings";
	/** `content.time`, microseconds. */
	readonly timeMicros: bigint;
	readonly content: AggregateContent;
};

/** The aggregates in force at a time, and the last element of each that made them (null: the file or the default). */
export type PricingInForce = {
	readonly pricing: Pricing;
	readonly settings: Settings;
	readonly pricingRef: string | null;
	readonly settingsRef: string | null;
};

export type PricingTimeline = {
	at(timeMicros: bigint): PricingInForce;
	/** The elements that were merged, in order (the invalid ones included: they are skipped). */
	readonly elements: readonly PricingElement[];
};

const order = (a: PricingElement, b: PricingElement) =>
	a.timeMicros < b.timeMicros ? -1 : a.timeMicros > b.timeMicros ? 1 : a.itemHash < b.itemHash ? -1 : a.itemHash > b.itemHash ? 1 : 0;

/**
 * The timeline of `elements` (any order). A merged value that does not validate keeps the value
 * before it (that element is skipped: the engine cannot price with it).
 */
export function createPricingTimeline(
	elements: readonly PricingElement[],
	overrides: { pricing?: Pricing | undefined; settings?: Settings | undefined } = {},
): PricingTimeline {
	const sorted = [...elements].sort(order);
	type Step<T> = { timeMicros: bigint; value: T; ref: string };
	function steps<T>(
		key: PricingElement["key"],
		base: AggregateContent,
		parse: (c: AggregateContent) => { ok: true; value: T } | { ok: false },
	): Step<T>[] {
		const out: Step<T>[] = [];
		let merged = base;
		for (const e of sorted) {
			if (e.key !== key) continue;
			const next = mergeAggregates([merged, e.content]);
			const parsed = parse(next);
			if (!parsed.ok) continue;
			merged = next;
			out.push({ timeMicros: e.timeMicros, value: parsed.value, ref: e.itemHash });
		}
		return out;
	}
	const pricingSteps = overrides.pricing ? [] : steps("pricing", DEFAULT_PRICE_AGGREGATE, parsePricingAggregate);
	const settingsSteps = overrides.settings ? [] : steps("settings", DEFAULT_SETTINGS_AGGREGATE, parseSettingsAggregate);
	function lastAt<T>(list: readonly Step<T>[], t: bigint): Step<T> | null {
		let lo = 0;
		let hi = list.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if ((list[mid] as Step<T>).timeMicros <= t) lo = mid + 1;
			else hi = mid;
		}
		return lo === 0 ? null : (list[lo - 1] as Step<T>);
	}
	return {
		elements: sorted,
		at(timeMicros) {
			const p = lastAt(pricingSteps, timeMicros);
			const s = lastAt(settingsSteps, timeMicros);
			return {
				pricing: overrides.pricing ?? p?.value ?? getDefaultPricing(),
				settings: overrides.settings ?? s?.value ?? getDefaultSettings(),
				pricingRef: p?.ref ?? null,
				settingsRef: s?.ref ?? null,
			};
		},
	};
}
