import { type Address, encodeFunctionData } from "viem";
import { alephTokenAbi } from "../../devchain/aleph-token-abi.ts";
import type { DevClient } from "../../devchain/client.ts";
import { seededRandom } from "../../devchain/seeded-random.ts";

/** A seeded random source (mulberry32), so a failing run can be replayed. */
export function createRandom(seed: number) {
	const next = seededRandom(seed);
	return {
		next,
		int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
		pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
		/** A random amount in [1, max] wei. */
		amount: (max: bigint) => (max <= 1n ? max : 1n + (BigInt(Math.floor(next() * 2 ** 52)) * max) / 2n ** 52n),
	};
}

/** Deterministic test accounts (not anvil's): `0x…a1…` style addresses from an index. */
export function testAccounts(count: number, salt = 1): Address[] {
	return Array.from({ length: count }, (_, i) => `0x${(salt * 1_000_003 + i).toString(16).padStart(8, "0").repeat(5)}` as Address);
}

/** Lets any address send transactions on anvil, with gas money. */
export async function enableAccounts(client: DevClient, accounts: readonly Address[]): Promise<void> {
	await client.request({
		method: "anvil_autoImpersonateAccount" as never,
		params: [true] as never,
	});
	for (const account of accounts) await client.setBalance({ address: account, value: 10n ** 21n });
}

export type Erc20TrafficOptions = {
	token: Address;
	accounts: readonly Address[];
	/** Known balances of `accounts` (updated in place), wei. */
	balances: Map<Address, bigint>;
	/** Blocks to mine. */
	blocks: number;
	random: ReturnType<typeof createRandom>;
	/** Most transactions per block. Default: `4`. */
	maxPerBlock?: number;
};

/**
 * Mines `blocks` blocks holding random transfers, mints and burns among `accounts` (1 to
 * `maxPerBlock` transactions each, some blocks empty), never overdrawing an account.
 */
export async function generateErc20Traffic(client: DevClient, options: Erc20TrafficOptions): Promise<{ transactions: number }> {
	const { token, accounts, balances, random } = options;
	let transactions = 0;
	await client.setAutomine(false);
	try {
		for (let b = 0; b < options.blocks; b++) {
			const count = random.next() < 0.1 ? 0 : random.int(1, options.maxPerBlock ?? 4);
			for (let i = 0; i < count; i++) {
				const roll = random.next();
				const from = random.pick(accounts);
				const to = random.pick(accounts);
				const balance = balances.get(from) ?? 0n;
				let data: `0x${string}`;
				if (roll < 0.15 || balance === 0n) {
					const amount = random.amount(10n ** 21n);
					data = encodeFunctionData({
						abi: alephTokenAbi,
						functionName: "mint",
						args: [to, amount],
					});
					balances.set(to, (balances.get(to) ?? 0n) + amount);
				} else if (roll < 0.3) {
					const amount = random.amount(balance);
					data = encodeFunctionData({
						abi: alephTokenAbi,
						functionName: "burn",
						args: [from, amount],
					});
					balances.set(from, balance - amount);
				} else {
					const amount = random.next() < 0.1 ? balance : random.amount(balance);
					data = encodeFunctionData({
						abi: alephTokenAbi,
						functionName: "transfer",
						args: [to, amount],
					});
					balances.set(from, balance - amount);
					balances.set(to, (balances.get(to) ?? 0n) + amount);
				}
				await client.sendTransaction({
					account: from,
					to: token,
					data,
					gas: 120_000n,
					chain: null,
				});
				transactions++;
			}
			await client.mine({ blocks: 1 });
		}
	} finally {
		await client.setAutomine(true);
	}
	return { transactions };
}
