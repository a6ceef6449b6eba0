import { sleep } from "../src/lib/sleep.ts";
import type { ApiClient } from "./api-client.ts";
import type { DemoChainName } from "./chains.ts";

/**
 * Polls `GET /ready` until the service is ready (the database answers and every watcher is within
 * its lag limit of its head), the signal aborts, or `timeoutMs` passes (then throws with the last
 * reasons the service gave).
 */
export async function waitUntilReady(api: ApiClient, signal: AbortSignal, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let reasons: string[] = ["no answer yet"];
	while (!signal.aborted) {
		try {
			const ready = await api.ready();
			if (ready.ok) return;
			reasons = ready.reasons;
		} catch (error) {
			reasons = [(error as Error).message];
		}
		if (Date.now() > deadline) throw new Error(`the service was not ready within ${timeoutMs / 1000} s: ${reasons.join("; ")}`);
		await sleep(200, signal);
	}
}

/**
 * Polls `GET /v1/status` until `chain` is indexed up to `block` (what a node checking a stream
 * before accepting an instance depends on), the signal aborts, or `timeoutMs` passes (then it
 * returns anyway: the caller goes on with a lagging index).
 */
export async function waitIndexed(
	api: ApiClient,
	chain: DemoChainName,
	block: bigint,
	signal: AbortSignal,
	timeoutMs = 30_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!signal.aborted && Date.now() < deadline) {
		try {
			const status = (await api.status()).chains.find((c) => c.chain === chain);
			if (status?.indexedBlock !== null && status?.indexedBlock !== undefined && BigInt(status.indexedBlock) >= block) return;
		} catch {
			// the API is busy or restarting: poll again
		}
		await sleep(200, signal);
	}
}
