/**
 * What this process knows of the commits that changed account inputs: the `account_inputs`
 * notifications (migration 0009), numbered in the order they arrive — the order of the commits.
 * A cache asks it whether an account may have changed since a read started, and is told of each
 * change to evict. Nothing is safe to cache while the notifications are not being received
 * (before the first LISTEN, and from a dropped connection until the next LISTEN).
 */
export type AccountChange = { kind: "accounts"; addresses: string[] } | { kind: "all" } | { kind: "cursor"; chain: string; block: bigint };

export type AccountChanges = {
	/** True while notifications are received. */
	readonly live: boolean;
	/** Number of the last change received; a read records it before it starts. */
	generation(): number;
	/** Whether `address` may have changed after change `since` (always true when not live). */
	changedSince(since: number, address: string): boolean;
	/** The chains whose cursor moved after change `since`, with their last cursor; empty when none did. */
	cursorsSince(since: number): Map<string, bigint>;
	/** Calls `listener` with each change (and with `all` on a connection lost or (re)established). */
	subscribe(listener: (change: AccountChange) => void): void;
	/**
	 * Resolves once every notification of the commits that returned before the call has been
	 * received (a round trip on the listening connection, shared by the calls of one turn;
	 * immediately when no round trip was given). Rejects when not listening.
	 */
	caughtUp(): Promise<void>;
	/** Marks a read as running from `generation()` until `end()`, so its changes are kept until then. */
	beginRead(): { since: number; end(): void };
	/** A change this process committed: its accounts are evicted at once, before the notification comes back. */
	changed(addresses: string[]): void;
	/** The notification channel's side: a payload, the connection established, the connection lost. */
	notified(payload: string): void;
	connected(): void;
	disconnected(): void;
};

/** `a|<addr>,<addr>…`, `*` or `c|<chain>|<block>` (see migration 0009); anything else counts as `*`. */
export function parseAccountChange(payload: string): AccountChange {
	if (payload.startsWith("a|")) return { kind: "accounts", addresses: payload.slice(2).split(",") };
	if (payload.startsWith("c|")) {
		const [, chain, block] = payload.split("|");
		if (chain && block && /^\d+$/.test(block)) return { kind: "cursor", chain, block: BigInt(block) };
	}
	return { kind: "all" };
}

type Logged = { generation: number; change: AccountChange };

/**
 * Creates the change log of one process; not live until `connected()`. `roundTrip` is a query on
 * the listening connection (see `caughtUp`).
 */
export function createAccountChanges(options: { roundTrip?: () => Promise<void> } = {}): AccountChanges {
	let live = false;
	let generation = 0;
	let lostAt = 0;
	// Changes newer than the oldest running read (none kept when no read runs).
	let log: Logged[] = [];
	const reads = new Map<number, number>();
	const cursors = new Map<string, { block: bigint; generation: number }>();
	const listeners: ((change: AccountChange) => void)[] = [];
	// A call joins the next round trip, never the one in flight: that one may have been sent before
	// the commit the caller must see.
	let running: Promise<void> | null = null;
	let next: Promise<void> | null = null;
	const roundTrip = options.roundTrip;
	const start = (trip: () => Promise<void>) => {
		const p = trip().finally(() => {
			if (running === p) running = null;
		});
		running = p;
		return p;
	};

	function record(change: AccountChange) {
		generation++;
		if (change.kind === "cursor") cursors.set(change.chain, { block: change.block, generation });
		if (change.kind === "all") lostAt = generation;
		if (reads.size > 0) log.push({ generation, change });
		for (const listener of listeners) listener(change);
	}

	function prune() {
		if (reads.size === 0) {
			log = [];
			return;
		}
		const oldest = Math.min(...reads.keys());
		if (log.length > 0 && (log[0] as Logged).generation <= oldest) log = log.filter((l) => l.generation > oldest);
	}

	return {
		get live() {
			return live;
		},
		generation: () => generation,
		changedSince(since, address) {
			if (!live || lostAt > since) return true;
			for (const { generation: g, change } of log) {
				if (g <= since) continue;
				if (change.kind === "all" || (change.kind === "accounts" && change.addresses.includes(address))) return true;
			}
			return false;
		},
		cursorsSince(since) {
			const moved = new Map<string, bigint>();
			for (const [chain, c] of cursors) if (c.generation > since) moved.set(chain, c.block);
			return moved;
		},
		subscribe(listener) {
			listeners.push(listener);
		},
		caughtUp() {
			if (!roundTrip) return Promise.resolve();
			if (!running) return start(roundTrip);
			next ??= running
				.catch(() => {})
				.then(() => {
					next = null;
					return start(roundTrip);
				});
			return next;
		},
		beginRead() {
			const since = generation;
			reads.set(since, (reads.get(since) ?? 0) + 1);
			let ended = false;
			return {
				since,
				end() {
					if (ended) return;
					ended = true;
					const left = (reads.get(since) ?? 1) - 1;
					if (left > 0) reads.set(since, left);
					else reads.delete(since);
					prune();
				},
			};
		},
		changed(addresses) {
			record({ kind: "accounts", addresses });
		},
		notified(payload) {
			record(parseAccountChange(payload));
		},
		connected() {
			// What was committed while no connection listened is unknown: start from nothing.
			record({ kind: "all" });
			live = true;
		},
		disconnected() {
			live = false;
			record({ kind: "all" });
		},
	};
}
