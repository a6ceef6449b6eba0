/**
 * Page weight and load time of every dashboard page, each opened cold (cache disabled) in
 * Debian's Chromium, against a running oracle:
 *
 *   npx tsx test/dashboard/measure.ts http://127.0.0.1:3000 [runs]
 *
 * Prints per page the requests, the bytes over the wire with and without the chart library, and
 * the median time from navigation to the first data on screen over `runs` loads (default 5); for
 * /docs, to Swagger UI listing the operations.
 */
import { launchBrowser, measureColdLoad } from "./browser.ts";

const [base = "http://127.0.0.1:3000", runsText = "5"] = process.argv.slice(2);
const runs = Number(runsText);
const top = (await (await fetch(`${base}/v1/stats/holders?limit=1`)).json()) as { holders: { address: string }[] };
const account = top.holders[0]?.address ?? "0x0000000000000000000000000000000000000000";
const pages = [
	"/dashboard",
	"/dashboard/holders",
	"/dashboard/streams",
	"/dashboard/credits",
	`/dashboard/account?address=${account}`,
	"/dashboard/alerts",
	"/docs",
];

const browser = await launchBrowser();
try {
	console.log("page | requests | kB over the wire | of which uPlot | kB without uPlot | ready (median ms)");
	for (const path of pages) {
		const loads = [];
		for (let i = 0; i < runs; i++) loads.push(await measureColdLoad(browser.context, `${base}${path}`, path === "/docs"));
		const ready = loads.map((l) => l.readyMs).sort((a, b) => a - b)[Math.floor(runs / 2)] ?? Number.NaN;
		const { requests, bytes, chartBytes } = loads[0] as (typeof loads)[0];
		const kb = (n: number) => (n / 1000).toFixed(1);
		console.log(
			`${path.replace(/address=0x\w+/, "address=…")} | ${requests} | ${kb(bytes)} | ${kb(chartBytes)} | ${kb(bytes - chartBytes)} | ${ready.toFixed(0)}`,
		);
	}
} finally {
	await browser.close();
}
