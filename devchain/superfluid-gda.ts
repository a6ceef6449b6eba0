import { type Address, parseEventLogs, type TransactionReceipt } from "viem";
import { confirm, type DevClient, toAddress } from "./client.ts";
import { gdaEventsAbi, gdaForwarderAbi, superfluidErrorsAbi } from "./superfluid-abi.ts";
import type { SuperfluidContracts } from "./superfluid-types.ts";
import { SUPERFLUID_TX_GAS } from "./superfluid-types.ts";

type Sf = Pick<SuperfluidContracts, "gdaV1Forwarder" | "token">;

/** Options of {@link createPool}. */
export interface CreatePoolOptions {
	/** Super Token (default `sf.token`). */
	token?: string;
	/** Pool admin, also the sender: only it may set units (and distribute, by default). */
	admin: string;
	/** Members may transfer their units (default false). */
	transferabilityForUnitsOwner?: boolean;
	/** Anyone may distribute through the pool (default false: admin only). */
	distributionFromAnyAddress?: boolean;
}

/** `GDAv1Forwarder.createPool(token, admin, config)`; returns the pool from its `PoolCreated` event. */
export async function createPool(
	client: DevClient,
	sf: Sf,
	options: CreatePoolOptions,
): Promise<{ pool: Address; receipt: TransactionReceipt }> {
	const admin = toAddress(options.admin);
	const config = {
		transferabilityForUnitsOwner: options.transferabilityForUnitsOwner ?? false,
		distributionFromAnyAddress: options.distributionFromAnyAddress ?? false,
	};
	const hash = await client.writeContract({
		address: sf.gdaV1Forwarder,
		abi: gdaForwarderAbi,
		functionName: "createPool",
		args: [toAddress(options.token ?? sf.token), admin, config],
		account: admin,
		gas: SUPERFLUID_TX_GAS,
	});
	const receipt = await confirm(client, hash, {
		errorAbi: superfluidErrorsAbi,
	});
	const [created] = parseEventLogs({
		abi: gdaEventsAbi,
		eventName: "PoolCreated",
		logs: receipt.logs,
	});
	if (!created) throw new Error(`no PoolCreated event in ${hash}`);
	return { pool: toAddress(created.args.pool), receipt };
}

/** `GDAv1Forwarder.updateMemberUnits(pool, member, units, "0x")`, sent by the pool admin. */
export async function updateMemberUnits(
	client: DevClient,
	sf: Sf,
	options: { pool: string; admin: string; member: string; units: bigint },
): Promise<TransactionReceipt> {
	const hash = await client.writeContract({
		address: sf.gdaV1Forwarder,
		abi: gdaForwarderAbi,
		functionName: "updateMemberUnits",
		args: [toAddress(options.pool), toAddress(options.member), options.units, "0x"],
		account: toAddress(options.admin),
		gas: SUPERFLUID_TX_GAS,
	});
	return confirm(client, hash, { errorAbi: superfluidErrorsAbi });
}

/** `GDAv1Forwarder.connectPool(pool, "0x")`, sent by the member (emits PoolConnectionUpdated). */
export async function connectPool(client: DevClient, sf: Sf, options: { pool: string; member: string }): Promise<TransactionReceipt> {
	const hash = await client.writeContract({
		address: sf.gdaV1Forwarder,
		abi: gdaForwarderAbi,
		functionName: "connectPool",
		args: [toAddress(options.pool), "0x"],
		account: toAddress(options.member),
		gas: SUPERFLUID_TX_GAS,
	});
	return confirm(client, hash, { errorAbi: superfluidErrorsAbi });
}

/** Instant `GDAv1Forwarder.distribute(token, from, pool, amount, "0x")` from `from`; amount in wei. */
export async function distribute(
	client: DevClient,
	sf: Sf,
	options: { token?: string; pool: string; from: string; amount: bigint },
): Promise<TransactionReceipt> {
	const from = toAddress(options.from);
	const hash = await client.writeContract({
		address: sf.gdaV1Forwarder,
		abi: gdaForwarderAbi,
		functionName: "distribute",
		args: [toAddress(options.token ?? sf.token), from, toAddress(options.pool), options.amount, "0x"],
		account: from,
		gas: SUPERFLUID_TX_GAS,
	});
	return confirm(client, hash, { errorAbi: superfluidErrorsAbi });
}

/** `GDAv1Forwarder.distributeFlow(token, from, pool, rate, "0x")` from `from`; rate in wei/s (0 stops it). */
export async function distributeFlow(
	client: DevClient,
	sf: Sf,
	options: { token?: string; pool: string; from: string; flowRate: bigint },
): Promise<TransactionReceipt> {
	const from = toAddress(options.from);
	const hash = await client.writeContract({
		address: sf.gdaV1Forwarder,
		abi: gdaForwarderAbi,
		functionName: "distributeFlow",
		args: [toAddress(options.token ?? sf.token), from, toAddress(options.pool), options.flowRate, "0x"],
		account: from,
		gas: SUPERFLUID_TX_GAS,
	});
	return confirm(client, hash, { errorAbi: superfluidErrorsAbi });
}

/** Options of {@link setupGdaDistribution}. */
export interface GdaDistributionOptions {
	token?: string;
	/** Pool admin and distributor; must hold enough of the token. */
	distributor: string;
	/** Members and their units; each connects to the pool itself. */
	members: readonly { address: string; units: bigint }[];
	/** Flow distribution rate, in wei/s (omit for none). */
	flowRate?: bigint;
	/** Instant distribution amount, in wei (omit for none). */
	amount?: bigint;
}

/**
 * Creates a pool, gives units to members who then connect, and runs a flow and/or an instant
 * distribution from `distributor`: every GDA event type appears for the token
 * (PoolCreated, MemberUnitsUpdated, PoolConnectionUpdated, FlowDistributionUpdated,
 * BufferAdjusted, InstantDistributionUpdated).
 */
export async function setupGdaDistribution(
	client: DevClient,
	sf: Sf,
	options: GdaDistributionOptions,
): Promise<{ pool: Address; receipts: TransactionReceipt[] }> {
	const { pool, receipt } = await createPool(client, sf, {
		token: options.token,
		admin: options.distributor,
	});
	const receipts = [receipt];
	for (const member of options.members) {
		const units = {
			pool,
			admin: options.distributor,
			member: member.address,
			units: member.units,
		};
		receipts.push(await updateMemberUnits(client, sf, units));
		receipts.push(await connectPool(client, sf, { pool, member: member.address }));
	}
	const from = options.distributor;
	if (options.flowRate !== undefined) {
		receipts.push(
			await distributeFlow(client, sf, {
				token: options.token,
				pool,
				from,
				flowRate: options.flowRate,
			}),
		);
	}
	if (options.amount !== undefined) {
		receipts.push(
			await distribute(client, sf, {
				token: options.token,
				pool,
				from,
				amount: options.amount,
			}),
		);
	}
	return { pool, receipts };
}
