/**
 * Messages of pyaleph's test-suite (tests/services/test_cost_service.py,
 * tests/message_processing/test_process_instances.py, …), rebuilt as raw
 * Aleph messages for the pricing tests.
 */
import { getDefaultPricing, getDefaultSettings } from "../../src/pricing/aggregates.ts";
import { type CostContext, type CostResult, computeCosts } from "../../src/pricing/costs.ts";
import { type PricedMessage, parseMessage } from "../../src/pricing/message.ts";
import type { SizeMap } from "../../src/pricing/sizes.ts";

export type Json = Record<string, unknown>;

export const ADDRESS = "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874";
export const TIME_2023 = 1701099523.849;
export const PARENT_REF = "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595";
export const NODE_HASH = "dc3d1d194a990b5c54380c3c0439562fefa42f5a46807cba1c500ec3affecf04";
export const SUPERFLUID = {
	chain: "AVAX",
	receiver: ADDRESS,
	type: "superfluid",
};
export const CONFIDENTIAL_ENV = {
	internet: true,
	aleph_api: true,
	hypervisor: "qemu",
	trusted_execution: {
		policy: 1,
		firmware: "e258d248fda94c63753607f7c4494ee0fcbe92f1a76bfdac795c9d84101eb317",
	},
};

/** A message envelope around `content`. */
export function envelope(type: string, content: Json, time = TIME_2023): Json {
	return {
		type,
		sender: ADDRESS,
		time,
		item_hash: "abab",
		content: { address: ADDRESS, time, ...content },
	};
}

/** pyaleph's `fixture_hold_instance_message`, with content overrides. */
export function instance(overrides: Json = {}, time = TIME_2023): Json {
	return envelope(
		"INSTANCE",
		{
			rootfs: {
				parent: { ref: PARENT_REF, use_latest: true },
				size_mib: 20480,
				persistence: "host",
			},
			volumes: [],
			metadata: { name: "Test Debian 12" },
			resources: { vcpus: 1, memory: 2048, seconds: 30 },
			allow_amend: false,
			environment: {
				internet: true,
				aleph_api: true,
				reproducible: false,
				shared_cache: false,
			},
			authorized_keys: [],
			...overrides,
		},
		time,
	);
}

/** The four volumes of `fixture_*_instance_message_complete` with the given sizes. */
export function completeVolumes(sizes: [number, number, number, number]): Json[] {
	return [
		{
			comment: "Ephemeral storage",
			mount: "/var/cache",
			ephemeral: true,
			size_mib: sizes[0],
		},
		{
			mount: "/var/lib/sqlite",
			name: "sqlite-data",
			persistence: "host",
			size_mib: sizes[1],
		},
		{
			mount: "/var/lib/statistics",
			name: "statistics",
			persistence: "store",
			size_mib: sizes[2],
		},
		{
			comment: "Raw drive",
			name: "raw-data",
			persistence: "host",
			size_mib: sizes[3],
		},
	];
}

/** `fixture_hold_program_message_complete` (estimated sizes). */
export function programComplete(): Json {
	const ref = "cafe".repeat(16);
	return envelope(
		"PROGRAM",
		{
			on: { http: true, persistent: false },
			code: {
				ref,
				encoding: "zip",
				entrypoint: "main:app",
				use_latest: true,
				estimated_size_mib: 2048,
			},
			type: "vm-function",
			payment: { type: "hold", chain: "ETH" },
			runtime: {
				ref,
				comment: "Aleph Alpine Linux",
				use_latest: true,
				estimated_size_mib: 1024,
			},
			data: {
				ref,
				mount: "/data",
				encoding: "zip",
				use_latest: true,
				estimated_size_mib: 2048,
			},
			volumes: [
				{ mount: "/mount1", ref, use_latest: true, estimated_size_mib: 512 },
				{
					mount: "/mount2",
					persistence: "host",
					name: "pers1",
					size_mib: 1024,
				},
			],
			resources: { vcpus: 1, memory: 128, seconds: 30 },
			allow_amend: false,
			environment: {
				internet: true,
				aleph_api: true,
				reproducible: false,
				shared_cache: false,
			},
		},
		1740986893.735,
	);
}

/** Ref of the 1 MiB immutable volume of `fixture_instance_message`. */
export const VENV_REF = "5f31b0706f59404fad3d0bff97ef89ddf24da4761608ea0646329362c662ba51";

/** pyaleph's `fixture_instance_message` (test_process_instances.py), time 2021. */
export function processInstance(payment?: Json): Json {
	return envelope(
		"INSTANCE",
		{
			environment: {
				reproducible: true,
				internet: false,
				aleph_api: false,
				shared_cache: false,
			},
			resources: { vcpus: 1, memory: 2048, seconds: 30 },
			requirements: payment ? null : { cpu: { architecture: "x86_64" } },
			...(payment ? { payment } : {}),
			rootfs: {
				parent: {
					ref: "549ec451d9b099cad112d4aaa2c00ac40fb6729a92ff252ff22eef0b5c3cb613",
					use_latest: true,
				},
				persistence: "host",
				name: "test-rootfs",
				size_mib: 20480,
			},
			volumes: [
				{ mount: "/opt/venv", ref: VENV_REF, use_latest: false },
				{ mount: "/var/cache", ephemeral: true, size_mib: 5 },
				{
					mount: "/var/lib/sqlite",
					name: "sqlite-data",
					persistence: "host",
					size_mib: 10,
				},
				{
					mount: "/var/lib/statistics",
					name: "statistics",
					persistence: "store",
					size_mib: 10,
				},
				{
					name: "raw-data",
					persistence: "host",
					mount: "/var/raw",
					size_mib: 10,
				},
			],
		},
		1619017773.8950577,
	);
}

/** A GPU instance (qemu, node hash) with the given device ids and resources. */
export function gpuInstance(deviceIds: string[], vcpus: number, memory: number): Json {
	return instance({
		resources: { vcpus, memory, seconds: 30 },
		requirements: {
			node: { node_hash: NODE_HASH },
			gpu: deviceIds.map((id) => ({
				vendor: "NVIDIA",
				device_name: "GPU",
				device_class: "0300",
				device_id: id,
			})),
		},
		environment: { internet: true, aleph_api: true, hypervisor: "qemu" },
	});
}

/** A STORE of an IPFS file. */
export function store(fileHash: string, time: number, payment?: Json, extra: Json = {}): Json {
	return envelope(
		"STORE",
		{
			item_type: "ipfs",
			item_hash: fileHash,
			...(payment ? { payment } : {}),
			...extra,
		},
		time,
	);
}

/** The default pricing and settings, with optional sizes. */
export function context(sizes?: SizeMap): CostContext {
	return sizes === undefined
		? { pricing: getDefaultPricing(), settings: getDefaultSettings() }
		: { pricing: getDefaultPricing(), settings: getDefaultSettings(), sizes };
}

/** Parses a message that must be valid. */
export function parsed(raw: unknown): PricedMessage {
	const result = parseMessage(raw);
	if (!result.ok) throw new Error(`fixture does not parse: ${JSON.stringify(result.error)}`);
	return result.value;
}

/** Parses and prices a message that must be priceable. */
export function priced(raw: unknown, sizes?: SizeMap): { message: PricedMessage; costs: CostResult } {
	const message = parsed(raw);
	const costs = computeCosts(message, context(sizes));
	if (!costs.ok) throw new Error(`fixture cannot be priced: ${JSON.stringify(costs.error)}`);
	return { message, costs: costs.value };
}
