import type { Address } from "viem";
import { batchTransfer } from "../devchain/erc20.ts";
import { type DemoChain, type DemoChainName, isStreamChain } from "./chains.ts";
import { type Population, senders } from "./population.ts";
import { type Random, WEI } from "./random.ts";
import { fundGas, sendTransfers } from "./transfers.ts";

/**
 * What the demo knows of the balances of the accounts that only transfer (no streams), per chain,
 * wei: it keeps them up to date with every transfer it sends, so it never overdraws anyone.
 */
export type KnownBalances = Record<DemoChainName, Map<Address, bigint>>;

/** ETH balance of the scripted holder whose can-pay is a yes. */
export const RICH_BALANCE = 25_000n * WEI;
/** ETH balance of the scripted holder that later drifts below its locked amount. */
export const DRIFTER_BALANCE = 1_500n * WEI;

/**
 * A holder's balance spread over orders of magnitude, like real token holders: 10^(1..5.3)
 * ALEPH, rounded to a whole ALEPH.
 */
function holderAmount(random: Random): bigint {
	return BigInt(Math.round(10 ** (1 + random.next() * 4.3))) * WEI;
}

/**
 * Funds the population from each chain's treasury: one `batchTransfer` on ETH (holders and the
 * scripted ETH accounts), plain Super Token transfers to the AVAX and BASE holders (100–50 000
 * ALEPH); gas for every account that will send. Streamers are funded when they start an instance
 * (see `openStreams` in `instances.ts`). Returns the known balances.
 */
export async function fundPopulation(chains: readonly DemoChain[], population: Population, random: Random): Promise<KnownBalances> {
	const known: KnownBalances = { ETH: new Map(), AVAX: new Map(), BASE: new Map() };
	// Every amount is drawn before anything is sent, so the seed alone decides them.
	const plans = chains.map((chain) => {
		if (!isStreamChain(chain)) {
			const transfers = population.ethHolders.map((to) => ({ from: chain.treasury, to, amount: holderAmount(random) }));
			for (const t of transfers) known.ETH.set(t.to, t.amount);
			const scripted = [
				{ from: chain.treasury, to: population.scripted.rich, amount: RICH_BALANCE },
				{ from: chain.treasury, to: population.scripted.drifter, amount: DRIFTER_BALANCE },
			];
			return { chain, transfers: [...transfers, ...scripted] };
		}
		const holders = population.holders[chain.name].map((to) => ({ from: chain.treasury, to, amount: random.aleph(100, 50_000) }));
		for (const t of holders) known[chain.name].set(t.to, t.amount);
		return { chain, transfers: holders };
	});
	await Promise.all(
		plans.map(async ({ chain, transfers }) => {
			await fundGas(chain, senders(population, chain.name));
			if (isStreamChain(chain)) await sendTransfers(chain, transfers);
			else await batchTransfer(chain.client, { token: chain.token, from: chain.treasury, transfers });
		}),
	);
	return known;
}
