import type { FeedProgress } from "../db/schema.ts";

/**
 * The pace of one CCN's backfill over the last few seconds, for the terminal and /v1/status:
 * messages per second, and an ETA from how fast the scan's envelope time approaches the present
 * (in cursor mode a CCN gives no total to count down from).
 */
export function createFeedProgress(reportEveryMs = 2_000, windowMs = 10_000) {
	let messages = 0;
	let reached: number | null = null;
	let lastReport = performance.now();
	const samples: { t: number; messages: number; reached: number | null }[] = [{ t: performance.now(), messages: 0, reached: null }];

	return {
		/** Records `count` messages read, the scan having reached envelope time `time` (epoch s). */
		advance(count: number, time: number | null) {
			messages += count;
			if (time !== null && (reached === null || time > reached)) reached = time;
			const t = performance.now();
			samples.push({ t, messages, reached });
			while (samples.length > 2 && (samples[0] as { t: number }).t < t - windowMs) samples.shift();
		},
		due() {
			const now = performance.now();
			if (now - lastReport < reportEveryMs) return false;
			lastReport = now;
			return true;
		},
		report(phase: FeedProgress["phase"], nowSeconds: number): FeedProgress {
			const first = samples[0];
			const last = samples.at(-1);
			const seconds = first && last ? (last.t - first.t) / 1000 : 0;
			const rate = first && last && seconds > 0 ? (last.messages - first.messages) / seconds : 0;
			// From the first sample that reached a time (the opening sample has none).
			const from = samples.find((s) => s.reached !== null);
			const paceSeconds = from && last ? (last.t - from.t) / 1000 : 0;
			const pace = from?.reached != null && last?.reached != null && paceSeconds > 0 ? (last.reached - from.reached) / paceSeconds : 0;
			const behind = reached === null ? null : Math.max(0, nowSeconds - reached);
			return {
				phase,
				messages,
				messagesPerSecond: Math.round(rate),
				reachedTime: reached === null ? null : new Date(reached * 1000).toISOString(),
				etaSeconds: phase === "live" || behind === null || pace <= 0 ? null : Math.ceil(behind / pace),
			};
		},
	};
}

export type FeedProgressTracker = ReturnType<typeof createFeedProgress>;
