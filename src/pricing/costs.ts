/**
 * @module pricing/costs
 * The cost rows and total of a message (§3.3–3.5), computed as pyaleph's
 * `get_total_and_detailed_costs` does.
 */
import type { Pricing, ProductKey, Settings } from "./aggregates.ts";
import { computeComputeUnits, computeGpuTierUnits } from "./compute-units.ts";
import { MIN_STORE_COST_MIB } from "./constants.ts";
import { type CostAmounts, type CostRow, makeCostRow, priceWholeQuantity, sumColumns } from "./cost-row.ts";
import { CostOverflowError } from "./decimal.ts";
import { compareWithInteger, type Exact, exactFromDouble, exactMibFromBytes } from "./exact.ts";
import type { PaymentType, PricedMessage, StoreMessage } from "./message.ts";
import { fail, ok, type Result } from "./result.ts";
import { lookupSize, type SizeMap } from "./sizes.ts";
import { fromWei } from "./units.ts";
import { computeDiscountRow, computeVolumeRows, type ExecutableMessage, priceVolume } from "./volumes.ts";

/** What a message is priced against. */
export interface CostContext {
	readonly pricing: Pricing;
	readonly settings: Settings;
	/** File ref / item hash → byte size, for STORE files and program / immutable volumes. */
	readonly sizes?: SizeMap;
}

/** The priced message. Wei amounts: see {@link CostAmounts}. */
export interface CostResult {
	readonly paymentType: PaymentType;
	/** Product of the aggregate the message is priced as (pyaleph's product type); null for unpriced messages. */
	readonly product: ProductKey | null;
	readonly rows: readonly CostRow[];
	/** `F(Σ rows[column of the payment type])`: ALEPH (hold), ALEPH/s (superfluid) or credits/s (credit), 18 decimals. */
	readonly total: string;
	readonly totalWei: bigint;
	/** `F(Σ)` of every column, whatever the payment type. */
	readonly totalsWei: CostAmounts;
	/** Refs / item hashes whose byte size was not in `sizes`: they got no row (pyaleph's legacy tolerance). */
	readonly missingSizes: readonly string[];
	/** STORE only: the file size in MiB (before the credit floor), or null when unknown. */
	readonly storeSizeMib: number | null;
}

/** The column a payment type is charged on. */
export function columnOf(paymentType: PaymentType): keyof CostAmounts {
	return paymentType === "superfluid" ? "stream" : paymentType === "credit" ? "credit" : "hold";
}

/** pyaleph's product type of a priced message (GPU instances need the tier breakdown). */
function selectProduct(msg: Exclude<PricedMessage, { kind: "unpriced" }>, gpuProduct: ProductKey | null): ProductKey {
	switch (msg.kind) {
		case "store":
			return "storage";
		case "program":
			return msg.persistent ? "program_persistent" : "program";
		case "vprogram":
			return "instance_confidential";
		case "instance":
			if (msg.confidential) return "instance_confidential";
			return gpuProduct ?? "instance";
	}
}

function storeRows(msg: StoreMessage, ctx: CostContext): Result<{ rows: CostRow[]; missing: string[]; sizeMib: number | null }> {
	let mibValue: number;
	let mib: Exact;
	if (msg.estimatedSizeMib) {
		mibValue = msg.estimatedSizeMib;
		mib = exactFromDouble(mibValue);
	} else {
		const bytes = lookupSize(ctx.sizes, msg.fileHash);
		if (!bytes.ok) return bytes;
		if (bytes.value === undefined) return ok({ rows: [], missing: [msg.fileHash], sizeMib: null });
		mibValue = Number(bytes.value) / 1048576;
		mib = exactMibFromBytes(bytes.value);
	}
	if (mib.c === 0n) return ok({ rows: [], missing: [], sizeMib: 0 });
	const belowFloor = compareWithInteger(mib, MIN_STORE_COST_MIB) < 0;
	const billed = msg.payment.type === "credit" && belowFloor ? MIN_STORE_COST_MIB : mib;
	const amounts = priceVolume(billed, ctx.pricing.products.storage.storage, msg.payment.type);
	const row = makeCostRow("STORAGE", "STORAGE", msg.itemHash, amounts, mibValue);
	return ok({ rows: [row], missing: [], sizeMib: mibValue });
}

function executionRows(
	msg: ExecutableMessage,
	ctx: CostContext,
): Result<{
	rows: CostRow[];
	missing: string[];
	gpuProduct: ProductKey | null;
}> {
	const { pricing } = ctx;
	const paymentType = msg.payment.type;
	const rows: CostRow[] = [];
	let storagePricing = pricing.products[selectProduct(msg, null)];
	let gpuProduct: ProductKey | null = null;
	if (msg.kind === "instance" && msg.gpuDeviceIds.length > 0) {
		const tiers = computeGpuTierUnits(msg.gpuDeviceIds, msg.resources, pricing, ctx.settings);
		if (!tiers.ok) return tiers;
		for (const [product, units] of tiers.value) {
			const prices = pricing.products[product].computeUnit;
			if (prices === null) return fail("invalid_pricing", "missing compute_unit price", `${product}.price.compute_unit`);
			// GPU execution rows get no credit minimum in pyaleph.
			rows.push(makeCostRow("EXECUTION", product, null, priceWholeQuantity(units, prices, false)));
		}
		gpuProduct =
			tiers.value.length === 1 && tiers.value[0]?.[0] === "instance_gpu_standard" ? "instance_gpu_standard" : "instance_gpu_premium";
		storagePricing = pricing.products.instance_gpu_premium;
	} else {
		const prices = storagePricing.computeUnit;
		if (prices === null) return fail("invalid_pricing", "missing compute_unit price", `${storagePricing.key}.price.compute_unit`);
		const multiplier = msg.kind === "program" && !msg.persistent && msg.internet ? 2 : 1;
		const units = computeComputeUnits(msg.resources, storagePricing.spec) * multiplier;
		const amounts = priceWholeQuantity(units, prices, paymentType === "credit");
		rows.push(makeCostRow("EXECUTION", storagePricing.key, null, amounts));
	}
	const volumes = computeVolumeRows(msg, storagePricing.storage, paymentType, ctx.sizes);
	if (!volumes.ok) return volumes;
	const allowance = (storagePricing.spec?.diskMib ?? 0) * computeComputeUnits(msg.resources, storagePricing.spec);
	rows.push(...volumes.value.rows, computeDiscountRow(volumes.value.rows, allowance, storagePricing.storage));
	return ok({ rows, missing: volumes.value.missing, gpuProduct });
}

function build(msg: PricedMessage, ctx: CostContext): Result<CostResult> {
	if (msg.kind === "unpriced") {
		const zero = { hold: 0n, stream: 0n, credit: 0n };
		return ok({
			paymentType: "hold",
			product: null,
			rows: [],
			total: fromWei(0n),
			totalWei: 0n,
			totalsWei: zero,
			missingSizes: [],
			storeSizeMib: null,
		});
	}
	let rows: CostRow[];
	let missing: string[];
	let product: ProductKey;
	let storeSizeMib: number | null = null;
	if (msg.kind === "store") {
		const store = storeRows(msg, ctx);
		if (!store.ok) return store;
		({ rows, missing } = store.value);
		storeSizeMib = store.value.sizeMib;
		product = "storage";
	} else {
		const execution = executionRows(msg, ctx);
		if (!execution.ok) return execution;
		({ rows, missing } = execution.value);
		product = selectProduct(msg, execution.value.gpuProduct);
	}
	const totalsWei = sumColumns(rows);
	const totalWei = totalsWei[columnOf(msg.payment.type)];
	return ok({
		paymentType: msg.payment.type,
		product,
		rows,
		total: fromWei(totalWei),
		totalWei,
		totalsWei,
		missingSizes: missing,
		storeSizeMib,
	});
}

/**
 * Prices a parsed message: cost rows (all three columns), the total of its
 * payment type's column, and the refs whose size was unknown.
 * @returns `invalid_message` for an unknown GPU device / model (field
 *   `content.requirements.gpu[i].device_id`), `invalid_sizes` for a bad `sizes`
 *   value, `cost_overflow` when an amount reaches 10^10 units.
 */
export function computeCosts(msg: PricedMessage, ctx: CostContext): Result<CostResult> {
	try {
		return build(msg, ctx);
	} catch (error) {
		if (error instanceof CostOverflowError) return fail("cost_overflow", error.message);
		throw error;
	}
}
