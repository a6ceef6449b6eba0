/**
 * fast-check generators of valid Aleph messages (as raw JSON plus the `sizes`
 * map of the files they reference), described by small descriptors so a
 * property can change one size or resource and price again.
 */
import fc from "fast-check";
import { ADDRESS, NODE_HASH } from "./fixtures.ts";

export type VolumeSpec =
	| { kind: "ephemeral"; sizeMib: number; mount: string | null }
	| { kind: "persistent"; sizeMib: number; mount: string | null }
	| { kind: "immutable"; ref: string; bytes: number | null; estimatedMib: number | null; mount: string | null };

export type PaymentSpec = "hold" | "credit" | "superfluid" | null;

export interface InstanceSpec {
	kind: "instance";
	vcpus: number;
	memory: number;
	rootfsMib: number;
	confidential: boolean;
	gpus: string[];
	volumes: VolumeSpec[];
	payment: PaymentSpec;
	time: number;
}

export interface ProgramSpec {
	kind: "program";
	vcpus: number;
	memory: number;
	persistent: boolean;
	internet: boolean;
	codeBytes: number | null;
	runtimeBytes: number | null;
	dataBytes: number | null | "absent";
	volumes: VolumeSpec[];
	payment: PaymentSpec;
	time: number;
}

export interface StoreSpec {
	kind: "store";
	bytes: number | null;
	payment: "hold" | "credit" | null;
	time: number;
}

export type MessageSpec = InstanceSpec | ProgramSpec | StoreSpec;

const GPU_IDS = ["10de:2684", "10de:26b9", "10de:20b2", "10de:2330", "10de:27b0", "10de:2204"];
const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
const mount = fc.option(fc.constantFrom("/data", "/var/lib/x", "", "/mnt"), { nil: null });
/** A Unix time between 2023 and 2027. */
export const timeArb = fc.integer({ min: 1_672_531_200, max: 1_830_000_000 });

export const volumeArb: fc.Arbitrary<VolumeSpec> = fc.oneof(
	fc.record({ kind: fc.constant("ephemeral" as const), sizeMib: fc.integer({ min: 1, max: 1000 }), mount }),
	fc.record({ kind: fc.constant("persistent" as const), sizeMib: fc.integer({ min: 1, max: 2_097_152 }), mount }),
	fc.record({
		kind: fc.constant("immutable" as const),
		ref: hex,
		bytes: fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: null }),
		estimatedMib: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
		mount,
	}),
);

const payment = fc.constantFrom<PaymentSpec>("hold", "credit", "superfluid", null);

export const instanceArb: fc.Arbitrary<InstanceSpec> = fc.record({
	kind: fc.constant("instance" as const),
	vcpus: fc.integer({ min: 1, max: 256 }),
	memory: fc.integer({ min: 1, max: 1_048_576 }),
	rootfsMib: fc.integer({ min: 1, max: 2_097_152 }),
	confidential: fc.boolean(),
	gpus: fc.oneof(fc.constant([] as string[]), fc.array(fc.constantFrom(...GPU_IDS), { minLength: 1, maxLength: 4 })),
	volumes: fc.array(volumeArb, { maxLength: 6 }),
	payment,
	time: timeArb,
});

export const programArb: fc.Arbitrary<ProgramSpec> = fc.record({
	kind: fc.constant("program" as const),
	vcpus: fc.integer({ min: 1, max: 256 }),
	memory: fc.integer({ min: 1, max: 1_048_576 }),
	persistent: fc.boolean(),
	internet: fc.boolean(),
	codeBytes: fc.option(fc.integer({ min: 0, max: 2 ** 36 }), { nil: null }),
	runtimeBytes: fc.option(fc.integer({ min: 0, max: 2 ** 36 }), { nil: null }),
	dataBytes: fc.oneof(fc.constant("absent" as const), fc.option(fc.integer({ min: 0, max: 2 ** 36 }), { nil: null })),
	volumes: fc.array(volumeArb, { maxLength: 6 }),
	payment,
	time: timeArb,
});

export const storeArb: fc.Arbitrary<StoreSpec> = fc.record({
	kind: fc.constant("store" as const),
	bytes: fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: null }),
	payment: fc.constantFrom<"hold" | "credit" | null>("hold", "credit", null),
	time: timeArb,
});

export const messageArb: fc.Arbitrary<MessageSpec> = fc.oneof(instanceArb, programArb, storeArb);

function paymentJson(spec: PaymentSpec): Record<string, unknown> {
	if (spec === null) return {};
	if (spec === "superfluid") return { payment: { type: "superfluid", chain: "AVAX", receiver: ADDRESS } };
	return { payment: { type: spec } };
}

function volumeJson(volume: VolumeSpec, sizes: Map<string, number>): Record<string, unknown> {
	const mountPart = volume.mount === null ? {} : { mount: volume.mount };
	switch (volume.kind) {
		case "ephemeral":
			return { ephemeral: true, size_mib: volume.sizeMib, ...mountPart };
		case "persistent":
			return { persistence: "host", size_mib: volume.sizeMib, ...mountPart };
		case "immutable":
			if (volume.bytes !== null) sizes.set(volume.ref, volume.bytes);
			return {
				ref: volume.ref,
				use_latest: false,
				...mountPart,
				...(volume.estimatedMib === null ? {} : { estimated_size_mib: volume.estimatedMib }),
			};
	}
}

const CODE_REF = "c0de".repeat(16);
const RUNTIME_REF = "7e57".repeat(16);
const DATA_REF = "da7a".repeat(16);
const FILE_REF = "f11e".repeat(16);

/** The raw message and `sizes` map a descriptor stands for. */
export function toRaw(spec: MessageSpec): { raw: Record<string, unknown>; sizes: Map<string, number> } {
	const sizes = new Map<string, number>();
	let type: string;
	let content: Record<string, unknown>;
	if (spec.kind === "store") {
		type = "STORE";
		if (spec.bytes !== null) sizes.set(FILE_REF, spec.bytes);
		content = { item_type: "ipfs", item_hash: FILE_REF, ...paymentJson(spec.payment) };
	} else if (spec.kind === "program") {
		type = "PROGRAM";
		for (const [ref, bytes] of [
			[CODE_REF, spec.codeBytes],
			[RUNTIME_REF, spec.runtimeBytes],
			[DATA_REF, spec.dataBytes],
		] as const) {
			if (typeof bytes === "number") sizes.set(ref, bytes);
		}
		content = {
			on: { http: true, persistent: spec.persistent },
			code: { ref: CODE_REF, encoding: "zip", entrypoint: "main:app" },
			runtime: { ref: RUNTIME_REF, comment: "runtime" },
			...(spec.dataBytes === "absent" ? {} : { data: { ref: DATA_REF, encoding: "zip", mount: "/data" } }),
			environment: { internet: spec.internet },
			resources: { vcpus: spec.vcpus, memory: spec.memory },
			volumes: spec.volumes.map((volume) => volumeJson(volume, sizes)),
			...paymentJson(spec.payment),
		};
	} else {
		type = "INSTANCE";
		const needsNode = spec.gpus.length > 0 || spec.payment === "credit" || spec.payment === "superfluid";
		content = {
			rootfs: { parent: { ref: "9a7e".repeat(16) }, size_mib: spec.rootfsMib, persistence: "host" },
			resources: { vcpus: spec.vcpus, memory: spec.memory },
			environment: {
				...(spec.confidential || spec.gpus.length > 0 ? { hypervisor: "qemu" } : {}),
				...(spec.confidential ? { trusted_execution: { policy: 1 } } : {}),
			},
			...(needsNode || spec.gpus.length > 0
				? {
						requirements: {
							node: { node_hash: NODE_HASH },
							...(spec.gpus.length > 0 ? { gpu: spec.gpus.map((id) => ({ device_id: id })) } : {}),
						},
					}
				: {}),
			volumes: spec.volumes.map((volume) => volumeJson(volume, sizes)),
			...paymentJson(spec.payment),
		};
	}
	const raw = {
		type,
		sender: ADDRESS,
		time: spec.time,
		item_hash: "e5".repeat(32),
		content: { address: ADDRESS, time: spec.time, ...content },
	};
	return { raw, sizes };
}
