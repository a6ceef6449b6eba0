// The dashboard's building blocks: cards, tables, amounts, addresses with a copy button, badges.

import { h, replace } from "./dom.js";
import { dateTime, groupDigits, relative, shortAddress } from "./format.js";

/** An exact ALEPH (or other) decimal string, digits grouped; `data-value` keeps the API's string. */
export function amount(decimal, unit = "") {
	const grouped = groupDigits(decimal);
	const dot = grouped.indexOf(".");
	return h(
		"span",
		{ class: "amount", "data-value": decimal },
		dot < 0 ? grouped : [grouped.slice(0, dot), h("span", { class: "fraction" }, grouped.slice(dot))],
		unit ? h("span", { class: "unit" }, ` ${unit}`) : null,
	);
}

/** An ALEPH amount of the API (`{ wei, aleph }`), or its `aleph` string. */
export function aleph(value) {
	return amount(typeof value === "string" ? value : value.aleph, "ALEPH");
}

let copies = 0;

/** Two overlapping sheets, drawn in the text colour (no icon font, no image request). */
function copyIcon() {
	const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
	for (const [k, v] of Object.entries({ viewBox: "0 0 16 16", width: "14", height: "14", "aria-hidden": "true", focusable: "false" }))
		svg.setAttribute(k, v);
	for (const d of ["M5.5 5.5h8v8h-8z", "M2.5 10.5v-8h8"]) {
		const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
		for (const [k, v] of Object.entries({ d, fill: "none", stroke: "currentColor", "stroke-width": "1.5" })) path.setAttribute(k, v);
		svg.append(path);
	}
	return svg;
}

/** A button copying `text` to the clipboard, saying so to screen readers. */
export function copyButton(text, what = "address") {
	copies += 1;
	const status = h("span", { class: "visually-hidden", role: "status", id: `copy-status-${copies}` });
	const button = h(
		"button",
		{
			type: "button",
			class: "copy",
			title: `Copy ${what}`,
			"aria-label": `Copy ${what} ${text}`,
			"data-copy": text,
			onclick: async () => {
				try {
					await navigator.clipboard.writeText(text);
					button.dataset.copied = "true";
					status.textContent = "Copied";
				} catch {
					status.textContent = "Copy failed: select the text instead";
				}
				setTimeout(() => {
					delete button.dataset.copied;
					status.textContent = "";
				}, 1500);
			},
		},
		copyIcon(),
	);
	return h("span", { class: "copy-wrap" }, button, status);
}

/** The dashboard URL of an account. */
export function accountHref(address) {
	return `/dashboard/account?address=${encodeURIComponent(address)}`;
}

/**
 * A checksummed address as the API gives it: shortened (full in the title) and linked to its
 * account page unless `link` is false, with a copy button.
 */
export function address(value, { link = true, full = false } = {}) {
	const text = h("code", { class: "address", title: value }, full ? value : shortAddress(value));
	return h("span", { class: "address-wrap" }, link ? h("a", { href: accountHref(value) }, text) : text, copyButton(value));
}

const STATUS_TEXT = { ok: "ok", insufficient: "insufficient", at_risk: "at risk", open: "open", resolved: "resolved" };

/** A status word on a coloured background (the word carries the meaning, not the colour). */
export function badge(status, text = STATUS_TEXT[status] ?? status) {
	return h("span", { class: `badge badge-${status}`, "data-status": status }, text);
}

/** A `<time>` of an ISO instant, its text counting live ("in 2h 05m", "12s ago"); the exact instant as its title. */
export function countdown(iso) {
	if (!iso) return h("span", { class: "muted" }, "never");
	return h("time", { datetime: iso, "data-relative": "", title: dateTime(iso) }, relative(Date.parse(iso)));
}

/** A `<time>` of an ISO instant in UTC. */
export function when(iso) {
	return iso ? h("time", { datetime: iso }, dateTime(iso)) : h("span", { class: "muted" }, "—");
}

/**
 * Renders into `el` only when the data changes (so a refresh keeps the focus and scroll position
 * of an unchanged table).
 */
export function view(el = h("div")) {
	let shown;
	return {
		el,
		/** Renders `render()` into `el` unless `data` is what is already shown. */
		show(data, render) {
			const key = JSON.stringify(data);
			if (key === shown) return;
			shown = key;
			replace(el, render());
		},
		/** Shows why the data could not be read; the next `show` renders again. */
		fail(error) {
			shown = undefined;
			replace(el, notice(error.message, "error"));
		},
	};
}

/** A card with a heading; `show`/`fail` render its body as a {@link view}. */
export function card(title, { id, wide = false, note = null } = {}) {
	const body = h("div", { class: "card-body" });
	const heading = h("h2", { id: `${id}-title` }, title);
	const el = h(
		"section",
		{ class: `card${wide ? " wide" : ""}`, id, "aria-labelledby": `${id}-title` },
		heading,
		note ? h("p", { class: "note" }, note) : null,
		body,
	);
	return { ...view(body), el, body };
}

/** A short message in a card: `info` for an expected empty state, `error` for a failed read. */
export function notice(text, kind = "info") {
	return h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : null }, text);
}

/** A figure and its label. */
export function stat(label, value, detail = null, field = null) {
	return h(
		"div",
		{ class: "stat", "data-field": field },
		h("div", { class: "stat-label" }, label),
		h("div", { class: "stat-value" }, value),
		detail ? h("div", { class: "stat-detail" }, detail) : null,
	);
}

/**
 * A table in a horizontally scrollable wrapper (so a wide table never widens the page).
 * @param {{ label: string, numeric?: boolean }[]} columns
 * @param {unknown[][]} rows
 */
export function table(columns, rows, { caption = null, empty = "Nothing to show." } = {}) {
	if (rows.length === 0) return notice(empty);
	return h(
		"div",
		{ class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption ?? columns.map((c) => c.label).join(", ") },
		h(
			"table",
			null,
			caption ? h("caption", { class: "visually-hidden" }, caption) : null,
			h(
				"thead",
				null,
				h(
					"tr",
					null,
					columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : null }, c.label)),
				),
			),
			h(
				"tbody",
				null,
				rows.map((cells) =>
					h(
						"tr",
						null,
						cells.map((cell, i) => h("td", { class: columns[i]?.numeric ? "num" : null }, cell)),
					),
				),
			),
		),
	);
}

/** Links to choose among `options` (`[value, label]`), the current one marked, as a labelled group. */
export function choices(label, options, current, href) {
	return h(
		"nav",
		{ class: "choices", "aria-label": label },
		options.map(([value, text]) => h("a", { href: href(value), "aria-current": value === current ? "true" : null }, text)),
	);
}
