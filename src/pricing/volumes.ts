/**
 * @module pricing/volumes
 * Volume rows and the free-disk discount of executable messages (§3.5).
 */
import type { UnitPrices } from "./aggregates.ts";
import {
	type CostRow,
	type CostType,
	formatAmounts,
	makeCostRow,
	type PricedAmounts,
	priceAmounts,
	priceWholeQuantity,
	sumColumns,
} from "./cost-row.ts";
import { checkAmount } from "./decimal.ts";
import { type Exact, exactFromInteger, exactMibFromBytes, floorExactToWei, multiply, negate } from "./exact.ts";
import type { FileRef, InstanceMessage, PaymentType, ProgramMessage, VProgramMessage } from "./message.ts";
import { ok, type Result } from "./result.ts";
import { lookupSize, type SizeMap } from "./sizes.ts";

/** Messages that run: they get execution, volume and discount rows. */
export type ExecutableMessage = ProgramMessage | InstanceMessage | VProgramMessage;

/** A volume to price: a whole number of MiB, a file size, or an unknown file. */
interface Charge {
	readonly type: CostType;
	readonly name: string;
	readonly ref: string | null;
	/** Size in MiB: a whole number (message sizes), an exact decimal (file bytes / 2^20), or null (unknown file: no row). */
	readonly mib: number | Exact | null;
	/** The size as pyaleph reports it (`size_mib`). */
	readonly sizeMib?: number;
}

const ROOTFS = "EXECUTION_INSTANCE_VOLUME_ROOTFS";
const CODE = "EXECUTION_PROGRAM_VOLUME_CODE";
const RUNTIME = "EXECUTION_PROGRAM_VOLUME_RUNTIME";
const DATA = "EXECUTION_PROGRAM_VOLUME_DATA";

function fileCharge(type: CostType, name: string, file: FileRef, sizes: SizeMap | undefined): Result<Charge> {
	const ref = file.ref;
	if (file.estimatedSizeMib) {
		const mib = file.estimatedSizeMib;
		return ok({ type, name, ref, mib, sizeMib: mib });
	}
	const bytes = lookupSize(sizes, ref);
	if (!bytes.ok) return bytes;
	if (bytes.value === undefined) return ok({ type, name, ref, mib: null });
	const sizeMib = Number(bytes.value) / 1048576;
	return ok({ type, name, ref, mib: exactMibFromBytes(bytes.value), sizeMib });
}

function executionCharges(msg: ExecutableMessage, sizes: SizeMap | undefined): Result<Charge[]> {
	const charges: Result<Charge>[] = [];
	if (msg.kind === "instance") {
		const mib = msg.rootfs.sizeMib;
		charges.push(ok({ type: ROOTFS, name: ROOTFS, ref: msg.rootfs.parentRef, mib, sizeMib: mib }));
	} else if (msg.kind === "program") {
		charges.push(fileCharge(CODE, CODE, msg.code, sizes));
		charges.push(fileCharge(RUNTIME, RUNTIME, msg.runtime, sizes));
		if (msg.data) charges.push(fileCharge(DATA, DATA, msg.data, sizes));
	}
	for (const [index, volume] of msg.volumes.entries()) {
		// pyaleph names volumes f"#{i}:{volume.mount or CostType.X}"; on Python >= 3.11 a
		// str-mixin Enum member formats as "CostType.X", so that is the name it stores.
		if (volume.kind === "verified") continue;
		if (volume.kind === "immutable") {
			const name = `#${index}:${volume.mount || "CostType.EXECUTION_VOLUME_INMUTABLE"}`;
			charges.push(fileCharge("EXECUTION_VOLUME_INMUTABLE", name, volume, sizes));
		} else {
			const name = `#${index}:${volume.mount || "CostType.EXECUTION_VOLUME_PERSISTENT"}`;
			const mib = volume.sizeMib;
			charges.push(ok({ type: "EXECUTION_VOLUME_PERSISTENT", name, ref: null, mib, sizeMib: mib }));
		}
	}
	const out: Charge[] = [];
	for (const charge of charges) {
		if (!charge.ok) return charge;
		out.push(charge.value);
	}
	return ok(out);
}

/**
 * `F(s × price)` per column of a volume of `mib` MiB; for credit payment the
 * credit column is at least `F(1/3600)` (1 credit per hour).
 */
export function priceVolume(mib: number | Exact, prices: UnitPrices, paymentType: PaymentType): PricedAmounts {
	const creditMinimum = paymentType === "credit";
	return typeof mib === "number" ? priceWholeQuantity(mib, prices, creditMinimum) : priceAmounts(mib, prices, creditMinimum);
}

/** Volume rows of an executable message, plus the refs whose size is unknown (no row). */
export function computeVolumeRows(
	msg: ExecutableMessage,
	prices: UnitPrices,
	paymentType: PaymentType,
	sizes: SizeMap | undefined,
): Result<{ rows: CostRow[]; missing: string[] }> {
	const charges = executionCharges(msg, sizes);
	if (!charges.ok) return charges;
	const rows: CostRow[] = [];
	const missing: string[] = [];
	for (const charge of charges.value) {
		if (charge.mib === null) {
			if (charge.ref !== null) missing.push(charge.ref);
			continue;
		}
		const amounts = priceVolume(charge.mib, prices, paymentType);
		rows.push(makeCostRow(charge.type, charge.name, charge.ref, amounts, charge.sizeMib));
	}
	return ok({ rows, missing });
}

function discountColumn(sum: bigint, allowanceMib: Exact, price: Exact): bigint {
	const cap = multiply(allowanceMib, price);
	// min(sum, cap): sum sits on the 10^-18 grid, so sum <= cap iff sum <= F(cap).
	return sum <= floorExactToWei(cap) ? -sum : checkAmount(floorExactToWei(negate(cap)));
}

/**
 * The `EXECUTION_VOLUME_DISCOUNT` row: per column `F(−min(Σ volume costs, A × unit price))`
 * with the free-disk allowance `A = disk_mib × CU` (MiB).
 */
export function computeDiscountRow(volumeRows: readonly CostRow[], allowanceMib: number, prices: UnitPrices): CostRow {
	const allowance = exactFromInteger(allowanceMib);
	const exact = prices.exact;
	const sums = sumColumns(volumeRows);
	const wei = {
		hold: discountColumn(sums.hold, allowance, exact.hold),
		stream: discountColumn(sums.stream, allowance, exact.streamPerSecond),
		credit: discountColumn(sums.credit, allowance, exact.creditPerSecond),
	};
	const name = "EXECUTION_VOLUME_DISCOUNT";
	return makeCostRow(name, name, null, formatAmounts(wei));
}
