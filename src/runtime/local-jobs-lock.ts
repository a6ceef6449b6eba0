import { openDatabase, tryAdvisoryLock } from "../db/database.ts";
import { classifyDatabaseError } from "../db/errors.ts";
import { ConfigError, PermanentError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";

const LOCK = "aleph-oracle:local-jobs";

/** How often the lock is confirmed (and taken again in a new session after a lost connection), ms. */
const CONFIRM_EVERY_MS = 5_000;

/**
 * The in-process job queue keeps its jobs in memory: two processes running it on one database
 * would both run the sweep, the critical checks and every delivery. This session advisory lock,
 * on a connection of its own, lets one process run them. It is confirmed every few seconds, so a
 * terminated session takes it again; `lost` rejects if another process holds it by then.
 * @throws ConfigError naming `REDIS_URL` when another process holds it at start
 */
export async function holdLocalJobsLock(databaseUrl: string, logger: Logger): Promise<{ lost: Promise<never>; release(): Promise<void> }> {
	const session = await openDatabase({ databaseUrl, poolSize: 1, idleTimeoutMs: 0, applicationName: "aleph-oracle local jobs" });
	try {
		if (!(await tryAdvisoryLock(session.db, LOCK)))
			throw new ConfigError([
				{
					variable: "REDIS_URL",
					message:
						"is unset and another process already runs the in-process jobs of this database (set REDIS_URL to run several processes)",
				},
			]);
	} catch (error) {
		await session.close();
		throw error;
	}
	let timer: NodeJS.Timeout | undefined;
	let released = false;
	const lost = new Promise<never>((_, reject) => {
		const confirm = async () => {
			try {
				if (!(await tryAdvisoryLock(session.db, LOCK))) {
					reject(new PermanentError("another process took the in-process jobs of this database over while its connection was lost"));
					return;
				}
			} catch (error) {
				// The database is away: the watchdog decides how long that may last.
				if (classifyDatabaseError(error) === null) logger.warn({ err: error }, "Could not confirm the in-process jobs lock");
			}
			if (!released) timer = setTimeout(confirm, CONFIRM_EVERY_MS);
		};
		timer = setTimeout(confirm, CONFIRM_EVERY_MS);
	});
	lost.catch(() => {});
	return {
		lost,
		async release() {
			released = true;
			clearTimeout(timer);
			await session.close();
		},
	};
}
