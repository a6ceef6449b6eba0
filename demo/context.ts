import type { Address } from "viem";
import type { ApiClient } from "./api-client.ts";
import type { DemoChain, StreamChain, StreamChainName } from "./chains.ts";
import type { KnownBalances } from "./funding.ts";
import type { DemoOptions } from "./options.ts";
import type { Population } from "./population.ts";
import type { Random } from "./random.ts";
import type { StreamBook } from "./streams.ts";

/** An instance the demo registered in the ledger (a node accepted it). */
export type Instance = {
	itemHash: string;
	owner: Address;
	paymentType: "hold" | "superfluid" | "credit";
	/** Payment chain and CRN receiver of a superfluid instance. */
	chain: StreamChainName | null;
	crn: Address | null;
	/** Frozen costs from the ledger: ALEPH to hold (wei), ALEPH per second to stream (wei/s). */
	holdWei: bigint;
	streamWei: bigint;
	/** Part of a scripted case: the random activity leaves it alone. */
	scripted: boolean;
};

/** Counters shown on the status line. */
export type DemoCounters = { transactions: number; failures: number };

/** Everything the scenario and the activity generator share. */
export type DemoContext = {
	options: DemoOptions;
	chains: { ETH: DemoChain } & Record<StreamChainName, StreamChain>;
	population: Population;
	api: ApiClient;
	streams: StreamBook;
	known: KnownBalances;
	instances: Map<string, Instance>;
	/** Streamers that ever ran an instance: one that stopped its last is not reused (see `activity.ts`). */
	everStreamed: Set<Address>;
	random: Random;
	counters: DemoCounters;
	/** The alert horizon of the service, seconds: a stream running dry within it is `at_risk`. */
	horizonSeconds: number;
	/** Prints one line of the demo's own narration: an event (default) or the periodic status. */
	say(line: string, kind?: "event" | "status"): void;
	/** Aborted on Ctrl-C / SIGTERM. */
	signal: AbortSignal;
};

/** Σ hold cost of an owner's registered instances, wei. */
export function lockedHold(ctx: DemoContext, owner: Address): bigint {
	let total = 0n;
	for (const instance of ctx.instances.values()) if (instance.owner === owner) total += instance.holdWei;
	return total;
}

/** `0x1234…abcd`: an address short enough for a status line. */
export function short(address: string): string {
	return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** An amount in ALEPH with at most 2 decimals (truncated), for the narration. */
export function fmt(wei: bigint): string {
	const one = 10n ** 18n;
	const cents = ((wei % one) * 100n) / one;
	return cents === 0n ? (wei / one).toString() : `${wei / one}.${cents.toString().padStart(2, "0")}`;
}
