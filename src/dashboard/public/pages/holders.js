// Holders: the balance distribution as a chart, and the top holders, paginated, per chain or in all.

import { getJson, withQuery } from "../lib/api.js";
import { barChart } from "../lib/charts.js";
import { h } from "../lib/dom.js";
import { integer, powerOfTen } from "../lib/format.js";
import { address, amount, card, choices, table, view } from "../lib/ui.js";

const PAGE_SIZE = 25;

const bucketLabel = (b) => powerOfTen(b.decade);

export async function mount(root, { params, setTitle }) {
	const chain = params.get("chain") ?? "";
	const cursor = params.get("cursor") ?? "";
	const from = Math.max(1, Number.parseInt(params.get("from") ?? "1", 10) || 1);
	const status = await getJson("/v1/status");
	const href = (next) => withQuery("/dashboard/holders", next);
	setTitle(chain ? `Holders on ${chain}` : "Holders");

	const distribution = card("Distribution of balances", {
		id: "distribution",
		wide: true,
		note: "Holders by order of magnitude of their balance (streams settled to now): each bar counts the balances from its label up to ten times it.",
	});
	const chart = h("div");
	const buckets = view();
	distribution.body.append(chart, h("details", null, h("summary", null, "Show as a table"), buckets.el));
	const top = card("Top holders", { id: "top", wide: true });
	root.append(
		choices("Chain", [["", "All chains"], ...status.chains.map((c) => [c.chain, c.chain])], chain, (value) => href({ chain: value })),
		h("div", { class: "grid" }, distribution.el, top.el),
	);
	const bars = await barChart(chart, {
		counts: true,
		category: "From (ALEPH)",
		describe: (d) => `Holders per balance range: ${d.labels.map((l, i) => `from ${l} ALEPH: ${d.series[0].values[i]}`).join(", ")}`,
	});

	return async function refresh() {
		const [dist, page] = await Promise.all([
			getJson(withQuery("/v1/stats/distribution", { chain })),
			getJson(withQuery("/v1/stats/holders", { chain, limit: PAGE_SIZE, cursor })),
		]);
		chart.hidden = dist.buckets.length === 0;
		if (dist.buckets.length > 0)
			bars.update({ labels: dist.buckets.map(bucketLabel), series: [{ label: "Holders", values: dist.buckets.map((b) => b.holders) }] });
		buckets.show(dist, () =>
			table(
				[
					{ label: "Balance from (ALEPH)", numeric: true },
					{ label: "to", numeric: true },
					{ label: "Holders", numeric: true },
					{ label: "They hold (ALEPH)", numeric: true },
				],
				dist.buckets.map((b) => [b.from.aleph, b.to.aleph, integer(b.holders), amount(b.balance.aleph)]),
				{ caption: "Holders per balance range", empty: "No holder yet." },
			),
		);
		const chains = status.chains.map((c) => c.chain);
		top.show(page, () => [
			table(
				[
					{ label: "#", numeric: true },
					{ label: "Address" },
					{ label: "Balance (ALEPH)", numeric: true },
					...(chain ? [] : chains.map((c) => ({ label: c, numeric: true }))),
				],
				page.holders.map((holder, i) => [
					integer(from + i),
					address(holder.address),
					amount(holder.balance.aleph),
					...(chain ? [] : chains.map((c) => (holder.balances[c] ? amount(holder.balances[c].aleph) : h("span", { class: "muted" }, "—")))),
				]),
				{ caption: "Top holders", empty: "No holder yet." },
			),
			h(
				"div",
				{ class: "pager" },
				cursor ? h("a", { class: "button secondary", href: href({ chain }) }, "First page") : null,
				page.nextCursor
					? h("a", { class: "button", href: href({ chain, cursor: page.nextCursor, from: from + page.holders.length }) }, "Next page")
					: null,
			),
		]);
	};
}
