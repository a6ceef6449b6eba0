import type { Address } from "viem";
import { advanceUntilCritical, deleteFlow, liquidate } from "../devchain/superfluid.ts";
import { describeError } from "../src/lib/errors.ts";
import type { StreamChainName } from "./chains.ts";
import { type DemoContext, fmt, type Instance, lockedHold, short } from "./context.ts";
import { DRIFTER_BALANCE, RICH_BALANCE } from "./funding.ts";
import { startHoldInstance, startStreamInstance } from "./instances.ts";
import { type InstanceMessage, instanceMessage } from "./messages.ts";
import { sendTransfers } from "./transfers.ts";

/** The scripted cases, with the messages the printed `curl` lines send. */
export type Showcase = {
	/** A hold instance the rich holder can pay for: can-pay says yes. */
	yes: InstanceMessage;
	/** A hold instance the drifting holder cannot pay for: can-pay says no, error code 5. */
	no: InstanceMessage;
	drifter: Address;
	atRisk: Address;
	dry: Address;
	/** The dry streamer's instance, whose stream is liquidated. */
	dryInstance: Instance;
	/** ETH balances and locked amounts of the two holders, wei (the drifter's is updated when it drifts). */
	richBalance: bigint;
	richLocked: bigint;
	drifterBalance: bigint;
	drifterLocked: bigint;
};

/** Seconds of flow the dry streamer holds beyond its deposits: chain time skips them at once. */
const DRY_RUNWAY_SECONDS = 600n;

/**
 * Sets up the scripted cases: the rich holder runs two hold instances (3 000 ALEPH locked of 25 000);
 * the drifter one (1 000 locked of 1 500); the at-risk streamer on AVAX holds its deposits plus half
 * the alert horizon of flow; the dry streamer on BASE its deposits plus 10 minutes.
 */
export async function openScenario(ctx: DemoContext): Promise<Showcase> {
	const { scripted, crns } = ctx.population;
	const [crnA, crnB] = [crns[0] as Address, crns[1] as Address];
	const runway = ctx.horizonSeconds > 0 ? BigInt(Math.floor(ctx.horizonSeconds / 2)) : 3_600n;
	const hold = (owner: Address, vcpus: number, name: string) =>
		startHoldInstance(ctx, { owner, vcpus, name, payment: { type: "hold" } }, { scripted: true });
	const stream = (owner: Address, chain: StreamChainName, receiver: Address, vcpus: number, seconds: bigint) => {
		const payment = { type: "superfluid", chain, receiver } as const;
		return startStreamInstance(ctx, { owner, vcpus, name: `${chain.toLowerCase()}-worker`, payment }, seconds, { scripted: true });
	};
	const holds = (async () => {
		await hold(scripted.rich, 1, "web-frontend");
		await hold(scripted.rich, 2, "postgres-primary");
		await hold(scripted.drifter, 1, "indexer-node");
	})();
	const [, , dryInstance] = await Promise.all([
		holds,
		stream(scripted.atRisk, "AVAX", crnA, 2, runway),
		stream(scripted.dry, "BASE", crnB, 1, DRY_RUNWAY_SECONDS),
	]);
	return {
		yes: instanceMessage({ owner: scripted.rich, vcpus: 1, name: "api-replica", payment: { type: "hold" } }),
		no: instanceMessage({ owner: scripted.drifter, vcpus: 1, name: "indexer-replica", payment: { type: "hold" } }),
		drifter: scripted.drifter,
		atRisk: scripted.atRisk,
		dry: scripted.dry,
		dryInstance,
		richBalance: RICH_BALANCE,
		richLocked: lockedHold(ctx, scripted.rich),
		drifterBalance: DRIFTER_BALANCE,
		drifterLocked: lockedHold(ctx, scripted.drifter),
	};
}

/** The drifter sends its free margin and more away: 70 % of its locked amount is left (700 ALEPH for 1 000). */
export async function driftBelowLocked(ctx: DemoContext, showcase: Showcase): Promise<void> {
	const eth = ctx.chains.ETH;
	const locked = showcase.drifterLocked;
	const amount = showcase.drifterBalance - (locked * 7n) / 10n;
	const to = ctx.random.pick(ctx.population.ethHolders);
	await sendTransfers(eth, [{ from: showcase.drifter, to, amount }]);
	ctx.known.ETH.set(to, (ctx.known.ETH.get(to) ?? 0n) + amount);
	ctx.counters.transactions++;
	showcase.drifterBalance -= amount;
	ctx.say(
		`ETH   ${short(showcase.drifter)} sent ${fmt(amount)} ALEPH away: ${fmt(showcase.drifterBalance)} left for ${fmt(locked)} locked`,
	);
}

/**
 * The dry streamer's stream runs out: BASE's clock jumps past the moment its balance no longer
 * covers its deposits (`evm_increaseTime`), then a third party liquidates both flows (or, when the
 * first liquidation left the account solvent, the owner closes the other one).
 */
export async function runStreamDry(ctx: DemoContext, showcase: Showcase): Promise<void> {
	const chain = ctx.chains.BASE;
	const { dryInstance } = showcase;
	const crn = dryInstance.crn as Address;
	const before = await chain.client.getBlock();
	const after = await advanceUntilCritical(chain.client, chain.sf, { account: showcase.dry, extraSeconds: 60 });
	ctx.say(`BASE  clock moved ${after - before.timestamp} s forward: ${short(showcase.dry)}'s stream has run dry (critical)`);
	const liquidator = ctx.population.scripted.liquidator;
	for (const receiver of [crn, ctx.streams.communityWallet]) {
		try {
			const { event } = await liquidate(chain.client, chain.sf, { sender: showcase.dry, receiver, liquidator });
			ctx.say(
				`BASE  flow ${short(showcase.dry)} → ${short(receiver)} liquidated by ${short(liquidator)} (reward ${fmt(event.rewardAmount)} ALEPH)`,
			);
		} catch (error) {
			if (!/NON_CRITICAL/.test(describeError(error))) throw error;
			await deleteFlow(chain.client, chain.sf, { sender: showcase.dry, receiver });
			ctx.say(`BASE  flow ${short(showcase.dry)} → ${short(receiver)} closed by its owner`);
		}
		ctx.counters.transactions++;
	}
	ctx.streams.closedExternally("BASE", showcase.dry, [crn, ctx.streams.communityWallet]);
}

/**
 * Waits until the API shows every scripted case (can-pay yes, can-pay no with code 5, the at-risk
 * account, an open alert for the drifter), polling for at most `timeoutMs`. Returns what did not
 * show up in time (empty when all did).
 */
export async function awaitShowcase(
	ctx: DemoContext,
	showcase: Showcase,
	timeoutMs: number,
	more: Record<string, () => Promise<boolean>> = {},
): Promise<string[]> {
	const checks: Record<string, () => Promise<boolean>> = {
		...more,
		"can-pay yes": async () => (await ctx.api.canPay(showcase.yes)).allowed === true,
		"can-pay no (error code 5)": async () => (await ctx.api.canPay(showcase.no)).errorCode === 5,
		"at-risk account": async () => (await ctx.api.account(showcase.atRisk)).status === "at_risk",
		"insufficient-balance alert": async () =>
			(await ctx.api.alerts("open")).alerts.some((a) => a.kind === "insufficient_balance" && a.address === showcase.drifter),
	};
	const pending = new Set(Object.keys(checks));
	const deadline = Date.now() + timeoutMs;
	while (pending.size > 0 && Date.now() < deadline && !ctx.signal.aborted) {
		for (const name of [...pending]) {
			const ok = await (checks[name] as () => Promise<boolean>)().catch(() => false);
			if (ok) pending.delete(name);
		}
		if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return [...pending];
}
