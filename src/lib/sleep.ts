/** Resolves after `ms` milliseconds, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal?.aborted) return resolve();
		const timer = setTimeout(done, ms);
		signal?.addEventListener("abort", done, { once: true });
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener("abort", done);
			resolve();
		}
	});
}

/** Exponential backoff with full jitter: a random delay in [base, min(cap, base × 2^attempt)]. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 10_000): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
	return baseMs + Math.random() * (ceiling - baseMs);
}
