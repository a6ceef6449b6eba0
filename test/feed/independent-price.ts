/**
 * An independent computation of pyaleph's stored costs (spec aleph-network §6.3), written from the
 * spec with decimal.js alone (no code of src/pricing): Python's Decimal context (28 significant
 * digits, ROUND_HALF_EVEN on every operation), `fmt` = floor to 18 decimals, per-hour prices
 * divided by 3600 first. It reads plain JSON: the message content and the pricing / settings
 * aggregate contents.
 */
import { Decimal } from "decimal.js";

const D = Decimal.clone({ precision: 28, rounding: Decimal.ROUND_HALF_EVEN });
type Dec = InstanceType<typeof D>;
// biome-ignore lint/suspicious/noExplicitAny: plain JSON of messages and aggregates
type J = any;

const fmt = (x: Dec) => x.toDecimalPlaces(18, Decimal.ROUND_FLOOR);
const str = (x: Dec) => (x.isZero() ? new D(0) : x).toFixed(18);
const MIN_CREDIT = fmt(new D(1).div(3600));

export type Row = { type: string; name: string; cost_hold: string; cost_stream: string; cost_credit: string };
export type Price = { payment_type: string; cost: string; detail: Row[] };

type Rates = { hold: Dec; stream: Dec; credit: Dec };
const price = (v: unknown) => new D(v === undefined || v === null || v === "" ? 0 : String(v));
const rates = (p: J): Rates => ({
	hold: price(p?.holding),
	stream: price(p?.payg).div(3600),
	credit: price(p?.credit).div(3600),
});

function row(type: string, name: string, qty: Dec | number, r: Rates, creditFloor: boolean): Row & { v: Rates } {
	const q = new D(qty);
	let credit = fmt(q.mul(r.credit));
	if (creditFloor && credit.lt(MIN_CREDIT)) credit = MIN_CREDIT;
	const v = { hold: fmt(q.mul(r.hold)), stream: fmt(q.mul(r.stream)), credit };
	return { type, name, cost_hold: str(v.hold), cost_stream: str(v.stream), cost_credit: str(v.credit), v };
}

/** `files`: STORE message hash (or a STORE's own file hash) → byte size. */
export function independentPrice(type: string, c: J, pricing: J, settings: J, files: ReadonlyMap<string, number>): Price {
	const payment: string = c.payment?.type ?? "hold";
	const credit = payment === "credit";
	const rows: (Row & { v: Rates })[] = [];
	if (type === "STORE") {
		const size = files.get(c.item_hash);
		if (size !== undefined && size > 0) {
			let mib = new D(size).div(1048576);
			if (credit && mib.lt(25)) mib = new D(25);
			rows.push(row("STORAGE", "STORAGE", mib, rates(pricing.storage.price.storage), credit));
		}
		return total(payment, rows);
	}
	const gpus: string[] = (c.requirements?.gpu ?? []).map((g: J) => g.device_id);
	let product: string;
	if (type === "PROGRAM") product = c.on?.persistent ? "program_persistent" : "program";
	else if (c.environment?.trusted_execution) product = "instance_confidential";
	else product = "instance";
	const cuOf = (spec: J) => Math.max(c.resources.vcpus, Math.ceil(c.resources.memory / (spec?.memory_mib ?? 2048)));
	let storageProduct = pricing[product];
	if (gpus.length > 0 && product === "instance") {
		// CUs per GPU tier (premium tiers first), padded up to the resources' CUs on the dominant tier.
		const units = new Map<string, number>();
		for (const id of gpus) {
			const model = settings.compatible_gpus.find((g: J) => g.device_id === id).model;
			const premium = pricing.instance_gpu_premium.tiers.find((t: J) => t.model === model);
			const tier = premium ?? pricing.instance_gpu_standard.tiers.find((t: J) => t.model === model);
			const p = premium ? "instance_gpu_premium" : "instance_gpu_standard";
			units.set(p, (units.get(p) ?? 0) + tier.compute_units);
		}
		const dominant = units.has("instance_gpu_premium") ? "instance_gpu_premium" : "instance_gpu_standard";
		const need = cuOf(pricing[dominant].compute_unit);
		const have = [...units.values()].reduce((a, b) => a + b, 0);
		if (need > have) units.set(dominant, (units.get(dominant) ?? 0) + need - have);
		for (const [p, n] of units) rows.push(row("EXECUTION", p, n, rates(pricing[p].price.compute_unit), false));
		storageProduct = pricing.instance_gpu_premium;
	} else {
		const mult = type === "PROGRAM" && !c.on?.persistent && c.environment?.internet ? 2 : 1;
		rows.push(row("EXECUTION", product, cuOf(storageProduct.compute_unit) * mult, rates(storageProduct.price.compute_unit), credit));
	}
	const storage = rates(storageProduct.price.storage);
	const volumes: (Row & { v: Rates })[] = [];
	const file = (t: string, name: string, ref: string) => {
		const size = files.get(ref);
		if (size !== undefined) volumes.push(row(t, name, new D(size).div(1048576), storage, credit));
	};
	if (type === "INSTANCE")
		volumes.push(row("EXECUTION_INSTANCE_VOLUME_ROOTFS", "EXECUTION_INSTANCE_VOLUME_ROOTFS", c.rootfs.size_mib, storage, credit));
	if (type === "PROGRAM") {
		file("EXECUTION_PROGRAM_VOLUME_CODE", "EXECUTION_PROGRAM_VOLUME_CODE", c.code.ref);
		file("EXECUTION_PROGRAM_VOLUME_RUNTIME", "EXECUTION_PROGRAM_VOLUME_RUNTIME", c.runtime.ref);
		if (c.data) file("EXECUTION_PROGRAM_VOLUME_DATA", "EXECUTION_PROGRAM_VOLUME_DATA", c.data.ref);
	}
	for (const [i, v] of (c.volumes ?? []).entries()) {
		if (v.ref !== undefined) file("EXECUTION_VOLUME_INMUTABLE", `#${i}:${v.mount || "CostType.EXECUTION_VOLUME_INMUTABLE"}`, v.ref);
		else
			volumes.push(
				row("EXECUTION_VOLUME_PERSISTENT", `#${i}:${v.mount || "CostType.EXECUTION_VOLUME_PERSISTENT"}`, v.size_mib, storage, credit),
			);
	}
	rows.push(...volumes);
	const disk = storageProduct.tiers ? storageProduct.compute_unit.disk_mib : 0;
	const allowance = new D(disk * cuOf(storageProduct.compute_unit));
	const discount = (k: keyof Rates) => {
		const sum = volumes.reduce((s, v) => s.add(v.v[k]), new D(0));
		const cap = allowance.mul(storage[k]);
		return fmt((sum.lt(cap) ? sum : cap).neg());
	};
	const v = { hold: discount("hold"), stream: discount("stream"), credit: discount("credit") };
	rows.push({
		type: "EXECUTION_VOLUME_DISCOUNT",
		name: "EXECUTION_VOLUME_DISCOUNT",
		cost_hold: str(v.hold),
		cost_stream: str(v.stream),
		cost_credit: str(v.credit),
		v,
	});
	return total(payment, rows);
}

function total(payment: string, rows: (Row & { v: Rates })[]): Price {
	const k: keyof Rates = payment === "credit" ? "credit" : payment === "superfluid" ? "stream" : "hold";
	const sum = fmt(rows.reduce((s, r) => s.add(r.v[k]), new D(0)));
	return { payment_type: payment, cost: str(sum), detail: rows.map(({ v: _, ...r }) => r) };
}

/** The cost column of a price, as 10^-18 units. */
export const wei = (amount: string): bigint => BigInt(new D(amount).mul(new D(10).pow(18)).toFixed(0));
