/**
 * @module pricing/aggregates
 * Merging, validating and compiling the `pricing` and `settings` aggregates.
 * Compiled forms hold ready-to-use decimal prices (per-second prices computed once,
 * in pyaleph's order: `payg / 3600` rounded to 28 digits).
 */
import type { z } from "zod";
import { formatFieldPath } from "../lib/field-path.ts";
import {
	type ComputeUnitSpecSchema,
	PRODUCT_KEYS,
	type PriceOptionsSchema,
	PricingAggregateSchema,
	type ProductEntrySchema,
	type ProductKey,
	SettingsAggregateSchema,
} from "./aggregate-schemas.ts";
import { SECONDS_PER_HOUR } from "./constants.ts";
import { D, type Dec, exactDecimalOfDouble } from "./decimal.ts";
import { type AggregateContent, DEFAULT_PRICE_AGGREGATE, DEFAULT_SETTINGS_AGGREGATE } from "./defaults.ts";
import { type Exact, exactFromDecimal } from "./exact.ts";
import { fail, ok, type Result } from "./result.ts";

export type { ProductKey } from "./aggregate-schemas.ts";

/** Unit prices of one product, as pyaleph uses them. */
export interface UnitPrices {
	/** ALEPH to hold (per MiB, or per compute unit); exact aggregate value. */
	readonly hold: Dec;
	/** ALEPH per second: `payg / 3600` in the 28-digit context. */
	readonly streamPerSecond: Dec;
	/** Credits per second: `credit / 3600` in the 28-digit context. */
	readonly creditPerSecond: Dec;
	/** The same three prices as exact bigint decimals, for the hot path. */
	readonly exact: {
		readonly hold: Exact;
		readonly streamPerSecond: Exact;
		readonly creditPerSecond: Exact;
	};
}

/** Compute-unit size of a product (only kept when the entry has tiers, like pyaleph). */
export interface ComputeUnitSpec {
	readonly vcpus: number;
	readonly diskMib: number;
	readonly memoryMib: number;
}

/** A tier of a product (GPU tiers carry the GPU `model`). */
export interface ProductTier {
	readonly id: string;
	readonly computeUnits: number;
	readonly model: string | null;
}

/** One compiled product entry. */
export interface ProductPricing {
	readonly key: ProductKey;
	/** Storage prices, per MiB. */
	readonly storage: UnitPrices;
	/** Compute-unit prices, per CU; null when the entry has no `compute_unit` spec. */
	readonly computeUnit: UnitPrices | null;
	readonly spec: ComputeUnitSpec | null;
	readonly tiers: readonly ProductTier[];
}

/** A validated, compiled pricing aggregate. */
export interface Pricing {
	/** The aggregate content it was built from (Aleph's JSON shape). */
	readonly aggregate: AggregateContent;
	readonly products: Readonly<Record<ProductKey, ProductPricing>>;
}

/** A GPU the network accepts, mapped to the model used by the pricing tiers. */
export interface CompatibleGpu {
	readonly name: string;
	readonly model: string;
	readonly vendor: string;
	readonly deviceId: string;
}

/** A validated settings aggregate. */
export interface Settings {
	readonly aggregate: AggregateContent;
	readonly compatibleGpus: readonly CompatibleGpu[];
	/** Receiver of the community share of PAYG streams; `""` when unset. */
	readonly communityWalletAddress: string;
	/** Unix seconds; executions started strictly after it pay 20 % to the community wallet. */
	readonly communityWalletTimestamp: number;
}

/**
 * Merges aggregate elements the way Aleph does: in order, each element's
 * top-level keys replace the previous value of that key as a whole.
 * @example mergeAggregates([{ a: { x: 1 }, b: 1 }, { a: { y: 2 } }]) // → { a: { y: 2 }, b: 1 }
 */
export function mergeAggregates(elements: readonly AggregateContent[]): AggregateContent {
	const merged: Record<string, unknown> = {};
	for (const element of elements) Object.assign(merged, element);
	return merged;
}

function isPlainObject(value: unknown): value is AggregateContent {
	return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Merges an array of elements, or passes a single aggregate object through. */
function toContent(input: unknown): Result<AggregateContent> {
	if (Array.isArray(input)) {
		for (const [index, element] of input.entries()) {
			if (!isPlainObject(element)) {
				return fail("invalid_pricing", "aggregate element must be an object", `[${index}]`);
			}
		}
		return ok(mergeAggregates(input as AggregateContent[]));
	}
	if (!isPlainObject(input)) return fail("invalid_pricing", "aggregate must be an object");
	return ok(input);
}

function priceOf(value: string | number | null | undefined): Dec {
	if (value === undefined || value === null || value === "") return new D(0);
	return new D(typeof value === "number" ? exactDecimalOfDouble(value) : value.trim());
}

function compilePrices(options: z.infer<typeof PriceOptionsSchema>): UnitPrices {
	const hold = priceOf(options.holding);
	const streamPerSecond = priceOf(options.payg).div(SECONDS_PER_HOUR);
	const creditPerSecond = priceOf(options.credit).div(SECONDS_PER_HOUR);
	return {
		hold,
		streamPerSecond,
		creditPerSecond,
		exact: {
			hold: exactFromDecimal(hold),
			streamPerSecond: exactFromDecimal(streamPerSecond),
			creditPerSecond: exactFromDecimal(creditPerSecond),
		},
	};
}

function compileProduct(key: ProductKey, entry: z.infer<typeof ProductEntrySchema>): ProductPricing {
	const tiers = entry.tiers ?? [];
	const hasSpec = entry.compute_unit != null && Object.keys(entry.compute_unit).length > 0;
	const spec = entry.compute_unit as z.infer<typeof ComputeUnitSpecSchema> | null | undefined;
	return {
		key,
		storage: compilePrices(entry.price.storage),
		computeUnit: hasSpec && entry.price.compute_unit ? compilePrices(entry.price.compute_unit) : null,
		spec:
			tiers.length > 0 && spec
				? {
						vcpus: spec.vcpus,
						diskMib: spec.disk_mib,
						memoryMib: spec.memory_mib,
					}
				: null,
		tiers: tiers.map((tier) => ({
			id: tier.id,
			computeUnits: tier.compute_units,
			model: tier.model ?? null,
		})),
	};
}

/**
 * Validates and compiles a pricing aggregate: one aggregate object, or an array
 * of elements merged with {@link mergeAggregates}.
 * @returns `invalid_pricing` naming the field (e.g. `instance.price.storage.holding`).
 */
export function parsePricingAggregate(input: unknown): Result<Pricing> {
	const content = toContent(input);
	if (!content.ok) return content;
	const parsed = PricingAggregateSchema.safeParse(content.value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		return fail("invalid_pricing", issue?.message ?? "invalid pricing aggregate", formatFieldPath(issue?.path ?? []));
	}
	const products = {} as Record<ProductKey, ProductPricing>;
	for (const key of PRODUCT_KEYS) products[key] = compileProduct(key, parsed.data[key]);
	return ok({ aggregate: content.value, products });
}

/**
 * Validates a settings aggregate (object or array of elements to merge).
 * @returns `invalid_settings` naming the field (e.g. `compatible_gpus[3].device_id`).
 */
export function parseSettingsAggregate(input: unknown): Result<Settings> {
	const content = toContent(input);
	if (!content.ok) return fail("invalid_settings", content.error.message, content.error.field);
	const parsed = SettingsAggregateSchema.safeParse(content.value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		return fail("invalid_settings", issue?.message ?? "invalid settings aggregate", formatFieldPath(issue?.path ?? []));
	}
	return ok({
		aggregate: content.value,
		compatibleGpus: (parsed.data.compatible_gpus ?? []).map((gpu) => ({
			name: gpu.name,
			model: gpu.model,
			vendor: gpu.vendor,
			deviceId: gpu.device_id,
		})),
		communityWalletAddress: parsed.data.community_wallet_address ?? "",
		communityWalletTimestamp: parsed.data.community_wallet_timestamp ?? 0,
	});
}

function unwrap<T>(result: Result<T>): T {
	if (!result.ok) throw new Error(`built-in aggregate is invalid: ${result.error.message}`);
	return result.value;
}

let defaultPricing: Pricing | undefined;
let defaultSettings: Settings | undefined;

/** The compiled {@link DEFAULT_PRICE_AGGREGATE} (built on first use, then shared). */
export function getDefaultPricing(): Pricing {
	defaultPricing ??= unwrap(parsePricingAggregate(DEFAULT_PRICE_AGGREGATE));
	return defaultPricing;
}

/** The validated {@link DEFAULT_SETTINGS_AGGREGATE} (built on first use, then shared). */
export function getDefaultSettings(): Settings {
	defaultSettings ??= unwrap(parseSettingsAggregate(DEFAULT_SETTINGS_AGGREGATE));
	return defaultSettings;
}
