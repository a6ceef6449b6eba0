import { type Address, erc20Abi, type Hash, type TransactionReceipt } from "viem";
import { confirm } from "../devchain/client.ts";
import type { DemoChain } from "./chains.ts";

/** One ALEPH transfer to send. Amount in wei. */
export type Transfer = { from: Address; to: Address; amount: bigint };

/**
 * Gas limit of one ALEPH `transfer`, in gas: ~52k on the ERC-20, ~110k on the Super Token (its
 * ERC-1820 hook look-ups). A fixed limit skips the node's estimate, which would run against the
 * latest block and miss the sender's transactions still waiting for the next one.
 */
const TRANSFER_GAS = 300_000n;

/** The last submission of each (chain, sender): the next one waits for it. */
const submissions = new Map<string, Promise<unknown>>();

/**
 * Sends one ALEPH `transfer(to, amount)` from `from` (impersonated) and returns its hash without
 * waiting for the receipt. Submissions of one sender on one chain go one at a time: anvil picks
 * the nonce of an `eth_sendTransaction`, and two at once would get the same one.
 */
export function sendTransfer(chain: DemoChain, transfer: Transfer): Promise<Hash> {
	const key = `${chain.name}:${transfer.from.toLowerCase()}`;
	const submit = () =>
		chain.client.writeContract({
			address: chain.token,
			abi: erc20Abi,
			functionName: "transfer",
			args: [transfer.to, transfer.amount],
			account: transfer.from,
			gas: TRANSFER_GAS,
		});
	const submitted = (submissions.get(key) ?? Promise.resolve()).then(submit, submit);
	submissions.set(
		key,
		submitted.catch(() => {}),
	);
	return submitted;
}

/**
 * Sends the transfers in order (each submission awaited, so one sender's nonces follow each other),
 * then waits until every one is mined; throws if one reverted.
 */
export async function sendTransfers(chain: DemoChain, transfers: readonly Transfer[]): Promise<TransactionReceipt[]> {
	const hashes: Hash[] = [];
	for (const transfer of transfers) hashes.push(await sendTransfer(chain, transfer));
	return Promise.all(hashes.map((hash) => confirm(chain.client, hash)));
}

/** Gives every account enough native currency for gas on a chain. */
export async function fundGas(chain: DemoChain, accounts: readonly Address[]): Promise<void> {
	await Promise.all(accounts.map((address) => chain.client.setBalance({ address, value: 10n ** 21n })));
}
