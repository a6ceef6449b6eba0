import type { Address } from "viem";
import { type AnvilInstance, startAnvil } from "../devchain/anvil.ts";
import { createDevClient, type DevClient, defaultAccount } from "../devchain/client.ts";
import { deployAlephToken } from "../devchain/erc20.ts";
import { deploySuperfluid, type SuperfluidFramework } from "../devchain/superfluid.ts";
import { sessionLauncher } from "./anvil-session.ts";
import { demoAddress, WEI } from "./random.ts";

/** The Aleph chain names the demo runs. */
export const DEMO_CHAINS = ["ETH", "AVAX", "BASE"] as const;
export type DemoChainName = (typeof DEMO_CHAINS)[number];
/** The chains with Superfluid (pay-as-you-go streams). */
export type StreamChainName = Exclude<DemoChainName, "ETH">;

/** Local chain ids (not the mainnet ones, so no mainnet default applies to a local chain). */
export const DEMO_CHAIN_IDS: Record<DemoChainName, number> = { ETH: 31337, AVAX: 31338, BASE: 31339 };

/** ALEPH on the Ethereum-like chain: the mainnet supply, credited at deployment without a Transfer log. */
export const ETH_SUPPLY = 500_000_000n * WEI;
/** ALEPH minted on each Superfluid chain (pure Super Token). */
export const SUPER_TOKEN_SUPPLY = 100_000_000n * WEI;

/** One running local chain with ALEPH deployed. */
export type DemoChain = {
	name: DemoChainName;
	/** What it stands for, for the printed lines. */
	label: string;
	anvil: AnvilInstance;
	client: DevClient;
	/** ALEPH: the ERC-20 on ETH, the Super Token on AVAX and BASE. */
	token: Address;
	/** First block the oracle indexes: the token's deployment block. */
	startBlock: bigint;
	/** Balances credited without a Transfer event (ETH only), wei. */
	genesis: { address: Address; amount: bigint }[];
	/** Holder of the whole supply at start: the demo distributes from it. */
	treasury: Address;
	/** The Superfluid framework on AVAX and BASE; null on ETH. */
	sf: SuperfluidFramework | null;
};

/** A Superfluid chain: `sf` is set. */
export type StreamChain = DemoChain & { name: StreamChainName; sf: SuperfluidFramework };

/** Whether a chain runs Superfluid. */
export function isStreamChain(chain: DemoChain): chain is StreamChain {
	return chain.sf !== null;
}

const LABELS: Record<DemoChainName, string> = {
	ETH: "Ethereum-like, ALEPH ERC-20",
	AVAX: "Avalanche-like, Superfluid + ALEPH Super Token",
	BASE: "Base-like, Superfluid + ALEPH Super Token",
};

/**
 * Starts the three anvil nodes (automine, so the setup is mined as fast as it is sent) and deploys
 * ALEPH on each: the ERC-20 with its genesis supply on ETH, the real Superfluid framework with ALEPH
 * as a pure Super Token on AVAX and BASE. Every anvil dies with this process; on a failure the ones
 * already started are stopped before the error is thrown.
 */
export async function startDemoChains(seed: number): Promise<DemoChain[]> {
	const started: AnvilInstance[] = [];
	const binary = sessionLauncher();
	try {
		const anvils = await Promise.all(
			DEMO_CHAINS.map(async (name) => {
				// The Superfluid deployer is larger than EIP-170 allows.
				const anvil = await startAnvil({ chainId: DEMO_CHAIN_IDS[name], disableCodeSizeLimit: name !== "ETH", binary });
				started.push(anvil);
				return anvil;
			}),
		);
		return await Promise.all(DEMO_CHAINS.map((name, i) => deployAleph(name, anvils[i] as AnvilInstance, seed)));
	} catch (error) {
		await Promise.all(started.map((anvil) => anvil.stop()));
		throw error;
	}
}

async function deployAleph(name: DemoChainName, anvil: AnvilInstance, seed: number): Promise<DemoChain> {
	const client = createDevClient(anvil);
	// Any address may send transactions (the demo's accounts have no keys): anvil impersonates them.
	await client.request({ method: "anvil_autoImpersonateAccount" as never, params: [true] as never });
	const base = { name, label: LABELS[name], anvil, client };
	if (name === "ETH") {
		const treasury = demoAddress(seed, "eth-treasury", 0);
		const genesis = [{ address: treasury, amount: ETH_SUPPLY }];
		const deployed = await deployAlephToken(client, { genesis });
		await client.setBalance({ address: treasury, value: 10n ** 21n });
		return { ...base, token: deployed.address, startBlock: deployed.blockNumber, genesis, treasury, sf: null };
	}
	const deployer = await defaultAccount(client);
	const sf = await deploySuperfluid(client, { from: deployer, initialSupply: SUPER_TOKEN_SUPPLY });
	return { ...base, token: sf.token, startBlock: sf.tokenBlockNumber, genesis: [], treasury: deployer, sf };
}

/**
 * The environment that names the local chains, for `loadConfig`: `CHAINS`, and per chain its RPC
 * URL, chain id, token, Superfluid CFA (none on ETH), start block, genesis balances, a small
 * finality depth and a fast head poll.
 */
export function chainEnvironment(chains: readonly DemoChain[], blockTimeSeconds: number): Record<string, string> {
	const env: Record<string, string> = { CHAINS: chains.map((c) => c.name).join(",") };
	const pollMs = Math.max(100, Math.round((blockTimeSeconds * 1000) / 2));
	for (const chain of chains) {
		const v = (suffix: string, value: string) => {
			env[`${chain.name}_${suffix}`] = value;
		};
		v("RPC_URL", chain.anvil.url);
		v("CHAIN_ID", String(chain.anvil.chainId));
		v("TOKEN", chain.token);
		v("CFA", chain.sf?.cfa ?? "none");
		v("START_BLOCK", chain.startBlock.toString());
		if (chain.genesis.length > 0) v("GENESIS", chain.genesis.map((g) => `${g.address}:${g.amount}`).join(","));
		v("FINALITY_BLOCKS", "5");
		// Bursts of setup transactions mine a block each: allow some lag before /ready complains.
		v("MAX_LAG_BLOCKS", "20");
		v("POLL_INTERVAL_MS", String(pollMs));
	}
	return env;
}

/**
 * Switches every chain from automine to one block every `seconds` (whole seconds: anvil's
 * `evm_setIntervalMining`); transactions then wait for the next block, several to a block.
 */
export async function startIntervalMining(chains: readonly DemoChain[], seconds: number): Promise<void> {
	await Promise.all(chains.map((chain) => chain.client.setIntervalMining({ interval: seconds })));
}

/** Stops every anvil; resolves once their processes are gone. */
export async function stopDemoChains(chains: readonly DemoChain[]): Promise<void> {
	await Promise.all(chains.map((chain) => chain.anvil.stop()));
}
