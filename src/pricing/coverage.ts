/**
 * @module pricing/coverage
 * Which of an account's accepted resources its current balance still covers,
 * oldest first, following pyaleph's hourly cron jobs (§5): the hold job
 * (`balance_job.py`) and the credit job (`credit_balance_job.py`).
 */
import { CREDIT_ONLY_CUTOFF_TIMESTAMP, SECONDS_PER_DAY, STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT } from "./constants.ts";
import { isBeforeCutoff } from "./cutoffs.ts";
import { D, type Dec, decFromWei } from "./decimal.ts";

/** Message status as pyaleph tracks it. */
export type ResourceStatus = "processed" | "removing" | "removed";

/** One accepted resource of the account, of the job's payment type. */
export interface CoverageResource {
	readonly id: string;
	/** Σ of its cost rows in the payment column: ALEPH-wei (hold) or credit-wei per second (credit). */
	readonly costWei: bigint;
	/** Ordering key, oldest first (pyaleph: the resource's oldest cost-row id). Ties keep input order. */
	readonly order: number | bigint;
	/**
	 * Ethereum height of its confirmation. `null`: unconfirmed, skipped by the job
	 * (inner join on confirmations). Omitted: unknown, treated as confirmed after the cut-off.
	 */
	readonly confirmationHeight?: number | null;
	/** Default `processed`. */
	readonly status?: ResourceStatus;
	/** A STORE whose known file size is at most 25 MiB (exempt from removal, see below). */
	readonly isSmallStore?: boolean;
	/** Envelope time, Unix seconds (credit job: small STOREs are exempt only before 2027-01-01). */
	readonly time?: number;
}

/** Input: the account's balance and its resources of that payment type. */
export type CoverageInput =
	| {
			readonly paymentType: "hold";
			readonly balanceWei: bigint;
			readonly resources: readonly CoverageResource[];
	  }
	| {
			readonly paymentType: "credit";
			readonly creditBalance: bigint;
			readonly resources: readonly CoverageResource[];
	  };

/** The job's view of one resource. */
export interface CoverageEntry {
	readonly id: string;
	/** What the job charges against the balance: the hold cost (ALEPH) or one day of credits. */
	readonly required: string;
	/** Balance left for it when its turn came. */
	readonly available: string;
	/** `available ≥ required`. */
	readonly covered: boolean;
	/** The job would not put it in `removing` (covered, free by height, or a small STORE). */
	readonly kept: boolean;
	/** Status change the job makes: `removing` for a processed resource, `processed` to recover one. */
	readonly action: "remove" | "recover" | null;
}

/** Result: entries oldest first; unconfirmed resources are listed apart. */
export interface CoverageResult {
	readonly entries: readonly CoverageEntry[];
	/** Ids skipped because unconfirmed (`confirmationHeight: null`). */
	readonly skipped: readonly string[];
	/** Balance left after every resource, never below 0. */
	readonly remaining: string;
}

function format(value: Dec): string {
	return value.toFixed(18);
}

/**
 * Walks the resources oldest first: `shouldRemove = remaining < cost` (hold: and
 * confirmed at height ≥ 22 196 000; credit: cost = per-second cost × 86400), then
 * `remaining = max(0, remaining − cost)`.
 */
export function coveredResources(input: CoverageInput): CoverageResult {
	const hold = input.paymentType === "hold";
	let remaining = hold ? decFromWei(input.balanceWei) : new D(input.creditBalance.toString());
	const sorted = input.resources
		.map((resource, index) => ({ resource, index }))
		.sort((a, b) => (a.resource.order < b.resource.order ? -1 : a.resource.order > b.resource.order ? 1 : a.index - b.index));
	const entries: CoverageEntry[] = [];
	const skipped: string[] = [];
	for (const { resource } of sorted) {
		if (resource.confirmationHeight === null) {
			skipped.push(resource.id);
			continue;
		}
		const cost = hold ? decFromWei(resource.costWei) : decFromWei(resource.costWei).times(SECONDS_PER_DAY);
		const covered = !remaining.lt(cost);
		const height = resource.confirmationHeight;
		const paidByHeight = !hold || height === undefined || height >= STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT;
		const shouldRemove = !covered && paidByHeight;
		const available = remaining;
		const left = remaining.minus(cost);
		remaining = left.isNeg() ? new D(0) : left;
		const exempt =
			resource.isSmallStore === true &&
			(hold || (resource.time !== undefined && isBeforeCutoff(resource.time, CREDIT_ONLY_CUTOFF_TIMESTAMP)));
		const status = resource.status ?? "processed";
		const action = shouldRemove ? (!exempt && status === "processed" ? "remove" : null) : status === "removing" ? "recover" : null;
		entries.push({
			id: resource.id,
			required: format(cost),
			available: format(available),
			covered,
			kept: !shouldRemove || exempt,
			action,
		});
	}
	return { entries, skipped, remaining: format(remaining) };
}
