import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient } from "../../devchain/client.ts";
import { deploySuperfluid, type SuperfluidFramework, superTokenAbi } from "../../devchain/superfluid.ts";
import { sleep } from "../../src/lib/sleep.ts";
import { waitIndexed } from "../helpers/chain-index.ts";
import { spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom, enableAccounts, testAccounts } from "../helpers/erc20-traffic.ts";
import { type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";
import { expectStreamIndexMatchesChain } from "../helpers/stream-index.ts";
import { generateFlowTraffic } from "../helpers/stream-traffic.ts";

let anvil: AnvilInstance;
let client: DevClient;
let sf: SuperfluidFramework;
let database: TestDatabase;
let proxy: FaultProxy;
const accounts = testAccounts(20, 31);
const random = createRandom(77);

beforeAll(async () => {
	anvil = await startAnvil({ disableCodeSizeLimit: true });
	client = createDevClient(anvil);
	sf = await deploySuperfluid(client);
	await enableAccounts(client, accounts);
	for (const account of accounts) {
		const hash = await client.writeContract({
			address: sf.token,
			abi: superTokenAbi,
			functionName: "transfer",
			args: [account, 10n ** 24n],
			account: sf.deployer,
			gas: 500_000n,
		});
		await client.waitForTransactionReceipt({ hash });
	}
	const updates = await generateFlowTraffic(client, sf, { accounts, operations: 400, random });
	expect(updates).toBeGreaterThan(300);
	database = await createTestDatabase();
	proxy = await startFaultProxy({ upstream: anvil.url });
});

afterAll(async () => {
	await proxy?.stop();
	await database?.drop();
	await anvil?.stop();
});

describe("stream watcher restarted in the middle of a backfill", () => {
	const env = () => ({
		DATABASE_URL: database.url,
		CHAINS: "AVAX",
		AVAX_RPC_URL: proxy.url,
		AVAX_CHAIN_ID: String(anvil.chainId),
		AVAX_TOKEN: sf.token,
		AVAX_CFA: sf.cfa,
		AVAX_FINALITY_BLOCKS: "3",
		AVAX_MAX_BLOCK_RANGE: "6",
		AVAX_POLL_INTERVAL_MS: "50",
	});
	const everyone = () => [...accounts, sf.deployer, sf.toga];

	it("leaves a whole stream state at every kill and matches the protocol once finished", async () => {
		const cursors: bigint[] = [];
		const head = await client.getBlockNumber();
		const start = sf.tokenBlockNumber;
		for (let kill = 0; kill < 3; kill++) {
			// The watcher cannot index past the gate, so every kill lands before the end of the
			// backfill however fast the machine is.
			proxy.setLogsGate(start + ((head - start) * BigInt(kill + 1)) / 4n);
			const cli = spawnCli("watch", env());
			const before = await cursor();
			const deadline = Date.now() + 30_000;
			while ((await cursor()) <= Math.max(Number(before), Number(sf.tokenBlockNumber)) && Date.now() < deadline) await sleep(20);
			await sleep(random.int(0, 500));
			cli.child.kill("SIGKILL");
			await cli.exited;
			cursors.push(await cursor());
			await expectStreamIndexMatchesChain(database.db, client, sf, "AVAX", everyone(), 600n);
		}
		expect(new Set(cursors).size).toBeGreaterThan(1);
		expect(cursors.at(-1)).toBeLessThan(head);
		proxy.setLogsGate(null);
		const cli = spawnCli("watch", env());
		await waitIndexed(database.db, client, "AVAX", head, 120_000);
		const result = await expectStreamIndexMatchesChain(database.db, client, sf, "AVAX", everyone());
		expect(result.flows).toBeGreaterThan(10);
		cli.child.kill("SIGTERM");
		expect((await cli.exited).code).toBe(0);
	});

	async function cursor(): Promise<bigint> {
		const row = await database.db.selectFrom("chains").select("indexed_block").where("chain", "=", "AVAX").executeTakeFirst();
		return row?.indexed_block ?? -1n;
	}
});
