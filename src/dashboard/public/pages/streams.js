// Streams: what each CRN and the community wallet receive (the 80/20 split), and the streams
// closest to running dry, counting down.

import { getJson } from "../lib/api.js";
import { barChart } from "../lib/charts.js";
import { h } from "../lib/dom.js";
import { integer, percent, perHour } from "../lib/format.js";
import { address, amount, badge, card, countdown, notice, table, view, when } from "../lib/ui.js";

/** Per chain: Σ wei/s to the CRNs and to the community wallet. */
function splitByChain(receivers) {
	const chains = new Map();
	for (const r of receivers) {
		const entry = chains.get(r.chain) ?? { crn: 0n, community: 0n };
		if (r.communityWallet) entry.community += BigInt(r.flowRate.weiPerSecond);
		else entry.crn += BigInt(r.flowRate.weiPerSecond);
		chains.set(r.chain, entry);
	}
	return [...chains].sort(([a], [b]) => a.localeCompare(b));
}

function receiversTable(receivers, split) {
	const totals = new Map(split.map(([chain, s]) => [chain, s.crn + s.community]));
	return table(
		[
			{ label: "Chain" },
			{ label: "Receiver" },
			{ label: "Streams", numeric: true },
			{ label: "ALEPH per hour", numeric: true },
			{ label: "Share of the chain", numeric: true },
			{ label: "Deposits (ALEPH)", numeric: true },
		],
		receivers.map((r) => [
			r.chain,
			h("span", null, address(r.receiver), r.communityWallet ? [" ", badge("community", "community wallet")] : null),
			integer(r.streams),
			amount(perHour(r.flowRate.weiPerSecond)),
			percent(r.flowRate.weiPerSecond, totals.get(r.chain) ?? 0n),
			amount(r.deposit.aleph),
		]),
		{ caption: "Receivers", empty: "No open stream." },
	);
}

function runningDryTable(accounts) {
	const rows = accounts.flatMap((a) =>
		Object.entries(a.streams)
			.filter(([, s]) => s.criticalAt !== null && BigInt(s.netFlowRate.weiPerSecond) < 0n)
			.map(([chain, s]) => [
				address(a.address),
				chain,
				amount(perHour(-BigInt(s.netFlowRate.weiPerSecond))),
				amount(s.available.aleph),
				when(s.criticalAt),
				countdown(s.criticalAt),
				badge(a.status),
			]),
	);
	return table(
		[
			{ label: "Payer" },
			{ label: "Chain" },
			{ label: "Outflow (ALEPH/h)", numeric: true },
			{ label: "Available now (ALEPH)", numeric: true },
			{ label: "Runs dry at" },
			{ label: "In" },
			{ label: "Status" },
		],
		rows,
		{ caption: "Streams closest to running dry", empty: "No stream is running dry." },
	);
}

function streamTotals(streams) {
	const row = (label, t) => [label, integer(t.streams), integer(t.senders), integer(t.receivers), amount(t.perHour.aleph)];
	return table(
		[
			{ label: "Chain" },
			{ label: "Streams", numeric: true },
			{ label: "Payers", numeric: true },
			{ label: "Receivers", numeric: true },
			{ label: "ALEPH per hour", numeric: true },
		],
		[...Object.entries(streams.chains).map(([chain, t]) => row(chain, t)), row(h("strong", null, "All"), streams)],
		{ caption: "Open streams per chain" },
	);
}

export async function mount(root) {
	const split = card("The 80/20 split", {
		id: "split",
		note: "ALEPH per hour streamed to the CRNs and to the community wallet, per chain.",
	});
	const chart = h("div");
	const splitFigures = view();
	split.body.append(chart, splitFigures.el);
	const numbers = card("Open streams", { id: "stream-totals", note: "Per chain whose Superfluid streams the oracle indexes." });
	const dry = card("Closest to running dry", {
		id: "running-dry",
		wide: true,
		note: "Payers whose available balance reaches zero soonest; the countdown runs live.",
	});
	const receivers = card("What each receiver gets", { id: "receivers", wide: true });
	root.append(h("div", { class: "grid" }, split.el, numbers.el, dry.el, receivers.el));
	const bars = await barChart(chart, {
		unit: "ALEPH/h",
		category: "Chain",
		describe: (d) =>
			`ALEPH per hour by chain: ${d.labels.map((l, i) => `${l}: CRNs ${d.series[0].text[i]}, community ${d.series[1].text[i]}`).join("; ")}`,
	});

	return async function refresh() {
		const [flows, soon, totals] = await Promise.all([
			getJson("/v1/stats/flows?limit=1000"),
			getJson("/v1/stats/running-dry?limit=20"),
			getJson("/v1/stats/totals"),
		]);
		numbers.show(totals.streams, () => streamTotals(totals.streams));
		const byChain = splitByChain(flows.receivers);
		chart.hidden = byChain.length === 0;
		if (byChain.length > 0)
			bars.update({
				labels: byChain.map(([chain]) => chain),
				series: [
					{ label: "CRNs", values: byChain.map(([, s]) => Number(perHour(s.crn))), text: byChain.map(([, s]) => perHour(s.crn)) },
					{
						label: "Community wallet",
						values: byChain.map(([, s]) => Number(perHour(s.community))),
						text: byChain.map(([, s]) => perHour(s.community)),
					},
				],
			});
		splitFigures.show(
			byChain.map(([chain, s]) => [chain, String(s.crn), String(s.community)]),
			() =>
				byChain.length === 0
					? notice("No open stream.")
					: table(
							[{ label: "Chain" }, { label: "CRNs", numeric: true }, { label: "Community", numeric: true }],
							byChain.map(([chain, s]) => [chain, percent(s.crn, s.crn + s.community), percent(s.community, s.crn + s.community)]),
							{ caption: "Split per chain" },
						),
		);
		dry.show(soon, () => runningDryTable(soon.accounts));
		receivers.show(flows, () => receiversTable(flows.receivers, byChain));
	};
}
