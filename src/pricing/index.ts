/**
 * @module pricing
 * Aleph's cost model, exact to 18 decimals: what a Core Channel Node (pyaleph)
 * charges for a message, whether an account can pay it, and which of its
 * resources its balance still covers. Pure functions; no I/O except the
 * aggregate file loaders.
 */
// biome-ignore-all lint/performance/noBarrelFile: entry point of the pricing module
export type { ProductKey } from "./aggregate-schemas.ts";
export {
	type CompatibleGpu,
	type ComputeUnitSpec,
	getDefaultPricing,
	getDefaultSettings,
	mergeAggregates,
	type Pricing,
	type ProductPricing,
	type ProductTier,
	parsePricingAggregate,
	parseSettingsAggregate,
	type Settings,
	type UnitPrices,
} from "./aggregates.ts";
export { type BalanceRow, totalBalance } from "./balances.ts";
export {
	computeComputeUnits,
	computeGpuTierUnits,
	type GpuProduct,
} from "./compute-units.ts";
export * as constants from "./constants.ts";
export type { CostAmounts, CostRow, CostType } from "./cost-row.ts";
export {
	type CostContext,
	type CostResult,
	columnOf,
	computeCosts,
} from "./costs.ts";
export {
	type CoverageEntry,
	type CoverageInput,
	type CoverageResource,
	type CoverageResult,
	coveredResources,
	type ResourceStatus,
} from "./coverage.ts";
export {
	areStoreAndProgramFree,
	isCreditOnlyRequired,
	isHoldAndStreamDeprecated,
} from "./cutoffs.ts";
export {
	type AggregateContent,
	DEFAULT_PRICE_AGGREGATE,
	DEFAULT_SETTINGS_AGGREGATE,
} from "./defaults.ts";
export {
	estimateDetail,
	type PriceEstimate,
	type PriceEstimateDetail,
	priceEstimate,
} from "./estimate.ts";
export { loadPricing, loadSettings } from "./load-aggregates.ts";
export {
	type FileRef,
	type InstanceMessage,
	type Payment,
	type PaymentType,
	type PricedMessage,
	type ProgramMessage,
	parseMessage,
	type Resources,
	type StoreMessage,
	type UnpricedMessage,
	type Volume,
	type VProgramMessage,
} from "./message.ts";
export { bodyField, type PricingError, type PricingErrorCode, type Result } from "./result.ts";
export type { SizeMap } from "./sizes.ts";
export {
	checkStreams,
	type StreamCheck,
	type StreamCheckInput,
	type StreamResource,
} from "./streams.ts";
export { fromWei, toWei, WEI_PER_UNIT } from "./units.ts";
export {
	decidePayment,
	type PaymentDecision,
	type PaymentFlows,
	type PaymentInput,
	type PaymentReason,
} from "./verdicts.ts";
