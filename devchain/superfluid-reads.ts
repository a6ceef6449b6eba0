import type { Address } from "viem";
import { type DevClient, toAddress } from "./client.ts";
import { cfaAbi, superTokenAbi } from "./superfluid-abi.ts";
import type { SuperfluidContracts } from "./superfluid-types.ts";
import { increaseTime, latestTimestamp } from "./time.ts";

type Sf = Pick<SuperfluidContracts, "cfa" | "token">;

/** Common fields of the reads: token (default `sf.token`) and block (default latest). */
export interface ReadAt {
	token?: string;
	blockNumber?: bigint;
}

/** `realtimeBalanceOf` result, in wei. */
export interface RealtimeBalance {
	/** Balance minus outstanding deposits; negative once the account is critical. */
	availableBalance: bigint;
	/** Total deposit locked by the account's outgoing flows. */
	deposit: bigint;
	/** Deposit owed to the account (Super App receivers only; 0 otherwise). */
	owedDeposit: bigint;
}

/** A CFA flow or account state. */
export interface FlowInfo {
	/** Last update, in unix seconds (0 when the flow does not exist). */
	timestamp: bigint;
	/** Flow rate (or the account's net CFA rate), in wei per second. */
	flowRate: bigint;
	/** Deposit, in wei. */
	deposit: bigint;
	owedDeposit: bigint;
}

/** `token.realtimeBalanceOf(account, timestamp)`; `timestamp` in unix seconds. */
export async function realtimeBalanceOf(
	client: DevClient,
	sf: Sf,
	q: ReadAt & { account: string; timestamp: bigint },
): Promise<RealtimeBalance> {
	const [availableBalance, deposit, owedDeposit] = await client.readContract({
		...tokenCall(sf, q),
		functionName: "realtimeBalanceOf",
		args: [toAddress(q.account), q.timestamp],
	});
	return { availableBalance, deposit, owedDeposit };
}

/** `token.realtimeBalanceOfNow(account)`, i.e. at the block's timestamp (returned, unix seconds). */
export async function realtimeBalanceOfNow(
	client: DevClient,
	sf: Sf,
	q: ReadAt & { account: string },
): Promise<RealtimeBalance & { timestamp: bigint }> {
	const [availableBalance, deposit, owedDeposit, timestamp] = await client.readContract({
		...tokenCall(sf, q),
		functionName: "realtimeBalanceOfNow",
		args: [toAddress(q.account)],
	});
	return { availableBalance, deposit, owedDeposit, timestamp };
}

/** `token.isAccountCriticalNow(account)`: available balance < 0. */
export async function isAccountCriticalNow(client: DevClient, sf: Sf, q: ReadAt & { account: string }): Promise<boolean> {
	return client.readContract({
		...tokenCall(sf, q),
		functionName: "isAccountCriticalNow",
		args: [toAddress(q.account)],
	});
}

/** `token.isAccountSolventNow(account)`: available balance + deposit ≥ 0. */
export async function isAccountSolventNow(client: DevClient, sf: Sf, q: ReadAt & { account: string }): Promise<boolean> {
	return client.readContract({
		...tokenCall(sf, q),
		functionName: "isAccountSolventNow",
		args: [toAddress(q.account)],
	});
}

/** `token.balanceOf(account)` = max(0, available balance now), in wei. */
export async function balanceOf(client: DevClient, sf: Sf, q: ReadAt & { account: string }): Promise<bigint> {
	return client.readContract({
		...tokenCall(sf, q),
		functionName: "balanceOf",
		args: [toAddress(q.account)],
	});
}

/** `token.totalSupply()`, in wei. */
export async function totalSupply(client: DevClient, sf: Sf, q: ReadAt = {}): Promise<bigint> {
	return client.readContract({
		...tokenCall(sf, q),
		functionName: "totalSupply",
	});
}

/** `CFA.getNetFlow(token, account)`: net CFA flow rate (inflow − outflow), in wei per second. */
export async function getNetFlow(client: DevClient, sf: Sf, q: ReadAt & { account: string }): Promise<bigint> {
	return client.readContract({
		...cfaCall(sf, q),
		functionName: "getNetFlow",
		args: [tokenOf(sf, q), toAddress(q.account)],
	});
}

/** `CFA.getFlow(token, sender, receiver)`. */
export async function getFlow(client: DevClient, sf: Sf, q: ReadAt & { sender: string; receiver: string }): Promise<FlowInfo> {
	const [timestamp, flowRate, deposit, owedDeposit] = await client.readContract({
		...cfaCall(sf, q),
		functionName: "getFlow",
		args: [tokenOf(sf, q), toAddress(q.sender), toAddress(q.receiver)],
	});
	return { timestamp, flowRate, deposit, owedDeposit };
}

/** `CFA.getAccountFlowInfo(token, account)`: net rate and total deposit of the account. */
export async function getAccountFlowInfo(client: DevClient, sf: Sf, q: ReadAt & { account: string }): Promise<FlowInfo> {
	const [timestamp, flowRate, deposit, owedDeposit] = await client.readContract({
		...cfaCall(sf, q),
		functionName: "getAccountFlowInfo",
		args: [tokenOf(sf, q), toAddress(q.account)],
	});
	return { timestamp, flowRate, deposit, owedDeposit };
}

/** `CFA.getDepositRequiredForFlowRate(token, rate)`: deposit of a flow at `flowRate` wei/s, in wei. */
export async function depositForFlowRate(client: DevClient, sf: Sf, q: ReadAt & { flowRate: bigint }): Promise<bigint> {
	return client.readContract({
		...cfaCall(sf, q),
		functionName: "getDepositRequiredForFlowRate",
		args: [tokenOf(sf, q), q.flowRate],
	});
}

/**
 * Moves chain time to `extraSeconds` (default 1) after `account` becomes critical, from its
 * current available balance and net CFA rate. Returns the new block timestamp (unix seconds).
 * Throws if the account's net flow is not negative (it would never become critical).
 */
export async function advanceUntilCritical(
	client: DevClient,
	sf: Sf,
	q: { token?: string; account: string; extraSeconds?: number },
): Promise<bigint> {
	const now = await latestTimestamp(client);
	const [{ availableBalance }, netFlow] = await Promise.all([
		realtimeBalanceOf(client, sf, { ...q, timestamp: now }),
		getNetFlow(client, sf, q),
	]);
	if (netFlow >= 0n) throw new Error(`${q.account} has a non-negative net flow; it never becomes critical`);
	const secondsLeft = availableBalance < 0n ? 0n : availableBalance / -netFlow + 1n;
	return increaseTime(client, secondsLeft + BigInt(q.extraSeconds ?? 1));
}

function tokenOf(sf: Pick<SuperfluidContracts, "token">, q: { token?: string }): Address {
	return toAddress(q.token ?? sf.token);
}

function tokenCall(sf: Sf, q: ReadAt) {
	return {
		address: tokenOf(sf, q),
		abi: superTokenAbi,
		blockNumber: q.blockNumber,
	} as const;
}

function cfaCall(sf: Sf, q: ReadAt) {
	return { address: sf.cfa, abi: cfaAbi, blockNumber: q.blockNumber } as const;
}
