import { type Address, createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient, devAccounts } from "../../devchain/client.ts";
import { batchTransfer, deployAlephToken, mint } from "../../devchain/erc20.ts";
import { type FaultConfig, type FaultProxy, startFaultProxy } from "../helpers/fault-proxy.ts";

let anvil: AnvilInstance;
let client: DevClient;
let token: Address;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	const [owner] = await devAccounts(client);
	if (!owner) throw new Error("no dev account");
	token = (await deployAlephToken(client)).address;
	await mint(client, { token, to: owner, amount: 10n ** 24n });
	const transfers = Array.from({ length: 30 }, (_, i) => ({
		to: `0x${(i + 1).toString(16).padStart(40, "0")}`,
		amount: 1n,
	}));
	await batchTransfer(client, { token, from: owner, transfers });
});
afterAll(async () => {
	await Promise.all(proxies.map((p) => p.stop()));
	await anvil?.stop();
});

async function proxy(faults: FaultConfig, seed = 42, methods?: string[]) {
	const p = await startFaultProxy({ upstream: anvil.url, seed, faults, methods });
	proxies.push(p);
	return p;
}

/** Raw JSON-RPC POST; returns the status and the body text. */
async function post(url: string, body: unknown, timeoutMs = 5_000) {
	const res = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	return { status: res.status, text: await res.text() };
}

const call = (method: string, params: unknown[] = [], id = 1) => ({ jsonrpc: "2.0", id, method, params });
const logsCall = (fromBlock: string, toBlock: string, id = 1) => call("eth_getLogs", [{ address: token, fromBlock, toBlock }], id);

describe("fault proxy", () => {
	it("passes clean answers through byte for byte, single and batched", async () => {
		const p = await proxy({});
		const requests = [
			call("eth_chainId"),
			call("eth_getBlockByNumber", ["0x1", true]),
			logsCall("0x0", "latest"),
			[call("eth_blockNumber", [], 1), logsCall("0x0", "0x10", 2)],
		];
		for (const body of requests) {
			const [direct, proxied] = await Promise.all([post(anvil.url, body), post(p.url, body)]);
			expect(proxied).toEqual(direct);
		}
		expect(p.stats.requests).toBe(4);
		expect(p.stats.calls).toBe(5);
		expect(Object.values(p.stats.injected).every((n) => n === 0)).toBe(true);
	});

	it("injects 429, 500 and drops at about the configured rates, deterministically per seed", async () => {
		const faults = { http429: 0.2, http500: 0.2, drop: 0.1 };
		const outcomes = async (seed: number) => {
			const p = await proxy(faults, seed);
			const seen: (number | "drop")[] = [];
			for (let i = 0; i < 100; i++) {
				seen.push(
					await post(p.url, call("eth_chainId")).then(
						(r) => r.status,
						() => "drop" as const,
					),
				);
			}
			const count = (o: number | "drop") => seen.filter((s) => s === o).length;
			expect(p.stats.injected).toMatchObject({ http429: count(429), http500: count(500), drop: count("drop") });
			expect(count(200) + count(429) + count(500) + count("drop")).toBe(100);
			return { seen, count };
		};
		const first = await outcomes(7);
		for (const [outcome, expected] of [
			[429, 20],
			[500, 20],
			["drop", 10],
			[200, 50],
		] as const) {
			expect(first.count(outcome)).toBeGreaterThan(expected / 2);
			expect(first.count(outcome)).toBeLessThan(expected * 2);
		}
		expect((await outcomes(7)).seen).toEqual(first.seen); // same seed, same faults
		expect((await outcomes(8)).seen).not.toEqual(first.seen);
	});

	it("hangs (timeout) and drops sockets", async () => {
		const hang = await proxy({ timeout: 1 });
		await expect(post(hang.url, call("eth_chainId"), 200)).rejects.toThrow(/abort|timeout/i);
		expect(hang.stats.injected.timeout).toBe(1);
		const drop = await proxy({ drop: 1 });
		await expect(post(drop.url, call("eth_chainId"))).rejects.toThrow(/fetch failed/);
		expect(drop.stats.injected.drop).toBe(1);
	});

	it("applies faults only to the listed methods", async () => {
		const p = await proxy({ http500: 1 }, 1, ["eth_getLogs"]);
		expect((await post(p.url, call("eth_chainId"))).status).toBe(200);
		expect((await post(p.url, logsCall("0x0", "0x1"))).status).toBe(500);
	});

	it("rejects eth_getLogs over the block range with a provider's wording", async () => {
		const alchemy = await proxy({ maxGetLogsRange: 2000 });
		const over = JSON.parse((await post(alchemy.url, logsCall("0x1", "0xfa0"))).text);
		expect(over.error.code).toBe(-32602);
		expect(over.error.message).toMatch(/^Log response size exceeded\. .*up to a 2K block range.*\[0x1, 0x7d0\]$/);
		const within = await post(alchemy.url, logsCall("0x1", "0x7d0"));
		expect(within).toEqual(await post(anvil.url, logsCall("0x1", "0x7d0")));
		// tags are resolved against the upstream head (a few blocks here)
		const tiny = await proxy({ maxGetLogsRange: 2 });
		const tagged = JSON.parse((await post(tiny.url, logsCall("earliest", "latest"))).text);
		expect(tagged.error.message).toMatch(/\[0x0, 0x1\]$/);

		const avalanche = await proxy({ maxGetLogsRange: 2048, getLogsErrorStyle: "avalanche" });
		const batch = JSON.parse((await post(avalanche.url, [logsCall("0x0", "0xfa0", 1), logsCall("0x0", "0x10", 2)])).text);
		expect(batch[0].error.message).toBe("requested too many blocks from 0 to 4000, maximum is set to 2048");
		expect(Array.isArray(batch[1].result)).toBe(true);
		expect(avalanche.stats.injected.getLogsRange).toBe(1);
	});

	it("rejects eth_getLogs answers with too many logs", async () => {
		const p = await proxy({ maxGetLogsResults: 10, getLogsErrorStyle: "geth" });
		const answer = JSON.parse((await post(p.url, logsCall("0x0", "latest"))).text);
		expect(answer.error).toEqual({ code: -32005, message: "query returned more than 10 results" });
		const small = JSON.parse((await post(p.url, logsCall("0x0", "0x2"))).text);
		expect(small.result.length).toBeLessThanOrEqual(10);
		expect(p.stats.injected.getLogsResults).toBe(1);
	});

	it("strips blockTimestamp from logs and receipts only", async () => {
		const p = await proxy({ stripBlockTimestamp: true });
		const direct = JSON.parse((await post(anvil.url, logsCall("0x0", "latest"))).text);
		const proxied = JSON.parse((await post(p.url, logsCall("0x0", "latest"))).text);
		expect(direct.result[0].blockTimestamp).toBeDefined();
		expect(proxied.result.some((l: object) => "blockTimestamp" in l)).toBe(false);
		expect(proxied.result).toEqual(direct.result.map(({ blockTimestamp: _, ...rest }: { blockTimestamp: string }) => rest));
		const hash = direct.result[0].transactionHash;
		const receipt = JSON.parse((await post(p.url, call("eth_getTransactionReceipt", [hash]))).text);
		expect(receipt.result.logs.length).toBeGreaterThan(0);
		expect(receipt.result.logs.some((l: object) => "blockTimestamp" in l)).toBe(false);
		p.setFaults({});
		expect((await post(p.url, call("eth_chainId"))).text).toBe((await post(anvil.url, call("eth_chainId"))).text);
	});

	it("works behind a viem client that retries", async () => {
		const p = await proxy({ http500: 0.3, drop: 0.1 }, 3);
		const transport = http(p.url, { retryCount: 6, retryDelay: 5 });
		const faulty = createPublicClient({ transport });
		for (let i = 0; i < 10; i++) expect(await faulty.getChainId()).toBe(anvil.chainId);
		expect(p.stats.injected.http500 + p.stats.injected.drop).toBeGreaterThan(0);
	});
});
