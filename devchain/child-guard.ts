import type { ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Children still running; killed synchronously when this process exits. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Registers a child so it is SIGKILLed on this process's `exit` event (normal exit,
 * `process.exit()`, or an uncaught exception). Signals that kill Node without running
 * `exit` handlers are covered by {@link dieWithParentPrefix} instead.
 */
export function trackChild(child: ChildProcess): void {
	liveChildren.add(child);
	child.once("exit", () => liveChildren.delete(child));
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.on("exit", () => {
			for (const c of liveChildren) killQuietly(c, "SIGKILL");
		});
	}
}

/** `true` when the child has already exited (by code or by signal). */
export function hasExited(child: ChildProcess): boolean {
	return child.exitCode !== null || child.signalCode !== null;
}

/** Sends a signal, ignoring "no such process" races. */
export function killQuietly(child: ChildProcess, signal: NodeJS.Signals): void {
	try {
		child.kill(signal);
	} catch {
		// already gone
	}
}

/**
 * Stops a child: SIGTERM, then SIGKILL after `graceMs` if it is still running.
 * Resolves once the child has exited (and been reaped), so its pid no longer exists.
 *
 * @param graceMs time between SIGTERM and SIGKILL, in milliseconds (default 3000)
 */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
	if (hasExited(child)) return;
	const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
	killQuietly(child, "SIGTERM");
	const timer = setTimeout(() => killQuietly(child, "SIGKILL"), graceMs);
	try {
		await exited;
	} finally {
		clearTimeout(timer);
	}
}

let setprivPath: string | null | undefined;

/**
 * Command prefix that makes the spawned program receive SIGKILL when this process dies,
 * even by SIGKILL: `setpriv --pdeathsig KILL --` (util-linux, Linux only). `setpriv` execs
 * the program, so the child's pid is the program's pid. Returns `[]` when unavailable.
 *
 * Caveat: the kernel fires the parent-death signal when the *thread* that forked exits;
 * Node spawns from the main thread (or from the worker thread that called `spawn`).
 */
export function dieWithParentPrefix(): string[] {
	if (process.platform !== "linux") return [];
	if (setprivPath === undefined) setprivPath = findOnPath("setpriv");
	return setprivPath === null ? [] : [setprivPath, "--pdeathsig", "KILL", "--"];
}

function findOnPath(name: string): string | null {
	for (const dir of (process.env.PATH ?? "").split(delimiter)) {
		if (dir === "") continue;
		const candidate = join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// not here
		}
	}
	return null;
}
