/**
 * @module pricing/compute-units
 * Compute units (CU) of an executable message and the GPU tier breakdown (§3.4).
 */
import type { ComputeUnitSpec, Pricing, Settings } from "./aggregates.ts";
import type { Resources } from "./message.ts";
import { fail, ok, type Result } from "./result.ts";

/** pyaleph's fallback CU memory size when the product has no spec, in MiB. */
const DEFAULT_CU_MEMORY_MIB = 2048;

/** The two GPU products; one execution row per tier used. */
export type GpuProduct = "instance_gpu_premium" | "instance_gpu_standard";

/**
 * `CU = max(vcpus, ceil(memory / spec.memory_mib))` (the spec's vcpus is ignored;
 * 2048 MiB without a spec). Division as Python's float `/`.
 */
export function computeComputeUnits(resources: Resources, spec: ComputeUnitSpec | null): number {
	const memory = Math.ceil(resources.memory / (spec?.memoryMib ?? DEFAULT_CU_MEMORY_MIB));
	return Math.max(resources.vcpus, memory);
}

/**
 * CUs per GPU tier, in the order tiers are first met: each GPU's device id →
 * model (first match in `compatible_gpus`) → premium tiers, then standard tiers.
 * GPU CUs are a lower bound: if the resources need more CUs (with the dominant
 * tier's spec), the difference goes to the dominant tier (premium if any).
 * @returns `invalid_message` at `content.requirements.gpu[i].device_id` for an
 *   unknown device or a model no tier prices.
 */
export function computeGpuTierUnits(
	deviceIds: readonly string[],
	resources: Resources,
	pricing: Pricing,
	settings: Settings,
): Result<Array<[GpuProduct, number]>> {
	const premium = pricing.products.instance_gpu_premium;
	const standard = pricing.products.instance_gpu_standard;
	const units = new Map<GpuProduct, number>();
	for (const [index, deviceId] of deviceIds.entries()) {
		const field = `content.requirements.gpu[${index}].device_id`;
		const model = settings.compatibleGpus.find((gpu) => gpu.deviceId === deviceId)?.model;
		if (model === undefined) {
			return fail("invalid_message", `GPU device_id ${deviceId} not found in compatible GPUs`, field);
		}
		const premiumTier = premium.tiers.find((tier) => tier.model === model);
		const tier = premiumTier ?? standard.tiers.find((t) => t.model === model);
		if (tier === undefined) {
			return fail("invalid_message", `GPU model ${model} not found in any pricing tier`, field);
		}
		const product: GpuProduct = premiumTier ? "instance_gpu_premium" : "instance_gpu_standard";
		units.set(product, (units.get(product) ?? 0) + tier.computeUnits);
	}
	const dominant: GpuProduct = units.has("instance_gpu_premium") ? "instance_gpu_premium" : "instance_gpu_standard";
	const resourceUnits = computeComputeUnits(resources, pricing.products[dominant].spec);
	let gpuUnits = 0;
	for (const count of units.values()) gpuUnits += count;
	if (resourceUnits > gpuUnits) {
		units.set(dominant, (units.get(dominant) ?? 0) + resourceUnits - gpuUnits);
	}
	return ok([...units.entries()]);
}
