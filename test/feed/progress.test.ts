/**
 * The backfill pace the follower prints and stores for /v1/status: messages per second over the
 * recent window, and an ETA from how fast the scan's envelope time approaches the present.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFeedProgress } from "../../src/feed/progress.ts";

beforeEach(() => {
	vi.useFakeTimers({ toFake: ["performance"] });
});
afterEach(() => {
	vi.useRealTimers();
});

describe("feed backfill progress", () => {
	it("gives the rate over the window and the ETA from the scan's pace toward now", () => {
		const progress = createFeedProgress(2_000, 10_000);
		const now = 1_800_000_000;
		// 4 s of scanning: 1 000 messages a second, the envelope time advancing 100 s per second.
		for (let s = 1; s <= 4; s++) {
			vi.advanceTimersByTime(1_000);
			progress.advance(1_000, now - 1_000 + s * 100);
		}
		expect(progress.report("backfill", now)).toEqual({
			phase: "backfill",
			messages: 4_000,
			messagesPerSecond: 1_000,
			reachedTime: new Date((now - 600) * 1000).toISOString(),
			// 600 s of history left at 100 s of history per second.
			etaSeconds: 6,
		});
		expect(progress.report("live", now).etaSeconds).toBeNull();
	});

	it("forgets samples older than the window, so a stall shows as a falling rate", () => {
		const progress = createFeedProgress(2_000, 10_000);
		vi.advanceTimersByTime(1_000);
		progress.advance(10_000, 100);
		vi.advanceTimersByTime(20_000);
		progress.advance(0, 100);
		vi.advanceTimersByTime(1_000);
		progress.advance(100, 100);
		const report = progress.report("backfill", 1_000);
		expect(report.messages).toBe(10_100);
		expect(report.messagesPerSecond).toBe(100);
		expect(report.etaSeconds).toBeNull();
	});

	it("is due once per report interval", () => {
		const progress = createFeedProgress(2_000, 10_000);
		expect(progress.due()).toBe(false);
		vi.advanceTimersByTime(2_000);
		expect(progress.due()).toBe(true);
		expect(progress.due()).toBe(false);
	});
});
