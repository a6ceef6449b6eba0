/**
 * Superfluid CFA arithmetic, exactly as the protocol does it in integers: wei, wei per second,
 * unix seconds. See spec/superfluid.md §C3–C4.
 */

/** The CFA state of one account on one Super Token. */
export type StreamAccount = {
	/** What streams moved in minus out, settled up to `updatedAt`, wei. */
	streamed: bigint;
	/** CFA net flow rate (inflow − outflow), wei/s. */
	netFlowRate: bigint;
	/** Sum of the deposits of the account's outgoing flows, wei. */
	deposit: bigint;
	/** Deposit owed by Super App receivers, wei (0 for ordinary accounts). */
	owedDeposit: bigint;
	/** Block timestamp of the last settlement, seconds. */
	updatedAt: bigint;
};

export const EMPTY_STREAM_ACCOUNT: StreamAccount = {
	streamed: 0n,
	netFlowRate: 0n,
	deposit: 0n,
	owedDeposit: 0n,
	updatedAt: 0n,
};

/** Settles the dynamic balance up to `t`: what the CFA does before every change. */
export function settle(account: StreamAccount, t: bigint): StreamAccount {
	return {
		...account,
		streamed: account.streamed + account.netFlowRate * (t - account.updatedAt),
		updatedAt: t,
	};
}

/** The part of the deposit that locks the account's own balance: max(0, deposit − owedDeposit). */
export function lockedDeposit(account: StreamAccount): bigint {
	const locked = account.deposit - account.owedDeposit;
	return locked > 0n ? locked : 0n;
}

/**
 * `realtimeBalanceOf(account, t).availableBalance` for an account whose balance moves only
 * through transfers and the CFA: `settled + netFlowRate × (t − updatedAt) − max(0, deposit − owedDeposit)`,
 * where settled = `transferred` (sum of Transfer values in and out) + `streamed`.
 */
export function availableBalance(transferred: bigint, account: StreamAccount, t: bigint): bigint {
	return transferred + account.streamed + account.netFlowRate * (t - account.updatedAt) - lockedDeposit(account);
}

/**
 * The first second at which the account is critical (available balance < 0), or null when its
 * net flow is not negative. When it is already critical at `updatedAt`, returns the first
 * second it was critical, which may be `updatedAt` itself or earlier.
 */
export function criticalAt(transferred: bigint, account: StreamAccount): bigint | null {
	if (account.netFlowRate >= 0n) return null;
	const base = transferred + account.streamed - lockedDeposit(account);
	const rate = -account.netFlowRate;
	// available(t) = base − rate × (t − updatedAt) < 0  ⇔  t − updatedAt > base / rate
	return account.updatedAt + floorDiv(base, rate) + 1n;
}

/**
 * A `realtimeBalanceOf` read of an account another agreement (GDA, IDA) touched: it replaces the
 * event-derived balance, which cannot see those agreements.
 */
export type BalanceRead = {
	/** `availableBalance` at `timestamp`, wei. */
	available: bigint;
	deposit: bigint;
	/** Change of the available balance over one second, all agreements, wei/s. */
	netFlowRate: bigint;
	/** Block timestamp of the read, seconds. */
	timestamp: bigint;
};

/** A read as a CFA state: its available balance moves linearly from the read. */
export function readAsStream(read: BalanceRead): StreamAccount {
	return { streamed: read.available, netFlowRate: read.netFlowRate, deposit: 0n, owedDeposit: 0n, updatedAt: read.timestamp };
}

/** ⌊a / b⌋ for b > 0 (bigint division truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
	const q = a / b;
	return a % b !== 0n && a < 0n ? q - 1n : q;
}
