import { type ChildProcess, spawn } from "node:child_process";
import { findFreePort } from "../../devchain/free-port.ts";
import { eventually } from "./system.ts";

/** A Redis of one test's own (no persistence, like the CI one), so restarting it disturbs nobody. */
export type PrivateRedis = {
	url: string;
	port: number;
	start(): Promise<void>;
	/** SIGKILL: it forgets everything, as a Redis without persistence does on a crash. */
	kill(): Promise<void>;
};

export async function startPrivateRedis(): Promise<PrivateRedis> {
	const port = await findFreePort();
	let child: ChildProcess | undefined;
	const redis: PrivateRedis = {
		url: `redis://127.0.0.1:${port}`,
		port,
		async start() {
			child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
				stdio: "ignore",
			});
			await eventually(
				async () => {
					const ping = spawn("redis-cli", ["-p", String(port), "ping"], { stdio: "ignore" });
					const code = await new Promise((r) => ping.once("exit", r));
					return code === 0 ? true : undefined;
				},
				10_000,
				"redis",
			);
		},
		async kill() {
			if (!child || child.exitCode !== null) return;
			const exited = new Promise((r) => child?.once("exit", r));
			child.kill("SIGKILL");
			await exited;
		},
	};
	await redis.start();
	return redis;
}
