/** Thrown at a checkpoint once the demo was asked to stop: unwinds to the clean shutdown. */
export class Stopped extends Error {
	constructor() {
		super("the demo was asked to stop");
		this.name = "Stopped";
	}
}

/** SIGINT/SIGTERM as an abort signal. */
export type StopSignal = {
	signal: AbortSignal;
	/** The signal that stopped the demo, once one did. */
	readonly received: NodeJS.Signals | null;
	/** A promise that resolves when a stop signal arrives. */
	stopped: Promise<void>;
	/** Throws {@link Stopped} once a stop signal arrived. */
	checkpoint(): void;
	/** Removes the signal handlers. */
	dispose(): void;
};

/**
 * Listens for SIGINT and SIGTERM. The first one aborts `signal`; later ones are ignored while the
 * shutdown runs (a terminal's Ctrl-C can reach this process twice: from the terminal and relayed
 * by `tsx`), except a third, which exits at once with code 130.
 */
export function listenForStop(onStop: (signal: NodeJS.Signals) => void): StopSignal {
	const controller = new AbortController();
	let received: NodeJS.Signals | null = null;
	let count = 0;
	let resolveStopped: () => void = () => {};
	const stopped = new Promise<void>((resolve) => {
		resolveStopped = resolve;
	});
	const handler = (signal: NodeJS.Signals) => {
		count++;
		if (count >= 3) process.exit(130);
		if (received) return;
		received = signal;
		onStop(signal);
		controller.abort();
		resolveStopped();
	};
	process.on("SIGINT", handler);
	process.on("SIGTERM", handler);
	return {
		signal: controller.signal,
		get received() {
			return received;
		},
		stopped,
		checkpoint() {
			if (controller.signal.aborted) throw new Stopped();
		},
		dispose() {
			process.off("SIGINT", handler);
			process.off("SIGTERM", handler);
		},
	};
}

/**
 * Cleanup steps, run once in reverse order of registration; a failing step does not stop the
 * others. A step registered after the stack ran (by start-up work that finished late) runs at once.
 */
export class CleanupStack {
	private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];
	private ran = false;

	/** Registers a step. */
	add(name: string, run: () => Promise<void> | void): void {
		if (this.ran)
			void Promise.resolve()
				.then(run)
				.catch(() => {});
		else this.steps.push({ name, run });
	}

	/** Runs every step, newest first; reports each failure through `onError`. */
	async run(onError: (name: string, error: unknown) => void): Promise<void> {
		this.ran = true;
		for (const step of this.steps.splice(0).reverse()) {
			try {
				await step.run();
			} catch (error) {
				onError(step.name, error);
			}
		}
	}
}

/** How long the shutdown waits for the demo's own work in flight, milliseconds. */
export const STOP_GRACE_MS = 2_000;

/**
 * Waits for `work` to settle, but at most `ms` milliseconds: work stuck on a chain that is already
 * gone (a terminal's Ctrl-C reaches the anvil processes too) must not hold the shutdown. Whatever
 * is still pending then is dropped with the process.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([
		work.then(
			() => {},
			() => {},
		),
		new Promise<void>((resolve) => {
			timer = setTimeout(resolve, ms);
		}),
	]);
	clearTimeout(timer);
}
