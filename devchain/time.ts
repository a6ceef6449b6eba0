import type { DevClient } from "./client.ts";

/** Timestamp of the latest block, in unix seconds. */
export async function latestTimestamp(client: DevClient): Promise<bigint> {
	return (await client.getBlock({ blockTag: "latest" })).timestamp;
}

/**
 * Moves chain time forward by `seconds` and mines one block carrying the new time.
 * Returns the new latest block's timestamp, in unix seconds.
 */
export async function increaseTime(client: DevClient, seconds: number | bigint): Promise<bigint> {
	await client.increaseTime({ seconds: Number(seconds) });
	await client.mine({ blocks: 1 });
	return latestTimestamp(client);
}

/**
 * Mines `blocks` empty blocks (default 1), each `intervalSeconds` apart (anvil default 1 s).
 * Returns the new block number.
 */
export async function mine(client: DevClient, blocks = 1, intervalSeconds?: number): Promise<bigint> {
	await client.mine({ blocks, interval: intervalSeconds });
	return client.getBlockNumber();
}

/** Pins the timestamp of the next mined block, in unix seconds (must be after the latest). */
export async function setNextBlockTimestamp(client: DevClient, timestamp: number | bigint): Promise<void> {
	await client.setNextBlockTimestamp({ timestamp: BigInt(timestamp) });
}
