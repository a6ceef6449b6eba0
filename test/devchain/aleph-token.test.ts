import { readdirSync } from "node:fs";
import { type Abi, type Address, parseAbiItem, parseEventLogs, zeroAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alephTokenAbi } from "../../devchain/aleph-token-abi.ts";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { createDevClient, type DevClient, devAccounts, toAddress } from "../../devchain/client.ts";
import { compileContract, defaultCacheDir } from "../../devchain/compile.ts";
import { balanceOf, batchTransfer, burn, deployAlephToken, mint, totalSupply, transfer } from "../../devchain/erc20.ts";

const E18 = 10n ** 18n;
const transferEvent = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");
let anvil: AnvilInstance;
let client: DevClient;
let accounts: Address[];

beforeAll(async () => {
	anvil = await startAnvil();
	client = createDevClient(anvil);
	accounts = await devAccounts(client);
});
afterAll(async () => {
	await anvil?.stop();
});

/** Removes `internalType` and sorts entries, so ABIs compare by meaning. */
function normalize(abi: Abi): unknown[] {
	const strip = (value: unknown): unknown =>
		Array.isArray(value)
			? value.map(strip)
			: value && typeof value === "object"
				? Object.fromEntries(
						Object.entries(value)
							.filter(([k]) => k !== "internalType")
							.map(([k, v]) => [k, strip(v)]),
					)
				: value;
	const key = (e: { type: string; name?: string }) => `${e.type}:${e.name ?? ""}`;
	return [...abi].sort((a, b) => key(a).localeCompare(key(b))).map(strip);
}

const account = (i: number): Address => {
	const a = accounts[i];
	if (!a) throw new Error(`no dev account ${i}`);
	return a;
};

describe("compileContract", () => {
	it("serves solc's output from the cache; the hand-written ABI equals solc's", async () => {
		// the first call compiles only on a cold cache (a fresh checkout): ~1.6 s idle
		const first = await compileContract("AlephToken");
		const again = await compileContract("AlephToken");
		const ms = (r: { durationMs: number }) => `${r.durationMs.toFixed(1)} ms`;
		console.log(`compile AlephToken: first ${first.fromCache ? "cached" : "uncached"} ${ms(first)}, then cached ${ms(again)}`);
		expect(again.fromCache).toBe(true);
		expect(again.bytecode).toBe(first.bytecode);
		expect(first.bytecode).toMatch(/^0x[0-9a-f]+$/);
		expect(readdirSync(defaultCacheDir()).some((f) => f.startsWith("AlephToken-"))).toBe(true);
		expect(normalize(first.abi)).toEqual(normalize(alephTokenAbi as unknown as Abi));
	});
});

describe("AlephToken", () => {
	it("credits genesis holders without any Transfer log", async () => {
		const genesis = [
			{ address: account(1).toLowerCase(), amount: 1_000n * E18 },
			{ address: account(2), amount: 250n * E18 },
		];
		const token = await deployAlephToken(client, { genesis });
		expect(await balanceOf(client, { token: token.address, account: account(1) })).toBe(1_000n * E18);
		expect(await balanceOf(client, { token: token.address, account: account(2) })).toBe(250n * E18);
		expect(await totalSupply(client, { token: token.address })).toBe(1_250n * E18);
		const logs = await client.getLogs({
			address: token.address,
			fromBlock: 0n,
		});
		expect(logs).toHaveLength(0);
		expect(
			await client.readContract({
				address: token.address,
				abi: alephTokenAbi,
				functionName: "symbol",
			}),
		).toBe("ALEPH");
	});

	it("mint, burn, transfer and batchTransfer emit the right Transfer logs; totalSupply stays consistent", async () => {
		const token = (await deployAlephToken(client)).address;
		const [a, b, c] = [account(3), account(4), account(5)];
		const minted = await mint(client, { token, to: a, amount: 100n * E18 });
		const moved = await transfer(client, {
			token,
			from: a,
			to: b,
			amount: 30n * E18,
		});
		const burnt = await burn(client, { token, holder: b, amount: 5n * E18 });
		const recipients = Array.from({ length: 50 }, (_, i) => ({
			to: toAddress(`0x${(0xa1e9000 + i).toString(16).padStart(40, "0")}`),
			amount: BigInt(i + 1),
		}));
		const batch = await batchTransfer(client, {
			token,
			from: a,
			transfers: [...recipients, { to: c, amount: E18 }],
		});

		const decode = (logs: typeof minted.logs) => parseEventLogs({ abi: alephTokenAbi, eventName: "Transfer", logs }).map((l) => l.args);
		expect(decode(minted.logs)).toEqual([{ from: zeroAddress, to: a, value: 100n * E18 }]);
		expect(decode(moved.logs)).toEqual([{ from: a, to: b, value: 30n * E18 }]);
		expect(decode(burnt.logs)).toEqual([{ from: b, to: zeroAddress, value: 5n * E18 }]);
		const batchLogs = decode(batch.logs);
		expect(batchLogs).toHaveLength(51);
		expect(batchLogs[0]).toEqual({ from: a, to: recipients[0]?.to, value: 1n });
		expect(batchLogs[50]).toEqual({ from: a, to: c, value: E18 });

		const batchTotal = recipients.reduce((s, r) => s + r.amount, 0n) + E18;
		expect(await balanceOf(client, { token, account: a })).toBe(70n * E18 - batchTotal);
		expect(await balanceOf(client, { token, account: b })).toBe(25n * E18);
		expect(await totalSupply(client, { token })).toBe(95n * E18);
		// history: reads at a given block
		expect(await totalSupply(client, { token, blockNumber: minted.blockNumber })).toBe(100n * E18);
		expect(
			await balanceOf(client, {
				token,
				account: b,
				blockNumber: moved.blockNumber,
			}),
		).toBe(30n * E18);
		expect(
			await totalSupply(client, {
				token,
				blockNumber: minted.blockNumber - 1n,
			}),
		).toBe(0n);

		const all = await client.getLogs({
			address: token,
			event: transferEvent,
			fromBlock: 0n,
		});
		const supplyFromLogs = all.reduce(
			(s, l) => s + (l.args.from === zeroAddress ? (l.args.value ?? 0n) : l.args.to === zeroAddress ? -(l.args.value ?? 0n) : 0n),
			0n,
		);
		expect(supplyFromLogs).toBe(await totalSupply(client, { token }));
	});

	it("reverts with a decoded custom error", async () => {
		const token = (await deployAlephToken(client)).address;
		await expect(transfer(client, { token, from: account(6), to: account(7), amount: 1n })).rejects.toThrow(/InsufficientBalance/);
	});
});
