import { encodeAbiParameters, pad, parseAbiParameters, toEventSelector } from "viem";
import { describe, expect, it } from "vitest";
import { decodeLogs, TOPICS } from "../../src/indexer/events.ts";
import type { RpcLog } from "../../src/rpc/actions.ts";
import { RpcDataError } from "../../src/rpc/errors.ts";

const A = "0x00000000000000000000000000000000000000a1";
const B = "0x00000000000000000000000000000000000000b2";
const TOKEN = "0x00000000000000000000000000000000000000c3";
const CFA = "0x00000000000000000000000000000000000000d4";

function log(fields: Partial<RpcLog> & Pick<RpcLog, "topics" | "data">): RpcLog {
	return {
		address: TOKEN,
		blockNumber: "0x10",
		blockHash: `0x${"ab".repeat(32)}`,
		transactionHash: `0x${"cd".repeat(32)}`,
		logIndex: "0x0",
		...fields,
	};
}

describe("TOPICS", () => {
	it.each([
		["transfer", "Transfer(address indexed from, address indexed to, uint256 value)"],
		[
			"flowUpdated",
			"FlowUpdated(address indexed token, address indexed sender, address indexed receiver, int96 flowRate, int256 totalSenderFlowRate, int256 totalReceiverFlowRate, bytes userData)",
		],
		["flowUpdatedExtension", "FlowUpdatedExtension(address indexed flowOperator, uint256 deposit)"],
		[
			"agreementLiquidatedV2",
			"AgreementLiquidatedV2(address indexed agreementClass, bytes32 id, address indexed liquidatorAccount, address indexed targetAccount, address rewardAmountReceiver, uint256 rewardAmount, int256 targetAccountBalanceDelta, bytes liquidationTypeData)",
		],
		["agreementStateUpdated", "AgreementStateUpdated(address indexed agreementClass, address indexed account, uint256 slotId)"],
	] as const)("%s is the keccak of its signature", (name, signature) => {
		expect(TOPICS[name]).toBe(toEventSelector(`event ${signature}`));
	});
});

describe("decodeLogs()", () => {
	it("decodes transfers, negative flow rates and liquidation deltas, in chain order", () => {
		const flow = log({
			address: CFA,
			logIndex: "0x2",
			topics: [TOPICS.flowUpdated, pad(TOKEN), pad(A), pad(B)],
			data: encodeAbiParameters(parseAbiParameters("int96, int256, int256, bytes"), [1000n, -1000n, 1000n, "0x"]),
		});
		const extension = log({
			address: CFA,
			logIndex: "0x3",
			topics: [TOPICS.flowUpdatedExtension, pad(A)],
			data: encodeAbiParameters(parseAbiParameters("uint256"), [4_294_967_296n]),
		});
		const transfer = log({
			logIndex: "0x1",
			topics: [TOPICS.transfer, pad(A), pad(B)],
			data: encodeAbiParameters(parseAbiParameters("uint256"), [2n ** 255n]),
		});
		const liquidation = log({
			logIndex: "0x4",
			topics: [TOPICS.agreementLiquidatedV2, pad(CFA), pad(B), pad(A)],
			data: encodeAbiParameters(parseAbiParameters("bytes32, address, uint256, int256, bytes"), [
				`0x${"00".repeat(32)}`,
				B,
				5n,
				-5n,
				"0x01",
			]),
		});
		const events = decodeLogs({ tokenLogs: [liquidation, transfer], flowLogs: [flow], extensionLogs: [extension], cfa: CFA });
		expect(events.map((e) => e.kind)).toEqual(["transfer", "flow", "liquidation"]);
		expect(events[0]).toMatchObject({ from: A, to: B, value: 2n ** 255n, block: 16n });
		expect(events[1]).toMatchObject({
			sender: A,
			receiver: B,
			flowRate: 1000n,
			totalSenderFlowRate: -1000n,
			totalReceiverFlowRate: 1000n,
			deposit: 4_294_967_296n,
			flowOperator: A,
		});
		expect(events[2]).toMatchObject({ target: A, liquidator: B, rewardReceiver: B, rewardAmount: 5n, targetBalanceDelta: -5n });
	});

	it("flags another agreement's account-state writes and ignores the CFA's own", () => {
		const state = (agreement: string) =>
			log({ topics: [TOPICS.agreementStateUpdated, pad(agreement as `0x${string}`), pad(A)], data: pad("0x00") });
		const events = decodeLogs({ tokenLogs: [state(CFA), state(B)], cfa: CFA });
		expect(events).toEqual([expect.objectContaining({ kind: "agreement", account: A, agreementClass: B })]);
	});

	it("refuses a FlowUpdated without its FlowUpdatedExtension, and a log of the wrong shape", () => {
		const flow = log({
			address: CFA,
			topics: [TOPICS.flowUpdated, pad(TOKEN), pad(A), pad(B)],
			data: encodeAbiParameters(parseAbiParameters("int96, int256, int256, bytes"), [1n, -1n, 1n, "0x"]),
		});
		expect(() => decodeLogs({ tokenLogs: [], flowLogs: [flow], extensionLogs: [], cfa: CFA })).toThrow(RpcDataError);
		expect(() => decodeLogs({ tokenLogs: [log({ topics: [TOPICS.transfer, pad(A)], data: "0x" })] })).toThrow(RpcDataError);
	});
});
