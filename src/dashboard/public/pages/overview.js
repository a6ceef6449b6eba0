// Overview: indexing of each chain and feed, supply, holders, streams, alerts, credits at a glance.

import { creditBalances, feedsOf, getJson } from "../lib/api.js";
import { barChart } from "../lib/charts.js";
import { h } from "../lib/dom.js";
import { duration, integer, perHour } from "../lib/format.js";
import { aleph, amount, badge, card, countdown, notice, stat, table, view } from "../lib/ui.js";

/** How a chain's indexing stands: a progress bar with its ETA during a backfill, else "live". */
function progressCell(chain) {
	const { progress, indexedBlock, headBlock, startBlock } = chain;
	if (indexedBlock === null) return h("span", { class: "muted" }, "not started");
	if (progress?.phase !== "backfill" || headBlock === null) return "live";
	const start = startBlock ?? 0;
	const done = Math.max(0, indexedBlock - start);
	const total = Math.max(1, headBlock - start);
	const pct = Math.min(100, Math.floor((done / total) * 100));
	return h(
		"span",
		{ class: "progress" },
		h("progress", { max: total, value: done, "aria-label": `${chain.chain} backfill ${pct} %` }),
		` ${pct} %`,
		progress.etaSeconds === null ? null : h("span", { class: "muted" }, ` · ETA ${duration(progress.etaSeconds)}`),
	);
}

function chainsTable(status) {
	return table(
		[
			{ label: "Chain" },
			{ label: "Indexed block", numeric: true },
			{ label: "Head", numeric: true },
			{ label: "Lag (blocks)", numeric: true },
			{ label: "Progress" },
			{ label: "State" },
			{ label: "Updated" },
		],
		status.chains.map((c) => [
			h("strong", null, c.chain),
			c.indexedBlock === null ? "—" : integer(c.indexedBlock),
			c.headBlock === null ? "—" : integer(c.headBlock),
			c.lagBlocks === null ? "—" : integer(c.lagBlocks),
			progressCell(c),
			c.stale ? badge("stale", "stale") : badge("fresh", "fresh"),
			countdown(c.updatedAt),
		]),
		{ caption: "Indexing per chain" },
	);
}

function feedsTable(feeds) {
	if (feeds.length === 0) return notice("No network feed configured (ALEPH_API_URLS is unset): credit balances are unknown.");
	return table(
		[
			{ label: "CCN" },
			{ label: "Watermark" },
			{ label: "Lag", numeric: true },
			{ label: "Seen", numeric: true },
			{ label: "Applied", numeric: true },
			{ label: "Invalid", numeric: true },
		],
		feeds.map((f) => [
			h("code", null, f.url),
			f.watermark ?? "—",
			f.lagSeconds === null || f.lagSeconds === undefined ? "—" : duration(f.lagSeconds),
			integer(f.messages?.seen ?? 0),
			integer(f.messages?.applied ?? 0),
			integer(f.messages?.invalid ?? 0),
		]),
		{ caption: "Network feeds" },
	);
}

export async function mount(root) {
	const figures = card("At a glance", { id: "totals", wide: true });
	const chains = card("Indexing", { id: "chains", wide: true });
	const feeds = card("Network feeds", { id: "feeds", wide: true });
	const supply = card("Supply by chain", { id: "supply" });
	const alerts = card("Open alerts by kind", { id: "alerts" });
	const supplyChart = h("div");
	const alertsChart = h("div");
	const supplyFigures = view();
	const alertsFigures = view();
	supply.body.append(supplyChart, supplyFigures.el);
	alerts.body.append(alertsChart, alertsFigures.el);
	root.append(h("div", { class: "grid" }, figures.el, chains.el, supply.el, alerts.el, feeds.el));
	const supplyBars = await barChart(supplyChart, {
		unit: "ALEPH",
		category: "Chain",
		describe: (d) => `Supply by chain: ${d.labels.map((l, i) => `${l} ${d.series[0].text[i]} ALEPH`).join(", ")}`,
	});
	const alertBars = await barChart(alertsChart, {
		counts: true,
		category: "Kind",
		describe: (d) => `Open alerts by kind: ${d.labels.map((l, i) => `${l} ${d.series[0].values[i]}`).join(", ")}`,
	});

	return async function refresh() {
		const [status, supplyBody, totals, alertCounts] = await Promise.allSettled([
			getJson("/v1/status"),
			getJson("/v1/stats/supply"),
			getJson("/v1/stats/totals"),
			getJson("/v1/stats/alerts"),
		]);
		const feedList = status.status === "fulfilled" ? feedsOf(status.value) : [];
		const credits = feedList.length > 0 ? await creditBalances().catch((error) => ({ error })) : null;

		if (status.status === "fulfilled") {
			chains.show(status.value.chains, () => chainsTable(status.value));
			feeds.show(feedList, () => feedsTable(feedList));
		} else {
			chains.fail(status.reason);
			feeds.fail(status.reason);
		}

		if (supplyBody.status === "fulfilled") {
			const perChain = Object.entries(supplyBody.value.chains);
			supplyBars.update({
				labels: perChain.map(([chain]) => chain),
				series: [
					{ label: "Supply", values: perChain.map(([, s]) => Number(s.supply.aleph)), text: perChain.map(([, s]) => s.supply.aleph) },
				],
			});
			supplyFigures.show(supplyBody.value, () =>
				table(
					[
						{ label: "Chain" },
						{ label: "Minted (ALEPH)", numeric: true },
						{ label: "Burned", numeric: true },
						{ label: "Supply", numeric: true },
					],
					perChain.map(([chain, s]) => [chain, amount(s.minted.aleph), amount(s.burned.aleph), amount(s.supply.aleph)]),
					{ caption: "Supply by chain" },
				),
			);
		} else supplyFigures.fail(supplyBody.reason);

		if (alertCounts.status === "fulfilled") {
			const open = alertCounts.value.kinds.filter((k) => k.open > 0);
			alertsChart.hidden = open.length === 0;
			if (open.length > 0)
				alertBars.update({
					labels: open.map((k) => k.kind.replaceAll("_", " ")),
					series: [{ label: "Open", values: open.map((k) => k.open) }],
				});
			alertsFigures.show(alertCounts.value, () =>
				open.length === 0
					? notice("No open alert.")
					: h(
							"p",
							null,
							h("a", { href: "/dashboard/alerts?status=open" }, `${integer(alertCounts.value.open)} open alerts`),
							` · ${integer(alertCounts.value.resolved)} resolved`,
						),
			);
		} else alertsFigures.fail(alertCounts.reason);

		const tiles = [];
		if (supplyBody.status === "fulfilled") tiles.push(stat("Supply, all chains", aleph(supplyBody.value.total), null, "supply"));
		if (totals.status === "fulfilled") {
			const t = totals.value;
			tiles.push(
				stat(
					"Holders",
					integer(t.holders.total),
					Object.entries(t.holders.chains)
						.map(([c, n]) => `${c} ${integer(n)}`)
						.join(" · "),
					"holders",
				),
				stat(
					"Open streams",
					integer(t.streams.streams),
					`${integer(t.streams.senders)} payers → ${integer(t.streams.receivers)} receivers`,
					"streams",
				),
				stat("Streamed per hour", amount(perHour(t.streams.flowRate.weiPerSecond), "ALEPH/h"), null, "per-hour"),
				stat(
					"Credits spent per day",
					amount(t.credits.perDay, "credits"),
					`${integer(t.credits.resources)} credit resources in the ledger`,
					"credit-spend",
				),
			);
		}
		if (alertCounts.status === "fulfilled") tiles.push(stat("Open alerts", integer(alertCounts.value.open), null, "open-alerts"));
		if (credits === null)
			tiles.push(stat("Credits in circulation", h("span", { class: "muted" }, "no network feed"), "configure ALEPH_API_URLS", "credits"));
		else if ("error" in credits)
			tiles.push(stat("Credits in circulation", h("span", { class: "muted" }, "unavailable"), credits.error.message, "credits"));
		else
			tiles.push(
				stat("Credits in circulation", amount(credits.total, "credits"), `${integer(credits.balances.length)} accounts`, "credits"),
			);
		figures.show(
			tiles.map((t) => t.textContent),
			() => h("div", { class: "stats" }, tiles),
		);
		const failed = [status, supplyBody, totals, alertCounts].find((r) => r.status === "rejected");
		if (failed) throw failed.reason;
	};
}
