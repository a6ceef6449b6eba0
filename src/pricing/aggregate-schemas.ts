/**
 * @module pricing/aggregate-schemas
 * zod schemas of the `pricing` and `settings` aggregates, restricted to what
 * pyaleph reads (`ProductPricing.from_aggregate`, `Settings.from_aggregate`).
 * Unknown keys are kept (aggregates carry more than the cost code uses).
 */
import { z } from "zod";

const DECIMAL_STRING_RE = /^\s*\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * A price: a non-negative decimal string (the normal form), a JSON number
 * (taken as the exact double, like Python's `Decimal(float)`), or absent / null /
 * `""` (= 0, pyaleph's `Decimal(value or 0)`).
 */
export const PriceValueSchema = z
	.union([z.string().regex(DECIMAL_STRING_RE, "expected a non-negative decimal string"), z.literal(""), z.number().nonnegative(), z.null()])
	.optional();

export const PriceOptionsSchema = z.looseObject({
	holding: PriceValueSchema,
	payg: PriceValueSchema,
	credit: PriceValueSchema,
});

export const ComputeUnitSpecSchema = z.looseObject({
	vcpus: z.int().nonnegative(),
	disk_mib: z.int().nonnegative(),
	memory_mib: z.int().positive(),
});

export const TierSchema = z.looseObject({
	id: z.string(),
	compute_units: z.int().nonnegative(),
	model: z.string().nullish(),
	vram: z.number().nullish(),
});

/** One product entry (`"instance"`, `"storage"`, …) of the pricing aggregate. */
export const ProductEntrySchema = z
	.looseObject({
		price: z.looseObject({
			storage: PriceOptionsSchema,
			compute_unit: PriceOptionsSchema.nullish(),
		}),
		compute_unit: z.looseObject({}).nullish(),
		tiers: z.array(TierSchema).nullish(),
	})
	.superRefine((entry, ctx) => {
		const hasSpec = entry.compute_unit != null && Object.keys(entry.compute_unit).length > 0;
		if (hasSpec && entry.price.compute_unit == null) {
			ctx.addIssue({
				code: "custom",
				path: ["price", "compute_unit"],
				message: "required when the entry has a compute_unit spec",
			});
		}
		if (entry.tiers != null && entry.tiers.length > 0) {
			const spec = ComputeUnitSpecSchema.safeParse(entry.compute_unit);
			for (const issue of spec.success ? [] : spec.error.issues) {
				ctx.addIssue({
					code: "custom",
					path: ["compute_unit", ...issue.path],
					message: issue.message,
				});
			}
		}
	});

/** Products an executable message can be priced with: they need a compute-unit price. */
export const EXECUTABLE_PRODUCTS = [
	"program",
	"program_persistent",
	"instance",
	"instance_confidential",
	"instance_gpu_standard",
	"instance_gpu_premium",
] as const;

/** Every product key the cost code reads. */
export const PRODUCT_KEYS = [...EXECUTABLE_PRODUCTS, "storage"] as const;

/** Key of a product entry of the pricing aggregate. */
export type ProductKey = (typeof PRODUCT_KEYS)[number];

const executableEntry = ProductEntrySchema.refine((entry) => entry.compute_unit != null && Object.keys(entry.compute_unit).length > 0, {
	path: ["compute_unit"],
	message: "executable products need a compute_unit spec",
});

/** The merged pricing aggregate: every product the cost code reads must be present. */
export const PricingAggregateSchema = z.looseObject({
	program: executableEntry,
	program_persistent: executableEntry,
	instance: executableEntry,
	instance_confidential: executableEntry,
	instance_gpu_standard: executableEntry,
	instance_gpu_premium: executableEntry,
	storage: ProductEntrySchema,
});

export const CompatibleGpuSchema = z.looseObject({
	name: z.string(),
	model: z.string(),
	vendor: z.string(),
	device_id: z.string(),
});

/** The merged settings aggregate (pyaleph defaults: no GPUs, wallet `""`, timestamp 0). */
export const SettingsAggregateSchema = z.looseObject({
	compatible_gpus: z.array(CompatibleGpuSchema).optional(),
	community_wallet_address: z.string().optional(),
	community_wallet_timestamp: z.int().optional(),
});
