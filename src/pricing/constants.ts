/**
 * @module pricing/constants
 * Protocol constants of pyaleph (`src/aleph/toolkit/constants.py`) and aleph-vm.
 * Timestamps are Unix seconds (UTC).
 */

/** Owner of the `pricing` and `settings` aggregates. */
export const PRICE_AGGREGATE_OWNER = "0xFba561a84A537fCaa567bb7A2257e7142701ae2A";
/** Aggregate key of the pricing aggregate. */
export const PRICE_AGGREGATE_KEY = "pricing";
/** Aggregate key of the settings aggregate. */
export const SETTINGS_AGGREGATE_KEY = "settings";

/** Before this time (2025-04-04T13:57:59Z), STOREs and on-demand PROGRAMs are free. */
export const STORE_AND_PROGRAM_COST_CUTOFF_TIMESTAMP = 1743775079;
/** Same cut-off as an Ethereum block height, used when the message has a confirmation. */
export const STORE_AND_PROGRAM_COST_CUTOFF_HEIGHT = 22196000;
/** From this time (2026-03-11T00:00:00Z), INSTANCEs and persistent PROGRAMs must pay with credits. */
export const HOLD_AND_STREAM_CUTOFF_TIMESTAMP = 1773187200;
/** From this time (2027-01-01T00:00:00Z), every paid STORE / PROGRAM / INSTANCE must pay with credits. */
export const CREDIT_ONLY_CUTOFF_TIMESTAMP = 1798761600;
/** Credit amounts in posts before this time (2026-02-02) are in the old unit (× 10 000). */
export const CREDIT_PRECISION_CUTOFF_TIMESTAMP = 1769990400;

/** Billing floor of credit-paid STOREs, in MiB. */
export const MIN_STORE_COST_MIB = 25;
/** Minimum credit cost per hour of an execution and of each volume (credit payment only). */
export const MIN_CREDIT_COST_PER_HOUR = 1;
/** Hold STOREs up to this size (MiB) are free (`max_unauthenticated_upload_file_size`). */
export const MAX_FREE_STORE_MIB = 25;

/** Seconds per hour: aggregate `payg` / `credit` prices are per hour. */
export const SECONDS_PER_HOUR = 3600;
/** Seconds per day: a credit-paid resource must be covered for one day. */
export const SECONDS_PER_DAY = 86400;

/** aleph-vm `PAYMENT_BUFFER`: 0.0000000001 ALEPH/s = 10^8 wei/s of tolerance on streams. */
export const PAYMENT_BUFFER_WEI = 100_000_000n;
/**
 * aleph-vm `COMMUNITY_STREAM_RATIO = Decimal(0.2)`: built from a float, so its exact
 * value is the double nearest to 0.2.
 */
export const COMMUNITY_STREAM_RATIO = "0.200000000000000011102230246251565404236316680908203125";

/** Aleph error code: the hold balance does not cover the locked costs plus the new one. */
export const ERROR_BALANCE_INSUFFICIENT = 5;
/** Aleph error code: the credit balance does not cover one day of all credit resources. */
export const ERROR_CREDIT_INSUFFICIENT = 6;
/** Aleph error code: the payment type is no longer accepted for this message. */
export const ERROR_INVALID_PAYMENT_METHOD = 202;
