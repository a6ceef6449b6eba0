import { ZERO_ADDRESS } from "../lib/address.ts";
import type { RpcLog } from "../rpc/actions.ts";
import { RpcDataError } from "../rpc/errors.ts";

/** topic0 of the events the watcher reads (checked against their signatures in a test). */
export const TOPICS = {
	/** Transfer(address indexed from, address indexed to, uint256 value) */
	transfer: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
	/** FlowUpdated(address indexed token, address indexed sender, address indexed receiver, int96 flowRate, int256 totalSenderFlowRate, int256 totalReceiverFlowRate, bytes userData) */
	flowUpdated: "0x57269d2ebcccecdcc0d9d2c0a0b80ead95f344e28ec20f50f709811f209d4e0e",
	/** FlowUpdatedExtension(address indexed flowOperator, uint256 deposit) */
	flowUpdatedExtension: "0x71e0c98e270fc3084227b473f176924d5303ece8c639e679998a2d7dc8e70f74",
	/** AgreementLiquidatedV2(address indexed agreementClass, bytes32 id, address indexed liquidatorAccount, address indexed targetAccount, address rewardAmountReceiver, uint256 rewardAmount, int256 targetAccountBalanceDelta, bytes liquidationTypeData) */
	agreementLiquidatedV2: "0xb8381a3ce157650e06186e3e8f4dd4dc29236f2688b6eed1893d0a60d7c6386f",
	/** AgreementStateUpdated(address indexed agreementClass, address indexed account, uint256 slotId) */
	agreementStateUpdated: "0x30f416fa68fca014a0f334464c64b000ba53e99b6d2afdea9d5ca756372d5985",
} as const;

type Base = {
	block: bigint;
	logIndex: number;
	txHash: string;
	timestamp: bigint | null;
};

export type TransferEvent = Base & {
	kind: "transfer";
	from: string;
	to: string;
	value: bigint;
};
export type FlowEvent = Base & {
	kind: "flow";
	sender: string;
	receiver: string;
	flowOperator: string;
	/** New rate of this flow, wei/s (0 = deleted). */
	flowRate: bigint;
	/** Sender's and receiver's CFA net flow rate after the change, wei/s. */
	totalSenderFlowRate: bigint;
	totalReceiverFlowRate: bigint;
	/** New deposit of this flow, wei (from the paired FlowUpdatedExtension). */
	deposit: bigint;
};
export type LiquidationEvent = Base & {
	kind: "liquidation";
	agreementClass: string;
	liquidator: string;
	target: string;
	rewardReceiver: string;
	rewardAmount: bigint;
	targetBalanceDelta: bigint;
};
/** Another agreement than the CFA wrote an account's state (GDA, IDA): flag the account. */
export type AgreementStateEvent = Base & {
	kind: "agreement";
	agreementClass: string;
	account: string;
};

export type ChainEvent = TransferEvent | FlowEvent | LiquidationEvent | AgreementStateEvent;

const TWO_255 = 1n << 255n;
const TWO_256 = 1n << 256n;

const topicAddress = (topic: string | undefined) => `0x${(topic ?? "").slice(26).toLowerCase()}`;
const word = (data: string, i: number) => `0x${data.slice(2 + i * 64, 2 + (i + 1) * 64)}`;
const wordAddress = (data: string, i: number) => `0x${data.slice(2 + i * 64 + 24, 2 + (i + 1) * 64).toLowerCase()}`;
const signed = (hex: string) => {
	const v = BigInt(hex);
	return v >= TWO_255 ? v - TWO_256 : v;
};

// Note: events list these fields one by one; an object spread of them made decoding ~4x slower.
function base(log: RpcLog): Base {
	return {
		block: BigInt(log.blockNumber),
		logIndex: Number(log.logIndex),
		txHash: log.transactionHash.toLowerCase(),
		timestamp: log.blockTimestamp ? BigInt(log.blockTimestamp) : null,
	};
}

function expect(log: RpcLog, topics: number, words: number) {
	if (log.topics.length !== topics || log.data.length < 2 + words * 64) {
		throw new RpcDataError(`log ${log.transactionHash}#${Number(log.logIndex)} does not have the shape of its event`);
	}
}

export type DecodeInput = {
	/** Logs emitted by the token: Transfer, and on Super Tokens AgreementLiquidatedV2 / AgreementStateUpdated. */
	tokenLogs: RpcLog[];
	/** FlowUpdated logs of the CFA filtered on the token. */
	flowLogs?: RpcLog[];
	/** FlowUpdatedExtension logs of the CFA covering the same blocks (any token). */
	extensionLogs?: RpcLog[];
	/** Lowercase CFA address: its own account-state writes are not flagged. */
	cfa?: string | null;
};

/**
 * Decodes the raw logs of a block range into events in chain order. Each FlowUpdated is paired
 * with the FlowUpdatedExtension that follows it in the same transaction; a missing partner is
 * an RPC inconsistency.
 */
export function decodeLogs(input: DecodeInput): ChainEvent[] {
	const events: ChainEvent[] = [];
	for (const log of input.tokenLogs) {
		const topic0 = log.topics[0];
		if (topic0 === TOPICS.transfer) {
			expect(log, 3, 1);
			const { block, logIndex, txHash, timestamp } = base(log);
			events.push({
				block,
				logIndex,
				txHash,
				timestamp,
				kind: "transfer",
				from: topicAddress(log.topics[1]),
				to: topicAddress(log.topics[2]),
				value: BigInt(word(log.data, 0)),
			});
		} else if (topic0 === TOPICS.agreementLiquidatedV2) {
			expect(log, 4, 4);
			const { block, logIndex, txHash, timestamp } = base(log);
			events.push({
				block,
				logIndex,
				txHash,
				timestamp,
				kind: "liquidation",
				agreementClass: topicAddress(log.topics[1]),
				liquidator: topicAddress(log.topics[2]),
				target: topicAddress(log.topics[3]),
				rewardReceiver: wordAddress(log.data, 1),
				rewardAmount: BigInt(word(log.data, 2)),
				targetBalanceDelta: signed(word(log.data, 3)),
			});
		} else if (topic0 === TOPICS.agreementStateUpdated) {
			expect(log, 3, 1);
			const agreementClass = topicAddress(log.topics[1]);
			if (agreementClass !== input.cfa) {
				const { block, logIndex, txHash, timestamp } = base(log);
				events.push({
					block,
					logIndex,
					txHash,
					timestamp,
					kind: "agreement",
					agreementClass,
					account: topicAddress(log.topics[2]),
				});
			}
		}
	}
	if (input.flowLogs?.length) {
		const deposits = new Map<string, { deposit: bigint; operator: string }>();
		for (const log of input.extensionLogs ?? []) {
			if (log.topics[0] !== TOPICS.flowUpdatedExtension) continue;
			expect(log, 2, 1);
			deposits.set(`${log.transactionHash.toLowerCase()}:${Number(log.logIndex)}`, {
				deposit: BigInt(word(log.data, 0)),
				operator: topicAddress(log.topics[1]),
			});
		}
		for (const log of input.flowLogs) {
			expect(log, 4, 3);
			const { block, logIndex, txHash, timestamp } = base(log);
			const extension = deposits.get(`${txHash}:${logIndex + 1}`);
			if (!extension) throw new RpcDataError(`FlowUpdated ${txHash}#${logIndex} has no FlowUpdatedExtension after it`);
			events.push({
				block,
				logIndex,
				txHash,
				timestamp,
				kind: "flow",
				sender: topicAddress(log.topics[2]),
				receiver: topicAddress(log.topics[3]),
				flowOperator: extension.operator,
				flowRate: signed(word(log.data, 0)),
				totalSenderFlowRate: signed(word(log.data, 1)),
				totalReceiverFlowRate: signed(word(log.data, 2)),
				deposit: extension.deposit,
			});
		}
	}
	// A provider answers one filter in chain order: only several filters need a sort.
	return inChainOrder(events)
		? events
		: events.sort((a, b) => (a.block === b.block ? a.logIndex - b.logIndex : a.block < b.block ? -1 : 1));
}

function inChainOrder(events: ChainEvent[]): boolean {
	for (let i = 1; i < events.length; i++) {
		const a = events[i - 1] as ChainEvent;
		const b = events[i] as ChainEvent;
		if (a.block > b.block || (a.block === b.block && a.logIndex > b.logIndex)) return false;
	}
	return true;
}

/** The accounts an event changes (never the zero address). */
export function touchedAccounts(event: ChainEvent): string[] {
	switch (event.kind) {
		case "transfer":
			return [event.from, event.to].filter((a) => a !== ZERO_ADDRESS);
		case "flow":
			return [event.sender, event.receiver];
		case "liquidation":
			return [event.target, event.liquidator, event.rewardReceiver];
		case "agreement":
			return [event.account];
	}
}
