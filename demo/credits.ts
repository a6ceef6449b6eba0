import type { Address } from "viem";
import { keccak256, toHex } from "viem";
import { creditDistribution, creditExpense, creditTransfer, forget, instance, securityAggregate, store } from "../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../devchain/ccn/server.ts";
import { type AlephMessage, createSigner, type Signer } from "../devchain/ccn/sign.ts";
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
	/** Credit instances (registered, or published on the network), by owner: what the expense ticks bill. */
	instances: { owner: Address; itemHash: string; perSecond: string }[];
	/** Published through the local CCN: the dry account's instance (a STORE as its volume), its delegate's, one forgotten. */
	published: { volume: string; delegated: string; forgotten: string };
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
	const [rich, poor, ...users] = demoAddresses(seed, "credit-user", 6) as [Address, Address, ...Address[]];
	// The dry account publishes its own instances on the network: the demo holds its key.
	const drySigner = createSigner(demoKey(seed, "dry"));
	const dry = drySigner.address as Address;
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
		[sender, 1],
		[recipient, 1],
	] as const) {
		const message = instanceMessage({ owner, vcpus, name: "credit-vm", payment: credit });
		const registered = await ctx.api.register(message);
		instances.push({ owner, itemHash: message.item_hash, perSecond: registered.costs.credit });
	}
	const published = await publishOnNetwork(ctx, network, drySigner);
	for (const itemHash of [published.volume, published.delegated])
		instances.push({ owner: dry, itemHash, perSecond: (await pricedByTheOracle(ctx, itemHash, 200)) as string });
	await pricedByTheOracle(ctx, published.forgotten, 410);
	ctx.say(
		`CCN   ${short(dry)} published a STORE and an instance using it as a volume, its delegate an instance for it, and forgot a third: the oracle priced them from the feed`,
	);
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
		published,
	};
}

/** `POST /api/v0/messages` (sync) of the local CCN, as the SDK publishes: refused messages throw. */
async function publish(network: CreditNetwork, message: AlephMessage): Promise<void> {
	const response = await fetch(`${network.ccn.url}/api/v0/messages`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ sync: true, message }),
	});
	if (response.status !== 200) throw new Error(`the local CCN refused a ${message.type}: ${response.status} ${await response.text()}`);
}

/**
 * The dry account's resources published through the local CCN, as a user's SDK would: its
 * security aggregate authorizing a delegate for INSTANCEs, a STORE (credit) and an INSTANCE that
 * mounts it as a volume, an INSTANCE its delegate publishes for it, and one it starts and forgets.
 */
async function publishOnNetwork(ctx: DemoContext, network: CreditNetwork, owner: Signer): Promise<CreditShowcase["published"]> {
	const vmDelegate = createSigner(demoKey(ctx.options.seed, "vm-delegate"));
	const credit = { chain: "ETH", type: "credit" } as const;
	const requirements = { node: { node_hash: "dc3d1d194a990b5c54380c3c0439562fefa42f5a46807cba1c500ec3affecf04" } };
	const vm = { resources: { vcpus: 1, memory: 2048 }, rootfs: { sizeMib: 20480 }, payment: credit, requirements };
	await publish(
		network,
		await owner.sign(
			securityAggregate({
				sender: owner.address,
				time: nextTime(),
				authorizations: [{ address: vmDelegate.address, types: ["INSTANCE"] }],
			}),
		),
	);
	const file = network.ccn.addFile(Buffer.alloc(3 * 1024 * 1024, 7));
	const s = await owner.sign(store({ sender: owner.address, time: nextTime(), itemHash: file, payment: credit }));
	await publish(network, s);
	const withVolume = await owner.sign(
		instance({ sender: owner.address, time: nextTime(), ...vm, volumes: [{ mount: "/data", ref: s.item_hash, use_latest: false }] }),
	);
	await publish(network, withVolume);
	const delegated = await vmDelegate.sign(instance({ sender: vmDelegate.address, address: owner.address, time: nextTime(), ...vm }));
	await publish(network, delegated);
	const gone = await owner.sign(instance({ sender: owner.address, time: nextTime(), ...vm }));
	await publish(network, gone);
	await publish(network, await owner.sign(forget({ sender: owner.address, time: nextTime(), hashes: [gone.item_hash] })));
	return { volume: withVolume.item_hash, delegated: delegated.item_hash, forgotten: gone.item_hash };
}

/** Waits until the oracle answers `status` for the item's price (it follows the feed); its cost. */
async function pricedByTheOracle(ctx: DemoContext, itemHash: string, status: 200 | 410): Promise<string | null> {
	for (;;) {
		const answer = await ctx.api.price(itemHash);
		if (answer.status === status) return answer.cost;
		await sleep(200, ctx.signal);
	}
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
