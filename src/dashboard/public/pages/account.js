// Account: balances per chain and in all, free vs locked, resources and their coverage, streams
// and their critical time, credits and their runway, the balance history, the alerts.

import { ApiError, getJson, withQuery } from "../lib/api.js";
import { stepChart } from "../lib/charts.js";
import { h } from "../lib/dom.js";
import { duration, percent, perHour } from "../lib/format.js";
import { address, aleph, amount, badge, card, copyButton, countdown, notice, stat, table, view, when } from "../lib/ui.js";

const ADDRESS = /^0x[0-9a-f]{40}$/i;
/** Balance changes the history chart reads per chain, the latest first (the API sends its JSON uncompressed: ≈ 390 B a row). */
const HISTORY_ROWS = 100;

function summary(account) {
	const balance = BigInt(account.balance.wei);
	const locked = BigInt(account.locked.hold.wei);
	return [
		h(
			"div",
			{ class: "stats" },
			stat("Balance, all chains", aleph(account.balance), null, "balance"),
			stat("Locked by hold resources", aleph(account.locked.hold), null, "locked"),
			stat("Free", aleph(account.free), null, "free"),
			BigInt(account.shortfall.wei) > 0n
				? stat("Shortfall", aleph(account.shortfall), "the balance is below what it locks", "shortfall")
				: null,
			stat("Status", badge(account.status), account.criticalAt ? ["critical ", countdown(account.criticalAt)] : null, "status"),
		),
		locked > 0n
			? h(
					"p",
					null,
					h("label", { for: "locked-meter" }, `Locked: ${percent(locked, balance)} of the balance`),
					// A gauge only: the figures above are the exact ones.
					h("meter", {
						id: "locked-meter",
						min: 0,
						max: Number(account.balance.aleph) || 1,
						value: Math.min(Number(account.locked.hold.aleph), Number(account.balance.aleph) || 1),
					}),
				)
			: null,
		table(
			[{ label: "Chain" }, { label: "Balance (ALEPH)", numeric: true }, { label: "Indexed block", numeric: true }],
			Object.entries(account.balances).map(([chain, value]) => [chain, amount(value.aleph), String(account.asOf[chain] ?? "—")]),
			{ caption: "Balance per chain" },
		),
		h(
			"p",
			{ class: "note" },
			"Computed ",
			when(account.computedAt),
			` from ${account.source === "queue" ? "the inputs the queue stored" : "a live read"}.`,
		),
	];
}

/** Hold resources are covered oldest first, so the newest covered one is the next to go when the balance drops. */
function resourcesTable(resources) {
	const holds = resources.filter((r) => r.paymentType === "hold" && r.covered);
	const next = holds.at(-1)?.itemHash;
	return table(
		[
			{ label: "Item hash" },
			{ label: "Type" },
			{ label: "Payment" },
			{ label: "Cost", numeric: true },
			{ label: "Accepted" },
			{ label: "Covered" },
		],
		resources.map((r) => [
			h(
				"span",
				{ class: "copy-wrap" },
				h("code", { title: r.itemHash }, `${r.itemHash.slice(0, 10)}…`),
				copyButton(r.itemHash, "item hash"),
			),
			r.messageType,
			r.paymentType + (r.chain ? ` (${r.chain})` : ""),
			r.paymentType === "hold"
				? aleph(r.cost.hold)
				: r.paymentType === "superfluid"
					? amount(perHour(r.cost.stream.weiPerSecond), "ALEPH/h")
					: amount(r.cost.credit, "credits/s"),
			when(r.acceptedAt),
			r.covered === null
				? h("span", { class: "muted" }, "—")
				: r.covered === false
					? badge("cut", "not covered: cut first")
					: r.itemHash === next
						? badge("next", "covered; next to be cut")
						: badge("covered", "covered"),
		]),
		{ caption: "Resources", empty: "No resource registered for this account." },
	);
}

function streamsPart(account, flows) {
	const chains = Object.entries(account.streams);
	return [
		table(
			[
				{ label: "Chain" },
				{ label: "Net flow (ALEPH/h)", numeric: true },
				{ label: "Deposit (ALEPH)", numeric: true },
				{ label: "Available now (ALEPH)", numeric: true },
				{ label: "Critical at" },
				{ label: "In" },
			],
			chains.map(([chain, s]) => [
				chain,
				amount(perHour(s.netFlowRate.weiPerSecond)),
				amount(s.deposit.aleph),
				amount(s.available.aleph),
				when(s.criticalAt),
				countdown(s.criticalAt),
			]),
			{ caption: "Stream state per chain", empty: "No Superfluid stream state on any chain." },
		),
		flows.length === 0
			? null
			: table(
					[
						{ label: "Direction" },
						{ label: "Chain" },
						{ label: "Counterparty" },
						{ label: "Rate (ALEPH/h)", numeric: true },
						{ label: "Since" },
					],
					flows.map((f) => [
						f.direction === "out" ? "out to" : "in from",
						f.chain,
						address(f.direction === "out" ? f.receiver : f.sender),
						amount(perHour(f.flowRate.weiPerSecond)),
						when(f.since),
					]),
					{ caption: "Open streams" },
				),
		account.payg.length === 0
			? null
			: table(
					[
						{ label: "Chain" },
						{ label: "CRN" },
						{ label: "Needed to CRN (ALEPH/h)", numeric: true },
						{ label: "Flowing", numeric: true },
						{ label: "Needed to community", numeric: true },
						{ label: "Flowing", numeric: true },
						{ label: "Paid" },
					],
					account.payg.map((p) => [
						p.chain,
						address(p.receiver),
						amount(perHour(p.requiredToReceiver.weiPerSecond)),
						amount(perHour(p.flowToReceiver.weiPerSecond)),
						amount(perHour(p.requiredToCommunity.weiPerSecond)),
						amount(perHour(p.flowToCommunity.weiPerSecond)),
						p.ok ? badge("ok", "yes") : badge("insufficient", p.reason.replaceAll("_", " ")),
					]),
					{ caption: "Pay-as-you-go coverage" },
				),
	];
}

function creditsPart(credits) {
	if (!credits?.known) return notice("No network feed configured: this account's credit balance is unknown.");
	return h(
		"div",
		{ class: "stats" },
		stat("Credits", amount(String(credits.balance), "credits"), null, "credits"),
		stat("Spent per day", amount(String(credits.perDay), "credits")),
		stat("Runway", credits.runwaySeconds === null ? "unlimited" : duration(credits.runwaySeconds)),
		stat("Exhausted", countdown(credits.exhaustedAt)),
	);
}

function alertsTable(alerts) {
	return table(
		[{ label: "Opened" }, { label: "Kind" }, { label: "Subject" }, { label: "Status" }, { label: "Resolved" }],
		alerts.map((a) => [when(a.openedAt), a.kind.replaceAll("_", " "), a.subject || "—", badge(a.status), when(a.resolvedAt)]),
		{ caption: "Alerts", empty: "No alert for this account." },
	);
}

/**
 * The transfer balance of each chain over time (steps), from each chain's latest history rows,
 * and their sum. Before its first row a chain read in full held 0; one whose older rows were
 * not read is unknown there, and so is the sum.
 * @param {{ chain: string, entries: any[], complete: boolean }[]} pages
 */
function historySeries(pages) {
	const known = pages.flatMap((p) => p.entries.filter((e) => e.timestamp !== null).map((e) => Date.parse(e.timestamp) / 1000));
	const first = known.length > 0 ? Math.min(...known) : 0;
	const read = pages
		.filter((p) => p.entries.length > 0)
		.map((p) => ({
			chain: p.chain,
			complete: p.complete,
			// Oldest first; a genesis credit (no timestamp) at the start.
			points: p.entries
				.map((e) => [e.timestamp === null ? first : Date.parse(e.timestamp) / 1000, e.block, e.logIndex, BigInt(e.balanceAfter.wei)])
				.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]),
		}))
		.sort((a, b) => a.chain.localeCompare(b.chain));
	const times = [...new Set(read.flatMap((r) => r.points.map(([t]) => t)))].sort((a, b) => a - b);
	// The last balance still holds now.
	const now = Math.floor(Date.now() / 1000);
	if (times.length > 0 && now > (times.at(-1) ?? now)) times.push(now);
	const columns = read.map(({ points, complete }) => {
		let i = 0;
		let current = complete ? 0n : null;
		return times.map((t) => {
			while (i < points.length && points[i][0] <= t) current = points[i++][3];
			return current;
		});
	});
	const total = times.map((_, j) => (columns.some((col) => col[j] === null) ? null : columns.reduce((sum, col) => sum + col[j], 0n)));
	const toAleph = (wei) => (wei === null ? null : Number(wei) / 1e18);
	return {
		times,
		series: [
			...(read.length > 1 ? [{ label: "All chains", values: total.map(toAleph) }] : []),
			...read.map((r, k) => ({ label: r.chain, values: columns[k].map(toAleph) })),
		],
	};
}

export async function mount(root, { params, setTitle }) {
	const query = (params.get("address") ?? "").trim();
	if (!ADDRESS.test(query)) {
		root.append(
			notice(
				query
					? `"${query}" is not an address: enter 0x followed by 40 hex digits (any case).`
					: "Search an address (any case) in the box above.",
			),
		);
		return async () => {};
	}
	const path = `/v1/accounts/${query}`;
	const head = view(h("div", { class: "account-head" }));
	const overview = card("Balances", { id: "balances", wide: true });
	const history = card("Balance history", {
		id: "history",
		wide: true,
		note: "Transfer balance per chain after each token transfer (streams are not part of these rows).",
	});
	const chart = h("div");
	const historyNote = view();
	history.body.append(chart, historyNote.el);
	const resources = card("Resources", {
		id: "resources",
		wide: true,
		note: "Hold resources are covered oldest first: when the balance drops, the newest go first.",
	});
	const streams = card("Streams", { id: "streams", wide: true });
	const credits = card("Credits", { id: "credits" });
	const alerts = card("Alerts", { id: "alerts" });
	root.append(head.el, h("div", { class: "grid" }, overview.el, resources.el, streams.el, history.el, credits.el, alerts.el));
	const steps = await stepChart(chart, {
		describe: (d) => `Balance history: ${d.series.map((s) => `${s.label} ${s.values.at(-1) ?? 0} ALEPH now`).join(", ")}`,
	});

	return async function refresh() {
		let account;
		try {
			account = await getJson(path);
		} catch (error) {
			if (error instanceof ApiError && error.status === 400) {
				head.show("invalid", () => notice(error.message, "error"));
				return;
			}
			throw error;
		}
		setTitle(`Account ${account.address.slice(0, 8)}…`);
		head.show(account.address, () =>
			h(
				"p",
				{ class: "address-full" },
				h("code", { class: "address", "data-field": "address" }, account.address),
				" ",
				copyButton(account.address),
			),
		);
		overview.show(account, () => summary(account));
		const [owned, flows, entries, list] = await Promise.allSettled([
			getJson(withQuery(`${path}/resources`, { limit: 100 })),
			getJson(`${path}/flows`),
			// One read per chain: the route orders by chain first, so one page could hold a single chain.
			Promise.all(
				Object.keys(account.balances).map(async (chain) => {
					const page = await getJson(withQuery(`${path}/history`, { chain, order: "desc", limit: HISTORY_ROWS }));
					return { chain, entries: page.entries, complete: page.nextCursor === null };
				}),
			),
			getJson(withQuery("/v1/alerts", { address: account.address, limit: 100 })),
		]);
		if (owned.status === "fulfilled") resources.show(owned.value.resources, () => resourcesTable(owned.value.resources));
		else resources.fail(owned.reason);
		if (flows.status === "fulfilled")
			streams.show([account.streams, account.payg, flows.value], () => streamsPart(account, flows.value.flows));
		else streams.fail(flows.reason);
		credits.show(account.credits ?? null, () => creditsPart(account.credits));
		if (list.status === "fulfilled") alerts.show(list.value.alerts, () => alertsTable(list.value.alerts));
		else alerts.fail(list.reason);
		if (entries.status === "fulfilled") {
			const series = historySeries(entries.value);
			chart.hidden = series.times.length === 0;
			if (series.times.length > 0) await steps.update(series);
			historyNote.show(series.times.length, () => (series.times.length === 0 ? notice("No token transfer touched this account.") : null));
		} else historyNote.fail(entries.reason);
	};
}
