/**
 * What HTTP alone costs a can-pay: the trivial route of `bench/api.ts` (a GET answered
 * `{"ok":true}` by Hono on @hono/node-server) against a POST that does nothing but what every
 * can-pay must do at the HTTP level — read a 700-byte JSON body, parse it and send a 2 KB JSON
 * answer — served by Hono on @hono/node-server and by a bare `node:http` listener. No database,
 * no validation, no pricing: the ratios are the ceiling of can-pay's ratio with each HTTP layer.
 *
 * Run: `npx tsx bench/http-floor.ts` (BENCH_SECONDS: each run, default 4). Servers are child
 * processes; autocannon runs here, 32 connections, as in `bench/api.ts`; the median of 3
 * interleaved rounds is kept.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { loadTest, median, runMain } from "./lib.ts";

/** A 2 KB answer, the size of a can-pay verdict. */
const ANSWER = JSON.stringify({
	allowed: true,
	address: `0x${"a".repeat(40)}`,
	detail: Array.from({ length: 20 }, (_, i) => ({ type: "EXECUTION", name: `row-${i}`, cost: "0.000000000000000001".padEnd(60, "0") })),
});
/** A 700-byte body, the size of the bench's can-pay messages. */
const BODY = JSON.stringify({ message: { type: "INSTANCE", sender: `0x${"b".repeat(40)}`, content: { padding: "y".repeat(600) } } });
const JSON_TYPE = { "content-type": "application/json" };

function serveBare(): Promise<number> {
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (chunk: Buffer) => chunks.push(chunk));
		req.on("end", () => {
			JSON.parse(Buffer.concat(chunks).toString("utf8"));
			res.writeHead(200, JSON_TYPE);
			res.end(ANSWER);
		});
	});
	return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function serveHono(): Promise<number> {
	const app = new Hono();
	app.get("/trivial", (c) => c.json({ ok: true }));
	app.post("/post", async (c) => {
		await c.req.json();
		return c.body(ANSWER, 200, JSON_TYPE);
	});
	return new Promise((resolve) => serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port)));
}

function startServer(kind: "bare" | "hono"): Promise<{ port: number; stop: () => void }> {
	const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
		env: { ...process.env, BENCH_HTTP_SERVE: kind },
		stdio: ["ignore", "pipe", "inherit"],
	});
	return new Promise((resolve, reject) => {
		child.stdout?.once("data", (d) => resolve({ port: Number(String(d).trim()), stop: () => child.kill() }));
		child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
	});
}

async function requestsPerSecond(port: number, method: "GET" | "POST", path: string, seconds: number): Promise<number> {
	const result = await loadTest(`${method} ${path}`, {
		url: `http://127.0.0.1:${port}`,
		connections: 32,
		duration: seconds,
		requests: [{ method, path, headers: JSON_TYPE, ...(method === "POST" ? { body: BODY } : {}) }],
	});
	return result.requests.average;
}

export async function runHttpFloorBench(): Promise<Record<string, number | string>> {
	const seconds = Number(process.env.BENCH_SECONDS ?? 4);
	const [hono, bare] = await Promise.all([startServer("hono"), startServer("bare")]);
	try {
		const runs = { trivial: [] as number[], honoPost: [] as number[], barePost: [] as number[] };
		await requestsPerSecond(hono.port, "GET", "/trivial", 1); // warm-up
		for (let round = 0; round < 3; round++) {
			runs.trivial.push(await requestsPerSecond(hono.port, "GET", "/trivial", seconds));
			runs.honoPost.push(await requestsPerSecond(hono.port, "POST", "/post", seconds));
			runs.barePost.push(await requestsPerSecond(bare.port, "POST", "/post", seconds));
		}
		const trivial = median(runs.trivial);
		return {
			loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
			trivialRps: Math.round(trivial),
			honoPostRps: Math.round(median(runs.honoPost)),
			honoPostRatio: (median(runs.honoPost) / trivial).toFixed(2),
			barePostRps: Math.round(median(runs.barePost)),
			barePostRatio: (median(runs.barePost) / trivial).toFixed(2),
		};
	} finally {
		hono.stop();
		bare.stop();
	}
}

const role = process.env.BENCH_HTTP_SERVE;
if (role) {
	const port = await (role === "bare" ? serveBare() : serveHono());
	process.stdout.write(`${port}\n`);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	await runMain("HTTP floor: a bare POST with a 2 KB answer vs the trivial route", runHttpFloorBench);
}
