/**
 * The watcher's bookkeeping of the head: it records every successful head read with the
 * database's clock, so an RPC gone quiet shows in /ready and /v1/status within a few polls.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { createApp } from "../../src/api/app.ts";
import { markLive } from "../../src/indexer/tables/chains.ts";
import type { ChainWatcher } from "../../src/indexer/watcher.ts";
import { testConfig, testContext } from "../api/helpers.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { eventually } from "../helpers/system.ts";
import { startTestWatcher, testChainConfig } from "../helpers/watcher.ts";

let anvil: AnvilInstance;
let proxy: FaultProxy;
let database: TestDatabase;
let watcher: ChainWatcher;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
	anvil = await startAnvil({ blockTime: 0.2 });
	const token = await deployAlephToken(createDevClient(anvil));
	proxy = await startFaultProxy({ upstream: anvil.url });
	database = await createTestDatabase();
	const chain = testChainConfig({
		rpcUrls: [proxy.url],
		chainId: anvil.chainId,
		token: token.address,
		startBlock: token.blockNumber,
		pollIntervalMs: 100,
	});
	watcher = await startTestWatcher(database, chain, { timeoutMs: 500, retries: 1 });
	// The wall clock: the database's ages are what matter.
	app = createApp(testContext(database.db, { config: testConfig({ chains: [chain] }), now: undefined }));
});
afterAll(async () => {
	await watcher?.stop();
	await proxy?.stop();
	await database?.drop();
	await anvil?.stop();
});

const ready = async () => {
	const res = await app.request("http://oracle.test/ready");
	return { status: res.status, reasons: ((await res.json()) as { reasons: string[] }).reasons };
};
const ethStatus = async () =>
	((await (await app.request("http://oracle.test/v1/status")).json()) as { chains: { lagBlocks: number | null }[] }).chains[0];

describe("the last successful head read", () => {
	it("turns /ready to 503 and the lag to unknown when the RPC stops answering, and back when it answers", async () => {
		await eventually(async () => ((await ready()).status === 200 ? true : undefined), 60_000, "ready");
		expect((await ethStatus())?.lagBlocks).not.toBeNull();

		proxy.setFaults({ drop: 1 });
		const down = await eventually(async () => {
			const r = await ready();
			return r.status === 503 ? r : undefined;
		}, 60_000);
		// 5 polls of 100 ms, at least 10 s.
		expect(down.reasons).toEqual([expect.stringMatching(/^ETH has not read its head block for \d+ s \(limit 10 s\)$/)]);
		expect((await ethStatus())?.lagBlocks).toBeNull();

		proxy.setFaults({});
		await eventually(async () => ((await ready()).status === 200 ? true : undefined), 60_000, "ready again");
		expect((await ethStatus())?.lagBlocks).not.toBeNull();
	});

	it("writes the cursor's times with the database's clock, not the watcher's", async () => {
		await watcher.stop(); // its own writes would hide the one under test
		vi.useFakeTimers({ toFake: ["Date"] });
		try {
			vi.setSystemTime(Date.now() - 400_000); // the watcher's host is 400 s behind
			await markLive(database.db, "ETH", 1n, 0n);
		} finally {
			vi.useRealTimers();
		}
		const row = await database.db
			.selectFrom("chains")
			.select((eb) => eb.fn<number>("date_part", [eb.val("epoch"), eb(eb.fn("now"), "-", eb.ref("updated_at"))]).as("age"))
			.executeTakeFirstOrThrow();
		expect(Number(row.age)).toBeLessThan(60);
	});
});
