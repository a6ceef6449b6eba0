import type { Address } from "viem";
import { createFlow, deleteFlow, updateFlow } from "../devchain/superfluid.ts";
import type { StreamChain, StreamChainName } from "./chains.ts";

/**
 * How a PAYG instance is paid, as aleph-client opens it: `required × 0.8` (truncated to wei) to the
 * CRN's receiver and the rest to the community wallet, wei per second.
 */
export function splitRequired(requiredWei: bigint): { crn: bigint; community: bigint } {
	const crn = (requiredWei * 8n) / 10n;
	return { crn, community: requiredWei - crn };
}

/**
 * The streams the demo's accounts keep open, per chain, sender and receiver. Opening or stopping
 * an instance adds or removes its share on the two flows (create, update or delete as needed).
 * Changes of one sender run one after the other, so its transactions never race.
 */
export class StreamBook {
	private readonly rates = new Map<string, bigint>();
	private readonly queues = new Map<string, Promise<unknown>>();

	constructor(
		private readonly chains: Record<StreamChainName, StreamChain>,
		/** The settings' community wallet. */
		readonly communityWallet: Address,
	) {}

	/** Current flow rate of `sender → receiver` on `chain`, wei per second. */
	rate(chain: StreamChainName, sender: Address, receiver: Address): bigint {
		return this.rates.get(key(chain, sender, receiver)) ?? 0n;
	}

	/** Whether `sender` has an open flow on `chain`. */
	isStreaming(chain: StreamChainName, sender: Address): boolean {
		const prefix = `${chain}:${sender.toLowerCase()}:`;
		for (const [k, rate] of this.rates) if (rate > 0n && k.startsWith(prefix)) return true;
		return false;
	}

	/** Number of open flows. */
	openFlows(): number {
		return [...this.rates.values()].filter((r) => r > 0n).length;
	}

	/**
	 * Streams `requiredWei` more per second from `sender` for an instance on the CRN paid by `crn`.
	 * Resolves with the block of the last flow transaction (0 when nothing changed).
	 */
	pay(chain: StreamChainName, sender: Address, crn: Address, requiredWei: bigint): Promise<bigint> {
		const split = splitRequired(requiredWei);
		return this.change(chain, sender, [
			[crn, split.crn],
			[this.communityWallet, split.community],
		]);
	}

	/**
	 * Streams `requiredWei` less per second: the instance on that CRN stopped. Resolves like
	 * {@link pay}. The community flow goes down first: between the two transactions the sender's
	 * balance then lasts at most 1.25× as long as before, never 5× (see `activity.ts`).
	 */
	stop(chain: StreamChainName, sender: Address, crn: Address, requiredWei: bigint): Promise<bigint> {
		const split = splitRequired(requiredWei);
		return this.change(chain, sender, [
			[this.communityWallet, -split.community],
			[crn, -split.crn],
		]);
	}

	/** Forgets the flows of a sender whose streams were closed by someone else (a liquidation). */
	closedExternally(chain: StreamChainName, sender: Address, receivers: readonly Address[]): void {
		for (const receiver of receivers) this.rates.delete(key(chain, sender, receiver));
	}

	private change(chain: StreamChainName, sender: Address, deltas: [Address, bigint][]): Promise<bigint> {
		const queueKey = `${chain}:${sender}`;
		const run = async () => {
			const target = this.chains[chain];
			let block = 0n;
			for (const [receiver, delta] of deltas) {
				if (delta === 0n) continue;
				const k = key(chain, sender, receiver);
				const before = this.rates.get(k) ?? 0n;
				const after = before + delta < 0n ? 0n : before + delta;
				if (after === before) continue;
				const flow = { sender, receiver };
				const receipt =
					before === 0n
						? await createFlow(target.client, target.sf, { ...flow, flowRate: after })
						: after === 0n
							? await deleteFlow(target.client, target.sf, flow)
							: await updateFlow(target.client, target.sf, { ...flow, flowRate: after });
				if (after === 0n) this.rates.delete(k);
				else this.rates.set(k, after);
				block = receipt.blockNumber;
			}
			return block;
		};
		const next = (this.queues.get(queueKey) ?? Promise.resolve()).then(run, run);
		this.queues.set(
			queueKey,
			next.catch(() => {}),
		);
		return next;
	}
}

function key(chain: string, sender: Address, receiver: Address): string {
	return `${chain}:${sender.toLowerCase()}:${receiver.toLowerCase()}`;
}
