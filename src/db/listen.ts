import pg from "pg";
import { backoffMs } from "../lib/sleep.ts";

/** What a channel's listener is told: each payload, and when it starts and stops receiving them. */
export type ChannelHandlers = {
	onNotification(payload: string): void;
	/** LISTEN is in effect: every notification committed from now on will be received. */
	onListening(): void;
	/** The connection is lost: notifications are missed until the next `onListening`. */
	onLost(error: unknown): void;
};

/** A round trip slower than this drops the connection (and the cache with it), ms. */
const ROUND_TRIP_TIMEOUT_MS = 5_000;

export type ChannelListener = {
	/**
	 * One round trip on the listening connection: when it resolves, every notification of a
	 * transaction that committed before it was sent has been handed to `onNotification` (Postgres
	 * sends pending notifications before it reports a query done). Rejects when not connected.
	 */
	roundTrip(): Promise<void>;
	close(): Promise<void>;
};

/**
 * LISTENs on `channel` on a connection of its own (not the pool's: a pooled client is shared and
 * recycled), and connects again after a loss, backing off from `retryBaseMs` up to 10 s.
 */
export function listenToChannel(
	options: { databaseUrl: string; channel: string; applicationName?: string; retryBaseMs?: number },
	handlers: ChannelHandlers,
): ChannelListener {
	let closed = false;
	let client: pg.Client | null = null;
	let attempt = 0;
	let timer: NodeJS.Timeout | null = null;

	function lost(error: unknown, failed: pg.Client) {
		if (client !== failed) return;
		client = null;
		failed.removeAllListeners("notification");
		failed.end().catch(() => {});
		if (closed) return;
		handlers.onLost(error);
		timer = setTimeout(connect, backoffMs(attempt++, options.retryBaseMs ?? 250));
	}

	async function connect() {
		timer = null;
		if (closed) return;
		const c = new pg.Client({
			connectionString: options.databaseUrl,
			application_name: options.applicationName ?? "aleph-oracle listener",
			keepAlive: true,
		});
		client = c;
		c.on("error", (error) => lost(error, c));
		c.on("end", () => lost(new Error("the listening connection ended"), c));
		c.on("notification", (n) => handlers.onNotification(n.payload ?? ""));
		try {
			await c.connect();
			await c.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`);
			if (client !== c || closed) return;
			attempt = 0;
			handlers.onListening();
		} catch (error) {
			lost(error, c);
		}
	}

	void connect();
	return {
		async roundTrip() {
			const c = client;
			if (!c) throw new Error("not listening");
			try {
				let timer: NodeJS.Timeout | undefined;
				const late = new Promise<never>((_, reject) => {
					timer = setTimeout(() => reject(new Error(`no answer within ${ROUND_TRIP_TIMEOUT_MS} ms`)), ROUND_TRIP_TIMEOUT_MS);
				});
				await Promise.race([c.query("SELECT 1"), late]).finally(() => clearTimeout(timer));
			} catch (error) {
				// A connection that does not answer is as good as lost: notifications may be missed.
				lost(error, c);
				throw error;
			}
		},
		async close() {
			closed = true;
			if (timer) clearTimeout(timer);
			const c = client;
			client = null;
			if (c) await c.end().catch(() => {});
		},
	};
}
