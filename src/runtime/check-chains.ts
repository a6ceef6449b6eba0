import type { ChainConfig } from "../config/env.ts";
import { ConfigError, describeError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { sleep } from "../lib/sleep.ts";
import { eth_chainId } from "../rpc/actions.ts";
import { createRpcClient } from "../rpc/client.ts";

/**
 * Asks every RPC URL of every chain for its chain id. A URL answering another id than
 * `<CHAIN>_CHAIN_ID` is a configuration error; an unreachable URL only warns (others may serve,
 * and the watcher checks the id again before its first write).
 */
export async function checkChainIds(
	chains: ChainConfig[],
	logger: Logger,
	options: { timeoutMs?: number; waitMs?: number } = {},
): Promise<void> {
	const issues: { variable: string; message: string }[] = [];
	await Promise.all(
		chains.map(async (chain) => {
			const deadline = Date.now() + (options.waitMs ?? 10_000);
			for (;;) {
				const answers = await Promise.all(
					chain.rpcUrls.map(async (url, index) => {
						try {
							return await eth_chainId(createRpcClient({ urls: [url], timeoutMs: options.timeoutMs ?? 5_000, retries: 1 }));
						} catch (error) {
							logger.warn({ chain: chain.name, rpc: index, err: describeError(error) }, "RPC did not answer eth_chainId");
							return undefined;
						}
					}),
				);
				answers.forEach((id, index) => {
					if (id !== undefined && id !== chain.chainId) {
						issues.push({
							variable: `${chain.name}_CHAIN_ID`,
							message: `is ${chain.chainId} but ${chain.name}_RPC_URL #${index} serves chain id ${id}`,
						});
					}
				});
				if (answers.some((id) => id !== undefined)) return;
				if (Date.now() > deadline) {
					logger.error({ chain: chain.name }, "No RPC URL answered eth_chainId; the watcher will keep trying");
					return;
				}
				await sleep(1_000);
			}
		}),
	);
	if (issues.length > 0) throw new ConfigError(issues);
}
