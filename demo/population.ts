import type { Address } from "viem";
import type { StreamChainName } from "./chains.ts";
import { demoAddress, demoAddresses } from "./random.ts";

/** The accounts of one run, by role. Every address is derived from the run's seed. */
export type Population = {
	/** ALEPH holders on the Ethereum-like chain (transfers among themselves, hold instances). */
	ethHolders: Address[];
	/** Super Token holders that do not stream (transfers among themselves). */
	holders: Record<StreamChainName, Address[]>;
	/** Accounts that run pay-as-you-go instances and stream to CRNs and the community wallet. */
	streamers: Record<StreamChainName, Address[]>;
	/** Payment receivers of the compute resource nodes (the same address on both stream chains). */
	crns: Address[];
	/** The accounts of the scripted cases. */
	scripted: ScriptedAccounts;
};

/** The accounts whose story the demo tells (see `scenario.ts`). */
export type ScriptedAccounts = {
	/** A large ETH holder with hold instances: its can-pay is a yes. */
	rich: Address;
	/** An ETH holder whose balance drifts below its locked amount: `insufficient`, an alert, can-pay no (5). */
	drifter: Address;
	/** An AVAX streamer whose balance lasts less than the alert horizon: `at_risk`. */
	atRisk: Address;
	/** A BASE streamer whose stream runs dry (chain time moved forward) and is liquidated. */
	dry: Address;
	/** The third party that liquidates the dry stream. */
	liquidator: Address;
};

/**
 * Splits `accounts` into roles: about two thirds hold ALEPH on ETH, the rest hold or stream the
 * Super Token on AVAX and BASE; 3 CRN receivers; plus the scripted accounts.
 */
export function planPopulation(seed: number, accounts: number): Population {
	const perStreamChain = Math.floor((accounts * 0.35) / 2);
	const streamers = Math.max(6, Math.floor(perStreamChain * 0.55));
	const holders = Math.max(4, perStreamChain - streamers);
	const ethHolders = Math.max(20, accounts - 2 * (streamers + holders));
	return {
		ethHolders: demoAddresses(seed, "eth-holder", ethHolders),
		holders: { AVAX: demoAddresses(seed, "avax-holder", holders), BASE: demoAddresses(seed, "base-holder", holders) },
		streamers: { AVAX: demoAddresses(seed, "avax-streamer", streamers), BASE: demoAddresses(seed, "base-streamer", streamers) },
		crns: demoAddresses(seed, "crn", 3),
		scripted: {
			rich: demoAddress(seed, "rich", 0),
			drifter: demoAddress(seed, "drifter", 0),
			atRisk: demoAddress(seed, "at-risk", 0),
			dry: demoAddress(seed, "dry", 0),
			liquidator: demoAddress(seed, "liquidator", 0),
		},
	};
}

/** Every account of the population that sends transactions (and so needs gas). */
export function senders(population: Population, chain: "ETH" | StreamChainName): Address[] {
	const { scripted } = population;
	if (chain === "ETH") return [...population.ethHolders, scripted.rich, scripted.drifter];
	const own = chain === "AVAX" ? [scripted.atRisk] : [scripted.dry, scripted.liquidator];
	return [...population.holders[chain], ...population.streamers[chain], ...own];
}

/** How many accounts the population funds or streams from (scripted ones included). */
export function countAccounts(population: Population): number {
	const { ethHolders, holders, streamers } = population;
	const scripted = Object.keys(population.scripted).length - 1; // the liquidator only pays gas
	return ethHolders.length + holders.AVAX.length + holders.BASE.length + streamers.AVAX.length + streamers.BASE.length + scripted;
}
