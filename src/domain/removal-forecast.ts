/**
 * Our prediction of pyaleph's removal cron (spec aleph-network §6.5, Appendix A §3): which of an
 * account's resources its next run would move to REMOVING, and when each credit resource runs out.
 * Pure: resources oldest first (the cron funds the oldest first and cuts the newest first).
 */

const SECONDS_PER_DAY = 86_400n;
const WEI = 10n ** 18n;

export type ForecastResource = {
	itemHash: string;
	paymentType: "hold" | "superfluid" | "credit";
	/** 10^-18 credits per second. */
	costCredit: bigint;
};

export type Forecast = {
	/** The next run would cut it; null when no cron watches it (superfluid) or the credits are not known. */
	predictedCut: boolean | null;
	/** Credit resources: when the cron would cut it at the account's spend rate (unix seconds; now when already cut). */
	runsOutAt: bigint | null;
};

/**
 * Credit (§6.5): from the balance, each credit resource in order takes one day of its cost;
 * `remove = remaining < daily`, `remaining = max(0, remaining − daily)`. Resource i is cut once
 * the balance falls below the days of resources 0..i, which at the account's rate (Σ of every
 * credit resource, lots assumed not to expire) happens `(balance − Σ days) / rate` from now.
 * Hold: the entitlement's coverage (`holdCovered`, oldest first) is the cron's own loop.
 */
export function forecastRemovals(
	resources: readonly ForecastResource[],
	holdCovered: ReadonlyMap<string, boolean>,
	credits: { known: boolean; balance: bigint; perSecondWei: bigint },
	now: bigint,
): Map<string, Forecast> {
	const out = new Map<string, Forecast>();
	let remaining = credits.balance * WEI;
	let days = 0n;
	for (const r of resources) {
		if (r.paymentType === "hold") {
			const covered = holdCovered.get(r.itemHash);
			out.set(r.itemHash, { predictedCut: covered === undefined ? null : !covered, runsOutAt: null });
			continue;
		}
		if (r.paymentType !== "credit" || !credits.known) {
			out.set(r.itemHash, { predictedCut: null, runsOutAt: null });
			continue;
		}
		const daily = r.costCredit * SECONDS_PER_DAY;
		const cut = remaining < daily;
		remaining = remaining > daily ? remaining - daily : 0n;
		days += daily;
		const left = credits.balance * WEI - days;
		const runsOutAt = cut ? now : credits.perSecondWei > 0n ? now + left / credits.perSecondWei : null;
		out.set(r.itemHash, { predictedCut: cut, runsOutAt });
	}
	return out;
}
