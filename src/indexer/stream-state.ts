import { EMPTY_STREAM_ACCOUNT, type StreamAccount, settle } from "../domain/superfluid.ts";
import type { FlowEvent } from "./events.ts";

/** An open flow, as stored in `flows`. */
export type Flow = {
	flowRate: bigint;
	deposit: bigint;
	owedDeposit: bigint;
	openedAt: bigint;
	updatedAt: bigint;
	updatedBlock: bigint;
};
export type TrackedAccount = StreamAccount & { updatedBlock: bigint };

/** One row of `flow_updates` produced by the reducer. */
export type FlowUpdateRow = FlowEvent & {
	previousFlowRate: bigint;
	openedAt: bigint | null;
};

export const flowKey = (sender: string, receiver: string) => `${sender}:${receiver}`;

/**
 * Applies FlowUpdated events, in chain order, to the CFA state of the accounts and flows they
 * touch (`accounts` and `flows` hold the state before the batch and are updated in place;
 * a flow closed by the batch maps to null). Mirrors `_changeFlow`: both parties are settled at
 * the block time, take the event's new net flow rate, and the sender's deposit moves by the
 * flow's deposit change. Returns the `flow_updates` rows.
 */
export function applyFlowEvents(
	events: FlowEvent[],
	accounts: Map<string, TrackedAccount>,
	flows: Map<string, Flow | null>,
): FlowUpdateRow[] {
	const updates: FlowUpdateRow[] = [];
	for (const event of events) {
		const t = event.timestamp;
		if (t === null) throw new Error(`flow event ${event.txHash}#${event.logIndex} has no block timestamp`);
		const key = flowKey(event.sender, event.receiver);
		const previous = flows.get(key) ?? null;
		const previousDeposit = previous?.deposit ?? 0n;
		const openedAt = event.flowRate === 0n ? null : previous ? previous.openedAt : t;
		flows.set(
			key,
			openedAt === null
				? null
				: {
						flowRate: event.flowRate,
						deposit: event.deposit,
						owedDeposit: previous?.owedDeposit ?? 0n,
						openedAt,
						updatedAt: t,
						updatedBlock: event.block,
					},
		);
		updates.push({
			...event,
			previousFlowRate: previous?.flowRate ?? 0n,
			openedAt,
		});

		const sides: [string, bigint, bigint][] = [
			[event.sender, event.totalSenderFlowRate, event.deposit - previousDeposit],
			[event.receiver, event.totalReceiverFlowRate, 0n],
		];
		for (const [address, netFlowRate, depositChange] of sides) {
			const before = accounts.get(address) ?? {
				...EMPTY_STREAM_ACCOUNT,
				updatedAt: t,
				updatedBlock: event.block,
			};
			const after: TrackedAccount = {
				...settle(before, t),
				netFlowRate,
				deposit: before.deposit + depositChange,
				updatedBlock: event.block,
			};
			accounts.set(address, after);
		}
	}
	return updates;
}
