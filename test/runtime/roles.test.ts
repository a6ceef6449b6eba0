/**
 * The roles as an operator starts them (`aleph-oracle <role>` in a child process): what they refuse
 * at start, how they behave with Redis away, and the metrics of `watch` and `work`.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { findFreePort } from "../../devchain/free-port.ts";
import { type CliProcess, runCli, spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { type PrivateRedis, startPrivateRedis } from "../helpers/private-redis.ts";
import { eventually } from "../helpers/system.ts";

let redis: PrivateRedis;
let anvil: AnvilInstance;
let token: string;
const databases: TestDatabase[] = [];
const processes: CliProcess[] = [];
const ACCOUNT = "0x00000000000000000000000000000000000000e1";

beforeAll(async () => {
	redis = await startPrivateRedis();
	anvil = await startAnvil();
	token = (await deployAlephToken(createDevClient(anvil))).address;
});

afterAll(async () => {
	for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
	await Promise.all(processes.map((p) => p.exited));
	for (const database of databases) await database.drop();
	await redis?.kill();
	await anvil?.stop();
});

async function database(): Promise<TestDatabase> {
	const created = await createTestDatabase();
	databases.push(created);
	return created;
}

function spawn(role: string, env: Record<string, string>): CliProcess {
	const cli = spawnCli(role, env);
	processes.push(cli);
	return cli;
}

/** Stops a role with SIGTERM and returns its exit code and output. */
async function terminate(cli: CliProcess) {
	cli.child.kill("SIGTERM");
	const { code } = await cli.exited;
	return { code, output: cli.output() };
}

/** The lines of a process's output that are not JSON log lines of level info or below. */
const lines = (output: string) => output.trim().split("\n").filter(Boolean);

/** Polls an HTTP URL until it answers. */
async function answered(url: string): Promise<Response> {
	return eventually(async () => fetch(url).catch(() => undefined), 60_000, url);
}

/** The mainnet defaults of ETH and AVAX, with RPC URLs nobody answers (roles that do not watch never call them). */
const chains = (names: string) => ({ CHAINS: names, ETH_RPC_URL: "http://127.0.0.1:9", AVAX_RPC_URL: "http://127.0.0.1:9" });

/** An ETH balance of ACCOUNT (with ETH and AVAX cursors unless told), in the outbox: a worker computes its entitlement. */
async function seedAccount(db: TestDatabase, options: { cursors: boolean } = { cursors: true }) {
	if (options.cursors)
		await sql`insert into chains (chain, chain_id, token, start_block, indexed_block, indexed_hash, head_block)
		values ('ETH', 1, ${`0x${"aa".repeat(20)}`}, 0, 100, ${`0x${"11".repeat(32)}`}, 100),
			('AVAX', 43114, ${`0x${"bb".repeat(20)}`}, 0, 100, ${`0x${"22".repeat(32)}`}, 100)`.execute(db.db);
	await sql`insert into balances (chain, address, amount) values ('ETH', ${ACCOUNT}, 5000000000000000000000)`.execute(db.db);
	await sql`insert into outbox (address, chain) values (${ACCOUNT}, 'ETH')`.execute(db.db);
}

async function storedBalance(db: TestDatabase): Promise<bigint | undefined> {
	const row = await db.db.selectFrom("entitlements").select("balance").where("address", "=", ACCOUNT).executeTakeFirst();
	return row?.balance;
}

describe("the chain set a database serves", () => {
	it("refuses `work`, `serve` and `all` with other CHAINS (exit 1, one line) and leaves the entitlements alone; `migrate` changes the set", async () => {
		const db = await database();
		await seedAccount(db);
		const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, PORT: "0" };
		const first = spawn("work", { ...base, ...chains("ETH,AVAX") });
		await eventually(async () => storedBalance(db), 60_000, "the first worker's entitlement");
		expect((await terminate(first)).code).toBe(0);

		for (const role of ["work", "serve", "all"]) {
			const refused = await runCli(role, { ...base, ...chains("AVAX") }, 30_000);
			expect(refused.code).toBe(1);
			expect(lines(refused.output)).toEqual([
				"CHAINS: is AVAX but this database serves AVAX,ETH (run `aleph-oracle migrate` with the new CHAINS to change it)",
			]);
		}
		expect(await storedBalance(db)).toBe(5_000n * 10n ** 18n);

		expect((await runCli("migrate", { ...base, ...chains("AVAX") }, 30_000)).code).toBe(0);
		const row = await db.db.selectFrom("service_state").select("value").where("key", "=", "chains").executeTakeFirstOrThrow();
		expect(row.value).toBe("AVAX");
	});

	it("lets `watch` index a part of the set, and refuses a chain outside it", async () => {
		const db = await database();
		const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, PORT: "0" };
		expect((await runCli("migrate", { ...base, ...chains("ETH,AVAX") }, 30_000)).code).toBe(0);
		const local = { ETH_RPC_URL: anvil.url, ETH_CHAIN_ID: String(anvil.chainId), ETH_TOKEN: token, ETH_START_BLOCK: "0" };
		const watcher = spawn("watch", { ...base, CHAINS: "ETH", ...local });
		await eventually(async () => (await db.db.selectFrom("chains").select("chain").executeTakeFirst())?.chain, 60_000, "the ETH cursor");
		expect((await terminate(watcher)).code).toBe(0);

		const refused = await runCli(
			"watch",
			{
				...base,
				CHAINS: "ETH,BASE",
				...local,
				BASE_RPC_URL: anvil.url,
				BASE_CHAIN_ID: String(anvil.chainId),
				BASE_TOKEN: token,
				BASE_CFA: "none",
			},
			30_000,
		);
		expect(refused.code).toBe(1);
		expect(lines(refused.output)).toEqual([
			"CHAINS: is ETH,BASE but this database serves AVAX,ETH (run `aleph-oracle migrate` with the new CHAINS to change it)",
		]);
	});
});

describe("Redis away", () => {
	const closedRedis = async () => `redis://127.0.0.1:${await findFreePort()}`;

	/** /ready fails for the queue and /v1/status says it is unreachable. */
	async function expectQueueAway(port: number) {
		const ready = await answered(`http://127.0.0.1:${port}/ready`);
		expect(ready.status).toBe(503);
		expect(((await ready.json()) as { reasons: string[] }).reasons).toContain(
			"the job queue (Redis) does not answer: entitlements are not recomputed",
		);
		const status = (await (await fetch(`http://127.0.0.1:${port}/v1/status`)).json()) as { queue: unknown };
		expect(status.queue).toEqual({ kind: "bullmq", reachable: false });
	}

	it("`work` exits 2 with one line when Redis does not answer at start", async () => {
		const db = await database();
		const { code, output } = await runCli("work", { DATABASE_URL: db.url, REDIS_URL: await closedRedis(), ...chains("ETH") }, 60_000);
		expect(code).toBe(2);
		const fatal = lines(output).filter((l) => l.includes('"level":60'));
		expect(fatal).toHaveLength(1);
		expect(fatal[0]).toMatch(/Redis .* did not answer/);
	});

	it("`serve` starts degraded, says so in /ready and /v1/status, and stops promptly on SIGTERM", async () => {
		const db = await database();
		const port = await findFreePort();
		const serve = spawn("serve", { DATABASE_URL: db.url, REDIS_URL: await closedRedis(), ...chains("ETH"), PORT: String(port) });
		await expectQueueAway(port);
		const { code, output } = await terminate(serve);
		expect(code).toBe(0);
		expect(output).not.toContain("Shutdown step failed");
	});

	it("`all` and `watch` start degraded: the chain is indexed, /ready and /v1/status say the queue is away, SIGTERM stops them", async () => {
		const local = { CHAINS: "ETH", ETH_RPC_URL: anvil.url, ETH_CHAIN_ID: String(anvil.chainId), ETH_TOKEN: token, ETH_START_BLOCK: "0" };
		for (const role of ["all", "watch"]) {
			const db = await database();
			const port = await findFreePort();
			const env = { DATABASE_URL: db.url, REDIS_URL: await closedRedis(), ...local };
			const cli = spawn(role, role === "all" ? { ...env, PORT: String(port) } : { ...env, METRICS_PORT: String(port) });
			const head = await createDevClient(anvil).getBlockNumber();
			await eventually(
				async () => {
					const row = await db.db.selectFrom("chains").select("indexed_block").executeTakeFirst();
					return row && row.indexed_block >= head ? true : undefined;
				},
				60_000,
				`${role} indexing the chain with Redis away`,
			);
			if (role === "all") {
				await expectQueueAway(port);
			} else expect((await answered(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
			const { code, output } = await terminate(cli);
			expect(code, role).toBe(0);
			expect(output).not.toContain("Shutdown step failed");
		}
	});
});

describe("in-process jobs (no REDIS_URL)", () => {
	it("refuses a second process running them on the same database (exit 1, one line)", async () => {
		const db = await database();
		const port = await findFreePort();
		const first = spawn("serve", { DATABASE_URL: db.url, ...chains("ETH"), PORT: String(port) });
		await answered(`http://127.0.0.1:${port}/health`);
		const second = await runCli("serve", { DATABASE_URL: db.url, ...chains("ETH"), PORT: "0" }, 30_000);
		expect(second.code).toBe(1);
		expect(lines(second.output)).toEqual([
			"REDIS_URL: is unset and another process already runs the in-process jobs of this database (set REDIS_URL to run several processes)",
		]);
		expect((await terminate(first)).code).toBe(0);
	});
});

describe("METRICS_PORT", () => {
	it("`work` exports its job counters and `watch` its RPC and watcher gauges", async () => {
		const db = await database();
		await seedAccount(db, { cursors: false }); // the watcher writes the ETH cursor
		const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, PORT: "0" };
		const [workPort, watchPort] = [await findFreePort(), await findFreePort()];
		const worker = spawn("work", { ...base, ...chains("ETH"), METRICS_PORT: String(workPort) });
		const local = { ETH_RPC_URL: anvil.url, ETH_CHAIN_ID: String(anvil.chainId), ETH_TOKEN: token, ETH_START_BLOCK: "0" };
		const watcher = spawn("watch", { ...base, CHAINS: "ETH", ...local, METRICS_PORT: String(watchPort) });
		const metricsOf = (port: number, pattern: RegExp) =>
			eventually(
				async () => {
					const text = await fetch(`http://127.0.0.1:${port}/metrics`)
						.then((r) => r.text())
						.catch(() => "");
					return pattern.test(text) ? text : undefined;
				},
				60_000,
				`${pattern} on port ${port}`,
			);
		await metricsOf(workPort, /aleph_oracle_jobs_total\{queue="entitlements",name="entitlement.recompute",outcome="completed"\} [1-9]/);
		const watched = await metricsOf(watchPort, /aleph_oracle_watcher_indexed_block\{chain="ETH"\} [1-9]/);
		expect(watched).toMatch(/aleph_oracle_rpc_requests_total\{chain="ETH",method="eth_getBlockByNumber",outcome="ok"\} [1-9]/);
		expect((await terminate(worker)).code).toBe(0);
		expect((await terminate(watcher)).code).toBe(0);
	});
});
