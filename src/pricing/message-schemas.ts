/**
 * @module pricing/message-schemas
 * zod schemas of the parts of an Aleph message the cost model reads, with
 * aleph-message's constraints on them (sizes, resources, payment types, the
 * GPU / confidential / PAYG requirement rules). Fields the cost model does not
 * read are passed through unchecked.
 */
import { z } from "zod";

/** aleph-message `MAX_VCPUS`. */
const MAX_VCPUS = 256;
/** aleph-message `MAX_MEMORY_MIB` (1 TiB). */
const MAX_MEMORY_MIB = 1024 * 1024;
/** aleph-message persistent volume / rootfs size limit: 2048 GiB in MiB. */
const MAX_PERSISTENT_MIB = 2048 * 1024;
/** aleph-message ephemeral volume size limit, in MiB. */
const MAX_EPHEMERAL_MIB = 1000;
/** aleph-message `MAX_VOLUMES`. */
const MAX_VOLUMES = 256;

const Ref = z.string().min(1);
const Mount = z.string().nullish();
/** `estimated_size_mib` of the cost-estimation schemas (integers; negative sizes are refused). */
const EstimatedMib = z.int().nonnegative().nullish();

export const PaymentSchema = z
	.looseObject({
		type: z.enum(["hold", "superfluid", "credit"]),
		chain: z.string().nullish(),
		receiver: z.string().nullish(),
	})
	.nullish();

export const ResourcesSchema = z.object({
	vcpus: z.int().min(1).max(MAX_VCPUS).default(1),
	memory: z.int().min(1).max(MAX_MEMORY_MIB).default(128),
});

export const CodeRefSchema = z.object({
	ref: Ref,
	use_latest: z.boolean().nullish(),
	estimated_size_mib: EstimatedMib,
});

const ImmutableVolumeSchema = z.object({
	ref: Ref,
	use_latest: z.boolean().nullish(),
	mount: Mount,
	estimated_size_mib: EstimatedMib,
});
const EphemeralVolumeSchema = z.object({
	ephemeral: z.literal(true),
	size_mib: z.int().min(1).max(MAX_EPHEMERAL_MIB),
	mount: Mount,
});
const PersistentVolumeSchema = z.object({
	size_mib: z.int().min(1).max(MAX_PERSISTENT_MIB),
	mount: Mount,
});
const VerifiedVolumeSchema = z.object({ ref: Ref });

/** A volume after classification (aleph-message picks the union member the same way). */
export type ParsedVolume =
	| {
			readonly kind: "immutable";
			readonly value: z.infer<typeof ImmutableVolumeSchema>;
	  }
	| {
			readonly kind: "ephemeral";
			readonly value: z.infer<typeof EphemeralVolumeSchema>;
	  }
	| {
			readonly kind: "persistent";
			readonly value: z.infer<typeof PersistentVolumeSchema>;
	  }
	| {
			readonly kind: "verified";
			readonly value: z.infer<typeof VerifiedVolumeSchema>;
	  };

function volumeSchema(allowVerified: boolean) {
	return z.unknown().transform((input, ctx): ParsedVolume => {
		if (input === null || typeof input !== "object" || Array.isArray(input)) {
			ctx.addIssue({ code: "custom", message: "expected a volume object" });
			return z.NEVER;
		}
		const isVerified = allowVerified && ("roothash" in input || "hash_tree" in input);
		const kind: ParsedVolume["kind"] = isVerified
			? "verified"
			: "ref" in input
				? "immutable"
				: "ephemeral" in input && (input as { ephemeral: unknown }).ephemeral === true
					? "ephemeral"
					: "persistent";
		const schema = {
			immutable: ImmutableVolumeSchema,
			ephemeral: EphemeralVolumeSchema,
			persistent: PersistentVolumeSchema,
			verified: VerifiedVolumeSchema,
		}[kind];
		const parsed = schema.safeParse(input);
		if (!parsed.success) {
			for (const issue of parsed.error.issues) {
				ctx.addIssue({
					code: "custom",
					message: issue.message,
					path: issue.path,
				});
			}
			return z.NEVER;
		}
		return { kind, value: parsed.data } as ParsedVolume;
	});
}

const Volumes = z.array(volumeSchema(false)).max(MAX_VOLUMES).optional();

const base = { address: z.string(), payment: PaymentSchema };

export const StoreContentSchema = z.object({
	...base,
	payment: PaymentSchema.refine((payment) => payment?.type !== "superfluid", {
		path: ["type"],
		message: "only 'hold' and 'credit' payment types are supported for store messages",
	}),
	item_hash: Ref,
	/** Cost-estimation field: size in MiB (a float, like pyaleph's `CostEstimationStoreContent`). */
	estimated_size_mib: z.number().nonnegative().nullish(),
});

export const ProgramContentSchema = z.object({
	...base,
	resources: ResourcesSchema,
	environment: z.object({ internet: z.boolean().optional() }),
	on: z.object({ persistent: z.boolean().nullish() }),
	code: CodeRefSchema,
	runtime: CodeRefSchema,
	data: CodeRefSchema.nullish(),
	volumes: Volumes,
});

export const InstanceContentSchema = z
	.looseObject({
		...base,
		resources: ResourcesSchema,
		environment: z.object({
			hypervisor: z.enum(["qemu", "firecracker"]).nullish(),
			trusted_execution: z.record(z.string(), z.unknown()).nullish(),
		}),
		rootfs: z.object({
			parent: z.object({ ref: Ref }),
			size_mib: z.int().min(1).max(MAX_PERSISTENT_MIB),
		}),
		requirements: z
			.looseObject({
				node: z.object({ node_hash: z.string().nullish() }).nullish(),
				gpu: z.array(z.object({ device_id: z.string() })).nullish(),
			})
			.nullish(),
		volumes: Volumes,
	})
	.superRefine((content, ctx) => {
		const qemu = content.environment.hypervisor === "qemu";
		const tee = content.environment.trusted_execution;
		if (tee && Object.keys(tee).length > 0 && !qemu) {
			ctx.addIssue({
				code: "custom",
				path: ["environment", "trusted_execution"],
				message: "Trusted Execution Environment is only supported for QEmu",
			});
		}
		const requirements = content.requirements;
		if (!requirements) return;
		const hasNodeHash = Boolean(requirements.node?.node_hash);
		const payment = content.payment?.type;
		if ((payment === "superfluid" || payment === "credit") && !hasNodeHash) {
			ctx.addIssue({
				code: "custom",
				path: ["requirements", "node", "node_hash"],
				message: "Node hash assignment is needed for PAYG or Credit payments",
			});
		}
		if (requirements.gpu && requirements.gpu.length > 0) {
			if (!hasNodeHash) {
				ctx.addIssue({
					code: "custom",
					path: ["requirements", "node", "node_hash"],
					message: "Node hash assignment is needed for GPU support",
				});
			}
			if (!qemu) {
				ctx.addIssue({
					code: "custom",
					path: ["environment", "hypervisor"],
					message: "GPU option is only supported for QEmu hypervisor",
				});
			}
		}
	});

export const VProgramContentSchema = z.object({
	...base,
	resources: ResourcesSchema,
	volumes: z.array(volumeSchema(true)).max(MAX_VOLUMES).optional(),
});

export const UnpricedContentSchema = z.object({
	address: z.string().optional(),
});

export const EnvelopeSchema = z.object({
	type: z.string(),
	sender: z.string(),
	time: z.number().nonnegative(),
	item_hash: z.string().nullish(),
	content: z.custom<Record<string, unknown>>(
		(value) => value !== null && typeof value === "object" && !Array.isArray(value),
		"expected an object",
	),
});
