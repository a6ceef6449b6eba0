/**
 * @module pricing/cutoffs
 * The free rules and payment-type cut-offs (§3.7, §3.8), all on the message
 * envelope time. pyaleph compares datetimes, so a float time is first rounded
 * to microseconds half-even, like Python's `datetime.fromtimestamp`.
 */
import {
	CREDIT_ONLY_CUTOFF_TIMESTAMP,
	HOLD_AND_STREAM_CUTOFF_TIMESTAMP,
	STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT,
	STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP,
} from "./constants.ts";

function roundHalfEven(x: number): number {
	const floor = Math.floor(x);
	const diff = x - floor;
	if (diff < 0.5) return floor;
	if (diff > 0.5) return floor + 1;
	return floor % 2 === 0 ? floor : floor + 1;
}

/** A Unix time in whole microseconds, rounded as `datetime.fromtimestamp` does. */
export function toMicroseconds(time: number): number {
	const seconds = Math.trunc(time);
	return seconds * 1_000_000 + roundHalfEven((time - seconds) * 1e6);
}

/** `datetime(time) < datetime(cutoff)` for a whole-second cutoff. */
export function isBeforeCutoff(time: number, cutoff: number): boolean {
	return toMicroseconds(time) < cutoff * 1_000_000;
}

/**
 * STOREs and on-demand PROGRAMs are free before 2025-04-04T13:57:59Z: by the
 * first confirmation's Ethereum height when the message has one, else by time.
 */
export function areStoreAndProgramFree(time: number, confirmationHeight?: number | null): boolean {
	if (confirmationHeight !== undefined && confirmationHeight !== null) {
		return confirmationHeight < STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT;
	}
	return isBeforeCutoff(time, STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP);
}

/** From 2027-01-01 every paid STORE / PROGRAM / INSTANCE must pay with credits. */
export function isCreditOnlyRequired(time: number): boolean {
	return !isBeforeCutoff(time, CREDIT_ONLY_CUTOFF_TIMESTAMP);
}

/** From 2026-03-11 INSTANCEs and persistent PROGRAMs can no longer hold or stream. */
export function isHoldAndStreamDeprecated(time: number): boolean {
	return !isBeforeCutoff(time, HOLD_AND_STREAM_CUTOFF_TIMESTAMP);
}
