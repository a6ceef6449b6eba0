import { type Address, encodeFunctionData, getContractAddress, type Hex, type TransactionReceipt } from "viem";
import { confirm, type DevClient, defaultAccount, toAddress } from "./client.ts";
import { frameworkDeployerAbi, governanceAbi } from "./superfluid-abi.ts";
import {
	ERC1820_DEPLOYER,
	ERC1820_FUNDING_WEI,
	ERC1820_REGISTRY,
	erc1820RawDeployment,
	FRAMEWORK_DEPLOYER,
	FRAMEWORK_LIBRARIES,
	linkBytecode,
	loadArtifact,
} from "./superfluid-artifacts.ts";
import type { SuperfluidContracts, SuperTokenConfig } from "./superfluid-types.ts";

/** Gas limit of each `executeStep` call, in gas (the 7 steps use 42.6 M in total). */
export const STEP_GAS = 29_000_000n;

interface RawTx {
	to?: Address;
	data: Hex;
	gas: bigint;
}

/**
 * Sends transactions from one account with consecutive nonces without waiting in between,
 * then waits for all receipts: with interval mining they share a few blocks instead of one each.
 */
async function sendPipelined(client: DevClient, from: Address, txs: readonly RawTx[]): Promise<TransactionReceipt[]> {
	let nonce = await client.getTransactionCount({
		address: from,
		blockTag: "pending",
	});
	const hashes: Hex[] = [];
	for (const tx of txs) {
		hashes.push(
			await client.sendTransaction({
				account: from,
				to: tx.to,
				data: tx.data,
				gas: tx.gas,
				nonce: nonce++,
			}),
		);
	}
	return Promise.all(hashes.map((hash) => confirm(client, hash)));
}

/** Gas estimate of a contract creation plus a 20% margin, in gas. */
async function creationGas(client: DevClient, from: Address, data: Hex): Promise<bigint> {
	try {
		return ((await client.estimateGas({ account: from, data })) * 12n) / 10n;
	} catch (err) {
		const hint = "is anvil started with disableCodeSizeLimit: true?";
		throw new Error(`cannot estimate a Superfluid deployment (${hint}): ${(err as Error).message}`);
	}
}

/** Deploys the ERC-1820 registry with its EIP-1820 pre-signed transaction, unless already there. */
export async function ensureErc1820(client: DevClient): Promise<void> {
	const code = await client.getCode({ address: ERC1820_REGISTRY });
	if (code && code !== "0x") return;
	await client.setBalance({
		address: ERC1820_DEPLOYER,
		value: ERC1820_FUNDING_WEI,
	});
	await confirm(
		client,
		await client.sendRawTransaction({
			serializedTransaction: erc1820RawDeployment(),
		}),
	);
}

/** Deploys the 16 framework libraries, linked to each other; returns name → address. */
export async function deployFrameworkLibraries(client: DevClient, from: Address): Promise<Record<string, Address>> {
	const nonce = await client.getTransactionCount({
		address: from,
		blockTag: "pending",
	});
	// Addresses are known in advance (sender, nonce), so dependants can be linked before mining.
	const addresses: Record<string, Address> = {};
	const creations = FRAMEWORK_LIBRARIES.map((entry, i) => {
		addresses[entry.name] = toAddress(getContractAddress({ from, nonce: BigInt(nonce + i) }));
		return { entry, artifact: loadArtifact(entry) };
	});
	const txs = await Promise.all(
		creations.map(async ({ artifact }) => {
			const data = linkBytecode(artifact, addresses);
			return { data, gas: await creationGas(client, from, data) };
		}),
	);
	const receipts = await sendPipelined(client, from, txs);
	receipts.forEach((receipt, i) => {
		const name = FRAMEWORK_LIBRARIES[i]?.name ?? "?";
		if (!receipt.contractAddress || toAddress(receipt.contractAddress) !== addresses[name]) {
			throw new Error(`library ${name} landed at ${receipt.contractAddress}, expected ${addresses[name]}`);
		}
	});
	return addresses;
}

/** Deploys the SuperfluidFrameworkDeployer and runs all its steps; returns its address. */
export async function deployFrameworkDeployer(
	client: DevClient,
	from: Address,
	libraries: Readonly<Record<string, Address>>,
): Promise<Address> {
	const data = linkBytecode(loadArtifact(FRAMEWORK_DEPLOYER), libraries);
	const [receipt] = await sendPipelined(client, from, [{ data, gas: await creationGas(client, from, data) }]);
	if (!receipt?.contractAddress) throw new Error("SuperfluidFrameworkDeployer was not created");
	const deployer = toAddress(receipt.contractAddress);
	const steps = await client.readContract({
		address: deployer,
		abi: frameworkDeployerAbi,
		functionName: "getNumSteps",
	});
	const calls = Array.from({ length: steps }, (_, step) => ({
		to: deployer,
		data: encodeFunctionData({
			abi: frameworkDeployerAbi,
			functionName: "executeStep",
			args: [step],
		}),
		gas: STEP_GAS,
	}));
	await sendPipelined(client, from, calls);
	return deployer;
}

/** Reads the framework addresses from a SuperfluidFrameworkDeployer that ran all its steps. */
export async function readFramework(client: DevClient, frameworkDeployer: Address): Promise<Omit<SuperfluidContracts, "token">> {
	const fw = await client.readContract({
		address: frameworkDeployer,
		abi: frameworkDeployerAbi,
		functionName: "getFramework",
	});
	const checksummed = Object.fromEntries(Object.entries(fw).map(([name, address]) => [name, toAddress(address)])) as typeof fw;
	return { ...checksummed, frameworkDeployer };
}

/** Options of {@link deployPureSuperToken}. */
export interface PureSuperTokenOptions {
	name: string;
	symbol: string;
	/** Initial supply in wei, minted and transferred to `from`. */
	initialSupply: bigint;
	/** Caller and receiver of the supply (default: the first dev account). */
	from?: string;
}

/**
 * Deploys a pure Super Token (no underlying, fixed supply) through the framework deployer.
 * Returns the token address (checksummed) and its creation receipt.
 */
export async function deployPureSuperToken(
	client: DevClient,
	sf: Pick<SuperfluidContracts, "frameworkDeployer">,
	options: PureSuperTokenOptions,
): Promise<{ token: Address; receipt: TransactionReceipt }> {
	const from = options.from ? toAddress(options.from) : await defaultAccount(client);
	const { result, request } = await client.simulateContract({
		address: sf.frameworkDeployer,
		abi: frameworkDeployerAbi,
		functionName: "deployPureSuperToken",
		args: [options.name, options.symbol, options.initialSupply],
		account: from,
		gas: STEP_GAS,
	});
	const receipt = await confirm(client, await client.writeContract(request));
	return { token: toAddress(result), receipt };
}

/** Reads a Super Token's liquidation/patrician periods, minimum deposit and reward address. */
export async function readSuperTokenConfig(
	client: DevClient,
	sf: Pick<SuperfluidContracts, "host" | "governance">,
	token: string,
): Promise<SuperTokenConfig> {
	const base = { address: sf.governance, abi: governanceAbi } as const;
	const args = [sf.host, toAddress(token)] as const;
	const [[liquidationPeriod, patricianPeriod], minimumDeposit, rewardAddress] = await Promise.all([
		client.readContract({ ...base, functionName: "getPPPConfig", args }),
		client.readContract({
			...base,
			functionName: "getSuperTokenMinimumDeposit",
			args,
		}),
		client.readContract({ ...base, functionName: "getRewardAddress", args }),
	]);
	return {
		liquidationPeriod,
		patricianPeriod,
		minimumDeposit,
		rewardAddress: toAddress(rewardAddress),
	};
}
