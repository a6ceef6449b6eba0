import type { Address, Hash, TransactionReceipt } from "viem";
import { alephTokenAbi } from "./aleph-token-abi.ts";
import { confirm, type DevClient, defaultAccount, toAddress } from "./client.ts";
import { compileContract } from "./compile.ts";

/** A balance credited at deployment without a `Transfer` event. */
export interface GenesisAllocation {
	/** Holder, any letter case. */
	address: string;
	/** Amount in wei (18 decimals). */
	amount: bigint;
}

/** Options of {@link deployAlephToken}. */
export interface DeployAlephTokenOptions {
	genesis?: readonly GenesisAllocation[];
	/** Deployer (default: the first dev account). */
	from?: string;
}

/** Result of {@link deployAlephToken}; addresses are checksummed. */
export interface DeployedAlephToken {
	address: Address;
	deployer: Address;
	blockNumber: bigint;
	transactionHash: Hash;
}

/** Common fields of the write helpers. */
export interface WriteOptions {
	/** Token contract, any letter case. */
	token: string;
	/** Gas limit, in gas; estimated by the node when omitted. */
	gas?: bigint;
}

/** Options of the read helpers. */
export interface ReadOptions {
	token: string;
	/** Read the state at this block (default: latest). */
	blockNumber?: bigint;
}

/**
 * Compiles (cached) and deploys `AlephToken`, crediting `genesis` balances in the constructor
 * without any `Transfer` log.
 */
export async function deployAlephToken(client: DevClient, options: DeployAlephTokenOptions = {}): Promise<DeployedAlephToken> {
	const { bytecode } = await compileContract("AlephToken");
	const deployer = options.from ? toAddress(options.from) : await defaultAccount(client);
	const genesis = options.genesis ?? [];
	const hash = await client.deployContract({
		abi: alephTokenAbi,
		bytecode,
		args: [genesis.map((g) => toAddress(g.address)), genesis.map((g) => g.amount)],
		account: deployer,
	});
	const receipt = await confirm(client, hash, { errorAbi: alephTokenAbi });
	if (!receipt.contractAddress) throw new Error(`deployment ${hash} created no contract`);
	return {
		address: toAddress(receipt.contractAddress),
		deployer,
		blockNumber: receipt.blockNumber,
		transactionHash: hash,
	};
}

/** `transfer(to, amount)` from `from`; emits Transfer(from, to, amount). Amount in wei. */
export async function transfer(
	client: DevClient,
	options: WriteOptions & { from: string; to: string; amount: bigint },
): Promise<TransactionReceipt> {
	const hash = await client.writeContract({
		...target(options, toAddress(options.from)),
		functionName: "transfer",
		args: [toAddress(options.to), options.amount],
	});
	return confirm(client, hash, { errorAbi: alephTokenAbi });
}

/** `approve(spender, amount)` from `owner`; emits Approval. Amount in wei. */
export async function approve(
	client: DevClient,
	options: WriteOptions & { owner: string; spender: string; amount: bigint },
): Promise<TransactionReceipt> {
	const hash = await client.writeContract({
		...target(options, toAddress(options.owner)),
		functionName: "approve",
		args: [toAddress(options.spender), options.amount],
	});
	return confirm(client, hash, { errorAbi: alephTokenAbi });
}

/** `mint(to, amount)`; emits Transfer(0x0, to, amount). Sent by `from` (default: first dev account). */
export async function mint(
	client: DevClient,
	options: WriteOptions & { to: string; amount: bigint; from?: string },
): Promise<TransactionReceipt> {
	const from = options.from ? toAddress(options.from) : await defaultAccount(client);
	const hash = await client.writeContract({
		...target(options, from),
		functionName: "mint",
		args: [toAddress(options.to), options.amount],
	});
	return confirm(client, hash, { errorAbi: alephTokenAbi });
}

/** `burn(holder, amount)`; emits Transfer(holder, 0x0, amount). Sent by `from` (default: first dev account). */
export async function burn(
	client: DevClient,
	options: WriteOptions & { holder: string; amount: bigint; from?: string },
): Promise<TransactionReceipt> {
	const from = options.from ? toAddress(options.from) : await defaultAccount(client);
	const hash = await client.writeContract({
		...target(options, from),
		functionName: "burn",
		args: [toAddress(options.holder), options.amount],
	});
	return confirm(client, hash, { errorAbi: alephTokenAbi });
}

/** Upper bound of batchTransfer's gas per entry, in gas (~25.5k used for a new recipient). */
export const BATCH_TRANSFER_GAS_PER_ENTRY = 30_000n;

/**
 * `batchTransfer(to[], amounts[])` from `from`: one Transfer log per entry, in order.
 * Unless `gas` is given, the gas limit is 100k + 30k per entry (no node estimate, which would
 * execute the batch twice), so up to ~33k entries fit the default 1e9-gas block.
 * Measured: 30k new recipients in ~3 s on anvil.
 */
export async function batchTransfer(
	client: DevClient,
	options: WriteOptions & {
		from: string;
		transfers: readonly { to: string; amount: bigint }[];
	},
): Promise<TransactionReceipt> {
	const to = options.transfers.map((t) => toAddress(t.to));
	const amounts = options.transfers.map((t) => t.amount);
	const gas = options.gas ?? 100_000n + BATCH_TRANSFER_GAS_PER_ENTRY * BigInt(to.length);
	const hash = await client.writeContract({
		...target({ ...options, gas }, toAddress(options.from)),
		functionName: "batchTransfer",
		args: [to, amounts],
	});
	return confirm(client, hash, { errorAbi: alephTokenAbi });
}

/** ERC-20 balance of `account`, in wei, at `blockNumber` (default latest). */
export async function balanceOf(client: DevClient, options: ReadOptions & { account: string }): Promise<bigint> {
	return client.readContract({
		address: toAddress(options.token),
		abi: alephTokenAbi,
		functionName: "balanceOf",
		args: [toAddress(options.account)],
		blockNumber: options.blockNumber,
	});
}

/** Total supply, in wei, at `blockNumber` (default latest). */
export async function totalSupply(client: DevClient, options: ReadOptions): Promise<bigint> {
	return client.readContract({
		address: toAddress(options.token),
		abi: alephTokenAbi,
		functionName: "totalSupply",
		blockNumber: options.blockNumber,
	});
}

/** The fields every write shares: contract, ABI, sender and optional gas limit. */
function target(options: WriteOptions, account: Address) {
	return {
		address: toAddress(options.token),
		abi: alephTokenAbi,
		account,
		gas: options.gas,
	} as const;
}
