import type { WatcherProgress } from "../db/schema.ts";

/** Backfill speed over the last few seconds, for the terminal and /v1/status. */
export function createProgress(reportEveryMs = 2_000) {
	let startedAt = 0;
	let lastReport = 0;
	let target = 0n;
	let indexed = 0n;
	let logs = 0;
	// samples of (time ms, block, logs) over a sliding window
	let samples: { t: number; block: bigint; logs: number }[] = [];

	return {
		get logs() {
			return logs;
		},
		start(from: bigint, to: bigint) {
			startedAt = performance.now();
			lastReport = startedAt;
			target = to;
			indexed = from;
			logs = 0;
			samples = [{ t: startedAt, block: from, logs: 0 }];
		},
		advance(block: bigint, newLogs: number) {
			indexed = block;
			logs += newLogs;
			const t = performance.now();
			samples.push({ t, block, logs });
			while (samples.length > 2 && (samples[0] as { t: number }).t < t - 10_000) samples.shift();
		},
		due() {
			const now = performance.now();
			if (now - lastReport < reportEveryMs) return false;
			lastReport = now;
			return true;
		},
		elapsedSeconds() {
			return Math.round((performance.now() - startedAt) / 100) / 10;
		},
		report(_head: bigint): WatcherProgress {
			const first = samples[0];
			const last = samples.at(-1);
			const seconds = first && last ? (last.t - first.t) / 1000 : 0;
			const blocksPerSecond = first && last && seconds > 0 ? Number(last.block - first.block) / seconds : 0;
			const logsPerSecond = first && last && seconds > 0 ? (last.logs - first.logs) / seconds : 0;
			const remaining = Number(target - indexed);
			return {
				phase: "backfill",
				blocksPerSecond: Math.round(blocksPerSecond),
				logsPerSecond: Math.round(logsPerSecond),
				etaSeconds: blocksPerSecond > 0 ? Math.ceil(remaining / blocksPerSecond) : null,
			};
		},
	};
}
