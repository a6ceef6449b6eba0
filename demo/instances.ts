import type { Address } from "viem";
import { depositForFlowRate } from "../devchain/superfluid.ts";
import { parseAleph } from "../src/lib/amounts.ts";
import type { StreamChainName } from "./chains.ts";
import type { DemoContext, Instance } from "./context.ts";
import { type InstanceMessage, type InstanceSpec, instanceMessage } from "./messages.ts";
import { splitRequired } from "./streams.ts";
import { sendTransfers } from "./transfers.ts";
import { waitIndexed } from "./wait.ts";

/** A superfluid instance spec. */
export type StreamSpec = InstanceSpec & { payment: { type: "superfluid"; chain: StreamChainName; receiver: Address } };

/**
 * A node accepts a hold instance: it registers the message in the oracle's ledger
 * (`PUT /v1/resources/{item_hash}`), which freezes its cost and locks it on the owner's balance.
 */
export async function startHoldInstance(ctx: DemoContext, spec: InstanceSpec, options: { scripted?: boolean } = {}): Promise<Instance> {
	const message = instanceMessage(spec);
	const registered = await ctx.api.register(message);
	return record(ctx, message, spec, { holdWei: BigInt(registered.costs.hold.wei), streamWei: 0n }, options.scripted ?? false);
}

/** A pay-as-you-go instance whose streams are open, not yet registered. */
export type PaidStream = { spec: StreamSpec; message: InstanceMessage; streamWei: bigint; chain: StreamChainName; block: bigint };

/**
 * A pay-as-you-go instance, the way aleph-client and a CRN go about it: the owner learns what the
 * instance costs per second from `POST /v1/can-pay`, opens or raises its streams (see
 * {@link openStreams}); once the oracle has indexed them, the node accepts the message and
 * registers it, so the ledger never holds an instance its streams do not pay for yet.
 */
export async function startStreamInstance(
	ctx: DemoContext,
	spec: StreamSpec,
	runwaySeconds: bigint,
	options: { scripted?: boolean } = {},
): Promise<Instance> {
	const paid = await openStreams(ctx, spec, runwaySeconds);
	await waitIndexed(ctx.api, paid.chain, paid.block, ctx.signal);
	return registerStream(ctx, paid, options);
}

/**
 * Pays for a pay-as-you-go instance before it is registered: its cost per second from can-pay, a
 * top-up from the chain's treasury (the deposits of its share of the two flows plus
 * `runwaySeconds` of that cost), and the flows raised by 80 % of the cost to the CRN, the rest to
 * the community wallet, CRN first.
 *
 * A newcomer is funded before its flows open; a streamer raises its flows before the top-up.
 * Either way the time until the owner's balance runs dry never exceeds 1.25 × the longest runway
 * it was given, even between the transactions (the in-process queue cannot schedule a check more
 * than 24.8 days ahead).
 */
export async function openStreams(ctx: DemoContext, spec: StreamSpec, runwaySeconds: bigint): Promise<PaidStream> {
	const { chain: chainName, receiver: crn } = spec.payment;
	const chain = ctx.chains[chainName];
	const message = instanceMessage(spec);
	const streamWei = parseAleph((await ctx.api.canPay(message)).cost);
	const split = splitRequired(streamWei);
	const deposits = await Promise.all(
		[split.crn, split.community].map((flowRate) => depositForFlowRate(chain.client, chain.sf, { flowRate })),
	);
	const amount = deposits.reduce((a, b) => a + b, 0n) + streamWei * runwaySeconds;
	const newcomer = !ctx.streams.isStreaming(chainName, spec.owner);
	let block = 0n;
	const pay = async () => {
		block = await ctx.streams.pay(chainName, spec.owner, crn, streamWei);
		ctx.counters.transactions += 2;
	};
	if (!newcomer) await pay();
	await sendTransfers(chain, [{ from: chain.treasury, to: spec.owner, amount }]);
	ctx.counters.transactions++;
	if (newcomer) await pay();
	return { spec, message, streamWei, chain: chainName, block };
}

/** The node accepts a paid pay-as-you-go instance: `PUT /v1/resources/{item_hash}`. */
export async function registerStream(ctx: DemoContext, paid: PaidStream, options: { scripted?: boolean } = {}): Promise<Instance> {
	const registered = await ctx.api.register(paid.message);
	const costs = { holdWei: 0n, streamWei: BigInt(registered.costs.stream.weiPerSecond) };
	return record(ctx, paid.message, paid.spec, costs, options.scripted ?? false);
}

function record(
	ctx: DemoContext,
	message: InstanceMessage,
	spec: InstanceSpec,
	costs: { holdWei: bigint; streamWei: bigint },
	scripted: boolean,
): Instance {
	const instance: Instance = {
		itemHash: message.item_hash,
		owner: spec.owner,
		paymentType: spec.payment.type,
		chain: spec.payment.type === "superfluid" ? spec.payment.chain : null,
		crn: spec.payment.type === "superfluid" ? spec.payment.receiver : null,
		...costs,
		scripted,
	};
	ctx.instances.set(instance.itemHash, instance);
	return instance;
}

/** Stops an instance: the node forgets it in the ledger, then a streamer lowers (or closes) its flows. */
export async function stopInstance(ctx: DemoContext, instance: Instance): Promise<void> {
	await ctx.api.forget(instance.itemHash);
	ctx.instances.delete(instance.itemHash);
	if (instance.chain && instance.crn) {
		await ctx.streams.stop(instance.chain, instance.owner, instance.crn, instance.streamWei);
		ctx.counters.transactions += 2;
	}
}
