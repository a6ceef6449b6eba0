import { createHash } from "node:crypto";
import type { Address } from "viem";
import type { StreamChainName } from "./chains.ts";

/**
 * Envelope time of the demo's messages, unix seconds (2025-02-19): after the community wallet's
 * start and before 2026-03-11, from when the network refuses hold and superfluid instances (202).
 * Each message adds a few seconds so that no two are alike.
 */
export const MESSAGE_TIME = 1_740_000_000;

/** Debian 12 root filesystem of the Aleph network (the `parent.ref` of most instances). */
const DEBIAN_12_ROOTFS = "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595";

/** An Aleph INSTANCE message as a node receives it. */
export type InstanceMessage = {
	type: "INSTANCE";
	chain: "ETH";
	sender: Address;
	time: number;
	item_type: "inline";
	item_hash: string;
	content: Record<string, unknown>;
};

/** What to build: who pays, how big, and how it is paid. */
export type InstanceSpec = {
	owner: Address;
	/** vCPUs; memory is 2 GiB per vCPU, so the instance costs `vcpus` compute units. */
	vcpus: number;
	name: string;
	payment: { type: "hold" } | { type: "credit" } | { type: "superfluid"; chain: StreamChainName; receiver: Address };
};

let sequence = 0;

/**
 * Builds an INSTANCE message (1 compute unit per vCPU, a 20 GiB rootfs, which the compute units
 * include). A superfluid one names its CRN receiver and, as aleph-message requires, the node hash.
 * The item hash is the sha256 of the content, like an inline message's.
 */
export function instanceMessage(spec: InstanceSpec): InstanceMessage {
	const time = MESSAGE_TIME + 7 * ++sequence;
	const payment = spec.payment.type === "superfluid" ? spec.payment : { type: spec.payment.type, chain: "ETH" };
	const content: Record<string, unknown> = {
		address: spec.owner,
		time,
		metadata: { name: spec.name },
		rootfs: { parent: { ref: DEBIAN_12_ROOTFS, use_latest: true }, persistence: "host", size_mib: 20_480 },
		resources: { vcpus: spec.vcpus, memory: 2_048 * spec.vcpus, seconds: 30 },
		environment: { internet: true, aleph_api: true, hypervisor: "qemu" },
		payment,
		...(spec.payment.type === "superfluid" ? { requirements: { node: { node_hash: nodeHash(spec.payment.receiver) } } } : {}),
		volumes: [],
		allow_amend: false,
	};
	return {
		type: "INSTANCE",
		chain: "ETH",
		sender: spec.owner,
		time,
		item_type: "inline",
		item_hash: createHash("sha256").update(JSON.stringify(content)).digest("hex"),
		content,
	};
}

/** The node hash of the CRN paid by `receiver` (a stable digest of it). */
export function nodeHash(receiver: Address): string {
	return createHash("sha256").update(`crn ${receiver.toLowerCase()}`).digest("hex");
}
