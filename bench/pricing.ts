/**
 * Pricing benchmark: parse + price 100k varied messages (STORE, PROGRAM,
 * INSTANCE, GPU, confidential, credit, superfluid) with the default aggregates,
 * against a baseline loop over the same messages that only runs `parseMessage`.
 *
 * Run: `npx tsx bench/pricing.ts`
 */
import { pathToFileURL } from "node:url";
import { seededRandom } from "../devchain/seeded-random.ts";
import { computeCosts, getDefaultPricing, getDefaultSettings, parseMessage } from "../src/pricing/index.ts";

const MESSAGES = 100_000;
const ROUNDS = 3;

const GPUS = ["10de:2684", "10de:26b9", "10de:20b2", "10de:2330", "10de:27b0", "10de:2204"];

function makeMessages(count: number, random: () => number) {
	const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
	const hash = (i: number) => `${i.toString(16).padStart(8, "0")}${"ab".repeat(28)}`;
	const sizes = new Map<string, number>();
	const messages: unknown[] = [];
	for (let i = 0; i < count; i++) {
		const address = `0x${hash(i % 5000).slice(0, 40)}`;
		const time = 1.7e9 + int(0, 1.1e8);
		const volumes = Array.from({ length: int(0, 3) }, (_, v) =>
			random() < 0.3
				? { mount: `/ref${v}`, ref: hash(i * 7 + v), use_latest: false }
				: random() < 0.5
					? { mount: `/cache${v}`, ephemeral: true, size_mib: int(1, 1000) }
					: { name: `v${v}`, persistence: "host", size_mib: int(1, 200_000) },
		);
		for (const volume of volumes) {
			if ("ref" in volume && volume.ref) sizes.set(volume.ref, int(0, 2 ** 34));
		}
		const kind = random();
		const resources = {
			vcpus: int(1, 16),
			memory: int(128, 65536),
			seconds: 30,
		};
		const payment =
			random() < 0.4 ? { type: "credit" } : random() < 0.5 ? { type: "superfluid", chain: "AVAX", receiver: address } : undefined;
		let type: string;
		let content: Record<string, unknown>;
		if (kind < 0.3) {
			type = "STORE";
			const file = hash(1e7 + i);
			sizes.set(file, int(1, 2 ** 33));
			content = {
				item_type: "ipfs",
				item_hash: file,
				...(payment?.type === "credit" ? { payment } : {}),
			};
		} else if (kind < 0.5) {
			type = "PROGRAM";
			const code = hash(2e7 + i);
			sizes.set(code, int(1, 2 ** 28));
			content = {
				on: { http: true, persistent: random() < 0.3 },
				code: { ref: code, encoding: "zip", entrypoint: "main:app" },
				runtime: { ref: hash(3), comment: "runtime" },
				environment: { internet: random() < 0.5 },
				resources,
				volumes,
				...(payment ? { payment } : {}),
			};
			sizes.set(hash(3), 2 ** 26);
		} else {
			type = "INSTANCE";
			const gpu = kind > 0.9;
			const confidential = !gpu && kind > 0.8;
			content = {
				rootfs: {
					parent: { ref: hash(4) },
					size_mib: int(1, 1_000_000),
					persistence: "host",
				},
				resources,
				volumes,
				environment: confidential ? { hypervisor: "qemu", trusted_execution: { policy: 1 } } : gpu ? { hypervisor: "qemu" } : {},
				...(gpu
					? {
							requirements: {
								node: { node_hash: hash(5) },
								gpu: Array.from({ length: int(1, 2) }, () => ({
									device_id: GPUS[int(0, GPUS.length - 1)],
								})),
							},
						}
					: {}),
				...(payment ? { payment, requirements: { node: { node_hash: hash(5) } } } : {}),
			};
		}
		messages.push({
			type,
			sender: address,
			time,
			item_hash: hash(i),
			content: { address, time, ...content },
		});
	}
	return { messages, sizes };
}

function timeLoop(run: () => void): number {
	let best = Number.POSITIVE_INFINITY;
	for (let round = 0; round < ROUNDS; round++) {
		const start = process.hrtime.bigint();
		run();
		best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
	}
	return best;
}

/** Runs the benchmark and returns its numbers (messages per second, ratio to the parse-only baseline). */
export async function runPricingBench(): Promise<Record<string, number | string>> {
	const { messages, sizes } = makeMessages(MESSAGES, seededRandom(42));
	const ctx = {
		pricing: getDefaultPricing(),
		settings: getDefaultSettings(),
		sizes,
	};
	let priced = 0;
	let failed = 0;
	const price = () => {
		priced = 0;
		failed = 0;
		for (const raw of messages) {
			const message = parseMessage(raw);
			if (!message.ok) {
				failed++;
				continue;
			}
			const costs = computeCosts(message.value, ctx);
			if (costs.ok) priced++;
			else failed++;
		}
	};
	const parseOnly = () => {
		for (const raw of messages) parseMessage(raw);
	};
	price(); // warm-up
	parseOnly();
	const baselineSeconds = timeLoop(parseOnly);
	const pricingSeconds = timeLoop(price);
	return {
		messages: MESSAGES,
		priced,
		failed,
		pricing_messages_per_s: Math.round(MESSAGES / pricingSeconds),
		baseline_parse_only_messages_per_s: Math.round(MESSAGES / baselineSeconds),
		ratio_pricing_vs_parse_only: Number((pricingSeconds / baselineSeconds).toFixed(2)),
		note: "baseline = the same messages through parseMessage only; ratio = pricing time / baseline time (best of 3)",
	};
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
	const results = await runPricingBench();
	for (const [key, value] of Object.entries(results)) console.log(`${key}: ${value}`);
}
