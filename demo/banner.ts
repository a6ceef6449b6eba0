import type { Address } from "viem";
import type { DemoChain } from "./chains.ts";
import { fmt, short } from "./context.ts";
import type { CreditShowcase } from "./credits.ts";
import type { InstanceMessage } from "./messages.ts";
import type { Showcase } from "./scenario.ts";

/** What the banner shows. */
export type BannerInput = {
	seed: number;
	chains: readonly DemoChain[];
	accounts: number;
	crns: readonly Address[];
	communityWallet: Address;
	storage: string;
	jobs: string;
	apiUrl: string;
	/** The generated key, printed; null when the user's `API_KEYS` are in force (never printed). */
	generatedKey: string | null;
	showcase: Showcase;
	credits: CreditShowcase;
	ccnUrl: string;
	issuer: string;
	/** Scripted cases the API did not show in time (normally none). */
	missing: readonly string[];
	serviceLogLevel: string;
	blockTimeSeconds: number;
};

/** The example requests, built from this run's addresses: `[comment, command]` pairs. */
export function curlExamples(apiUrl: string, showcase: Showcase, credits: CreditShowcase): [string, string][] {
	return [
		["indexing status of the three chains", `curl -s ${apiUrl}/v1/status`],
		[
			`can-pay: yes — ${short(showcase.yes.sender)} holds ${fmt(showcase.richBalance)} ALEPH, ${fmt(showcase.richLocked)} locked, and asks for one more hold instance`,
			canPayCurl(apiUrl, showcase.yes),
		],
		[
			`can-pay: no, errorCode 5 — ${short(showcase.no.sender)} holds ${fmt(showcase.drifterBalance)} ALEPH for ${fmt(showcase.drifterLocked)} locked`,
			canPayCurl(apiUrl, showcase.no),
		],
		[
			`credit can-pay: yes — ${short(credits.rich)} holds ${credits.richCredits} credits (from the feed) and asks for one more credit instance`,
			canPayCurl(apiUrl, credits.yes),
		],
		[
			`credit can-pay: no, errorCode 6 — ${short(credits.poor)} holds ${credits.poorCredits} credits, less than one day of the instance`,
			canPayCurl(apiUrl, credits.no),
		],
		[`credits of an account whose credit instance spends them (runs out during the demo)`, `curl -s ${apiUrl}/v1/accounts/${credits.dry}`],
		[
			`its resources, published on the network (a STORE used as a volume, a delegate's instance; a forgotten one is gone)`,
			`curl -s ${apiUrl}/v1/accounts/${credits.dry}/resources`,
		],
		[`a resource's price as a CCN answers it, from the feed`, `curl -s ${apiUrl}/api/v0/price/${credits.published.volume}`],
		[`a stream account running dry within the alert horizon (status "at_risk")`, `curl -s ${apiUrl}/v1/accounts/${showcase.atRisk}`],
		["the open alerts", `curl -s '${apiUrl}/v1/alerts?status=open'`],
		["what each CRN and the community wallet receive on AVAX (the 80/20 split)", `curl -s '${apiUrl}/v1/stats/flows?chain=AVAX'`],
	];
}

function canPayCurl(apiUrl: string, message: InstanceMessage): string {
	return `curl -s -X POST ${apiUrl}/v1/can-pay -H 'content-type: application/json' -d '${JSON.stringify({ message })}'`;
}

/** The lines printed once the system is up: chains, storage, URLs, and ready-to-paste `curl` lines. */
export function bannerLines(input: BannerInput): string[] {
	const lines = [
		"",
		`aleph-oracle demo — everything local and offline (seed ${input.seed}: DEMO_SEED=${input.seed} gives the same accounts)`,
		"",
		`  chains (anvil, one block every ${input.blockTimeSeconds === 1 ? "second" : `${input.blockTimeSeconds} seconds`}):`,
	];
	for (const chain of input.chains) {
		const cfa = chain.sf ? `  CFA ${chain.sf.cfa}` : "";
		lines.push(
			`    ${chain.name.padEnd(5)} ${chain.anvil.url}  chain id ${chain.anvil.chainId}  anvil pid ${chain.anvil.pid}  (${chain.label})`,
			`          ALEPH ${chain.token}${cfa}`,
		);
	}
	lines.push(
		`  accounts:  ${input.accounts} funded · CRN receivers ${input.crns.map(short).join(", ")} · community wallet ${input.communityWallet}`,
		`  database:  ${input.storage}`,
		`  jobs:      ${input.jobs}`,
		`  network:   a local CCN at ${input.ccnUrl} (credits of issuer ${input.issuer}, followed by the oracle)`,
		"",
		`  dashboard  ${input.apiUrl}/dashboard`,
		`  API   ${input.apiUrl}`,
		`  docs  ${input.apiUrl}/docs`,
		input.generatedKey
			? `  key   ${input.generatedKey}  (write routes: -H 'Authorization: Bearer <key>')`
			: "  key   one of your API_KEYS (write routes: -H 'Authorization: Bearer <key>')",
		"",
		"  try it:",
	);
	for (const [comment, command] of curlExamples(input.apiUrl, input.showcase, input.credits))
		lines.push(`    # ${comment}`, `    ${command}`);
	if (input.missing.length > 0) lines.push("", `  note: not visible yet through the API: ${input.missing.join(", ")}`);
	lines.push("", `  live activity below; service logs at ${input.serviceLogLevel}. Ctrl-C stops everything.`, "");
	return lines;
}
