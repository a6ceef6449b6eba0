/** decideCanPay() on hand-built inputs: no database, one row per rule. */
import { describe, expect, it } from "vitest";
import { type CanPayVerdict, decideCanPay } from "../../src/domain/can-pay.ts";
import { computeEntitlement, type EntitlementInputs, type LedgerResource, type OutgoingFlow } from "../../src/domain/entitlement.ts";
import { getDefaultSettings, type PricedMessage } from "../../src/pricing/index.ts";
import { instance, type Json, NODE_HASH, priced } from "../pricing/fixtures.ts";

const NOW = 1_800_000_000;
const WEI = 10n ** 18n;
const OWNER = "0xa07b1214bae0d5ccaa25449c3149c0ac83658874"; // the fixtures' sender
const CRN = "0x0000000000000000000000000000000000000c12";
const COMMUNITY = getDefaultSettings().communityWalletAddress.toLowerCase();
/** The 1 vCPU instance of the fixtures: 1 000 ALEPH held, or this stream split 80/20. */
const STREAM = 15_277_777_777_777n;
const TO_CRN = 12_222_222_222_221n;
const TO_COMMUNITY = 3_055_555_555_555n;
/** The fixtures' item hash: a resource under it is the message itself (a re-check). */
const SELF = "abab";

const payg = (chain = "AVAX", receiver = CRN) => ({ payment: { type: "superfluid", chain, receiver } });
const credit = { payment: { type: "credit" }, requirements: { node: { node_hash: NODE_HASH } } };
const resource = (itemHash: string, fields: Partial<LedgerResource>): LedgerResource => ({
	itemHash,
	paymentType: "hold",
	chain: null,
	receiver: null,
	costHold: 0n,
	costStream: 0n,
	costCredit: 0n,
	messageTime: NOW - 60,
	acceptedAt: (NOW - 60) * 1000,
	...fields,
});

type Case = {
	message: Json;
	/** The owner's ALEPH on ETH. */
	aleph?: bigint;
	resources?: LedgerResource[];
	flows?: OutgoingFlow[];
	expected: Partial<CanPayVerdict> & Record<string, unknown>;
};

const cases: [string, Case][] = [
	[
		"hold: allowed when the balance covers the message",
		{ message: instance(), aleph: 1_000n, expected: { allowed: true, reason: "balance_sufficient", lockedHoldWei: 0n, flowsUsed: null } },
	],
	[
		"hold: the owner's other hold resources are locked on top of the message",
		{
			message: instance(),
			aleph: 2_000n,
			resources: [resource("other", { costHold: 1_500n * WEI })],
			expected: {
				allowed: false,
				errorCode: 5,
				reason: "balance_insufficient",
				required: "2500.000000000000000000",
				lockedHoldWei: 1_500n * WEI,
			},
		},
	],
	[
		"hold: the message's own registered resource is not counted twice (a re-check)",
		{
			message: instance(),
			aleph: 1_000n,
			resources: [resource(SELF, { costHold: 1_000n * WEI })],
			expected: { allowed: true, lockedHoldWei: 0n, required: "1000.000000000000000000" },
		},
	],
	[
		"superfluid: no flow to the receiver is a refusal without an Aleph code, naming the flows read",
		{
			message: instance(payg()),
			expected: {
				allowed: false,
				errorCode: null,
				reason: "stream_insufficient",
				flowsUsed: { chain: "AVAX", receiver: CRN, communityWallet: COMMUNITY, toReceiverWei: 0n, toCommunityWei: 0n },
			},
		},
	],
	[
		"superfluid: flows to the CRN and the community wallet covering 80/20 allow it",
		{
			message: instance(payg()),
			flows: [
				{ chain: "AVAX", receiver: CRN, flowRate: TO_CRN },
				{ chain: "AVAX", receiver: COMMUNITY, flowRate: TO_COMMUNITY },
			],
			expected: {
				allowed: true,
				reason: "stream_sufficient",
				flowsUsed: expect.objectContaining({ toReceiverWei: TO_CRN, toCommunityWei: TO_COMMUNITY }),
			},
		},
	],
	[
		"superfluid: the same flows must also pay the owner's other resources to that receiver on that chain",
		{
			message: instance(payg()),
			flows: [
				{ chain: "AVAX", receiver: CRN, flowRate: TO_CRN },
				{ chain: "AVAX", receiver: COMMUNITY, flowRate: TO_COMMUNITY },
			],
			resources: [
				resource("same", { paymentType: "superfluid", chain: "AVAX", receiver: CRN, costStream: STREAM }),
				resource("elsewhere", { paymentType: "superfluid", chain: "BASE", receiver: CRN, costStream: STREAM }),
			],
			expected: { allowed: false, reason: "stream_insufficient", required: "0.000024444444444443" },
		},
	],
	[
		"superfluid: a flow on another chain does not pay",
		{
			message: instance(payg()),
			flows: [{ chain: "BASE", receiver: CRN, flowRate: 10n ** 15n }],
			expected: { allowed: false, flowsUsed: expect.objectContaining({ chain: "AVAX", toReceiverWei: 0n }) },
		},
	],
	[
		"superfluid: on a chain whose streams are not indexed, nothing is checked",
		{ message: instance(payg("ETH")), expected: { allowed: true, reason: "superfluid_unchecked", flowsUsed: null } },
	],
	[
		"superfluid: the receiver is matched in any case",
		{
			message: instance(payg("AVAX", "0x0000000000000000000000000000000000000C12")),
			flows: [
				{ chain: "AVAX", receiver: CRN, flowRate: TO_CRN },
				{ chain: "AVAX", receiver: COMMUNITY, flowRate: TO_COMMUNITY },
			],
			expected: { allowed: true, flowsUsed: expect.objectContaining({ receiver: CRN }) },
		},
	],
	[
		"credit: no verdict, the credit balance is not indexed; the requirement counts the owner's credit resources",
		{
			message: instance(credit),
			resources: [resource("c", { paymentType: "credit", costCredit: WEI })],
			expected: {
				allowed: null,
				errorCode: null,
				reason: "credit_balance_unknown",
				required: "428399.999999999999971200",
				available: null,
				message: expect.stringContaining("Credit balances are not indexed"),
			},
		},
	],
];

describe("decideCanPay()", () => {
	it.each(cases)("%s", (_, c) => {
		const { message, costs } = priced(c.message);
		const settings = getDefaultSettings();
		const inputs: EntitlementInputs = {
			address: OWNER,
			chains: [{ chain: "ETH", transferred: (c.aleph ?? 0n) * WEI, stream: null, reconciled: null, block: 1n }],
			flows: c.flows ?? [],
			resources: c.resources ?? [],
		};
		const entitlement = computeEntitlement(inputs, { now: BigInt(NOW), settings, horizonSeconds: 86_400 });
		const verdict = decideCanPay({
			message: message as Exclude<PricedMessage, { kind: "unpriced" }>,
			costs,
			inputs,
			entitlement,
			settings,
			now: NOW,
			streamChains: ["AVAX", "BASE"],
		});
		expect(verdict).toMatchObject(c.expected);
	});
});
