import {
	type Abi,
	type Account,
	type Address,
	BaseError,
	type Chain,
	type Client,
	createTestClient,
	decodeErrorResult,
	defineChain,
	getAddress,
	type Hash,
	type Hex,
	http,
	type PublicActions,
	publicActions,
	type TestActions,
	type TransactionReceipt,
	type Transport,
	type WalletActions,
	walletActions,
} from "viem";

/**
 * A viem client with test (anvil), public and wallet actions and a chain. Every devchain
 * helper takes one. Writes use anvil's unlocked dev accounts (JSON-RPC accounts).
 */
export type DevClient = Client<Transport, Chain, Account | undefined> &
	PublicActions<Transport, Chain, Account | undefined> &
	WalletActions<Chain, Account | undefined> &
	TestActions;

/** Where a dev chain answers; `AnvilInstance` fits. */
export interface DevChainEndpoint {
	/** HTTP JSON-RPC URL. */
	url: string;
	chainId: number;
}

/** Options of {@link createDevClient}. */
export interface DevClientOptions {
	/** Polling interval for receipts and watchers, in milliseconds (default 20). */
	pollingIntervalMs?: number;
	/** Per-request HTTP timeout, in milliseconds (default 60000: big batches take seconds). */
	timeoutMs?: number;
	/**
	 * Largest accepted HTTP response, in bytes, or `false` for no limit (the default here).
	 * viem's own default is 10 MiB, which a receipt or eth_getLogs answer with ~15k logs exceeds.
	 */
	maxResponseBodySize?: number | false;
}

/** A viem `Chain` for a local dev chain (ETH as native currency). */
export function devChain(endpoint: DevChainEndpoint): Chain {
	return defineChain({
		id: endpoint.chainId,
		name: `devchain-${endpoint.chainId}`,
		nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
		rpcUrls: { default: { http: [endpoint.url] } },
	});
}

/**
 * Creates a {@link DevClient} for an anvil node. `cacheTime: 0` so block numbers are never
 * stale, and a short polling interval so receipts are seen within milliseconds.
 */
export function createDevClient(endpoint: DevChainEndpoint, options: DevClientOptions = {}): DevClient {
	return createTestClient({
		mode: "anvil",
		chain: devChain(endpoint),
		transport: http(endpoint.url, {
			timeout: options.timeoutMs ?? 60_000,
			maxResponseBodySize: options.maxResponseBodySize ?? false,
		}),
		cacheTime: 0,
		pollingInterval: options.pollingIntervalMs ?? 20,
	})
		.extend(publicActions)
		.extend(walletActions);
}

/** Anvil's unlocked dev accounts, checksummed, in anvil's order. */
export async function devAccounts(client: DevClient): Promise<Address[]> {
	return client.getAddresses();
}

/** The first dev account (the default sender of every helper), checksummed. */
export async function defaultAccount(client: DevClient): Promise<Address> {
	const [first] = await devAccounts(client);
	if (!first) throw new Error("the dev chain has no unlocked account");
	return first;
}

/**
 * Normalises an address given in any letter case to its EIP-55 checksummed form.
 * Every devchain helper returns checksummed addresses.
 */
export function toAddress(value: string): Address {
	return getAddress(value.toLowerCase());
}

/** Options of {@link confirm}. */
export interface ConfirmOptions {
	/** How long to wait for inclusion, in milliseconds (default 60000). */
	timeoutMs?: number;
	/** Custom errors used to decode a revert reason (e.g. the contract's ABI). */
	errorAbi?: Abi;
}

/**
 * Waits for a transaction's receipt and throws if it reverted. The error message carries the
 * revert reason, found by replaying the transaction with `eth_call` on the parent block.
 */
export async function confirm(client: DevClient, hash: Hash, options: ConfirmOptions = {}): Promise<TransactionReceipt> {
	const receipt = await client.waitForTransactionReceipt({
		hash,
		timeout: options.timeoutMs ?? 60_000,
	});
	if (receipt.status !== "success") {
		throw new Error(`transaction ${hash} reverted: ${await revertReason(client, receipt, options.errorAbi)}`);
	}
	return receipt;
}

async function revertReason(client: DevClient, receipt: TransactionReceipt, errorAbi?: Abi): Promise<string> {
	const tx = await client.getTransaction({ hash: receipt.transactionHash });
	const where = `to ${tx.to}, selector ${tx.input.slice(0, 10)}, gas used ${receipt.gasUsed} of ${tx.gas}`;
	try {
		await client.call({
			account: tx.from,
			to: tx.to,
			data: tx.input,
			value: tx.value,
			gas: tx.gas,
			blockNumber: receipt.blockNumber - 1n,
		});
		return `no reason: the replay on the parent block succeeded (${where})`;
	} catch (err) {
		const data = revertData(err);
		if (data && errorAbi) {
			try {
				const decoded = decodeErrorResult({ abi: errorAbi, data });
				const args = (decoded.args ?? []).map(String).join(", ");
				return `${decoded.errorName}(${args}) (${where})`;
			} catch {
				// unknown selector: fall through
			}
		}
		const message = err instanceof BaseError ? err.shortMessage : String(err);
		return `${message} (${where})`;
	}
}

function revertData(err: unknown): Hex | undefined {
	if (!(err instanceof BaseError)) return undefined;
	const found = err.walk((e) => typeof (e as { data?: unknown }).data === "string");
	const data = (found as { data?: unknown } | null)?.data;
	return typeof data === "string" && data.startsWith("0x") ? (data as Hex) : undefined;
}
