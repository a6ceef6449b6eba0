/**
 * How long an account's credits last at the rate its credit resources cost now. Credits are
 * spent by the issuer's (about hourly) expense posts, which drain lots first-granted first, and a
 * lot that expires unspent is lost; the runway follows the same rules continuously: the lots in
 * emission order, each spent from the moment the previous one is exhausted, until it is empty or
 * expires.
 */

/** A lot with credits left, as the entitlement reads it (emission order is the array order). */
export type CreditLotView = { remaining: bigint; expirationMicros: bigint | null };

/** Cost rows are scaled by 10^18 (`cost_credit` of the resources table). */
const WEI = 10n ** 18n;
const MICROS = 1_000_000n;

/** The balance at `nowMicros`: credits left in the lots not expired then. */
export function creditBalanceAt(lots: readonly CreditLotView[], nowMicros: bigint): bigint {
	let total = 0n;
	for (const lot of lots) if (lot.expirationMicros === null || lot.expirationMicros > nowMicros) total += lot.remaining;
	return total;
}

/** The first expiration after `nowMicros` of a lot with credits left: the balance drops then without any message. */
export function nextLotExpiry(lots: readonly CreditLotView[], nowMicros: bigint): bigint | null {
	let next: bigint | null = null;
	for (const lot of lots) {
		const at = lot.expirationMicros;
		if (at !== null && at > nowMicros && lot.remaining > 0n && (next === null || at < next)) next = at;
	}
	return next;
}

/**
 * When the credits run out if they are spent at `costPerSecondWei` (10^-18 credits per second)
 * from `nowMicros` on, in microseconds; null when nothing is spent (no credit resource).
 */
export function creditExhaustion(lots: readonly CreditLotView[], costPerSecondWei: bigint, nowMicros: bigint): bigint | null {
	if (costPerSecondWei <= 0n) return null;
	let t = nowMicros;
	for (const lot of lots) {
		if (lot.remaining <= 0n || (lot.expirationMicros !== null && lot.expirationMicros <= t)) continue;
		// Microseconds this lot lasts at the rate, rounded down: it is empty at the end of them.
		const lasts = (lot.remaining * WEI * MICROS) / costPerSecondWei;
		t = lot.expirationMicros !== null && t + lasts > lot.expirationMicros ? lot.expirationMicros : t + lasts;
	}
	return t;
}
