/**
 * @module pricing/defaults
 * Built-in aggregates, in Aleph's own JSON shape, exactly as pyaleph's
 * `DEFAULT_PRICE_AGGREGATE` and `DEFAULT_SETTINGS_AGGREGATE`
 * (`src/aleph/toolkit/constants.py`). Used when no aggregate is configured.
 */

/** Content of a `pricing` or `settings` aggregate (or of one of its elements). */
export type AggregateContent = Readonly<Record<string, unknown>>;

function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === "object") {
		for (const inner of Object.values(value)) deepFreeze(inner);
		Object.freeze(value);
	}
	return value;
}

const CPU_TIERS = [
	{ id: "tier-1", compute_units: 1 },
	{ id: "tier-2", compute_units: 2 },
	{ id: "tier-3", compute_units: 4 },
	{ id: "tier-4", compute_units: 6 },
	{ id: "tier-5", compute_units: 8 },
	{ id: "tier-6", compute_units: 12 },
];

const INSTANCE_SPEC = { vcpus: 1, disk_mib: 20480, memory_mib: 2048 };
const GPU_SPEC = { vcpus: 1, disk_mib: 61440, memory_mib: 6144 };

/** pyaleph's `DEFAULT_PRICE_AGGREGATE` (prices: holding in ALEPH, payg in ALEPH/h, credit in credits/h). */
export const DEFAULT_PRICE_AGGREGATE: AggregateContent = deepFreeze({
	program: {
		price: {
			storage: { payg: "0.000000977", holding: "0.05", credit: "0.977" },
			compute_unit: { payg: "0.011", holding: "200", credit: "11000" },
		},
		tiers: CPU_TIERS,
		compute_unit: { vcpus: 1, disk_mib: 2048, memory_mib: 2048 },
	},
	storage: {
		price: {
			storage: { holding: "0.333333333", credit: "0.17967489030626108" },
		},
	},
	instance: {
		price: {
			storage: {
				payg: "0.000000977",
				holding: "0.05",
				credit: "0.17967489030626108",
			},
			compute_unit: { payg: "0.055", holding: "1000", credit: "14250" },
		},
		tiers: CPU_TIERS,
		compute_unit: INSTANCE_SPEC,
	},
	web3_hosting: {
		price: {
			fixed: 50,
			storage: { holding: "0.333333333", credit: "0.17967489030626108" },
		},
	},
	program_persistent: {
		price: {
			storage: { payg: "0.000000977", holding: "0.05", credit: "0.977" },
			compute_unit: { payg: "0.055", holding: "1000", credit: "55000" },
		},
		tiers: CPU_TIERS,
		compute_unit: INSTANCE_SPEC,
	},
	instance_gpu_premium: {
		price: {
			storage: { payg: "0.000000977", credit: "0.17967489030626108" },
			compute_unit: { payg: "0.56", holding: "560", credit: "86250" },
		},
		tiers: [
			{ id: "tier-1", vram: 81920, model: "A100", compute_units: 16 },
			{ id: "tier-2", vram: 81920, model: "H100", compute_units: 24 },
		],
		compute_unit: GPU_SPEC,
	},
	instance_confidential: {
		price: {
			storage: {
				payg: "0.000000977",
				holding: "0.05",
				credit: "0.17967489030626108",
			},
			compute_unit: { payg: "0.11", holding: "2000", credit: "28500" },
		},
		tiers: CPU_TIERS,
		compute_unit: INSTANCE_SPEC,
	},
	instance_gpu_standard: {
		price: {
			storage: { payg: "0.000000977", credit: "0.17967489030626108" },
			compute_unit: { payg: "0.28", holding: "280", credit: "43125" },
		},
		tiers: [
			{ id: "tier-1", vram: 20480, model: "RTX 4000 ADA", compute_units: 3 },
			{ id: "tier-2", vram: 24576, model: "RTX 3090", compute_units: 4 },
			{ id: "tier-3", vram: 24576, model: "RTX 4090", compute_units: 6 },
			{ id: "tier-4", vram: 49152, model: "L40S", compute_units: 12 },
		],
		compute_unit: GPU_SPEC,
	},
});

function nvidia(name: string, model: string, deviceId: string) {
	return { name, model, vendor: "NVIDIA", device_id: deviceId };
}

/** pyaleph's `DEFAULT_SETTINGS_AGGREGATE` (community wallet start 2025-02-11T19:22:50Z). */
export const DEFAULT_SETTINGS_AGGREGATE: AggregateContent = deepFreeze({
	compatible_gpus: [
		nvidia("AD102GL [L40S]", "L40S", "10de:26b9"),
		nvidia("GB202 [GeForce RTX 5090]", "RTX 5090", "10de:2685"),
		nvidia("GB202 [GeForce RTX 5090 D]", "RTX 5090", "10de:2687"),
		nvidia("AD102 [GeForce RTX 4090]", "RTX 4090", "10de:2684"),
		nvidia("AD102 [GeForce RTX 4090 D]", "RTX 4090", "10de:2685"),
		nvidia("GA102 [GeForce RTX 3090]", "RTX 3090", "10de:2204"),
		nvidia("GA102 [GeForce RTX 3090 Ti]", "RTX 3090", "10de:2203"),
		nvidia("AD104GL [RTX 4000 SFF Ada Generation]", "RTX 4000 ADA", "10de:27b0"),
		nvidia("AD104GL [RTX 4000 Ada Generation]", "RTX 4000 ADA", "10de:27b2"),
		nvidia("GH100 [H100]", "H100", "10de:2336"),
		nvidia("GH100 [H100 NVSwitch]", "H100", "10de:22a3"),
		nvidia("GH100 [H100 CNX]", "H100", "10de:2313"),
		nvidia("GH100 [H100 SXM5 80GB]", "H100", "10de:2330"),
		nvidia("GH100 [H100 PCIe]", "H100", "10de:2331"),
		nvidia("GA100", "A100", "10de:2080"),
		nvidia("GA100", "A100", "10de:2081"),
		nvidia("GA100 [A100 SXM4 80GB]", "A100", "10de:20b2"),
		nvidia("GA100 [A100 PCIe 80GB]", "A100", "10de:20b5"),
		nvidia("GA100 [A100X]", "A100", "10de:20b8"),
	],
	community_wallet_address: "0x5aBd3258C5492fD378EBC2e0017416E199e5Da56",
	community_wallet_timestamp: 1739301770,
});
