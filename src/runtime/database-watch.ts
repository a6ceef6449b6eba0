import type { Db } from "../db/database.ts";
import { PermanentError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { sleep } from "../lib/sleep.ts";

/** Delay between two pings, ms. */
const PING_EVERY_MS = 1_000;

/**
 * Pings the database every second. While it does not answer, every component retries on its
 * own (the API answers 503); past `maxOutageSeconds` without an answer `failed` rejects, and the
 * process exits 2 (a supervisor restarts it) instead of hanging. Logs when the outage starts and
 * how long it lasted.
 */
export function watchDatabase(options: { db: Db; maxOutageSeconds: number; logger: Logger }): { failed: Promise<never>; stop(): void } {
	const { db, logger } = options;
	const controller = new AbortController();
	const limitMs = options.maxOutageSeconds * 1_000;
	const failed = new Promise<never>((_, reject) => {
		void (async () => {
			let lastAnswer = performance.now();
			let away = false;
			while (!controller.signal.aborted) {
				// A ping that hangs counts as no answer: the deadline is measured from the last one.
				const answered = await Promise.race([
					db
						.selectNoFrom((eb) => eb.val(1).as("one"))
						.execute()
						.then(
							() => true,
							() => false,
						),
					sleep(PING_EVERY_MS * 5, controller.signal).then(() => false),
				]);
				const now = performance.now();
				if (answered) {
					if (away) logger.info({ outage_seconds: Math.round((now - lastAnswer) / 100) / 10 }, "The database answers again");
					away = false;
					lastAnswer = now;
				} else if (!away) {
					away = true;
					logger.warn({ max_outage_seconds: options.maxOutageSeconds }, "The database does not answer");
				}
				if (away && now - lastAnswer > limitMs) {
					reject(new PermanentError(`The database has not answered for ${options.maxOutageSeconds} s (DATABASE_MAX_OUTAGE_SECONDS)`));
					return;
				}
				await sleep(PING_EVERY_MS, controller.signal);
			}
		})();
	});
	failed.catch(() => {});
	return { failed, stop: () => controller.abort() };
}
