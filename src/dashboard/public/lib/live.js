// Live updates by polling: the page refreshes itself while the tab is visible, and pauses when hidden.

import { relative } from "./format.js";

/** How often a visible page reads the API again. */
export const REFRESH_MS = 4000;

/**
 * Runs `refresh` now and then every {@link REFRESH_MS} after the previous run ended, only while the
 * document is visible (at once when it becomes visible again). `report` gets each outcome.
 * @param {() => Promise<void>} refresh
 * @param {(state: { kind: "ok" | "error" | "paused", at?: Date, error?: Error }) => void} report
 */
export function startLive(refresh, report) {
	let timer = 0;
	let running = false;
	async function tick() {
		clearTimeout(timer);
		if (document.hidden) {
			report({ kind: "paused" });
			return;
		}
		if (running) return;
		running = true;
		try {
			await refresh();
			report({ kind: "ok", at: new Date() });
		} catch (error) {
			report({ kind: "error", error: /** @type {Error} */ (error) });
		} finally {
			running = false;
			if (!document.hidden) timer = setTimeout(tick, REFRESH_MS);
		}
	}
	document.addEventListener("visibilitychange", tick);
	return tick();
}

/**
 * Every second while visible, rewrites the text of `<time data-relative>` elements ("in 2h 05m",
 * "12s ago") from their `datetime`, so countdowns run between two reads of the API.
 */
export function startClock() {
	const update = () => {
		if (document.hidden) return;
		const now = Date.now();
		for (const el of document.querySelectorAll("time[data-relative]")) {
			const at = Date.parse(el.getAttribute("datetime") ?? "");
			if (!Number.isNaN(at)) el.textContent = relative(at, now);
		}
	};
	update();
	setInterval(update, 1000);
	return update;
}
