/**
 * A randomized network of resource messages for the tests (and the SIGKILL run): owners with
 * hold, superfluid and credit resources; INSTANCEs (GPU and confidential ones among them),
 * persistent and on-demand PROGRAMs, STOREs of various sizes, volumes referencing STOREs,
 * delegates allowed by the owner's security aggregate and senders that are not, FORGETs (one
 * refused: its target is a volume), a STORE whose file the CCN does not have. It says what each
 * message should become, independently of the oracle.
 */
import { randomBytes } from "node:crypto";
import type { Hex } from "viem";
import { forget, instance, program, securityAggregate, store } from "../../devchain/ccn/messages.ts";
import type { LocalCcn } from "../../devchain/ccn/server.ts";
import { type AlephMessage, createSigner, type Signer } from "../../devchain/ccn/sign.ts";
import type { createRandom } from "../helpers/erc20-traffic.ts";

type Random = ReturnType<typeof createRandom>;

/** What a message should become: a counted resource, forgotten, never valid (unauthorized), or not a resource. */
export type Expected = {
	message: AlephMessage;
	type: string;
	content: Record<string, unknown>;
	fate: "valid" | "forgotten" | "unauthorized";
};

export type Network = {
	messages: AlephMessage[];
	/** STORE message hash and STORE file hash → size in bytes (what the CCN serves). */
	sizes: Map<string, number>;
	resources: Map<string, Expected>;
	owners: string[];
	forgets: { hash: string; applied: boolean }[];
};

const NODE = { node: { node_hash: "dc3d1d194a990b5c54380c3c0439562fefa42f5a46807cba1c500ec3affecf04" } };
/** Before 2026-03-11 a VM may still be paid by hold or a stream (spec §6.1). */
export const HOLD_UNTIL = 1_773_000_000;

function keyOf(random: Random): Hex {
	return `0x${Array.from({ length: 32 }, () => random.int(0, 255).toString(16).padStart(2, "0")).join("")}` as Hex;
}

/**
 * Builds about `count` messages with times in [t0, t1) and adds their files to `ccn` (not the
 * messages: the caller inserts them, in any order).
 */
export async function buildNetwork(
	random: Random,
	ccn: LocalCcn,
	o: { count: number; t0: number; t1: number; owners?: number },
): Promise<Network> {
	const owners: Signer[] = Array.from({ length: o.owners ?? 12 }, () => createSigner(keyOf(random)));
	const delegates: Signer[] = [createSigner(keyOf(random)), createSigner(keyOf(random))];
	const messages: AlephMessage[] = [];
	const sizes = new Map<string, number>();
	const resources = new Map<string, Expected>();
	const forgets: Network["forgets"] = [];
	const time = () => o.t0 + random.next() * (o.t1 - o.t0);
	const stores = new Map<string, string[]>();
	const volumesOf = new Map<string, string[]>();
	const add = (m: AlephMessage, fate: Expected["fate"]) => {
		messages.push(m);
		resources.set(m.item_hash, { message: m, type: m.type, content: JSON.parse(m.item_content as string), fate });
	};
	// Half the owners let a delegate publish (and forget) for them.
	const delegateOf = new Map<string, Signer>();
	for (const [i, owner] of owners.entries()) {
		if (i % 2 !== 0) continue;
		const d = delegates[i % 4 === 0 ? 0 : 1] as Signer;
		delegateOf.set(owner.address, d);
		messages.push(
			await owner.sign(
				securityAggregate({
					sender: owner.address,
					time: o.t0 - 10,
					authorizations: [{ address: d.address, types: ["INSTANCE", "PROGRAM", "STORE", "FORGET"] }],
				}),
			),
		);
	}
	/** The owner itself, its delegate, or (1 in 12) someone not allowed. */
	const signerFor = (owner: Signer): { signer: Signer; fate: Expected["fate"] } => {
		const r = random.next();
		if (r < 1 / 12)
			return { signer: owners.find((x) => x !== owner && delegateOf.get(owner.address) !== x) as Signer, fate: "unauthorized" };
		const d = delegateOf.get(owner.address);
		if (d && r < 0.4) return { signer: d, fate: "valid" };
		return { signer: owner, fate: "valid" };
	};
	const sign = (s: Signer, m: Parameters<Signer["sign"]>[0]) => s.sign(m);

	const storeCount = Math.floor(o.count * 0.35);
	for (let i = 0; i < storeCount; i++) {
		const owner = random.pick(owners);
		const size = random.pick([1_000, 512 * 1024, 10 * 1024 * 1024, 30 * 1024 * 1024, 250 * 1024 * 1024 + 17, random.int(1, 5e8)]);
		const fileHash = randomBytes(32).toString("hex");
		// One STORE in 40 names a file the CCN does not have: no size, no STORAGE row.
		const lost = random.next() < 1 / 40;
		if (!lost) ccn.addFile(null, { hash: fileHash, size });
		const t = time();
		const { signer, fate } = signerFor(owner);
		const m = await sign(
			signer,
			store({
				sender: signer.address,
				address: owner.address,
				time: t,
				itemHash: fileHash,
				payment: { chain: "ETH", type: random.pick(["hold", "credit"]) },
			}),
		);
		if (!lost) {
			sizes.set(m.item_hash, size);
			sizes.set(fileHash, size);
		}
		add(m, fate);
		if (fate === "valid" && !lost) stores.set(owner.address, [...(stores.get(owner.address) ?? []), m.item_hash]);
	}
	const allStores = [...stores.values()].flat();
	const vms: { hash: string; owner: Signer }[] = [];
	const vmCount = o.count - storeCount - Math.floor(o.count * 0.08);
	for (let i = 0; i < vmCount; i++) {
		const owner = random.pick(owners);
		const t = time();
		const hold = t < HOLD_UNTIL;
		const paymentType = hold ? random.pick(["hold", "superfluid", "credit"] as const) : "credit";
		const payment =
			paymentType === "superfluid"
				? { chain: random.pick(["AVAX", "BASE"]), type: "superfluid" as const, receiver: "0x000000000000000000000000000000000000dEaD" }
				: { chain: "ETH", type: paymentType };
		const volumes: Record<string, unknown>[] = [];
		for (let v = random.int(0, 2); v > 0; v--) {
			const kind = random.int(0, 2);
			if (kind === 0 && allStores.length > 0)
				volumes.push({ mount: random.pick(["/data", ""]), ref: random.pick(allStores), use_latest: false });
			else if (kind === 1) volumes.push({ mount: "/persist", persistence: "host", name: "p", size_mib: random.int(1, 200_000) });
			else volumes.push({ mount: "/tmp", ephemeral: true, size_mib: random.int(1, 1000) });
		}
		const { signer, fate } = signerFor(owner);
		let m: AlephMessage;
		if (random.next() < 0.7) {
			const kind = random.int(0, 5);
			const requirements =
				kind === 0
					? {
							...NODE,
							gpu: [
								{
									device_id: random.pick(["10de:2684", "10de:26b9", "10de:2330", "10de:27b0"]),
									vendor: "NVIDIA",
									model: "x",
									device_class: "0300",
								},
							],
						}
					: kind === 1
						? { ...NODE, gpu: [{ device_id: "10de:2204" }, { device_id: "10de:20b5" }] }
						: NODE;
			m = await sign(
				signer,
				instance({
					sender: signer.address,
					address: owner.address,
					time: t,
					payment,
					resources: { vcpus: random.int(1, 8), memory: random.pick([2048, 4096, 6144, 8192, 16384]) },
					rootfs: { sizeMib: random.pick([20480, 40960, 102400]) },
					volumes,
					requirements,
					...(kind === 2 ? { environment: { trusted_execution: { firmware: "ab".repeat(32), policy: 1 }, hypervisor: "qemu" } } : {}),
				}),
			);
		} else {
			if (allStores.length === 0) continue;
			const persistent = random.next() < 0.5;
			m = await sign(
				signer,
				program({
					sender: signer.address,
					address: owner.address,
					time: t,
					persistent,
					payment: persistent ? (payment.type === "superfluid" ? payment : { chain: "ETH", type: "credit" }) : payment,
					codeRef: random.pick(allStores),
					runtime: random.pick(allStores),
					memory: random.pick([128, 2048, 4096]),
					vcpus: random.int(1, 2),
					volumes,
				}),
			);
		}
		add(m, fate);
		if (fate === "valid") vms.push({ hash: m.item_hash, owner });
		volumesOf.set(
			m.item_hash,
			volumes.flatMap((v) => (typeof v.ref === "string" ? [v.ref] : [])),
		);
	}
	// FORGETs: by the owner or its delegate (applied), by someone else (refused as a whole), of a STORE used as a volume (refused).
	const forgetCount = Math.floor(o.count * 0.08);
	for (let i = 0; i < forgetCount && vms.length > 0; i++) {
		const target = vms.splice(random.int(0, vms.length - 1), 1)[0] as { hash: string; owner: Signer };
		const t = Math.max(time(), (resources.get(target.hash)?.content.time as number) + 1);
		const r = random.next();
		const d = delegateOf.get(target.owner.address);
		const signer = r < 0.15 ? (owners.find((x) => x !== target.owner && x !== d) as Signer) : d && r < 0.5 ? d : target.owner;
		const applied = signer === target.owner || signer === d;
		const f = await sign(signer, forget({ sender: signer.address, time: t, hashes: [target.hash] }));
		messages.push(f);
		forgets.push({ hash: f.item_hash, applied });
		if (applied) (resources.get(target.hash) as Expected).fate = "forgotten";
	}
	// A STORE still used as a volume by a counted VM.
	const used = [...volumesOf].flatMap(([vm, refs]) => (resources.get(vm)?.fate === "valid" ? refs : []));
	const volume = used.find((h) => resources.get(h)?.fate === "valid");
	if (volume) {
		const owner = owners.find((x) => x.address === (resources.get(volume)?.content.address as string)) as Signer;
		const f = await sign(owner, forget({ sender: owner.address, time: o.t1, hashes: [volume] }));
		messages.push(f);
		forgets.push({ hash: f.item_hash, applied: false });
	}
	return { messages, sizes, resources, owners: owners.map((x) => x.address.toLowerCase()), forgets };
}
