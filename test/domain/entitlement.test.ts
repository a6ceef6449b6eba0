/** computeEntitlement() on hand-built inputs: no database, one row per rule. */
import { describe, expect, it } from "vitest";
import {
	type ChainState,
	computeEntitlement,
	type Entitlement,
	type EntitlementInputs,
	type LedgerResource,
	type OutgoingFlow,
} from "../../src/domain/entitlement.ts";
import type { StreamAccount } from "../../src/domain/superfluid.ts";
import { getDefaultSettings } from "../../src/pricing/index.ts";

const NOW = 1_800_000_000n;
const HORIZON = 86_400;
const WEI = 10n ** 18n;
const CRN = "0x0000000000000000000000000000000000000c12";
const COMMUNITY = getDefaultSettings().communityWalletAddress.toLowerCase();
/** The stream cost of a 1 vCPU instance, wei/s, and its 80/20 split after the community wallet start. */
const STREAM = 15_277_777_777_777n;
const TO_CRN = 12_222_222_222_221n;
const TO_COMMUNITY = 3_055_555_555_555n;

const chain = (name: string, fields: Partial<ChainState> = {}): ChainState => ({
	chain: name,
	transferred: 0n,
	stream: null,
	reconciled: null,
	block: 1_000n,
	...fields,
});
const stream = (fields: Partial<StreamAccount>): StreamAccount => ({
	streamed: 0n,
	netFlowRate: 0n,
	deposit: 0n,
	owedDeposit: 0n,
	updatedAt: NOW,
	...fields,
});
const hold = (itemHash: string, aleph: bigint, acceptedAt: number): LedgerResource => ({
	itemHash,
	paymentType: "hold",
	chain: null,
	receiver: null,
	costHold: aleph * WEI,
	costStream: 0n,
	costCredit: 0n,
	messageTime: acceptedAt / 1000,
	acceptedAt,
});
const payg = (itemHash: string): LedgerResource => ({
	...hold(itemHash, 0n, Number(NOW - 60n) * 1000),
	paymentType: "superfluid",
	chain: "AVAX",
	receiver: CRN,
	costStream: STREAM,
});
const inputs = (chains: ChainState[], resources: LedgerResource[] = [], flows: OutgoingFlow[] = []): EntitlementInputs => ({
	address: "0x0000000000000000000000000000000000000a11",
	chains,
	flows,
	resources,
});

const cases: [string, EntitlementInputs, Partial<Entitlement> & Record<string, unknown>][] = [
	[
		"an account the index does not know is a zero account, ok",
		inputs([chain("ETH")]),
		{ balance: 0n, lockedHold: 0n, free: 0n, shortfall: 0n, status: "ok", criticalAt: null, conditions: [], asOf: { ETH: 1_000n } },
	],
	[
		"balances add up over chains",
		inputs([chain("ETH", { transferred: 700n * WEI }), chain("BASE", { transferred: 300n * WEI })]),
		{ balance: 1_000n * WEI, balances: { ETH: 700n * WEI, BASE: 300n * WEI }, status: "ok" },
	],
	[
		"holds are covered oldest first; a shortfall is insufficient",
		inputs([chain("ETH", { transferred: 1_500n * WEI })], [hold("old", 1_000n, 1_000), hold("new", 1_000n, 2_000)]),
		{
			lockedHold: 2_000n * WEI,
			free: 0n,
			shortfall: 500n * WEI,
			coverage: [
				{ itemHash: "old", covered: true },
				{ itemHash: "new", covered: false },
			],
			status: "insufficient",
			conditions: [
				{
					kind: "insufficient_balance",
					subject: "",
					detail: { balance: (1_500n * WEI).toString(), locked: (2_000n * WEI).toString(), shortfall: (500n * WEI).toString() },
				},
			],
		},
	],
	[
		"a balance exactly equal to the locked holds is enough",
		inputs([chain("ETH", { transferred: 2_000n * WEI })], [hold("a", 1_000n, 1_000), hold("b", 1_000n, 2_000)]),
		{ free: 0n, shortfall: 0n, status: "ok", conditions: [] },
	],
	[
		"a stream balance counts at now, settled and minus the locked deposit",
		inputs([chain("AVAX", { transferred: 100n, stream: stream({ streamed: 50n, netFlowRate: 2n, deposit: 30n, updatedAt: NOW - 10n }) })]),
		{ balance: 140n, streams: { AVAX: { netFlowRate: 2n, deposit: 30n, available: 140n, criticalAt: null, source: "events" } } },
	],
	[
		"a stream running dry within the horizon is at risk",
		inputs([chain("AVAX", { transferred: 10_000n, stream: stream({ netFlowRate: -1n }) })]),
		{
			status: "at_risk",
			criticalAt: NOW + 10_001n,
			conditions: [expect.objectContaining({ kind: "stream_running_dry", subject: "AVAX" })],
		},
	],
	[
		"a stream running dry beyond the horizon is ok, with its critical time",
		inputs([chain("AVAX", { transferred: 10n ** 6n, stream: stream({ netFlowRate: -1n }) })]),
		{ status: "ok", criticalAt: NOW + 10n ** 6n + 1n, conditions: [] },
	],
	[
		"a critical stream account is insufficient and its negative balance counts as 0",
		inputs([chain("ETH", { transferred: 5n }), chain("AVAX", { stream: stream({ streamed: -100n, netFlowRate: -1n }) })]),
		{
			balance: 5n,
			balances: { ETH: 5n, AVAX: 0n },
			status: "insufficient",
			conditions: [expect.objectContaining({ kind: "critical_account", subject: "AVAX" })],
		},
	],
	[
		"a realtimeBalanceOf read replaces the event-derived state",
		inputs([
			chain("AVAX", {
				transferred: 10n ** 9n,
				stream: stream({ netFlowRate: 7n }),
				reconciled: { available: 500n, deposit: 40n, netFlowRate: 2n, timestamp: NOW - 10n },
			}),
		]),
		{ balance: 520n, streams: { AVAX: { netFlowRate: 2n, deposit: 40n, available: 520n, criticalAt: null, source: "rpc" } } },
	],
	[
		"pay-as-you-go resources are covered by the flows to the CRN and the community wallet (80/20)",
		inputs(
			[chain("AVAX")],
			[payg("p")],
			[
				{ chain: "AVAX", receiver: CRN, flowRate: TO_CRN },
				{ chain: "AVAX", receiver: COMMUNITY, flowRate: TO_COMMUNITY },
			],
		),
		{
			status: "ok",
			payg: [
				{
					chain: "AVAX",
					receiver: CRN,
					resources: ["p"],
					requiredToReceiver: TO_CRN,
					requiredToCommunity: TO_COMMUNITY,
					flowToReceiver: TO_CRN,
					flowToCommunity: TO_COMMUNITY,
					ok: true,
					reason: "sufficient",
				},
			],
		},
	],
	[
		"a pay-as-you-go group without its CRN flow is insufficient, and a flow on another chain does not help",
		inputs([chain("AVAX")], [payg("p")], [{ chain: "BASE", receiver: CRN, flowRate: 10n ** 15n }]),
		{
			status: "insufficient",
			payg: [expect.objectContaining({ ok: false, reason: "insufficient_crn_stream", flowToReceiver: 0n })],
			conditions: [expect.objectContaining({ kind: "stream_below_requirement", subject: `AVAX:${CRN}` })],
		},
	],
	[
		"credit resources lock nothing here (credit balances are not indexed)",
		inputs([chain("ETH")], [{ ...hold("c", 0n, 1_000), paymentType: "credit", costCredit: WEI }]),
		{ lockedHold: 0n, status: "ok", coverage: [], payg: [] },
	],
];

describe("computeEntitlement()", () => {
	it.each(cases)("%s", (_, given, expected) => {
		const entitlement = computeEntitlement(given, { now: NOW, settings: getDefaultSettings(), horizonSeconds: HORIZON });
		expect(entitlement).toMatchObject({ address: given.address, computedAt: NOW, ...expected });
	});

	it("is insufficient rather than at risk when both apply", () => {
		const entitlement = computeEntitlement(
			inputs([chain("AVAX", { transferred: 10_000n, stream: stream({ netFlowRate: -1n }) })], [hold("h", 1n, 1_000)]),
			{ now: NOW, settings: getDefaultSettings(), horizonSeconds: HORIZON },
		);
		expect(entitlement.status).toBe("insufficient");
		expect(entitlement.conditions.map((c) => c.kind).sort()).toEqual(["insufficient_balance", "stream_running_dry"]);
	});
});
