import type { Address, Hash } from "viem";
import { confirm } from "../devchain/client.ts";
import { describeError } from "../src/lib/errors.ts";
import type { Logger } from "../src/lib/logger.ts";
import { sleep } from "../src/lib/sleep.ts";
import type { DemoChain, StreamChainName } from "./chains.ts";
import { type DemoContext, fmt, lockedHold, short } from "./context.ts";
import { openStreams, type PaidStream, registerStream, startHoldInstance, startStreamInstance, stopInstance } from "./instances.ts";
import { STOP_GRACE_MS, settleWithin } from "./lifecycle.ts";
import { instanceMessage } from "./messages.ts";
import { sendTransfer, type Transfer } from "./transfers.ts";
import { waitIndexed } from "./wait.ts";

const STREAM_CHAINS: StreamChainName[] = ["AVAX", "BASE"];
const WORKLOADS = ["web", "api", "db", "worker", "cache", "ml", "node", "game", "ci-runner", "vpn"];

/**
 * Fewest and most days a streamer's balance lasts when it starts an instance. At most 14: between
 * its two flow changes a runway stretches by up to 1.25×, and the in-process queue mishandles
 * checks scheduled more than 24.8 days ahead.
 */
const RUNWAY_DAYS = [2, 14] as const;

/**
 * Seven streamers in ten per chain start one or two pay-as-you-go instances on random CRNs
 * (1–4 vCPUs), funded for 2–14 days, and open their streams at the 80/20 split of what the ledger
 * says the instances cost. The others join later. A few streamers run at a time.
 */
export async function openInitialStreams(ctx: DemoContext): Promise<void> {
	const owners = STREAM_CHAINS.flatMap((chain) => {
		const streamers = ctx.population.streamers[chain];
		return streamers.slice(0, Math.ceil(streamers.length * 0.7)).map((owner) => ({ chain, owner, count: ctx.random.chance(0.4) ? 2 : 1 }));
	});
	const specs = owners.map(({ chain, owner, count }) =>
		Array.from({ length: count }, () => ({ spec: randomStreamSpec(ctx, chain, owner), runway: runway(ctx) })),
	);
	const paid: PaidStream[] = [];
	const workers = Array.from({ length: 6 }, async () => {
		for (let next = specs.shift(); next; next = specs.shift()) {
			for (const { spec, runway } of next) paid.push(await openStreams(ctx, spec, runway));
		}
	});
	await Promise.all(workers);
	// The nodes accept the instances once the oracle has seen the streams that pay for them.
	for (const chain of STREAM_CHAINS) {
		let last = 0n;
		for (const p of paid) if (p.chain === chain && p.block > last) last = p.block;
		await waitIndexed(ctx.api, chain, last, ctx.signal);
	}
	for (const p of paid) await registerStream(ctx, p);
}

function runway(ctx: DemoContext): bigint {
	return BigInt(ctx.random.int(RUNWAY_DAYS[0] * 86_400, RUNWAY_DAYS[1] * 86_400));
}

function randomStreamSpec(ctx: DemoContext, chain: StreamChainName, owner: Address) {
	ctx.everStreamed.add(owner);
	return {
		owner,
		vcpus: ctx.random.pick([1, 1, 1, 2, 2, 4]),
		name: `${ctx.random.pick(WORKLOADS)}-${ctx.random.int(1, 99)}`,
		payment: { type: "superfluid" as const, chain, receiver: ctx.random.pick(ctx.population.crns) },
	};
}

/** The running generator. */
export type Activity = { stop(): Promise<void> };

/**
 * Keeps producing activity until stopped: every tick, ALEPH transfers among holders on each chain;
 * now and then a holder starts a hold instance (after asking can-pay, as a node would), a streamer
 * starts a pay-as-you-go instance and opens or raises its streams, or an instance stops. Never
 * touches the scripted accounts, and never lets a holder spend what its instances lock. A failed
 * step is logged and counted; the generator goes on.
 */
export function startActivity(ctx: DemoContext, logger: Logger): Activity {
	const tickMs = 1_500 / ctx.options.speed;
	const stopping = new AbortController();
	const onAbort = () => stopping.abort();
	ctx.signal.addEventListener("abort", onAbort, { once: true });
	const loop = (async () => {
		while (!stopping.signal.aborted) {
			try {
				await tick(ctx);
			} catch (error) {
				if (stopping.signal.aborted) break;
				ctx.counters.failures++;
				logger.warn({ err: describeError(error) }, "A demo activity step failed");
			}
			await sleep(tickMs, stopping.signal);
		}
	})();
	return {
		async stop() {
			stopping.abort();
			ctx.signal.removeEventListener("abort", onAbort);
			await settleWithin(loop, STOP_GRACE_MS);
		},
	};
}

async function tick(ctx: DemoContext): Promise<void> {
	const { random } = ctx;
	const steps: Promise<void>[] = [transfers(ctx, ctx.chains.ETH, random.int(1, 4))];
	for (const chain of STREAM_CHAINS) if (random.chance(0.6)) steps.push(transfers(ctx, ctx.chains[chain], 1));
	const roll = random.next();
	if (roll < 0.07) steps.push(newHoldInstance(ctx));
	else if (roll < 0.14) steps.push(newStreamInstance(ctx));
	else if (roll < 0.18) steps.push(stopOneInstance(ctx));
	await Promise.all(steps);
}

/** `count` transfers among a chain's holders, each of a share of what the sender may spend. */
async function transfers(ctx: DemoContext, chain: DemoChain, count: number): Promise<void> {
	const known = ctx.known[chain.name];
	const holders = [...known.keys()];
	const planned: Transfer[] = [];
	for (let i = 0; i < count; i++) {
		const from = ctx.random.pick(holders);
		const free = (known.get(from) ?? 0n) - lockedHold(ctx, from);
		if (free <= 10n ** 18n) continue;
		const to = ctx.random.pick(holders);
		const amount = ctx.random.share(free, 0.01, 0.3);
		if (to === from || amount === 0n) continue;
		known.set(from, (known.get(from) ?? 0n) - amount);
		known.set(to, (known.get(to) ?? 0n) + amount);
		planned.push({ from, to, amount });
	}
	const hashes: Hash[] = [];
	for (const t of planned) hashes.push(await sendTransfer(chain, t));
	ctx.counters.transactions += hashes.length;
	await Promise.all(hashes.map((hash) => confirm(chain.client, hash)));
}

/**
 * An ETH holder (three times in four one with 1 000 ALEPH free) asks can-pay for a hold instance
 * and starts it when the answer is yes.
 */
async function newHoldInstance(ctx: DemoContext): Promise<void> {
	const holders = [...ctx.known.ETH.keys()];
	const affording = holders.filter((h) => (ctx.known.ETH.get(h) ?? 0n) - lockedHold(ctx, h) >= 1_000n * 10n ** 18n);
	const owner = ctx.random.pick(affording.length > 0 && ctx.random.chance(0.75) ? affording : holders);
	const spec = { owner, vcpus: ctx.random.pick([1, 1, 2, 4]), name: `${ctx.random.pick(WORKLOADS)}-${ctx.random.int(1, 99)}` };
	const verdict = await ctx.api.canPay(instanceMessage({ ...spec, payment: { type: "hold" } }));
	if (!verdict.allowed) {
		ctx.say(`ETH   ${short(owner)} can-pay for a ${spec.vcpus}-vCPU hold instance: no (code ${verdict.errorCode}, ${verdict.reason})`);
		return;
	}
	await startHoldInstance(ctx, { ...spec, payment: { type: "hold" } });
	ctx.say(`ETH   ${short(owner)} started a ${spec.vcpus}-vCPU hold instance: ${fmt(lockedHold(ctx, owner))} ALEPH locked`);
}

/**
 * A streamer starts a pay-as-you-go instance, tops up and raises its streams: one that is streaming
 * already, or a newcomer. A streamer that stopped its last instance is not reused: its leftover
 * balance would stretch its runway past the 24.8 days the in-process queue can schedule.
 */
async function newStreamInstance(ctx: DemoContext): Promise<void> {
	const chain = ctx.random.pick(STREAM_CHAINS);
	const streaming = new Set([...ctx.instances.values()].filter((i) => i.chain === chain && !i.scripted).map((i) => i.owner));
	const candidates = ctx.population.streamers[chain].filter((a) => streaming.has(a) || !ctx.everStreamed.has(a));
	if (candidates.length === 0) return;
	const owner = ctx.random.pick(candidates);
	const instance = await startStreamInstance(ctx, randomStreamSpec(ctx, chain, owner), runway(ctx));
	const perHour = Math.round(Number(instance.streamWei * 3_600n) / 1e12) / 1e6;
	ctx.say(
		`${chain.padEnd(5)} ${short(owner)} started an instance on CRN ${short(instance.crn as Address)}: streams +${perHour} ALEPH/h (80/20)`,
	);
}

/**
 * An instance of the generated activity stops: a hold instance, or the last instance of a streamer,
 * which closes its streams.
 */
async function stopOneInstance(ctx: DemoContext): Promise<void> {
	const all = [...ctx.instances.values()].filter((i) => !i.scripted);
	const count = new Map<Address, number>();
	for (const i of all) count.set(i.owner, (count.get(i.owner) ?? 0) + 1);
	const candidates = all.filter((i) => i.paymentType === "hold" || count.get(i.owner) === 1);
	if (candidates.length === 0) return;
	const instance = ctx.random.pick(candidates);
	await stopInstance(ctx, instance);
	const what = instance.paymentType === "hold" ? "a hold instance" : "its last instance and closed its streams";
	ctx.say(`${(instance.chain ?? "ETH").padEnd(5)} ${short(instance.owner)} stopped ${what}`);
}
