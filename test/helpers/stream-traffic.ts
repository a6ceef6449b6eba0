import type { Address } from "viem";
import type { DevClient } from "../../devchain/client.ts";
import { createFlow, deleteFlow, increaseTime, type SuperfluidFramework, updateFlow } from "../../devchain/superfluid.ts";
import type { createRandom } from "./erc20-traffic.ts";

/**
 * Random flow activity among `accounts`: creates, updates and deletes through the forwarder,
 * with time moving between them. Rates stay small so nobody goes critical. Returns the number
 * of flow updates made.
 */
export async function generateFlowTraffic(
	client: DevClient,
	sf: SuperfluidFramework,
	options: { accounts: readonly Address[]; operations: number; random: ReturnType<typeof createRandom> },
): Promise<number> {
	const open = new Map<string, { sender: Address; receiver: Address }>();
	let updates = 0;
	for (let i = 0; i < options.operations; i++) {
		const roll = options.random.next();
		const existing = [...open.values()];
		if (existing.length > 0 && roll < 0.3) {
			const flow = options.random.pick(existing);
			await updateFlow(client, sf, { ...flow, flowRate: BigInt(options.random.int(1, 1_000_000)) * 1_000n });
		} else if (existing.length > 0 && roll < 0.5) {
			const flow = options.random.pick(existing);
			await deleteFlow(client, sf, flow);
			open.delete(`${flow.sender}:${flow.receiver}`);
		} else {
			const sender = options.random.pick(options.accounts);
			const receiver = options.random.pick(options.accounts);
			if (sender === receiver || open.has(`${sender}:${receiver}`)) continue;
			await createFlow(client, sf, { sender, receiver, flowRate: BigInt(options.random.int(1, 1_000_000)) * 1_000n });
			open.set(`${sender}:${receiver}`, { sender, receiver });
		}
		updates++;
		if (options.random.next() < 0.2) await increaseTime(client, options.random.int(1, 600));
	}
	return updates;
}
