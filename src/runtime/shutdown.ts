import type { Logger } from "../lib/logger.ts";

/** Cleanup steps registered by components, run once in reverse order on shutdown. */
export type Shutdown = {
	add(name: string, step: () => Promise<void> | void): void;
	/** Runs every step (reverse order of registration), each bounded by the grace period. */
	run(): Promise<void>;
	readonly signal: AbortSignal;
};

export function createShutdown(logger: Logger, graceMs = 15_000): Shutdown {
	const steps: { name: string; step: () => Promise<void> | void }[] = [];
	const controller = new AbortController();
	let running: Promise<void> | undefined;
	return {
		signal: controller.signal,
		add(name, step) {
			steps.push({ name, step });
		},
		run() {
			running ??= (async () => {
				controller.abort();
				for (const { name, step } of steps.reverse()) {
					let timer: NodeJS.Timeout | undefined;
					try {
						await Promise.race([
							Promise.resolve().then(step),
							new Promise((_, reject) => {
								timer = setTimeout(() => reject(new Error(`did not finish within ${graceMs} ms`)), graceMs);
							}),
						]);
					} catch (error) {
						logger.error({ step: name, err: error }, "Shutdown step failed");
					} finally {
						clearTimeout(timer);
					}
				}
			})();
			return running;
		},
	};
}
