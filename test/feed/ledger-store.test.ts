/**
 * The Postgres ledger equals the domain's canonical replay of the posts in it, whatever the order
 * they joined (in order, late, in batches) or left it.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Trx } from "../../src/db/database.ts";
import { type CreditHistoryRow, comparePositions, replay } from "../../src/domain/credits/ledger.ts";
import { CREDIT_PRECISION_CUTOFF_MICROS, type CreditPost } from "../../src/domain/credits/posts.ts";
import { listKnownAccounts } from "../../src/entitlements/known-accounts.ts";
import { changeLedger, insertCreditPosts, setInLedger } from "../../src/feed/ledger-store.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createRandom } from "../helpers/erc20-traffic.ts";

let database: TestDatabase;

beforeAll(async () => {
	database = await createTestDatabase();
});
afterAll(async () => {
	await database?.drop();
});
beforeEach(async () => {
	await sql`truncate credit_posts, credit_history, credit_lots; update credit_ledger set time_micros = null, item_hash = null`.execute(
		database.db,
	);
});

const CUTOFF = Number(CREDIT_PRECISION_CUTOFF_MICROS / 1_000_000n);
const scale = (t: bigint) => (t < CREDIT_PRECISION_CUTOFF_MICROS ? 10_000n : 1n);

/** Random posts among a few addresses, times around the precision cut-off, expirations before and after. */
function randomPosts(seed: number, count: number, addressCount = 8): CreditPost[] {
	const random = createRandom(seed);
	const addresses = Array.from({ length: addressCount }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
	const time = () => BigInt(CUTOFF + random.int(-200, 200) * 1800) * 1_000_000n;
	const expiration = () => (random.next() < 0.4 ? null : BigInt(CUTOFF + random.int(-100, 300) * 1800) * 1_000_000n);
	return Array.from({ length: count }, (_, i): CreditPost => {
		const itemHash = i.toString(16).padStart(64, "0");
		const timeMicros = time();
		const amount = () => BigInt(random.int(1, 400)) * scale(timeMicros);
		const kind = random.pick(["distribution", "distribution", "expense", "transfer", "transfer"] as const);
		if (kind === "distribution") {
			return {
				kind,
				itemHash,
				timeMicros,
				owner: "0xissuer",
				token: "ALEPH",
				chain: "ETH",
				entries: Array.from({ length: random.int(1, 3) }, () => ({
					address: random.pick(addresses),
					amount: amount(),
					price: "0.5",
					txHash: "0xdist",
					provider: "p",
					expirationMicros: expiration(),
					origin: null,
					ref: null,
					paymentMethod: null,
					bonusAmount: null,
				})),
			};
		}
		if (kind === "expense") {
			return {
				kind,
				itemHash,
				timeMicros,
				owner: "0xissuer",
				entries: Array.from({ length: random.int(1, 3) }, () => ({
					address: random.pick(addresses),
					amount: amount(),
					ref: "r",
					executionId: "x",
					nodeId: null,
					price: "1.5",
					count: null,
					sizeMib: null,
				})),
			};
		}
		const from = random.pick(addresses);
		const recipients = [...new Set(Array.from({ length: random.int(1, 3) }, () => random.pick(addresses)))].filter((a) => a !== from);
		return {
			kind,
			itemHash,
			timeMicros,
			owner: from,
			minted: random.next() < 0.15,
			entries: (recipients.length > 0 ? recipients : ["0xzz"]).map((address) => {
				const a = amount();
				return { address, amount: a, rawAmount: a / scale(timeMicros), expirationMicros: expiration() };
			}),
		};
	});
}

async function inTrx<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
	return database.db.transaction().execute(work);
}

async function add(posts: CreditPost[]): Promise<string[]> {
	return inTrx(async (trx) => {
		await insertCreditPosts(
			trx,
			posts.map((post) => ({ post, inLedger: true })),
		);
		return changeLedger(trx, { add: posts });
	});
}

async function storedRows(): Promise<CreditHistoryRow[]> {
	const { rows } = await sql<Record<string, unknown>>`select credit_ref, credit_index, address, amount, price::text as price, bonus_amount,
		tx_hash, token, chain, provider, origin, origin_ref, payment_method, expense_count, expense_size_mib::text as expense_size_mib,
		expiration_micros, message_time_micros from credit_history order by message_time_micros, credit_ref, credit_index`.execute(database.db);
	return rows.map((r) => ({
		address: r.address as string,
		amount: r.amount as bigint,
		creditRef: r.credit_ref as string,
		creditIndex: r.credit_index as number,
		price: r.price as string | null,
		bonusAmount: r.bonus_amount as bigint | null,
		txHash: r.tx_hash as string | null,
		token: r.token as string | null,
		chain: r.chain as string | null,
		provider: r.provider as string | null,
		origin: r.origin as string | null,
		originRef: r.origin_ref as string | null,
		paymentMethod: r.payment_method as string | null,
		expenseCount: r.expense_count as bigint | null,
		expenseSizeMib: r.expense_size_mib as string | null,
		expirationMicros: r.expiration_micros as bigint | null,
		messageTimeMicros: r.message_time_micros as bigint,
	}));
}

async function storedLots() {
	const rows = await database.db
		.selectFrom("credit_lots")
		.selectAll()
		.orderBy("address")
		.orderBy("granted_at_micros")
		.orderBy("credit_ref")
		.orderBy("credit_index")
		.execute();
	return rows.map((r) => [r.address, r.credit_ref, r.credit_index, r.remaining, r.expiration_micros, r.granted_at_micros]);
}

function replayed(posts: CreditPost[]) {
	const { rows, state } = replay(posts);
	const lots = [...state.lots.entries()]
		.sort(([a], [b]) => (a < b ? -1 : 1))
		.flatMap(([address, list]) => list.map((l) => [address, l.ref, l.index, l.remaining, l.expirationMicros, l.grantedAtMicros]));
	return {
		rows: [...rows].sort(
			(a, b) =>
				comparePositions(
					{ timeMicros: a.messageTimeMicros, itemHash: a.creditRef },
					{ timeMicros: b.messageTimeMicros, itemHash: b.creditRef },
				) || a.creditIndex - b.creditIndex,
		),
		lots,
	};
}

async function expectReplayOf(posts: CreditPost[]) {
	const expected = replayed(posts);
	expect(await storedRows()).toEqual(expected.rows);
	expect(await storedLots()).toEqual(expected.lots);
	const frontier = await database.db.selectFrom("credit_ledger").select(["time_micros", "item_hash"]).executeTakeFirstOrThrow();
	const last = [...posts].sort(comparePositions).at(-1);
	expect(frontier).toEqual({ time_micros: last?.timeMicros ?? null, item_hash: last?.itemHash ?? null });
}

const inLedgerOrder = (posts: CreditPost[]) => [...posts].sort(comparePositions);

describe("the Postgres credit ledger", () => {
	it("in ledger order, in pages, equals the replay (the incremental path)", async () => {
		const posts = inLedgerOrder(randomPosts(1, 150));
		for (let i = 0; i < posts.length; i += 20) await add(posts.slice(i, i + 20));
		await expectReplayOf(posts);
	});

	it.each([2, 3, 4, 5])("in a random order, one post at a time, equals the replay (seed %i)", async (seed) => {
		const posts = randomPosts(seed, 90);
		const random = createRandom(seed * 7);
		const shuffled = [...posts].sort(() => random.next() - 0.5);
		for (const post of shuffled) await add([post]);
		await expectReplayOf(posts);
	});

	it("late batches mixing old and new posts equal the replay", async () => {
		const posts = randomPosts(11, 160);
		const random = createRandom(12);
		const shuffled = [...posts].sort(() => random.next() - 0.5);
		for (let i = 0; i < shuffled.length; i += 17) await add(shuffled.slice(i, i + 17));
		await expectReplayOf(posts);
	});

	it("posts leaving the ledger (de-authorized) and coming back give the replay of what is in it", async () => {
		const posts = randomPosts(21, 120);
		await add(inLedgerOrder(posts));
		const random = createRandom(22);
		const leaving = posts.filter(() => random.next() < 0.25);
		const leave = new Set(leaving.map((p) => p.itemHash));
		await inTrx(async (trx) => {
			await setInLedger(
				trx,
				leaving.map((p) => p.itemHash),
				false,
			);
			await changeLedger(trx, { remove: leaving });
		});
		const kept = posts.filter((p) => !leave.has(p.itemHash));
		const expected = replayed(kept);
		expect(await storedRows()).toEqual(expected.rows);
		expect(await storedLots()).toEqual(expected.lots);
		for (const post of leaving) {
			await inTrx(async (trx) => {
				await setInLedger(trx, [post.itemHash], true);
				await changeLedger(trx, { add: [post] });
			});
		}
		await expectReplayOf(posts);
	});

	it("an address holding credits is a known account (the sweep recomputes it); a non-EVM ledger key is not", async () => {
		const posts = randomPosts(31, 5);
		const solana = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
		await add(inLedgerOrder(posts));
		const known = await listKnownAccounts(database.db, null, { limit: 1000 });
		const holders = [...new Set((await database.db.selectFrom("credit_lots").select("address").execute()).map((r) => r.address))];
		expect(holders.length).toBeGreaterThan(0);
		for (const h of holders) expect(known).toContain(h);
		const entry = {
			address: solana,
			amount: 5n,
			price: "1",
			txHash: null,
			provider: null,
			expirationMicros: null,
			origin: null,
			ref: null,
			paymentMethod: null,
			bonusAmount: null,
		};
		await add([
			{
				kind: "distribution",
				itemHash: "f".repeat(64),
				timeMicros: 10n ** 17n,
				owner: "0xissuer",
				token: null,
				chain: null,
				entries: [entry],
			},
		]);
		expect((await database.db.selectFrom("credit_lots").select("address").where("address", "=", solana).execute()).length).toBe(1);
		expect(await listKnownAccounts(database.db, null, { limit: 1000 })).not.toContain(solana);
	});

	it("answers which addresses changed: those of the post, plus recipients of later transfers from them", async () => {
		const A = `0x${"a".repeat(40)}`;
		const B = `0x${"b".repeat(40)}`;
		const C = `0x${"c".repeat(40)}`;
		const t = (h: number) => BigInt(CUTOFF + h * 3600) * 1_000_000n;
		const transfer = (hash: string, at: bigint, from: string, to: string, amount: bigint): CreditPost => ({
			kind: "transfer",
			itemHash: hash.repeat(64),
			timeMicros: at,
			owner: from,
			minted: false,
			entries: [{ address: to, amount, rawAmount: amount, expirationMicros: null }],
		});
		const grant = (hash: string, at: bigint, to: string, amount: bigint): CreditPost => ({
			kind: "distribution",
			itemHash: hash.repeat(64),
			timeMicros: at,
			owner: "0xissuer",
			token: null,
			chain: null,
			entries: [
				{
					address: to,
					amount,
					price: "1",
					txHash: null,
					provider: null,
					expirationMicros: t(100),
					origin: null,
					ref: null,
					paymentMethod: null,
					bonusAmount: null,
				},
			],
		});
		await add([transfer("2", t(2), A, B, 50n)]);
		await add([grant("3", t(3), C, 10n)]);
		// Late: A is credited before its transfer, so B's row (and lot) change; C's do not.
		expect((await add([grant("1", t(1), A, 100n)])).sort()).toEqual([A, B].sort());
		await expectReplayOf([transfer("2", t(2), A, B, 50n), grant("3", t(3), C, 10n), grant("1", t(1), A, 100n)]);
	});
});
