import type { ApiClient, ChainStatus } from "./api-client.ts";
import type { DemoContext } from "./context.ts";

/** The periodic status line. */
export type Progress = { stop(): void };

/** `HH:MM:SS` of now, local time. */
export function clock(): string {
	return new Date().toTimeString().slice(0, 8);
}

/**
 * One line every `statusEverySeconds`: per chain the indexed block and the lag behind the head,
 * and the network feed's messages and lag (from `GET /v1/status`), the open alerts (`GET /v1/alerts?status=open`), and the demo's own
 * counts (accounts funded, instances in the ledger, open flows, transactions sent).
 */
export function startProgress(ctx: DemoContext, accounts: number): Progress {
	let busy = false;
	const timer = setInterval(async () => {
		if (busy) return;
		busy = true;
		try {
			ctx.say(await statusLine(ctx.api, ctx, accounts), "status");
		} catch {
			ctx.say("the API did not answer the status request", "status");
		} finally {
			busy = false;
		}
	}, ctx.options.statusEverySeconds * 1_000);
	timer.unref();
	return { stop: () => clearInterval(timer) };
}

async function statusLine(api: ApiClient, ctx: DemoContext, accounts: number): Promise<string> {
	const [status, alerts] = await Promise.all([api.status(), api.alerts("open")]);
	const feeds = status.feeds.map((f) => `feed ${f.messages.applied} posts (lag ${f.lagSeconds ?? "?"} s${f.stale ? ", stale" : ""})`);
	const chains = [...status.chains.map(describeChain), ...feeds].join("  ");
	const byKind = new Map<string, number>();
	for (const alert of alerts.alerts) byKind.set(alert.kind, (byKind.get(alert.kind) ?? 0) + 1);
	const kinds = [...byKind].map(([kind, n]) => `${n} ${kind.replaceAll("_", " ")}`).join(", ");
	const instances = ctx.instances.size;
	const failed = ctx.counters.failures > 0 ? ` · ${ctx.counters.failures} failed steps` : "";
	return (
		`${chains} | ${accounts} accounts · ${instances} instances · ${ctx.streams.openFlows()} flows · ` +
		`${ctx.counters.transactions} txs${failed} | alerts open: ${alerts.alerts.length}${kinds ? ` (${kinds})` : ""}`
	);
}

function describeChain(chain: ChainStatus): string {
	const lag = chain.lagBlocks === null ? "?" : String(chain.lagBlocks);
	return `${chain.chain} #${chain.indexedBlock ?? "-"} (lag ${lag}${chain.stale ? ", stale" : ""})`;
}
