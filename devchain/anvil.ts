import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { dieWithParentPrefix, hasExited, stopChild, trackChild } from "./child-guard.ts";
import { findFreePort } from "./free-port.ts";

/** Options of {@link startAnvil}. Every field is optional. */
export interface AnvilOptions {
	/** Chain id reported by `eth_chainId` (default 31337). */
	chainId?: number;
	/** TCP port. When omitted a free port is picked, retrying if another process takes it first. */
	port?: number;
	/** Interface to listen on (default `127.0.0.1`). */
	host?: string;
	/** Interval mining period in seconds (fractions allowed, e.g. 0.2). Omitted: automine. */
	blockTime?: number;
	/** Disable automine and interval mining; blocks are only mined on `anvil_mine`/`evm_mine`. */
	noMining?: boolean;
	/** Disable the EIP-170 contract size limit (the Superfluid deployer needs it). Default false. */
	disableCodeSizeLimit?: boolean;
	/** Block gas limit, in gas (default 1e9, so large batch transfers fit in one transaction). */
	gasLimit?: bigint | number;
	/** Timestamp of the genesis block, in unix seconds (default: now). */
	genesisTimestamp?: number;
	/** Number of unlocked dev accounts (anvil default 10). */
	accounts?: number;
	/** Balance of each dev account, in ether (anvil default 10000). */
	balanceEther?: number;
	/** EVM hardfork name, e.g. `"cancun"` (anvil default: the latest). */
	hardfork?: string;
	/** Extra raw CLI arguments, appended as given. */
	extraArgs?: readonly string[];
	/** How long to wait for the first `eth_chainId` answer, in milliseconds (default 15000). */
	startTimeoutMs?: number;
	/** Absolute path of the anvil binary (default: from `@foundry-rs/anvil-linux-amd64`). */
	binary?: string;
}

/** A running anvil node. */
export interface AnvilInstance {
	/** HTTP JSON-RPC endpoint, e.g. `http://127.0.0.1:40123`. */
	url: string;
	/** WebSocket JSON-RPC endpoint on the same port. */
	wsUrl: string;
	port: number;
	chainId: number;
	/** Operating-system pid of the anvil process. */
	pid: number;
	process: ChildProcess;
	/** SIGTERM, then SIGKILL after 3 s; resolves when the process is gone. Idempotent. */
	stop(): Promise<void>;
}

/** Default block gas limit, in gas. */
export const DEFAULT_ANVIL_GAS_LIMIT = 1_000_000_000n;
const PORT_ATTEMPTS = 5;
const POLL_MS = 20;

class PortInUseError extends Error {}

/** Absolute path of the anvil binary shipped by `@foundry-rs/anvil-linux-amd64`. */
export function anvilBinaryPath(): string {
	return createRequire(import.meta.url).resolve("@foundry-rs/anvil-linux-amd64/bin/anvil");
}

/**
 * Spawns the anvil binary directly and waits until it answers `eth_chainId`.
 *
 * The process is killed when this Node process exits, and (on Linux, through
 * `setpriv --pdeathsig`) also when it dies abruptly. Call `stop()` when done.
 */
export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilInstance> {
	const host = options.host ?? "127.0.0.1";
	const attempts = options.port === undefined ? PORT_ATTEMPTS : 1;
	let lastError: unknown;
	for (let attempt = 0; attempt < attempts; attempt++) {
		const port = options.port ?? (await findFreePort(host));
		try {
			return await launch(host, port, options);
		} catch (err) {
			if (!(err instanceof PortInUseError)) throw err;
			lastError = err;
		}
	}
	throw lastError;
}

/** Builds anvil's command line (without the binary). */
export function anvilArgs(host: string, port: number, options: AnvilOptions): string[] {
	// no 2 MB request cap: big batchTransfer calls (tens of thousands of recipients) exceed it
	const args = ["--host", host, "--port", String(port), "--silent", "--no-request-size-limit"];
	args.push("--chain-id", String(options.chainId ?? 31337));
	args.push("--gas-limit", String(options.gasLimit ?? DEFAULT_ANVIL_GAS_LIMIT));
	if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
	if (options.noMining) args.push("--no-mining");
	if (options.disableCodeSizeLimit) args.push("--disable-code-size-limit");
	if (options.genesisTimestamp !== undefined) args.push("--timestamp", String(options.genesisTimestamp));
	if (options.accounts !== undefined) args.push("--accounts", String(options.accounts));
	if (options.balanceEther !== undefined) args.push("--balance", String(options.balanceEther));
	if (options.hardfork !== undefined) args.push("--hardfork", options.hardfork);
	args.push(...(options.extraArgs ?? []));
	return args;
}

async function launch(host: string, port: number, options: AnvilOptions): Promise<AnvilInstance> {
	const chainId = options.chainId ?? 31337;
	const binary = options.binary ?? anvilBinaryPath();
	// anvil writes --config-out only once it has bound the port: proof that an answer on
	// the port comes from our process and not from whoever won a bind race.
	const marker = join(tmpdir(), `aleph-anvil-${process.pid}-${randomUUID()}.json`);
	const args = [...anvilArgs(host, port, options), "--config-out", marker];
	const [command, ...prefix] = [...dieWithParentPrefix(), binary];
	const child = spawn(command as string, [...prefix, ...args], {
		stdio: ["ignore", "ignore", "pipe"],
	});
	trackChild(child);
	// Neither the child nor its stderr pipe keeps the event loop alive: a script that
	// forgets stop() still exits, and the exit hook then kills anvil.
	child.unref();
	const stderr = captureTail(child.stderr);
	let spawnError: Error | undefined;
	child.once("error", (err) => {
		spawnError = err;
	});
	// "close" comes after "exit" once stderr is drained, so the error text is complete
	const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
	const instance: AnvilInstance = {
		url: `http://${host}:${port}`,
		wsUrl: `ws://${host}:${port}`,
		port,
		chainId,
		pid: child.pid ?? -1,
		process: child,
		stop: () => stopChild(child),
	};
	const timeoutMs = options.startTimeoutMs ?? 15_000;
	const deadline = Date.now() + timeoutMs;
	try {
		while (Date.now() < deadline) {
			if (spawnError) throw new Error(`cannot spawn ${binary}: ${spawnError.message}`);
			if (hasExited(child)) {
				await Promise.race([closed, sleep(500)]);
				const text = stderr();
				if (/address already in use/i.test(text)) {
					throw new PortInUseError(`port ${port} is already in use`);
				}
				const how = `code ${child.exitCode}, signal ${child.signalCode}`;
				throw new Error(`anvil exited early (${how}): ${text}`);
			}
			const answered = existsSync(marker) ? await queryChainId(instance.url) : undefined;
			if (answered === chainId) return instance;
			if (answered !== undefined) {
				throw new Error(`anvil reports chain id ${answered}, expected ${chainId}`);
			}
			await sleep(POLL_MS);
		}
		throw new Error(`anvil did not answer on ${instance.url} within ${timeoutMs} ms: ${stderr()}`);
	} catch (err) {
		await instance.stop();
		throw err;
	} finally {
		await rm(marker, { force: true });
	}
}

async function queryChainId(url: string): Promise<number | undefined> {
	try {
		const response = await fetch(url, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				jsonrpc: "2.0",
				id: 1,
				method: "eth_chainId",
				params: [],
			}),
			signal: AbortSignal.timeout(1_000),
		});
		if (!response.ok) return undefined;
		const body = (await response.json()) as { result?: string };
		return typeof body.result === "string" ? Number(BigInt(body.result)) : undefined;
	} catch {
		return undefined;
	}
}

/** Keeps the last 4 KiB written to a stream; returns a getter. */
function captureTail(stream: Readable | null): () => string {
	let tail = "";
	if (stream) {
		stream.setEncoding("utf8");
		stream.on("data", (chunk: string) => {
			tail = (tail + chunk).slice(-4096);
		});
		(stream as Readable & { unref?: () => void }).unref?.();
	}
	return () => tail.trim();
}
