import type { Address } from "viem";
import { keccak256, toHex } from "viem";
import { creditDistribution, creditExpense, creditTransfer, securityAggregate } from "../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../devchain/ccn/server.ts";
import { createSigner, type Signer } from "../devchain/ccn/sign.ts";
import { parseAleph } from "../src/lib/amounts.ts";
import { sleep } from "../src/lib/sleep.ts";
import { type DemoContext, short } from "./context.ts";
import { type InstanceMessage, instanceMessage } from "./messages.ts";
import { demoAddresses, WEI } from "./random.ts";

/**
 * The credit side of the demo: a local CCN (the Aleph network's message feed) that the oracle
 * follows, an issuer of its own (`CREDIT_ISSUERS`) whose delegate, authorized by the issuer's
 * `security` aggregate, distributes credits and publishes hourly-style expenses for the credit
 * instances. Each expense tick bills one hour of every credit instance, so the dry account runs
 * out of credits during the demo.
 */
export type CreditNetwork = { ccn: LocalCcn; issuer: Signer; delegate: Signer };

/** The scripted credit cases, with the messages of the printed credit `curl` lines. */
export type CreditShowcase = {
	/** A credit instance the rich account can pay for: can-pay says yes. */
	yes: InstanceMessage;
	/** A credit instance the poor account cannot: fewer credits than one day of it, code 6. */
	no: InstanceMessage;
	rich: Address;
	poor: Address;
	dry: Address;
	richCredits: number;
	poorCredits: number;
	dryCredits: number;
	/** Registered credit instances, by owner: what the expense ticks bill. */
	instances: { owner: Address; itemHash: string; perSecond: string }[];
};

/** One hour of a one-compute-unit instance, credits (14 250 per CU-hour, the default pricing). */
const CU_HOUR = 14_250;

/** Keys of the demo's own issuer and delegate, from the seed (never real keys). */
function demoKey(seed: number, role: string): `0x${string}` {
	return keccak256(toHex(`aleph-oracle demo ${seed} credit ${role}`));
}

/** Starts the local CCN with the issuer's security aggregate authorizing its delegate for credit posts. */
export async function startCreditNetwork(seed: number): Promise<CreditNetwork> {
	const ccn = await startLocalCcn({ seed });
	const issuer = createSigner(demoKey(seed, "issuer"));
	const delegate = createSigner(demoKey(seed, "delegate"));
	const time = Date.now() / 1000 - 86_400;
	ccn.insert(
		await issuer.sign(
			securityAggregate({
				sender: issuer.address,
				time,
				authorizations: [
					{
						address: delegate.address,
						types: ["POST"],
						channels: ["ALEPH_CREDIT"],
						post_types: ["aleph_credit_distribution", "aleph_credit_expense"],
					},
				],
			}),
		),
	);
	return { ccn, issuer, delegate };
}

/** The oracle's feed configuration for the network. */
export function creditEnvironment(network: CreditNetwork, speed: number): Record<string, string> {
	return {
		ALEPH_API_URLS: network.ccn.url,
		ALEPH_FEED_POLL_MS: String(Math.max(100, Math.round(1_000 / speed))),
		CREDIT_ISSUERS: network.issuer.address,
	};
}

let clock = Date.now() / 1000 - 3_600;
/** Posts get increasing times a millisecond apart: the ledger order is the publication order. */
const nextTime = () => {
	clock = Math.max(clock + 0.001, Date.now() / 1000);
	return Math.round(clock * 1000) / 1000;
};

async function distribute(network: CreditNetwork, credits: { address: string; amount: number }[]): Promise<void> {
	const { delegate, issuer, ccn } = network;
	ccn.insert(await delegate.sign(creditDistribution({ sender: delegate.address, address: issuer.address, time: nextTime(), credits })));
}

/**
 * Credits to the demo's credit users (the rich one 100 M, the poor one less than a day of an
 * instance, the dry one six hours of its instance, others a few days), their credit instances
 * registered in the ledger as a node would, and one transfer between two users.
 */
export async function openCreditScenario(ctx: DemoContext, network: CreditNetwork): Promise<CreditShowcase> {
	const seed = ctx.options.seed;
	const [rich, poor, dry, ...users] = demoAddresses(seed, "credit-user", 7) as [Address, Address, Address, ...Address[]];
	const day = CU_HOUR * 24;
	const richCredits = 100_000_000;
	const poorCredits = day - 42_000;
	const dryCredits = day / 4;
	await distribute(network, [
		{ address: rich, amount: richCredits },
		{ address: poor, amount: poorCredits },
		{ address: dry, amount: dryCredits },
		...users.map((address, i) => ({ address, amount: day * (3 + i) })),
	]);
	const sender = users[0] as Address;
	const recipient = users[1] as Address;
	// A holder's transfer: signed by the holder itself (a key the demo holds for that one address).
	const holder = createSigner(demoKey(seed, "holder"));
	await distribute(network, [{ address: holder.address, amount: day }]);
	network.ccn.insert(
		await holder.sign(creditTransfer({ sender: holder.address, time: nextTime(), credits: [{ address: recipient, amount: day / 2 }] })),
	);
	ctx.say(
		`CCN   credits distributed to ${users.length + 3} accounts, ${short(holder.address)} sent ${day / 2} credits to ${short(recipient)}`,
	);

	const credit = { type: "credit" } as const;
	const instances: CreditShowcase["instances"] = [];
	for (const [owner, vcpus] of [
		[rich, 2],
		[rich, 1],
		[dry, 1],
		[sender, 1],
		[recipient, 1],
	] as const) {
		const message = instanceMessage({ owner, vcpus, name: "credit-vm", payment: credit });
		const registered = await ctx.api.register(message);
		instances.push({ owner, itemHash: message.item_hash, perSecond: registered.costs.credit });
	}
	return {
		yes: instanceMessage({ owner: rich, vcpus: 1, name: "credit-api", payment: credit }),
		no: instanceMessage({ owner: poor, vcpus: 1, name: "credit-worker", payment: credit }),
		rich,
		poor,
		dry,
		richCredits,
		poorCredits,
		dryCredits,
		instances,
	};
}

/**
 * The issuer's hourly expenses, sped up: every `everyMs` one expense post bills one hour of every
 * credit instance (`amount = price × 3600`, as the real ones bill `price × time`). The dry account
 * is told when its credits are gone.
 */
export function startExpenses(
	ctx: DemoContext,
	network: CreditNetwork,
	showcase: CreditShowcase,
	everyMs: number,
): { stop(): Promise<void> } {
	let left = showcase.dryCredits;
	let announced = false;
	const loop = (async () => {
		while (!ctx.signal.aborted) {
			await sleep(everyMs, ctx.signal);
			if (ctx.signal.aborted) return;
			const credits = showcase.instances.map((i) => ({
				address: i.owner,
				amount: Number((parseAleph(i.perSecond) * 3_600n + WEI / 2n) / WEI),
				execution_id: i.itemHash,
				price: i.perSecond,
				time: 3_600,
			}));
			const { delegate, issuer, ccn } = network;
			try {
				ccn.insert(await delegate.sign(creditExpense({ sender: delegate.address, address: issuer.address, time: nextTime(), credits })));
				ctx.counters.transactions++;
			} catch {
				ctx.counters.failures++;
			}
			left -= credits.filter((c) => c.address === showcase.dry).reduce((s, c) => s + c.amount, 0);
			if (left <= 0 && !announced) {
				announced = true;
				ctx.say(`CCN   ${short(showcase.dry)} has spent all its credits: its credit instance is no longer paid for`);
			}
		}
	})();
	return { stop: () => loop };
}
