import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";

const started: AnvilInstance[] = [];
afterAll(async () => {
	await Promise.all(started.map((a) => a.stop()));
});

async function rpc(url: string, method: string, params: unknown[] = []) {
	const res = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
	});
	return ((await res.json()) as { result: unknown }).result;
}

/** True when `pid` is gone or a zombie (killed, waiting for a reaper outside our control). */
function isDead(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return true;
	}
	const status = `/proc/${pid}/status`;
	return existsSync(status) && /^State:\s+Z/m.test(readFileSync(status, "utf8"));
}

describe("startAnvil", () => {
	it("starts on a free port, answers eth_chainId, and stop() leaves no process", async () => {
		const t0 = performance.now();
		const anvil = await startAnvil({ chainId: 43114 });
		console.log(`anvil start: ${(performance.now() - t0).toFixed(0)} ms`);
		expect(anvil.port).toBeGreaterThan(0);
		expect(anvil.url).toBe(`http://127.0.0.1:${anvil.port}`);
		expect(anvil.wsUrl).toBe(`ws://127.0.0.1:${anvil.port}`);
		expect(await rpc(anvil.url, "eth_chainId")).toBe("0xa86a");
		const block = (await rpc(anvil.url, "eth_getBlockByNumber", ["latest", false])) as { gasLimit: string };
		expect(BigInt(block.gasLimit)).toBe(1_000_000_000n);

		await anvil.stop();
		expect(() => process.kill(anvil.pid, 0)).toThrow();
		await anvil.stop(); // idempotent
	});

	it("runs several nodes side by side on distinct ports", async () => {
		const nodes = await Promise.all([startAnvil(), startAnvil(), startAnvil({ chainId: 8453 })]);
		started.push(...nodes);
		expect(new Set(nodes.map((n) => n.port)).size).toBe(3);
		expect(await rpc(nodes[2]?.url ?? "", "eth_chainId")).toBe("0x2105");
		await Promise.all(nodes.map((n) => n.stop()));
		for (const n of nodes) expect(() => process.kill(n.pid, 0)).toThrow();
	});

	it("fails clearly when an explicit port is taken", async () => {
		const first = await startAnvil();
		started.push(first);
		await expect(startAnvil({ port: first.port })).rejects.toThrow(/in use/);
	});

	it("passes mining options through (blockTime mines on its own)", async () => {
		const anvil = await startAnvil({
			blockTime: 0.2,
			disableCodeSizeLimit: true,
		});
		started.push(anvil);
		const before = BigInt((await rpc(anvil.url, "eth_blockNumber")) as string);
		await new Promise((r) => setTimeout(r, 500));
		const after = BigInt((await rpc(anvil.url, "eth_blockNumber")) as string);
		expect(after).toBeGreaterThan(before);
	});

	it("does not outlive a parent killed with SIGKILL", async () => {
		const dir = await mkdtemp(join(tmpdir(), "anvil-orphan-"));
		const anvilModule = fileURLToPath(new URL("../../devchain/anvil.ts", import.meta.url));
		const script = join(dir, "parent.mts");
		await writeFile(
			script,
			`import { startAnvil } from ${JSON.stringify(anvilModule)};\n` +
				"const a = await startAnvil();\n" +
				"process.stdout.write(String(a.pid));\n" +
				'process.kill(process.pid, "SIGKILL");\n',
		);
		const child = spawn(process.execPath, ["--import", "tsx", script], {
			stdio: ["ignore", "pipe", "inherit"],
		});
		let out = "";
		child.stdout.on("data", (c: Buffer) => {
			out += c.toString();
		});
		await new Promise((resolve) => child.once("exit", resolve));
		await rm(dir, { recursive: true, force: true });
		const pid = Number(out);
		expect(pid).toBeGreaterThan(0);
		const deadline = Date.now() + 2_000;
		while (!isDead(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		expect(isDead(pid)).toBe(true);
	});
});
