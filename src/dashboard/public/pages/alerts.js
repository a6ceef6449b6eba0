// Alerts: open and resolved, filtered by status, kind and account, each linking to its account.

import { getJson, withQuery } from "../lib/api.js";
import { barChart } from "../lib/charts.js";
import { h } from "../lib/dom.js";
import { dateTime, formatWei, groupDigits, integer, perHour, shortAddress } from "../lib/format.js";
import { address, badge, card, table, view, when } from "../lib/ui.js";

/** Kinds the oracle raises (more appear in the counts as they are added). */
const KINDS = [
	"insufficient_balance",
	"stream_running_dry",
	"stream_below_requirement",
	"critical_account",
	"credit_insufficient",
	"credits_running_out",
];
const PAGE = 100;

const INTEGER = /^-?\d+$/;
const HEX_ADDRESS = /0x[0-9a-fA-F]{40}/g;

/** One detail value for a reader: wei as exact ALEPH, wei/s as ALEPH/h, unix times as dates, short addresses. */
function detailValue(key, value) {
	const text = String(value);
	if (INTEGER.test(text)) {
		if (/rate|^flowTo|^requiredTo/i.test(key)) return `${perHour(text)} ALEPH/h`;
		if (/At$/.test(key)) return dateTime(new Date(Number(text) * 1000).toISOString());
		if (/^(locked|balance|shortfall|available|deposit)$/.test(key)) return `${groupDigits(formatWei(text))} ALEPH`;
	}
	return text.replace(HEX_ADDRESS, shortAddress).replaceAll("_", " ");
}

/** The alert's detail as short `key value` pairs (what is short, which chain, when). */
function detailText(detail) {
	if (!detail || typeof detail !== "object") return "";
	return Object.entries(detail)
		.filter(([, v]) => v !== null && typeof v !== "object")
		.map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${detailValue(k, v)}`)
		.join(" · ");
}

function filterForm(status, kind, account, kinds) {
	const select = (name, label, options, current) =>
		h(
			"label",
			null,
			label,
			h(
				"select",
				{ name },
				options.map(([value, text]) => h("option", { value, selected: value === current }, text)),
			),
		);
	return h(
		"form",
		{ class: "filters", method: "get", action: "/dashboard/alerts" },
		select(
			"status",
			"Status",
			[
				["", "open and resolved"],
				["open", "open"],
				["resolved", "resolved"],
			],
			status,
		),
		select("kind", "Kind", [["", "every kind"], ...kinds.map((k) => [k, k.replaceAll("_", " ")])], kind),
		h(
			"label",
			{ class: "grow" },
			"Account",
			h("input", {
				name: "address",
				type: "search",
				value: account,
				placeholder: "0x… (any case)",
				pattern: "\\s*0[xX][0-9a-fA-F]{40}\\s*",
				spellcheck: "false",
				autocomplete: "off",
			}),
		),
		h("button", { type: "submit" }, "Filter"),
		status || kind || account ? h("a", { class: "button secondary", href: "/dashboard/alerts" }, "Clear") : null,
	);
}

export async function mount(root, { params }) {
	const status = params.get("status") ?? "";
	const kind = params.get("kind") ?? "";
	const account = (params.get("address") ?? "").trim();
	let limit = PAGE;
	const counts = await getJson("/v1/stats/alerts");
	const kinds = [...new Set([...KINDS, ...counts.kinds.map((k) => k.kind)])];

	const byKind = card("By kind", { id: "alert-kinds", wide: true });
	const chart = h("div");
	const counted = view();
	byKind.body.append(chart, counted.el);
	const list = card("Alerts", { id: "alert-list", wide: true, note: "Newest first." });
	const rows = view();
	const more = h("button", { type: "button", class: "secondary", hidden: true }, "Show more");
	list.body.append(rows.el, h("div", { class: "pager" }, more));
	root.append(h("div", { class: "card wide" }, filterForm(status, kind, account, kinds)), h("div", { class: "grid" }, byKind.el, list.el));
	const bars = await barChart(chart, {
		counts: true,
		category: "Kind",
		describe: (d) =>
			`Alerts by kind: ${d.labels.map((l, i) => `${l}: ${d.series[0].values[i]} open, ${d.series[1].values[i]} resolved`).join("; ")}`,
	});

	async function refresh() {
		const [totals, page] = await Promise.all([
			getJson("/v1/stats/alerts"),
			getJson(withQuery("/v1/alerts", { status, address: account, limit: kind ? 1000 : limit })),
		]);
		chart.hidden = totals.kinds.length === 0;
		if (totals.kinds.length > 0)
			bars.update({
				labels: totals.kinds.map((k) => k.kind.replaceAll("_", " ")),
				series: [
					{ label: "Open", values: totals.kinds.map((k) => k.open) },
					{ label: "Resolved", values: totals.kinds.map((k) => k.resolved) },
				],
			});
		// The API filters by status and account; the kind is filtered here, over the newest 1 000.
		const matching = kind ? page.alerts.filter((a) => a.kind === kind) : page.alerts;
		const shown = matching.slice(0, limit);
		more.hidden = limit >= 1000 || !(matching.length > limit || (!kind && page.nextCursor));
		counted.show(totals, () => h("p", null, `${integer(totals.open)} open · ${integer(totals.resolved)} resolved`));
		rows.show(shown, () =>
			table(
				[
					{ label: "Opened" },
					{ label: "Account" },
					{ label: "Kind" },
					{ label: "Subject" },
					{ label: "Status" },
					{ label: "Resolved" },
					{ label: "Detail" },
				],
				shown.map((a) => [
					when(a.openedAt),
					address(a.address),
					a.kind.replaceAll("_", " "),
					(a.subject || "—").replace(HEX_ADDRESS, shortAddress),
					badge(a.status),
					when(a.resolvedAt),
					h("span", { class: "muted detail" }, detailText(a.detail)),
				]),
				{ caption: "Alerts", empty: "No alert matches." },
			),
		);
	}
	more.addEventListener("click", async () => {
		limit = Math.min(1000, limit + PAGE);
		await refresh();
	});
	return refresh;
}
