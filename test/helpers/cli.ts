import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../bin/aleph-oracle.js", import.meta.url));

export type CliProcess = {
	child: ChildProcess;
	output: () => string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Runs `aleph-oracle <role>` as a child process with exactly the given environment (plus PATH). */
export function spawnCli(role: string, env: Record<string, string>): CliProcess {
	const child = spawn(process.execPath, [CLI, role], {
		env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", ...env },
		stdio: ["ignore", "pipe", "pipe"],
		cwd: fileURLToPath(new URL("../../", import.meta.url)),
	});
	let output = "";
	child.stdout?.on("data", (d) => {
		output += d;
	});
	child.stderr?.on("data", (d) => {
		output += d;
	});
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once("exit", (code, signal) => resolve({ code, signal })),
	);
	return { child, output: () => output, exited };
}

/** Runs a role to completion and returns its exit code and output. */
export async function runCli(
	role: string,
	env: Record<string, string>,
	timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
	const cli = spawnCli(role, env);
	const timer = setTimeout(() => cli.child.kill("SIGKILL"), timeoutMs);
	const { code } = await cli.exited;
	clearTimeout(timer);
	return { code, output: cli.output() };
}
