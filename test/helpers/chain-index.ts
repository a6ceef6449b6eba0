import { expect } from "vitest";
import type { DevClient } from "../../devchain/client.ts";
import { balanceOf, totalSupply } from "../../devchain/erc20.ts";
import type { Db } from "../../src/db/database.ts";
import { TOPICS } from "../../src/indexer/events.ts";
import { ZERO_ADDRESS } from "../../src/lib/address.ts";
import { sleep } from "../../src/lib/sleep.ts";

/** Waits until the chain's cursor reaches `block` (default: the node's head). */
export async function waitIndexed(db: Db, client: DevClient, chain: string, block?: bigint, timeoutMs = 60_000): Promise<bigint> {
	const target = block ?? (await client.getBlockNumber());
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const row = await db.selectFrom("chains").select(["indexed_block", "indexed_hash"]).where("chain", "=", chain).executeTakeFirst();
		if (row && row.indexed_block >= target) {
			const remote = await client.getBlock({ blockNumber: row.indexed_block });
			if (remote.hash === row.indexed_hash) return row.indexed_block;
		}
		if (Date.now() > deadline) throw new Error(`${chain} not indexed to ${target} within ${timeoutMs} ms (at ${row?.indexed_block})`);
		await sleep(50);
	}
}

/**
 * Checks the index of an ERC-20 against the chain at the indexed block: every account's balance
 * equals balanceOf, the sum equals totalSupply, the stored transfers are exactly the chain's
 * Transfer logs, and every kept block header is canonical.
 */
export async function expectErc20IndexMatchesChain(
	db: Db,
	client: DevClient,
	chain: string,
	token: string,
): Promise<{ accounts: number; transfers: number; block: bigint }> {
	const cursor = await db.selectFrom("chains").selectAll().where("chain", "=", chain).executeTakeFirstOrThrow();
	const block = cursor.indexed_block;
	const rows = await db.selectFrom("balances").select(["address", "amount"]).where("chain", "=", chain).execute();
	const logs = await client.getLogs({
		address: token as `0x${string}`,
		fromBlock: cursor.start_block,
		toBlock: block,
	});
	const transferLogs = logs.filter((l) => l.topics[0] === TOPICS.transfer);
	const accounts = new Set(rows.map((r) => r.address));
	for (const log of transferLogs) for (const topic of log.topics.slice(1, 3)) accounts.add(`0x${(topic ?? "").slice(26)}`);
	accounts.delete(ZERO_ADDRESS);

	const indexed = new Map(rows.map((r) => [r.address, r.amount]));
	const onChain = await Promise.all(
		[...accounts].map(async (a) => [a, await balanceOf(client, { token, account: a, blockNumber: block })] as const),
	);
	expect(Object.fromEntries([...accounts].map((a) => [a, (indexed.get(a) ?? 0n).toString()]))).toEqual(
		Object.fromEntries(onChain.map(([a, b]) => [a, b.toString()])),
	);
	const sum = rows.reduce((s, r) => s + r.amount, 0n);
	expect(sum).toBe(await totalSupply(client, { token, blockNumber: block }));

	const stored = await db
		.selectFrom("transfers")
		.select(["block_number", "log_index", "tx_hash", "value"])
		.where("chain", "=", chain)
		.where("tx_hash", "is not", null)
		.orderBy("block_number")
		.orderBy("log_index")
		.execute();
	expect(stored.map((t) => `${t.block_number}:${t.log_index}:${t.tx_hash}:${t.value}`)).toEqual(
		transferLogs.map((l) => `${l.blockNumber}:${l.logIndex}:${l.transactionHash}:${BigInt(l.data)}`),
	);

	const kept = await db.selectFrom("blocks").selectAll().where("chain", "=", chain).execute();
	for (const b of kept) expect((await client.getBlock({ blockNumber: b.number })).hash).toBe(b.hash);
	return { accounts: accounts.size, transfers: stored.length, block };
}
