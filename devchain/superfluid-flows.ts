import { type Address, decodeAbiParameters, encodeFunctionData, type Hex, parseEventLogs, type TransactionReceipt } from "viem";
import { confirm, type DevClient, toAddress } from "./client.ts";
import { cfaAbi, cfaForwarderAbi, hostAbi, superfluidErrorsAbi, superTokenAbi } from "./superfluid-abi.ts";
import type { SuperfluidContracts } from "./superfluid-types.ts";
import { SUPERFLUID_TX_GAS } from "./superfluid-types.ts";

type Sf = Pick<SuperfluidContracts, "host" | "cfa" | "cfaV1Forwarder" | "token">;

/** A sender → receiver flow. Addresses in any letter case. */
export interface FlowTarget {
	/** Super Token (default: `sf.token`, ALEPH). */
	token?: string;
	sender: string;
	receiver: string;
}

/** A flow to create or update. */
export interface FlowChange extends FlowTarget {
	/** New flow rate, in wei per second (> 0). */
	flowRate: bigint;
	/** Opaque user data carried into the FlowUpdated event (default `0x`). */
	userData?: Hex;
}

/** A flow to delete. */
export interface FlowDeletion extends FlowTarget {
	/** Account sending the deletion: the sender (default) or the receiver. */
	by?: string;
	userData?: Hex;
}

/** `CFAv1Forwarder.createFlow(token, sender, receiver, rate, userData)`, sent by the sender. */
export async function createFlow(client: DevClient, sf: Sf, flow: FlowChange): Promise<TransactionReceipt> {
	return forward(client, sf, toAddress(flow.sender), "createFlow", flow);
}

/** `CFAv1Forwarder.updateFlow(token, sender, receiver, rate, userData)`, sent by the sender. */
export async function updateFlow(client: DevClient, sf: Sf, flow: FlowChange): Promise<TransactionReceipt> {
	return forward(client, sf, toAddress(flow.sender), "updateFlow", flow);
}

/**
 * `CFAv1Forwarder.deleteFlow(token, sender, receiver, userData)`, sent by `by` (default sender).
 * A third account cannot liquidate through the forwarder (it routes to `deleteFlowByOperator`,
 * which reverts without ACL permissions): use {@link liquidate}.
 */
export async function deleteFlow(client: DevClient, sf: Sf, flow: FlowDeletion): Promise<TransactionReceipt> {
	const hash = await client.writeContract({
		address: sf.cfaV1Forwarder,
		abi: cfaForwarderAbi,
		functionName: "deleteFlow",
		args: [tokenOf(sf, flow), toAddress(flow.sender), toAddress(flow.receiver), flow.userData ?? "0x"],
		account: toAddress(flow.by ?? flow.sender),
		gas: SUPERFLUID_TX_GAS,
	});
	return confirm(client, hash, { errorAbi: superfluidErrorsAbi });
}

/** `host.callAgreement(cfa, CFA.createFlow(token, receiver, rate, "0x"), userData)` from the sender. */
export async function createFlowViaHost(client: DevClient, sf: Sf, flow: FlowChange): Promise<TransactionReceipt> {
	const callData = encodeFunctionData({
		abi: cfaAbi,
		functionName: "createFlow",
		args: [tokenOf(sf, flow), toAddress(flow.receiver), flow.flowRate, "0x"],
	});
	return callAgreement(client, sf, toAddress(flow.sender), callData, flow.userData);
}

/** `host.callAgreement(cfa, CFA.updateFlow(token, receiver, rate, "0x"), userData)` from the sender. */
export async function updateFlowViaHost(client: DevClient, sf: Sf, flow: FlowChange): Promise<TransactionReceipt> {
	const callData = encodeFunctionData({
		abi: cfaAbi,
		functionName: "updateFlow",
		args: [tokenOf(sf, flow), toAddress(flow.receiver), flow.flowRate, "0x"],
	});
	return callAgreement(client, sf, toAddress(flow.sender), callData, flow.userData);
}

/** `host.callAgreement(cfa, CFA.deleteFlow(token, sender, receiver, "0x"), userData)` from `by` (default sender). */
export async function deleteFlowViaHost(client: DevClient, sf: Sf, flow: FlowDeletion): Promise<TransactionReceipt> {
	const callData = encodeFunctionData({
		abi: cfaAbi,
		functionName: "deleteFlow",
		args: [tokenOf(sf, flow), toAddress(flow.sender), toAddress(flow.receiver), "0x"],
	});
	return callAgreement(client, sf, toAddress(flow.by ?? flow.sender), callData, flow.userData);
}

/** Decoded `AgreementLiquidatedV2` event. Amounts in wei. */
export interface LiquidationEvent {
	agreementClass: Address;
	/** Flow id: keccak256(sender, receiver). */
	id: Hex;
	liquidatorAccount: Address;
	targetAccount: Address;
	rewardAmountReceiver: Address;
	rewardAmount: bigint;
	/** Change of the target's balance: −reward (patrician/pleb) or +bailout (pirate). */
	targetAccountBalanceDelta: bigint;
	/** 0 patrician (reward to the reward account), 1 pleb (to the liquidator), 2 pirate (bailout). */
	liquidationType: 0 | 1 | 2;
}

/**
 * Liquidates the flow of a critical sender from a third account: the liquidator calls
 * `host.callAgreement(cfa, CFA.deleteFlow(token, sender, receiver, "0x"), "0x")`. The CFA
 * allows any caller when the sender's available balance is negative (else it reverts with
 * `CFA_NON_CRITICAL_SENDER`). Returns the receipt and the decoded `AgreementLiquidatedV2`.
 */
export async function liquidate(
	client: DevClient,
	sf: Sf,
	flow: FlowTarget & { liquidator: string },
): Promise<{ receipt: TransactionReceipt; event: LiquidationEvent }> {
	const receipt = await deleteFlowViaHost(client, sf, {
		...flow,
		by: flow.liquidator,
	});
	const [log] = parseEventLogs({
		abi: superTokenAbi,
		eventName: "AgreementLiquidatedV2",
		logs: receipt.logs,
	});
	if (!log) throw new Error(`no AgreementLiquidatedV2 in ${receipt.transactionHash}`);
	const [, type] = decodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], log.args.liquidationTypeData);
	const { liquidationTypeData: _, ...args } = log.args;
	return {
		receipt,
		event: {
			...args,
			agreementClass: toAddress(args.agreementClass),
			liquidatorAccount: toAddress(args.liquidatorAccount),
			targetAccount: toAddress(args.targetAccount),
			rewardAmountReceiver: toAddress(args.rewardAmountReceiver),
			liquidationType: Number(type) as 0 | 1 | 2,
		},
	};
}

async function forward(
	client: DevClient,
	sf: Sf,
	sender: Address,
	functionName: "createFlow" | "updateFlow",
	flow: FlowChange,
): Promise<TransactionReceipt> {
	const hash = await client.writeContract({
		address: sf.cfaV1Forwarder,
		abi: cfaForwarderAbi,
		functionName,
		args: [tokenOf(sf, flow), sender, toAddress(flow.receiver), flow.flowRate, flow.userData ?? "0x"],
		account: sender,
		gas: SUPERFLUID_TX_GAS,
	});
	return confirm(client, hash, { errorAbi: superfluidErrorsAbi });
}

async function callAgreement(client: DevClient, sf: Sf, from: Address, callData: Hex, userData: Hex = "0x"): Promise<TransactionReceipt> {
	const hash = await client.writeContract({
		address: sf.host,
		abi: hostAbi,
		functionName: "callAgreement",
		args: [sf.cfa, callData, userData],
		account: from,
		gas: SUPERFLUID_TX_GAS,
	});
	return confirm(client, hash, { errorAbi: superfluidErrorsAbi });
}

function tokenOf(sf: Pick<SuperfluidContracts, "token">, target: { token?: string }): Address {
	return toAddress(target.token ?? sf.token);
}
