/**
 * A randomized credit history (~50 addresses, hundreds of distributions, expenses and transfers,
 * expirations past and future, times on both sides of the ×10 000 cut-off), published to a local
 * CCN in random chunks so that many arrive late, and followed by `aleph-oracle watch` child
 * processes SIGKILLed at random points. After every kill the ledger is exactly the replay of the
 * posts it stored; at the end every balance equals an independent replay written here; the same
 * messages served in another order give the same rows; a second process stands by and takes the
 * feed over.
 */
import { sql } from "kysely";
import type { Address } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { creditDistribution, creditExpense, creditTransfer } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { type AlephMessage, createSigner, type Signer } from "../../devchain/ccn/sign.ts";
import { createDevClient } from "../../devchain/client.ts";
import { deployAlephToken } from "../../devchain/erc20.ts";
import { sleep } from "../../src/lib/sleep.ts";
import { type CliProcess, spawnCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom } from "../helpers/erc20-traffic.ts";
import { eventually } from "../helpers/system.ts";
import { issuer, startFollower, storedBalances, testFeed, waitSynced } from "./helpers.ts";

const random = createRandom(20261201);
const NOW_S = Math.floor(Date.now() / 1000);
const DAY = 86_400;
const CUTOFF = 1_769_990_400;

// ---- The independent replay: posts as plain records, pyaleph's rules spelled out once. ----

type Post =
	| { kind: "D"; hash: string; t: bigint; credits: { to: string; amount: bigint; exp: bigint | null }[] }
	| { kind: "E"; hash: string; t: bigint; credits: { from: string; amount: bigint }[] }
	| { kind: "T"; hash: string; t: bigint; from: string; credits: { to: string; amount: bigint; exp: bigint | null }[] };
type Lot = { left: bigint; exp: bigint | null };
const smaller = (a: bigint, b: bigint) => (b < a ? b : a);

/** Lots per address after every post, in (time, hash) order; balances at `now` (µs). */
function independentReplay(posts: Post[], now: bigint): Map<string, bigint> {
	const lots = new Map<string, Lot[]>();
	const lotsOf = (a: string) => lots.get(a) ?? (lots.set(a, []).get(a) as Lot[]);
	const take = (a: string, amount: bigint, t: bigint) => {
		const taken: Lot[] = [];
		let need = amount;
		for (const lot of lotsOf(a)) {
			if (need === 0n) break;
			if (lot.left === 0n || (lot.exp !== null && lot.exp <= t)) continue;
			const n = smaller(lot.left, need);
			lot.left -= n;
			need -= n;
			taken.push({ left: n, exp: lot.exp });
		}
		return taken;
	};
	const sorted = [...posts].sort((a, b) => (a.t !== b.t ? (a.t < b.t ? -1 : 1) : a.hash < b.hash ? -1 : 1));
	for (const p of sorted) {
		const x = p.t < BigInt(CUTOFF) * 1_000_000n ? 10_000n : 1n;
		if (p.kind === "D") for (const c of p.credits) lotsOf(c.to).push({ left: c.amount * x, exp: c.exp });
		if (p.kind === "E") for (const c of p.credits) take(c.from, c.amount * x, p.t);
		if (p.kind === "T") {
			for (const c of p.credits) {
				const taken = take(p.from, c.amount * x, p.t);
				if (taken.length === 0) {
					lotsOf(c.to).push({ left: c.amount * x, exp: c.exp });
					continue;
				}
				const capped: Lot[] = [];
				for (const piece of taken) {
					const exp = piece.exp === null ? c.exp : c.exp === null ? piece.exp : smaller(piece.exp, c.exp);
					const last = capped.at(-1);
					if (last && last.exp === exp) last.left += piece.left;
					else capped.push({ left: piece.left, exp });
				}
				lotsOf(c.to).push(...capped);
			}
		}
	}
	const out = new Map<string, bigint>();
	for (const [a, list] of lots) {
		const left = list.reduce((s, l) => s + l.left, 0n);
		if (left === 0n) continue;
		out.set(
			a,
			list.reduce((s, l) => (l.exp === null || l.exp > now ? s + l.left : s), 0n),
		);
	}
	return out;
}

// ---- The random history. ----

const holders: Signer[] = Array.from({ length: 25 }, () => createSigner(generatePrivateKey()));
const others = Array.from({ length: 25 }, (_, i) => `0x${(0xa000 + i).toString(16).padStart(40, "0")}`);
const addresses = [...holders.map((h) => h.address.toLowerCase()), ...others];
const posts: Post[] = [];
const messages: AlephMessage[] = [];

/** Seconds with milliseconds, from 70 days before the cut-off to 10 days ago; some times collide. */
const randomTime = () =>
	random.next() < 0.1 && posts.length > 0
		? Number(random.pick(posts).t / 1000n) / 1000
		: CUTOFF - 70 * DAY + random.int(0, 110 * DAY) + random.int(0, 999) / 1000;
/** An expiration in ms: none, already past, or well after now. */
const randomExpiration = () => {
	const r = random.next();
	if (r < 0.4) return null;
	if (r < 0.7) return (CUTOFF - 60 * DAY + random.int(0, 80 * DAY)) * 1000;
	return (NOW_S + 60 * DAY + random.int(0, 400 * DAY)) * 1000;
};
const micros = (seconds: number) => BigInt(Math.round(seconds * 1000)) * 1000n;

async function generate(count: number) {
	for (let i = 0; i < count; i++) {
		const time = randomTime();
		const r = random.next();
		let message: AlephMessage;
		if (r < 0.35) {
			const credits = Array.from({ length: random.int(1, 3) }, () => ({
				address: random.pick(addresses),
				amount: random.int(1, 5000),
				expiration: randomExpiration(),
			}));
			message = await issuer.sign(creditDistribution({ sender: issuer.address, address: issuer.address, time, credits }));
			posts.push({
				kind: "D",
				hash: message.item_hash,
				t: micros(time),
				credits: credits.map((c) => ({
					to: c.address,
					amount: BigInt(c.amount),
					exp: c.expiration === null ? null : BigInt(c.expiration) * 1000n,
				})),
			});
		} else if (r < 0.65) {
			const credits = Array.from({ length: random.int(1, 3) }, () => ({ address: random.pick(addresses), amount: random.int(1, 3000) }));
			message = await issuer.sign(creditExpense({ sender: issuer.address, address: issuer.address, time, credits }));
			posts.push({
				kind: "E",
				hash: message.item_hash,
				t: micros(time),
				credits: credits.map((c) => ({ from: c.address, amount: BigInt(c.amount) })),
			});
		} else {
			const from = random.pick(holders);
			const to = [...new Set(Array.from({ length: random.int(1, 2) }, () => random.pick(addresses)))].filter(
				(a) => a !== from.address.toLowerCase(),
			);
			if (to.length === 0) continue;
			const credits = to.map((address) => ({ address, amount: random.int(1, 2000), expiration: randomExpiration() }));
			message = await from.sign(creditTransfer({ sender: from.address, time, credits }));
			posts.push({
				kind: "T",
				hash: message.item_hash,
				t: micros(time),
				from: from.address.toLowerCase(),
				credits: credits.map((c) => ({
					to: c.address,
					amount: BigInt(c.amount),
					exp: c.expiration === null ? null : BigInt(c.expiration) * 1000n,
				})),
			});
		}
		messages.push(message);
	}
}

const shuffled = <T>(list: readonly T[]) =>
	list
		.map((v) => ({ v, k: random.next() }))
		.sort((a, b) => a.k - b.k)
		.map((x) => x.v);

let anvil: AnvilInstance;
let token: Address;
let startBlock: bigint;
let database: TestDatabase;
let ccn: LocalCcn;
const children: CliProcess[] = [];

beforeAll(async () => {
	await generate(450);
	anvil = await startAnvil();
	const deployed = await deployAlephToken(createDevClient(anvil), { genesis: [] });
	token = deployed.address;
	startBlock = deployed.blockNumber;
	database = await createTestDatabase();
	ccn = await startLocalCcn();
}, 180_000);

afterAll(async () => {
	for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
	await ccn?.stop();
	await database?.drop();
	await anvil?.stop();
});

// Two `watch` processes on one database need a queue they can share (one process only runs jobs in-process).
const REDIS_URL = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;
const env = () => ({
	DATABASE_URL: database.url,
	REDIS_URL,
	CHAINS: "ETH",
	ETH_RPC_URL: anvil.url,
	ETH_CHAIN_ID: String(anvil.chainId),
	ETH_TOKEN: token,
	ETH_START_BLOCK: String(startBlock),
	ETH_FINALITY_BLOCKS: "2",
	ETH_POLL_INTERVAL_MS: "200",
	ALEPH_API_URLS: ccn.url,
	ALEPH_FEED_POLL_MS: "50",
	// Every poll reads the whole history again: messages published late with old times are caught.
	ALEPH_FEED_LOOKBACK_SECONDS: String(200 * DAY),
	CREDIT_ISSUERS: issuer.address,
	LOG_LEVEL: "info",
});

function spawn(): CliProcess {
	const cli = spawnCli("watch", env());
	children.push(cli);
	return cli;
}

async function storedCount(): Promise<number> {
	const { rows } = await sql<{ n: bigint }>`select count(*)::int8 as n from feed_messages`.execute(database.db);
	return Number(rows[0]?.n ?? 0n);
}

/** The ledger is exactly the replay of the posts it stored: nothing lost, nothing applied twice. */
async function expectLedgerIsReplayOfStored() {
	const stored = new Set(
		(await database.db.selectFrom("feed_messages").select("item_hash").where("status", "=", "applied").execute()).map((r) => r.item_hash),
	);
	const now = BigInt(Date.now()) * 1000n;
	expect(Object.fromEntries(await storedBalances(database.db))).toEqual(
		Object.fromEntries(
			independentReplay(
				posts.filter((p) => stored.has(p.hash)),
				now,
			),
		),
	);
	const { rows } = await sql<{
		n: bigint;
	}>`select count(*)::int8 as n from credit_history h left join credit_posts p on p.item_hash = h.credit_ref
		where p.item_hash is null or not p.in_ledger`.execute(database.db);
	expect(rows[0]?.n).toBe(0n);
}

describe("a randomized credit history through `aleph-oracle watch`, killed at random points", () => {
	it("after every SIGKILL the ledger is the replay of what it stored; at the end, of every message", async () => {
		const order = shuffled(messages);
		const chunks = 6;
		const size = Math.ceil(order.length / chunks);
		let published = 0;
		for (let k = 0; k < chunks; k++) {
			for (const m of order.slice(published, published + size)) ccn.insert(m);
			published = Math.min(order.length, published + size);
			const cli = spawn();
			const before = await storedCount();
			await eventually(async () => ((await storedCount()) > before ? true : undefined), 60_000, "the follower writing");
			await sleep(random.int(0, 150));
			cli.child.kill("SIGKILL");
			expect((await cli.exited).signal).toBe("SIGKILL");
			await expectLedgerIsReplayOfStored();
		}
		const cli = spawn();
		await eventually(async () => ((await storedCount()) === messages.length ? true : undefined), 90_000, "every message stored");
		await waitSynced(database.db, [ccn.url], new Date(), 60_000);
		const expected = independentReplay(posts, BigInt(Date.now()) * 1000n);
		expect(expected.size).toBeGreaterThan(30);
		expect(Object.fromEntries(await storedBalances(database.db))).toEqual(Object.fromEntries(expected));
		expect(await database.db.selectFrom("feed_messages").select("status").where("status", "<>", "applied").execute()).toEqual([]);

		// A second process stands by, and takes the feed over when the first is killed.
		const standby = spawn();
		await eventually(
			async () => (standby.output().includes("Standing by: another process holds the feed's writer lock") ? true : undefined),
			60_000,
			"a standby",
		);
		cli.child.kill("SIGKILL");
		await eventually(async () => (standby.output().includes("Took the feed's writer lock") ? true : undefined), 60_000, "the takeover");
		standby.child.kill("SIGTERM");
		expect((await standby.exited).code).toBe(0);
	});

	it("the same messages served in another order (another CCN, another database) give the same rows and lots", async () => {
		const other = await startLocalCcn();
		const second = await createTestDatabase();
		try {
			const order = shuffled(messages);
			const feed = testFeed([other.url], { ALEPH_FEED_LOOKBACK_SECONDS: String(200 * DAY) });
			const harness = await startFollower(second, feed);
			for (let i = 0; i < order.length; i += 75) {
				for (const m of order.slice(i, i + 75)) other.insert(m);
				await waitSynced(second.db, [other.url], new Date(), 60_000);
			}
			await harness.stop();
			const rows = async (db: TestDatabase) =>
				(
					await sql`select credit_ref, credit_index, address, amount::text, expiration_micros::text, message_time_micros::text from credit_history order by 1, 2`.execute(
						db.db,
					)
				).rows;
			const lots = async (db: TestDatabase) =>
				(await sql`select address, credit_ref, credit_index, remaining::text from credit_lots order by 1, 2, 3`.execute(db.db)).rows;
			expect(await rows(second)).toEqual(await rows(database));
			expect(await lots(second)).toEqual(await lots(database));
		} finally {
			await second.drop();
			await other.stop();
		}
	});
});
