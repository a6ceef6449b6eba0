// Credits: the network's credit balances (from the feed), their distribution, what credit resources
// spend per day, and the accounts whose credits run out soonest. Without a feed, says so.

import { creditBalances, feedsOf, getJson } from "../lib/api.js";
import { barChart } from "../lib/charts.js";
import { h } from "../lib/dom.js";
import { duration, integer, powerOfTen } from "../lib/format.js";
import { address, amount, card, countdown, notice, stat, table, view } from "../lib/ui.js";

const CREDIT_ALERTS = new Set(["credits_running_out", "credit_insufficient"]);
const SOONEST = 20;

/** Credit balances by order of magnitude (integers, by their number of digits), lowest first. */
function decades(balances) {
	const counts = new Map();
	for (const { credits } of balances) {
		const value = BigInt(credits);
		if (value <= 0n) continue;
		const decade = value.toString().length - 1;
		counts.set(decade, (counts.get(decade) ?? 0) + 1);
	}
	const present = [...counts.keys()];
	if (present.length === 0) return [];
	const out = [];
	for (let d = Math.min(...present); d <= Math.max(...present); d++) out.push({ decade: d, holders: counts.get(d) ?? 0 });
	return out;
}

/** The accounts of the open credit alerts, with their credits (runway, exhaustion), soonest first. */
async function soonestOut() {
	const { alerts } = await getJson("/v1/alerts?status=open&limit=1000");
	const addresses = [...new Set(alerts.filter((a) => CREDIT_ALERTS.has(a.kind)).map((a) => a.address))].slice(0, SOONEST);
	const accounts = await Promise.all(addresses.map((a) => getJson(`/v1/accounts/${a}`)));
	return accounts
		.filter((a) => a.credits?.known)
		.sort((a, b) => (a.credits.exhaustedAt ?? "9").localeCompare(b.credits.exhaustedAt ?? "9"));
}

export async function mount(root) {
	const totals = card("Credits in the network", { id: "credit-totals", wide: true });
	root.append(h("div", { class: "grid" }, totals.el));
	const spendOnly = (t) =>
		stat(
			"Spent per day by the credit resources the oracle knows",
			amount(t.credits.perDay, "credits"),
			`${integer(t.credits.resources)} resources`,
			"credit-spend",
		);
	let feedParts = null;

	/** The cards that need the feed, created the first time a feed is seen. */
	async function withFeed() {
		const distribution = card("Distribution of credit balances", { id: "credit-distribution" });
		const chart = h("div");
		const buckets = view();
		distribution.body.append(chart, buckets.el);
		const top = card("Largest credit balances", { id: "credit-top" });
		const soon = card("Running out soonest", {
			id: "credit-soonest",
			wide: true,
			note: "Accounts with an open credit alert, by the time their credits are exhausted.",
		});
		root.querySelector(".grid")?.append(distribution.el, top.el, soon.el);
		const bars = await barChart(chart, {
			counts: true,
			category: "From (credits)",
			describe: (d) => `Accounts per credit balance range: ${d.labels.map((l, i) => `from ${l}: ${d.series[0].values[i]}`).join(", ")}`,
		});
		return { distribution, chart, buckets, top, soon, bars };
	}

	return async function refresh() {
		const [status, stats] = await Promise.all([getJson("/v1/status"), getJson("/v1/stats/totals")]);
		if (feedsOf(status).length === 0) {
			totals.show(["no feed", stats.credits], () => [
				notice(
					"No network feed configured: set ALEPH_API_URLS to the CCNs whose message feed the oracle follows, and credit balances, their distribution and runways appear here.",
				),
				h("div", { class: "stats" }, spendOnly(stats)),
			]);
			return;
		}
		feedParts ??= await withFeed();
		const [{ balances, total: circulation }, soonest] = await Promise.all([creditBalances(), soonestOut()]);
		totals.show([circulation, balances.length, stats.credits], () =>
			h(
				"div",
				{ class: "stats" },
				stat("In circulation", amount(circulation, "credits"), null, "credit-circulation"),
				stat("Accounts holding credits", integer(balances.length)),
				spendOnly(stats),
			),
		);
		const dist = decades(balances);
		feedParts.chart.hidden = dist.length === 0;
		if (dist.length > 0)
			feedParts.bars.update({
				labels: dist.map((b) => powerOfTen(b.decade)),
				series: [{ label: "Accounts", values: dist.map((b) => b.holders) }],
			});
		feedParts.buckets.show(dist, () => (dist.length === 0 ? notice("No account holds credits.") : null));
		const largest = [...balances]
			.sort((a, b) => (BigInt(b.credits) > BigInt(a.credits) ? 1 : BigInt(b.credits) < BigInt(a.credits) ? -1 : 0))
			.slice(0, 20);
		feedParts.top.show(largest, () =>
			table(
				[{ label: "Address" }, { label: "Credits", numeric: true }],
				largest.map((b) => [address(b.address), amount(String(b.credits))]),
				{ caption: "Largest credit balances", empty: "No account holds credits." },
			),
		);
		feedParts.soon.show(soonest, () =>
			table(
				[
					{ label: "Account" },
					{ label: "Credits", numeric: true },
					{ label: "Per day", numeric: true },
					{ label: "Runway" },
					{ label: "Exhausted" },
				],
				soonest.map((a) => [
					address(a.address),
					amount(String(a.credits.balance)),
					amount(String(a.credits.perDay)),
					a.credits.runwaySeconds === null ? "—" : duration(a.credits.runwaySeconds),
					countdown(a.credits.exhaustedAt),
				]),
				{ caption: "Running out soonest", empty: "No account is running out of credits." },
			),
		);
	};
}
