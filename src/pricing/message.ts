/**
 * @module pricing/message
 * Parsing an Aleph message (`{ type, sender, time, item_hash?, content }`) into
 * the form the cost model reads. Every problem comes back as an
 * `invalid_message` error naming the field; nothing here throws.
 */
import type { z } from "zod";
import { formatFieldPath } from "../lib/field-path.ts";
import {
	type CodeRefSchema,
	EnvelopeSchema,
	InstanceContentSchema,
	type ParsedVolume,
	type PaymentSchema,
	ProgramContentSchema,
	type ResourcesSchema,
	StoreContentSchema,
	UnpricedContentSchema,
	VProgramContentSchema,
} from "./message-schemas.ts";
import { fail, ok, type Result } from "./result.ts";

/** How a message pays: hold ALEPH, stream ALEPH (Superfluid PAYG), or spend credits. */
export type PaymentType = "hold" | "superfluid" | "credit";

/** `content.payment`; a missing payment means hold. */
export interface Payment {
	readonly type: PaymentType;
	readonly chain: string | null;
	readonly receiver: string | null;
}

/** `content.resources` (MiB of memory). */
export interface Resources {
	readonly vcpus: number;
	readonly memory: number;
}

/** A reference to a stored file (program code / runtime / data, immutable volume). */
export interface FileRef {
	readonly ref: string;
	readonly useLatest: boolean;
	/** Cost-estimation size in MiB (used instead of the file's size when non-zero). */
	readonly estimatedSizeMib: number | null;
}

/** A machine volume, in `content.volumes` order. */
export type Volume =
	| ({ readonly kind: "immutable"; readonly mount: string | null } & FileRef)
	| {
			readonly kind: "persistent" | "ephemeral";
			readonly mount: string | null;
			readonly sizeMib: number;
	  }
	/** A V-Program verity-bound volume: paid by its STORE, no execution cost. */
	| { readonly kind: "verified"; readonly ref: string };

interface Envelope {
	readonly sender: string;
	/** Envelope time, Unix seconds (float). */
	readonly time: number;
	readonly itemHash: string | null;
	/** `content.address`: the account that is charged. */
	readonly address: string;
	readonly payment: Payment;
}

/** A STORE message; its file is `content.item_hash`. */
export interface StoreMessage extends Envelope {
	readonly kind: "store";
	readonly type: "STORE";
	readonly fileHash: string;
	readonly estimatedSizeMib: number | null;
}

/** A PROGRAM message (on-demand unless `on.persistent`). */
export interface ProgramMessage extends Envelope {
	readonly kind: "program";
	readonly type: "PROGRAM";
	readonly resources: Resources;
	readonly persistent: boolean;
	readonly internet: boolean;
	readonly code: FileRef;
	readonly runtime: FileRef;
	readonly data: FileRef | null;
	readonly volumes: readonly Volume[];
}

/** An INSTANCE message. */
export interface InstanceMessage extends Envelope {
	readonly kind: "instance";
	readonly type: "INSTANCE";
	readonly resources: Resources;
	/** `environment.trusted_execution` is set. */
	readonly confidential: boolean;
	/** `requirements.gpu[].device_id`, in order. */
	readonly gpuDeviceIds: readonly string[];
	readonly rootfs: { readonly parentRef: string; readonly sizeMib: number };
	readonly volumes: readonly Volume[];
}

/** A V-PROGRAM message (priced as a confidential instance, credit only). */
export interface VProgramMessage extends Envelope {
	readonly kind: "vprogram";
	readonly type: "V-PROGRAM";
	readonly resources: Resources;
	readonly volumes: readonly Volume[];
}

/** POST, AGGREGATE and FORGET messages: never charged. */
export interface UnpricedMessage {
	readonly kind: "unpriced";
	readonly type: "POST" | "AGGREGATE" | "FORGET";
	readonly sender: string;
	readonly time: number;
	readonly itemHash: string | null;
	readonly address: string | null;
}

/** A parsed message, ready for {@link computeCosts}. */
export type PricedMessage = StoreMessage | ProgramMessage | InstanceMessage | VProgramMessage | UnpricedMessage;

const UNPRICED_TYPES = new Set(["POST", "AGGREGATE", "FORGET"]);

function invalid<T>(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): Result<T> {
	const issue = issues[0];
	const field = formatFieldPath([...prefix, ...(issue?.path ?? [])]);
	// A message that is not an object at all is reported on the field "message".
	return fail("invalid_message", issue?.message ?? "invalid message", field === "" ? "message" : field);
}

function toPayment(payment: z.infer<typeof PaymentSchema>): Payment {
	return {
		type: payment?.type ?? "hold",
		chain: payment?.chain ?? null,
		receiver: payment?.receiver ?? null,
	};
}

function toResources(resources: z.infer<typeof ResourcesSchema>): Resources {
	return { vcpus: resources.vcpus, memory: resources.memory };
}

function toFileRef(value: z.infer<typeof CodeRefSchema>, defaultLatest: boolean): FileRef {
	return {
		ref: value.ref,
		useLatest: value.use_latest ?? defaultLatest,
		estimatedSizeMib: value.estimated_size_mib ?? null,
	};
}

function toVolume(volume: ParsedVolume): Volume {
	switch (volume.kind) {
		case "immutable":
			return {
				kind: "immutable",
				mount: volume.value.mount ?? null,
				ref: volume.value.ref,
				useLatest: volume.value.use_latest ?? true,
				estimatedSizeMib: volume.value.estimated_size_mib ?? null,
			};
		case "verified":
			return { kind: "verified", ref: volume.value.ref };
		default:
			return { kind: volume.kind, mount: volume.value.mount ?? null, sizeMib: volume.value.size_mib };
	}
}

/**
 * Validates an Aleph message and extracts what pricing needs.
 * @param input any JSON value (e.g. the `message` of a `/v1/can-pay` body).
 * @returns the parsed message, or `invalid_message` naming the field
 *   (`content.rootfs.size_mib`, `content.payment.type`, `type`, …).
 */
export function parseMessage(input: unknown): Result<PricedMessage> {
	const envelope = EnvelopeSchema.safeParse(input);
	if (!envelope.success) return invalid(envelope.error.issues, []);
	const { type, sender, time, content } = envelope.data;
	const itemHash = envelope.data.item_hash ?? null;
	const head = { sender, time, itemHash };

	if (UNPRICED_TYPES.has(type)) {
		const parsed = UnpricedContentSchema.safeParse(content);
		if (!parsed.success) return invalid(parsed.error.issues, ["content"]);
		const unpricedType = type as UnpricedMessage["type"];
		return ok({
			kind: "unpriced",
			type: unpricedType,
			...head,
			address: parsed.data.address ?? null,
		});
	}
	switch (type) {
		case "STORE": {
			const parsed = StoreContentSchema.safeParse(content);
			if (!parsed.success) return invalid(parsed.error.issues, ["content"]);
			const c = parsed.data;
			return ok({
				kind: "store",
				type,
				...head,
				address: c.address,
				payment: toPayment(c.payment),
				fileHash: c.item_hash,
				estimatedSizeMib: c.estimated_size_mib ?? null,
			});
		}
		case "PROGRAM": {
			const parsed = ProgramContentSchema.safeParse(content);
			if (!parsed.success) return invalid(parsed.error.issues, ["content"]);
			const c = parsed.data;
			return ok({
				kind: "program",
				type,
				...head,
				address: c.address,
				payment: toPayment(c.payment),
				resources: toResources(c.resources),
				persistent: c.on.persistent === true,
				internet: c.environment.internet === true,
				code: toFileRef(c.code, false),
				runtime: toFileRef(c.runtime, true),
				data: c.data ? toFileRef(c.data, false) : null,
				volumes: (c.volumes ?? []).map(toVolume),
			});
		}
		case "INSTANCE": {
			const parsed = InstanceContentSchema.safeParse(content);
			if (!parsed.success) return invalid(parsed.error.issues, ["content"]);
			const c = parsed.data;
			return ok({
				kind: "instance",
				type,
				...head,
				address: c.address,
				payment: toPayment(c.payment),
				resources: toResources(c.resources),
				confidential: c.environment.trusted_execution != null,
				gpuDeviceIds: (c.requirements?.gpu ?? []).map((gpu) => gpu.device_id),
				rootfs: { parentRef: c.rootfs.parent.ref, sizeMib: c.rootfs.size_mib },
				volumes: (c.volumes ?? []).map(toVolume),
			});
		}
		case "V-PROGRAM": {
			const parsed = VProgramContentSchema.safeParse(content);
			if (!parsed.success) return invalid(parsed.error.issues, ["content"]);
			const c = parsed.data;
			return ok({
				kind: "vprogram",
				type,
				...head,
				address: c.address,
				payment: toPayment(c.payment),
				resources: toResources(c.resources),
				volumes: (c.volumes ?? []).map(toVolume),
			});
		}
		default:
			return fail("invalid_message", `unknown message type "${type}"`, "type");
	}
}
