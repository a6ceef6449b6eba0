import { type Address, parseAbiItem } from "viem";
import { expect } from "vitest";
import type { DevClient } from "../../devchain/client.ts";
import { getFlow, getNetFlow, realtimeBalanceOf, type SuperfluidFramework } from "../../devchain/superfluid.ts";
import type { Db } from "../../src/db/database.ts";
import { computeEntitlement } from "../../src/domain/entitlement.ts";
import { loadEntitlementInputs } from "../../src/entitlements/inputs.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";

const flowUpdated = parseAbiItem(
	"event FlowUpdated(address indexed token, address indexed sender, address indexed receiver, int96 flowRate, int256 totalSenderFlowRate, int256 totalReceiverFlowRate, bytes userData)",
);

/** The indexed view of one account at time `t` (unix seconds): available balance, deposit, net flow rate. */
export async function indexedStreamState(db: Db, chain: string, account: string, t: bigint) {
	const inputs = await loadEntitlementInputs(db, account.toLowerCase(), [chain]);
	const entitlement = computeEntitlement(inputs, { now: t, settings: getDefaultSettings(), horizonSeconds: 0 });
	const stream = entitlement.streams[chain];
	const state = inputs.chains[0];
	return {
		available: stream ? stream.available : (state?.transferred ?? 0n),
		deposit: stream?.deposit ?? 0n,
		netFlowRate: stream?.netFlowRate ?? 0n,
		criticalAt: stream?.criticalAt ?? null,
		source: stream?.source ?? "events",
	};
}

/**
 * Checks the stream index against the real protocol at the indexed block, for every account:
 * available balance = realtimeBalanceOf(account, t) at the block's time and `laterSeconds`
 * later, deposit = its deposit, net flow = getNetFlow; and every flow ever updated equals
 * getFlow (rate and deposit), open flows exactly those with a non-zero rate. To the wei.
 */
export async function expectStreamIndexMatchesChain(
	db: Db,
	client: DevClient,
	sf: SuperfluidFramework,
	chain: string,
	accounts: readonly string[],
	laterSeconds = 3_600n,
) {
	const cursor = await db.selectFrom("chains").selectAll().where("chain", "=", chain).executeTakeFirstOrThrow();
	const block = cursor.indexed_block;
	const t = cursor.indexed_timestamp as bigint;
	expect((await client.getBlock({ blockNumber: block })).timestamp).toBe(t);
	const known = await db.selectFrom("balances").select("address").where("chain", "=", chain).execute();
	const all = new Set([...accounts.map((a) => a.toLowerCase()), ...known.map((k) => k.address)]);
	for (const account of all) {
		for (const at of [t, t + laterSeconds]) {
			const indexed = await indexedStreamState(db, chain, account, at);
			const real = await realtimeBalanceOf(client, sf, { account, timestamp: at, blockNumber: block });
			expect({ account, at, available: indexed.available, deposit: indexed.deposit }).toEqual({
				account,
				at,
				available: real.availableBalance,
				deposit: real.deposit,
			});
		}
		const indexed = await indexedStreamState(db, chain, account, t);
		if (indexed.source === "events")
			expect({ account, net: indexed.netFlowRate }).toEqual({
				account,
				net: await getNetFlow(client, sf, { account, blockNumber: block }),
			});
	}
	const logs = await client.getLogs({ address: sf.cfa, event: flowUpdated, args: { token: sf.token }, fromBlock: 0n, toBlock: block });
	const pairs = new Set(logs.map((l) => `${l.args.sender?.toLowerCase()}:${l.args.receiver?.toLowerCase()}`));
	const open = await db.selectFrom("flows").selectAll().where("chain", "=", chain).execute();
	for (const f of open) pairs.add(`${f.sender}:${f.receiver}`);
	for (const pair of pairs) {
		const [sender, receiver] = pair.split(":") as [Address, Address];
		const real = await getFlow(client, sf, { sender, receiver, blockNumber: block });
		const row = open.find((f) => f.sender === sender && f.receiver === receiver);
		expect({ pair, rate: row?.flow_rate ?? 0n, deposit: row?.deposit ?? 0n }).toEqual({ pair, rate: real.flowRate, deposit: real.deposit });
	}
	return { block, t, accounts: all.size, flows: open.length };
}
