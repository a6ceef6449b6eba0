/**
 * Tunables of the demo, read from `DEMO_*` environment variables. They only shape the generated
 * activity and its pace; the service itself is configured by the usual variables.
 */
import { ConfigError } from "../src/lib/errors.ts";

/** What the demo generates and how fast. */
export type DemoOptions = {
	/** Seed of every random choice: the same seed gives the same accounts, balances and choices (the timing still varies). */
	seed: number;
	/** Accounts funded at start, across the three chains (ETH holders, AVAX/BASE holders and streamers). */
	accounts: number;
	/** Pace multiplier: 2 runs the activity twice as often and shortens the scripted waits by half. */
	speed: number;
	/** Seconds between two status lines. */
	statusEverySeconds: number;
	/** Anvil block time once the setup is mined, whole seconds. */
	blockTimeSeconds: number;
	/** Keep this run's database after it stops (default: removed, since its chains are gone). */
	keepData: boolean;
};

/**
 * Reads `DEMO_SEED` (integer, default: random per run), `DEMO_ACCOUNTS` (60–5000, default 300),
 * `DEMO_SPEED` (0.1–20, default 1), `DEMO_STATUS_SECONDS` (1–600, default 5),
 * `DEMO_BLOCK_TIME` (whole seconds, 1–60, default 1) and `DEMO_KEEP_DATA` (1/true keeps the run's
 * database). A bad value is a `ConfigError` naming it.
 */
export function readDemoOptions(env: NodeJS.ProcessEnv = process.env): DemoOptions {
	const issues: { variable: string; message: string }[] = [];
	const number = (name: string, fallback: number, min: number, max: number, integer: boolean): number => {
		const raw = env[name];
		if (raw === undefined || raw.trim() === "") return fallback;
		const value = Number(raw);
		if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
			issues.push({ variable: name, message: `must be ${integer ? "a whole number" : "a number"} between ${min} and ${max}` });
			return fallback;
		}
		return value;
	};
	const flag = (name: string): boolean => {
		const raw = (env[name] ?? "").trim().toLowerCase();
		if (raw === "" || raw === "0" || raw === "false") return false;
		if (raw === "1" || raw === "true") return true;
		issues.push({ variable: name, message: "must be 1, true, 0 or false" });
		return false;
	};
	const options: DemoOptions = {
		seed: number("DEMO_SEED", Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1, true),
		accounts: number("DEMO_ACCOUNTS", 300, 60, 5_000, true),
		speed: number("DEMO_SPEED", 1, 0.1, 20, false),
		statusEverySeconds: number("DEMO_STATUS_SECONDS", 5, 1, 600, false),
		blockTimeSeconds: number("DEMO_BLOCK_TIME", 1, 1, 60, true),
		keepData: flag("DEMO_KEEP_DATA"),
	};
	if (issues.length > 0) throw new ConfigError(issues);
	return options;
}
