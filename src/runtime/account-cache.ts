import { createAccountChanges } from "../api/account-changes.ts";
import type { AccountCacheConfig } from "../api/queries/account-inputs.ts";
import type { Config } from "../config/env.ts";
import type { Database } from "../db/database.ts";
import { listenToChannel } from "../db/listen.ts";
import { describeError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";

/** The channel migration 0009's triggers notify. */
export const ACCOUNT_INPUTS_CHANNEL = "account_inputs";

/**
 * The API's cache of account inputs, fed by the `account_inputs` notifications on a connection of
 * its own (`close()` stops listening). None on PGlite (one process: no replica to keep in step,
 * and no network round trip to save) or with `ACCOUNT_CACHE_ENTRIES=0`.
 */
export function startAccountCache(
	config: Config,
	database: Database,
	logger: Logger,
): (AccountCacheConfig & { close(): Promise<void> }) | undefined {
	if (database.kind !== "postgres" || !config.databaseUrl || config.accountCacheEntries === 0) return undefined;
	const changes = createAccountChanges({ roundTrip: () => listener.roundTrip() });
	const listener = listenToChannel(
		{ databaseUrl: config.databaseUrl, channel: ACCOUNT_INPUTS_CHANNEL, applicationName: "aleph-oracle account cache" },
		{
			onNotification: (payload) => changes.notified(payload),
			onListening: () => {
				changes.connected();
				logger.debug("Listening for account changes: the account cache is on");
			},
			onLost: (error) => {
				changes.disconnected();
				logger.warn({ err: describeError(error) }, "Lost the account change notifications: the account cache is off until they resume");
			},
		},
	);
	return { changes, maxEntries: config.accountCacheEntries, close: () => listener.close() };
}
