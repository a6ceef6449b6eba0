import { type Address, getAddress, keccak256, slice, toHex } from "viem";
import { seededRandom } from "../devchain/seeded-random.ts";

/** Seeded random choices: the same seed gives the same run. */
export type Random = {
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [min, max]. */
	int(min: number, max: number): number;
	/** True with probability `p`. */
	chance(p: number): boolean;
	/** One item of a non-empty list. */
	pick<T>(items: readonly T[]): T;
	/** A whole number of ALEPH in [min, max], in wei. */
	aleph(min: number, max: number): bigint;
	/** A random share of `wei` between `minPart` and `maxPart` (fractions of 1), in wei. */
	share(wei: bigint, minPart: number, maxPart: number): bigint;
};

/** 10^18: one ALEPH in wei. */
export const WEI = 10n ** 18n;

/** Creates the demo's random source from its seed. */
export function createRandom(seed: number): Random {
	const next = seededRandom(seed);
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	return {
		next,
		int,
		chance: (p) => next() < p,
		pick<T>(items: readonly T[]): T {
			if (items.length === 0) throw new Error("cannot pick from an empty list");
			return items[Math.floor(next() * items.length)] as T;
		},
		aleph: (min, max) => BigInt(int(min, max)) * WEI,
		share(wei, minPart, maxPart) {
			const part = minPart + next() * (maxPart - minPart);
			return (wei * BigInt(Math.floor(part * 1_000_000))) / 1_000_000n;
		},
	};
}

/**
 * A deterministic, ordinary-looking address for the `index`-th account of a `group` in the run
 * with this seed (keccak256 of a label, last 20 bytes). Nobody holds its key: the demo sends its
 * transactions through anvil's impersonation.
 */
export function demoAddress(seed: number, group: string, index: number): Address {
	return getAddress(slice(keccak256(toHex(`aleph-oracle demo ${seed} ${group} ${index}`)), 12));
}

/** `count` addresses of a group. */
export function demoAddresses(seed: number, group: string, count: number): Address[] {
	return Array.from({ length: count }, (_, i) => demoAddress(seed, group, i));
}
