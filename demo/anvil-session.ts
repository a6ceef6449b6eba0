import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { anvilBinaryPath } from "../devchain/anvil.ts";

function executable(path: string): boolean {
	try {
		accessSync(path, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/**
 * The anvil "binary" to give `startAnvil`: `anvil-session.sh`, which execs anvil in a session of its
 * own, so that a terminal's Ctrl-C (sent to the whole foreground process group) reaches the demo
 * only and the demo stops the service before the chains. Falls back to undefined (anvil's own
 * binary, which then stops with the Ctrl-C) off Linux, without `setsid`, or when the script lost
 * its executable bit. The real binary is passed to the script in `ALEPH_DEMO_ANVIL`.
 */
export function sessionLauncher(): string | undefined {
	const script = fileURLToPath(new URL("./anvil-session.sh", import.meta.url));
	const setsid = (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && executable(join(dir, "setsid")));
	if (process.platform !== "linux" || !setsid || !executable(script)) return undefined;
	process.env.ALEPH_DEMO_ANVIL = anvilBinaryPath();
	return script;
}
