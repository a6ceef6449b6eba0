/**
 * `aleph-oracle demo` end to end: the CLI as a child process on the embedded defaults (PGlite in a
 * temporary DATA_DIR, in-process jobs), checked only through what it prints and through its API.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../devchain/free-port.ts";
import { launchBrowser, waitForDashboard, watchProblems } from "../dashboard/browser.ts";
import { type CliProcess, spawnCli } from "../helpers/cli.ts";

const run = promisify(execFile);
const CHAINS = ["ETH", "AVAX", "BASE"];

let demo: CliProcess;
let dataDir: string;
let apiUrl: string;
let anvilPids: number[];
/** The printed example requests: comment → command. */
let examples: Map<string, string>;

/** `ppid` and state of a process from /proc, or null when it does not exist. */
function procStat(pid: number): { ppid: number; state: string; comm: string } | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		const close = stat.lastIndexOf(")");
		const [state, ppid] = stat.slice(close + 2).split(" ");
		return { ppid: Number(ppid), state: state ?? "?", comm: stat.slice(stat.indexOf("(") + 1, close) };
	} catch {
		return null;
	}
}

/** Live (not zombie) anvil processes whose parent is `parent`. */
function anvilChildrenOf(parent: number): number[] {
	return readdirSync("/proc")
		.filter((name) => /^\d+$/.test(name))
		.map(Number)
		.filter((pid) => {
			const stat = procStat(pid);
			return stat !== null && stat.ppid === parent && stat.comm === "anvil" && stat.state !== "Z";
		});
}

function alive(pid: number): boolean {
	const stat = procStat(pid);
	return stat !== null && stat.state !== "Z";
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (demo.child.exitCode !== null) throw new Error(`the demo exited (${demo.child.exitCode}) before ${what}:\n${demo.output()}`);
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${demo.output()}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function getJson<T>(path: string): Promise<T> {
	const response = await fetch(`${apiUrl}${path}`);
	return (await response.json()) as T;
}

/** Runs one printed `curl` line through a shell, exactly as pasted, and parses its JSON answer. */
async function paste<T>(comment: RegExp): Promise<T> {
	const entry = [...examples].find(([c]) => comment.test(c));
	if (!entry) throw new Error(`no printed example matches ${comment}; printed: ${[...examples.keys()].join(" | ")}`);
	const { stdout } = await run("sh", ["-c", entry[1]], { maxBuffer: 10_000_000 });
	return JSON.parse(stdout) as T;
}

beforeAll(async () => {
	dataDir = await mkdtemp(join(tmpdir(), "aleph-demo-test-"));
	const port = await findFreePort();
	demo = spawnCli("demo", { PORT: String(port), DATA_DIR: dataDir, DEMO_SPEED: "4", DEMO_SEED: "20261125", DEMO_STATUS_SECONDS: "2" });
	const output = await waitFor("the banner", () => (demo.output().includes("live activity below") ? demo.output() : undefined), 80_000);
	apiUrl = /^ {2}API {3}(http:\/\/\S+)$/m.exec(output)?.[1] ?? "";
	anvilPids = [...output.matchAll(/anvil pid (\d+)/g)].map((m) => Number(m[1]));
	const lines = output.split("\n").map((l) => l.trim());
	examples = new Map();
	lines.forEach((line, i) => {
		const next = lines[i + 1];
		if (line.startsWith("# ") && next?.startsWith("curl ")) examples.set(line.slice(2), next);
	});
}, 90_000);

afterAll(async () => {
	if (demo && demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill("SIGKILL");
	for (const pid of anvilPids ?? []) if (alive(pid)) process.kill(pid, "SIGKILL");
	if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("npm run demo", () => {
	it("prints the API and docs URLs, one anvil per chain (children of the demo), and the example requests", () => {
		expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(demo.output()).toContain(`docs  ${apiUrl}/docs`);
		expect(demo.output()).toContain(`dashboard  ${apiUrl}/dashboard`);
		expect(anvilPids).toHaveLength(3);
		expect(anvilChildrenOf(demo.child.pid as number).sort()).toEqual([...anvilPids].sort());
		expect([...examples.keys()].join("\n")).toMatch(/can-pay: yes[\s\S]*can-pay: no, errorCode 5[\s\S]*at_risk[\s\S]*alerts/);
	});

	it("indexes every chain (ETH, AVAX, BASE) up to near its head", async () => {
		const status = await waitFor(
			"every chain near its head",
			async () => {
				const body = await getJson<{ chains: { chain: string; indexedBlock: number | null; lagBlocks: number | null }[] }>("/v1/status");
				const near = body.chains.every((c) => c.indexedBlock !== null && c.indexedBlock > 0 && c.lagBlocks !== null && c.lagBlocks <= 5);
				return near ? body : undefined;
			},
			20_000,
		);
		expect(status.chains.map((c) => c.chain).sort()).toEqual([...CHAINS].sort());
		expect((await fetch(`${apiUrl}/ready`)).status).toBe(200);
		const { stdout } = await run("sh", ["-c", examples.get("indexing status of the three chains") ?? "false"]);
		expect(JSON.parse(stdout).chains).toHaveLength(3);
	});

	it("serves the dashboard: it loads in a browser with no console error and no failed request", async () => {
		const browser = await launchBrowser();
		try {
			const page = await browser.context.newPage();
			const problems = watchProblems(page);
			await problems.navigate(`${apiUrl}/dashboard`);
			await waitForDashboard(page);
			await page.waitForSelector("#chains tbody tr");
			expect(await page.locator("#chains tbody tr").count()).toBe(3);
			expect(problems.list).toEqual([]);
		} finally {
			await browser.close();
		}
	});

	it("answers the printed can-pay requests: one allowed, one refused with error code 5", async () => {
		const yes = await paste<{ allowed: boolean; errorCode: number | null; paymentType: string }>(/^can-pay: yes/);
		expect(yes).toMatchObject({ allowed: true, errorCode: null, paymentType: "hold" });
		const no = await paste<{ allowed: boolean; errorCode: number | null; reason: string }>(/^can-pay: no/);
		expect(no).toMatchObject({ allowed: false, errorCode: 5, reason: "balance_insufficient" });
	});

	it("answers the printed credit can-pay requests from the feed's credits: one allowed, one refused with error code 6", async () => {
		const yes = await paste<{ allowed: boolean; errorCode: number | null; paymentType: string; creditBalanceKnown: boolean }>(
			/^credit can-pay: yes/,
		);
		expect(yes).toMatchObject({ allowed: true, errorCode: null, paymentType: "credit", creditBalanceKnown: true });
		const no = await paste<{ allowed: boolean; errorCode: number | null; reason: string }>(/^credit can-pay: no, errorCode 6/);
		expect(no).toMatchObject({ allowed: false, errorCode: 6, reason: "credit_insufficient", creditBalanceKnown: true });
	});

	it("publishes instances through the local CCN: the oracle lists them from the feed, priced, the forgotten one gone", async () => {
		const listed = await paste<{ resources: { source: string; messageType: string; paymentType: string }[] }>(/^its resources, published/);
		expect(listed.resources.map((r) => [r.source, r.messageType, r.paymentType])).toEqual([
			["network", "STORE", "credit"],
			["network", "INSTANCE", "credit"],
			["network", "INSTANCE", "credit"],
		]);
		const price = await paste<{ payment_type: string; cost: string; detail: { type: string; name: string }[] }>(/^a resource's price/);
		expect(price.payment_type).toBe("credit");
		expect(price.detail.map((d) => d.name)).toContain("#0:/data");
	});

	it("bills the credit instances hourly: one account runs out of credits during the demo", async () => {
		await waitFor(
			"the dry account's credits to run out",
			() => (/has spent all its credits/.test(demo.output()) ? true : undefined),
			60_000,
		);
		const account = await waitFor(
			"the dry account at 0 credits",
			async () => {
				const a = await paste<{ status: string; credits: { known: boolean; balance: number } }>(/^credits of an account/);
				return a.credits.balance === 0 ? a : undefined;
			},
			20_000,
		);
		expect(account).toMatchObject({ status: "insufficient", credits: { known: true, balance: 0 } });
	});

	it("shows the at-risk stream account and the alerts", async () => {
		const account = await paste<{ status: string; streams: Record<string, { criticalAt: string | null }> }>(/at_risk/);
		expect(account.status).toBe("at_risk");
		expect(account.streams.AVAX?.criticalAt).toBeTruthy();
		const { alerts } = await paste<{ alerts: { kind: string; status: string }[] }>(/^the open alerts/);
		expect(alerts.length).toBeGreaterThan(0);
		expect(alerts.map((a) => a.kind)).toContain("insufficient_balance");
		expect(alerts.every((a) => a.status === "open")).toBe(true);
	});

	it("runs a stream dry and liquidates it, which opens a stream-below-requirement alert", async () => {
		await waitFor("the liquidation", () => (/liquidated by|closed by its owner/.test(demo.output()) ? true : undefined), 30_000);
		const alerts = await waitFor(
			"the stream_below_requirement alert",
			async () => {
				const body = await getJson<{ alerts: { kind: string }[] }>("/v1/alerts?status=open");
				return body.alerts.some((a) => a.kind === "stream_below_requirement") ? body.alerts : undefined;
			},
			20_000,
		);
		expect(alerts.length).toBeGreaterThan(1);
	});

	it("stops on SIGINT with exit code 0, leaving no anvil and no database behind", async () => {
		demo.child.kill("SIGINT");
		const exit = await Promise.race([demo.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000))]);
		expect(exit, demo.output().slice(-3000)).toEqual({ code: 0, signal: null });
		for (const pid of anvilPids) expect(alive(pid), `anvil pid ${pid}`).toBe(false);
		expect(demo.output()).toMatch(/stopped: this run's chains and service are gone; removed its database/);
		const runs = join(dataDir, "demo");
		expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
		// A check scheduled beyond setTimeout's 24.8 days fires at once and loops (in-process queue).
		expect(demo.output()).not.toMatch(/TimeoutOverflowWarning/);
	});
});
