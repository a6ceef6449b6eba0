import { decodeFunctionResult, encodeFunctionData, parseAbi } from "viem";
import type { Db } from "../db/database.ts";
import { addToOutbox } from "../queue/outbox.ts";
import { eth_call, type LightBlock } from "../rpc/actions.ts";
import type { RpcClient } from "../rpc/client.ts";
import { applyReconciliations } from "./tables/reconciliations.ts";

const superTokenAbi = parseAbi([
	"function realtimeBalanceOf(address account, uint256 timestamp) view returns (int256 availableBalance, uint256 deposit, uint256 owedDeposit)",
]);

/**
 * Reads `realtimeBalanceOf` at `block` for accounts whose balance events cannot explain (GDA or
 * IDA activity): the available balance and deposit at the block's time, and the net flow rate of
 * all agreements as the change of the available balance over one second. Stored per block, with
 * the accounts put in the outbox in the same transaction (their entitlement changed); a rollback
 * drops the reads above its ancestor.
 */
export async function reconcileAccounts(
	db: Db,
	rpc: RpcClient,
	chain: string,
	token: string,
	accounts: string[],
	block: LightBlock,
): Promise<void> {
	if (accounts.length === 0) return;
	const read = async (account: string, timestamp: bigint) => {
		const data = encodeFunctionData({ abi: superTokenAbi, functionName: "realtimeBalanceOf", args: [account as `0x${string}`, timestamp] });
		const [available, deposit, owedDeposit] = decodeFunctionResult({
			abi: superTokenAbi,
			functionName: "realtimeBalanceOf",
			data: (await eth_call(rpc, token, data, block.number)) as `0x${string}`,
		});
		return { available, deposit, owedDeposit };
	};
	const reads = await Promise.all(
		accounts.map(async (address) => {
			const [now, next] = await Promise.all([read(address, block.timestamp), read(address, block.timestamp + 1n)]);
			return {
				address,
				block: block.number,
				timestamp: block.timestamp,
				available: now.available,
				deposit: now.deposit,
				owedDeposit: now.owedDeposit,
				netFlowRate: next.available - now.available,
			};
		}),
	);
	await db.transaction().execute(async (trx) => {
		await applyReconciliations(trx, chain, reads);
		await addToOutbox(trx, chain, accounts);
	});
}
