/**
 * The local CCN at the oracle's scale: how fast the viem signer makes signed credit posts, how
 * long 200k messages take to load, and what a page costs over HTTP (cursor scan, page mode with
 * its COUNT, a selective filter, the reception scan). `npx tsx bench/local-ccn.ts`;
 * BENCH_CCN_SIGNED (default 100 000) and BENCH_CCN_MESSAGES (default 200 000) size it.
 */
import { pathToFileURL } from "node:url";
import { creditDistribution, creditExpense, inlineMessage, securityAggregate } from "../devchain/ccn/messages.ts";
import { startLocalCcn } from "../devchain/ccn/server.ts";
import { type AlephMessage, createSigner } from "../devchain/ccn/sign.ts";

const SIGNED = Number(process.env.BENCH_CCN_SIGNED ?? 100_000);
const MESSAGES = Number(process.env.BENCH_CCN_MESSAGES ?? 200_000);
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const T0 = 1_780_000_000;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const ms = (value: number) => Number(value.toFixed(2));

/** Sequential GETs following `next_cursor` (or a page count): per-request milliseconds. */
async function scan(base: string, query: string, cursorMode: boolean, maxPages = Number.POSITIVE_INFINITY) {
	const times: number[] = [];
	let rows = 0;
	let cursor = "";
	for (let page = 1; page <= maxPages; page++) {
		const started = performance.now();
		const response = await fetch(`${base}/api/v0/messages.json?${query}${cursorMode ? `&cursor=${cursor}` : `&page=${page}`}`);
		const body = (await response.json()) as { messages: unknown[]; next_cursor?: string | null };
		times.push(performance.now() - started);
		rows += body.messages.length;
		if (cursorMode ? !body.next_cursor : body.messages.length === 0) break;
		cursor = body.next_cursor ?? "";
	}
	const sorted = [...times].sort((a, b) => a - b);
	const total = times.reduce((a, b) => a + b, 0);
	return {
		pages: times.length,
		rows,
		p50: ms(quantile(sorted, 0.5)),
		p99: ms(quantile(sorted, 0.99)),
		rowsPerSecond: Math.round(rows / (total / 1000)),
	};
}

export async function runLocalCcnBench(): Promise<Record<string, number | string>> {
	const signer = createSigner(KEY);
	let started = performance.now();
	const signed: AlephMessage[] = [];
	for (let i = 0; i < SIGNED; i++) {
		const time = T0 + i * 0.5;
		const unsigned =
			i % 4 === 0
				? creditExpense({
						sender: signer.address,
						time,
						credits: [{ address: signer.address, amount: 10 + i, price: 3.9583333333333335, time: 3600 }],
					})
				: creditDistribution({
						sender: signer.address,
						time,
						credits: [{ address: signer.address, amount: 1000 + i, expiration: 1_900_000_000_000 }],
					});
		signed.push(await signer.sign(unsigned));
	}
	const signSeconds = (performance.now() - started) / 1000;

	// The rest of the network: unsigned STOREs (the CCN serves them without looking at signatures),
	// and a few security aggregates for a selective filter.
	const owner = "0x2E4454fAD1906c0Ce6e45cBFA05cE898Ac3AC1dC";
	const filler: AlephMessage[] = [];
	for (let i = signed.length; i < MESSAGES; i++) {
		const time = T0 + (i - signed.length) * 0.37;
		const content = { address: signer.address, item_type: "storage", item_hash: "a".repeat(64), time };
		filler.push({ ...inlineMessage("STORE", content, { sender: signer.address, time }), signature: "0x00" });
	}
	for (let i = 0; i < 10; i++) {
		filler.push({
			...securityAggregate({ sender: owner, time: T0 + i * 1000, authorizations: [{ address: signer.address }] }),
			signature: "0x00",
		});
	}
	const shuffled = [...signed, ...filler].sort((a, b) => (a.item_hash < b.item_hash ? -1 : 1));

	const ccn = await startLocalCcn();
	try {
		started = performance.now();
		for (const message of shuffled) ccn.insert(message);
		const insertSeconds = (performance.now() - started) / 1000;
		started = performance.now();
		await fetch(`${ccn.url}/api/v0/messages.json?pagination=1`).then((r) => r.text());
		const firstQueryMs = performance.now() - started;

		const credit =
			"msgTypes=POST&channels=ALEPH_CREDIT&contentTypes=aleph_credit_distribution,aleph_credit_expense,aleph_credit_transfer&sortOrder=1&pagination=200";
		const creditCold = await scan(ccn.url, credit, true);
		const creditWarm = await scan(ccn.url, credit, true);
		const everything = await scan(ccn.url, "sortOrder=1&pagination=200", true, 200);
		const pageMode = await scan(ccn.url, "sortOrder=1&pagination=200", false, 100);
		const selective = await scan(ccn.url, `msgTypes=AGGREGATE&owners=${owner}&sortOrder=1&pagination=200`, true);
		const hashesPage = async () => {
			const at = performance.now();
			const body = (await (await fetch(`${ccn.url}/api/v0/messages/hashes?sortOrder=1&pagination=1000&page=50`)).json()) as {
				hashes: string[];
			};
			return { ms: performance.now() - at, count: body.hashes.length };
		};
		const hashesCold = await hashesPage();
		const hashes = await hashesPage();
		return {
			signed_messages: SIGNED,
			sign_messages_per_s: Math.round(SIGNED / signSeconds),
			sign_seconds: Number(signSeconds.toFixed(1)),
			messages_in_ccn: shuffled.length,
			insert_messages_per_s: Math.round(shuffled.length / insertSeconds),
			first_query_ms_incl_index_sort: ms(firstQueryMs),
			credit_scan_first_pages: creditCold.pages,
			credit_scan_first_p50_ms: creditCold.p50,
			credit_scan_first_p99_ms: creditCold.p99,
			credit_scan_first_rows_per_s: creditCold.rowsPerSecond,
			credit_scan_again_p50_ms: creditWarm.p50,
			credit_scan_again_p99_ms: creditWarm.p99,
			credit_scan_again_rows_per_s: creditWarm.rowsPerSecond,
			all_types_200_pages_p50_ms: everything.p50,
			all_types_200_pages_p99_ms: everything.p99,
			page_mode_100_pages_p50_ms: pageMode.p50,
			page_mode_100_pages_p99_ms: pageMode.p99,
			selective_filter_p50_ms: selective.p50,
			hashes_page_of_1000_first_ms_incl_index_sort: ms(hashesCold.ms),
			hashes_page_of_1000_ms: ms(hashes.ms),
			hashes_returned: hashes.count,
			rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
			note: "HTTP round trips from the same process, sequential; 'first' scans build each page's JSON once (cached after)",
		};
	} finally {
		await ccn.stop();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	const results = await runLocalCcnBench();
	for (const [key, value] of Object.entries(results)) console.log(`${key}: ${value}`);
}
