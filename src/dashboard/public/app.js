// The dashboard's entry: picks the page from the URL, mounts it, keeps it live.

import { h, replace } from "./lib/dom.js";
import { dateTime } from "./lib/format.js";
import { startClock, startLive } from "./lib/live.js";
import { notice } from "./lib/ui.js";

const PAGES = {
	overview: "Overview",
	holders: "Holders",
	streams: "Streams",
	credits: "Credits",
	account: "Account",
	alerts: "Alerts",
};

function currentPage() {
	const name = location.pathname.replace(/^\/dashboard\/?/, "").replace(/\/$/, "") || "overview";
	return name in PAGES ? name : "overview";
}

function showLiveState(state) {
	const el = document.getElementById("live-state");
	if (!el) return;
	el.dataset.state = state.kind;
	if (state.kind === "ok") el.textContent = `Live · updated ${dateTime(state.at.toISOString()).slice(11)}`;
	else if (state.kind === "paused") el.textContent = "Paused while this tab is hidden";
	else el.textContent = `Update failed (${state.error.message}); retrying`;
}

async function main() {
	const name = currentPage();
	const root = /** @type {HTMLElement} */ (document.getElementById("main"));
	for (const link of document.querySelectorAll("nav[aria-label=Main] a[data-page]")) {
		if (link.getAttribute("data-page") === name) link.setAttribute("aria-current", "page");
	}
	const search = /** @type {HTMLInputElement | null} */ (document.getElementById("search-address"));
	const params = new URLSearchParams(location.search);
	if (search && name === "account") search.value = params.get("address") ?? "";
	search?.form?.addEventListener("submit", () => {
		search.value = search.value.trim();
	});

	const title = h("h1", null, PAGES[name]);
	const body = h("div", { class: "page" });
	replace(root, title, body);
	const setTitle = (text) => {
		title.textContent = text;
		document.title = `${text} · aleph-oracle`;
	};
	setTitle(PAGES[name]);
	try {
		const module = await import(`./pages/${name}.js`);
		const refresh = await module.mount(body, { params, setTitle });
		startClock();
		await startLive(refresh, showLiveState);
	} catch (error) {
		replace(body, notice(`This page could not be shown: ${error.message}`, "error"));
	}
	// When the page first shows the API's data (what the load-time measurement reads).
	performance.mark("dashboard-ready");
	document.documentElement.dataset.ready = "true";
}

main();
