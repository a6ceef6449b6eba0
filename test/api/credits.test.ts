/**
 * The credit routes against pyaleph's ledger vectors (spec aleph-network §7, §8.3), the posts
 * signed, served by a local CCN and read by the follower: /credit_history (page and cursor modes,
 * filters, sorts), /summary, /consumed_credits, /credit_balances, /balance with details.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditDistribution, creditExpense, creditTransfer } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import type { Signer } from "../../devchain/ccn/sign.ts";
import { checksum } from "../../src/lib/address.ts";
import { type Harness, issuer, startFollower, testFeed, users, waitSynced } from "../feed/helpers.ts";
import { createTestApi, NOW, seedChains, type TestApi } from "./helpers.ts";

let api: TestApi;
let ccn: LocalCcn;
let harness: Harness;

const DAY = 86_400;
const at = (iso: string) => Date.parse(iso) / 1000;
const ms = (iso: string) => Date.parse(iso);
/** Addresses of the vectors; `holder` and `sender` sign their own transfers. */
const [holder, sender] = users as [Signer, Signer];
const A = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const U123 = A(0x123);
const U456 = A(0x456);
const R789 = A(0x789);
const MULTI = [A(0x901), A(0x902), A(0x903)];
const C = A(0xc);
const DETAILS = A(0xde7a);
const VOL = A(0xf01);
const MIXED = A(0xf02);
const SUMMARY = A(0x5a);
const ts = Number(NOW) - 10 * DAY;

async function issue(time: number, credits: Parameters<typeof creditDistribution>[0]["credits"], extra: Record<string, string> = {}) {
	ccn.insert(await issuer.sign(creditDistribution({ sender: issuer.address, address: issuer.address, time, credits, ...extra })));
}
async function expense(time: number, credits: Parameters<typeof creditExpense>[0]["credits"]) {
	ccn.insert(await issuer.sign(creditExpense({ sender: issuer.address, address: issuer.address, time, credits })));
}
async function transfer(from: Signer, time: number, credits: { address: string; amount: number; expiration?: number | null }[]) {
	ccn.insert(await from.sign(creditTransfer({ sender: from.address, time, credits })));
}

async function get(path: string) {
	const res = await api.request(path);
	return { status: res.status, body: await res.json() };
}
const history = async (address: string, query = "") =>
	(await get(`/api/v0/addresses/${address}/credit_history${query}`)).body.credit_history;

beforeAll(async () => {
	ccn = await startLocalCcn();
	// L1: a distribution row (×10 000 before 2026-02-02).
	await issue(
		at("2023-01-01T12:00:00Z"),
		[
			{
				address: U123,
				amount: 1000,
				expiration: 1_700_000_000_000,
				price: "0.5",
				tx_hash: "0xabc123",
				provider: "test_provider",
				origin: "test_origin",
				ref: "test_ref",
				payment_method: "test_payment",
			},
		],
		{ token: "TEST_TOKEN", distributionChain: "ETH" },
	);
	// L2, L4: expenses; L3: a v2 storage expense after the cut-off (no multiplier).
	await expense(at("2023-01-02T12:00:00Z"), [{ address: U456, amount: 500, ref: "expense_ref" }]);
	await expense(at("2023-01-02T13:00:00Z"), [
		{ address: U456, amount: 500, ref: "expense_ref", execution_id: "exec_12345", node_id: "node_67890", price: "0.001" },
	]);
	await expense(at("2026-03-02T12:00:00Z"), [{ address: U456, amount: 500, ref: "storage", count: 12, size: 2048.5, time: 43200 }]);
	// L5: a transfer: recipient row then sender row; L17-L19: the recipient's expiration capped.
	await issue(at("2023-01-01T12:00:00Z") + 1, [{ address: sender.address, amount: 300, expiration: ms("2100-01-01T00:00:00Z") }]);
	await transfer(sender, at("2023-01-03T12:00:00Z"), [{ address: R789, amount: 250, expiration: ms("2101-01-01T00:00:00Z") }]);
	// L9: a transfer from an address without credits: the recipients get the message's intent.
	await transfer(holder, at("2023-01-07T12:00:00Z"), [
		{ address: MULTI[0] as string, amount: 300, expiration: 1_700_000_000_000 },
		{ address: MULTI[1] as string, amount: 200 },
		{ address: MULTI[2] as string, amount: 150, expiration: 1_800_000_000_000 },
	]);
	// L20 (split): two grants of the holder, one expiring, then a transfer of 250 to C.
	await issue(at("2023-02-01T12:00:00Z"), [{ address: holder.address, amount: 100, expiration: ms("2100-01-01T00:00:00Z") }]);
	await issue(at("2023-03-01T12:00:00Z"), [{ address: holder.address, amount: 200 }]);
	await transfer(holder, at("2023-06-01T12:00:00Z"), [{ address: C, amount: 250 }]);
	// L24/L29 (transposed to the API's clock): details after FIFO consumption.
	await issue(ts, [{ address: DETAILS, amount: 1000 }]);
	await issue(ts + 3600, [{ address: DETAILS, amount: 800, expiration: (Number(NOW) + 30 * DAY) * 1000 }]);
	await issue(ts + 7200, [{ address: DETAILS, amount: 600, expiration: (Number(NOW) + 60 * DAY) * 1000 }]);
	await issue(ts + 7300, [{ address: DETAILS, amount: 50, expiration: (Number(NOW) - DAY) * 1000 }]);
	await expense(ts + 10_800, [{ address: DETAILS, amount: 1200 }]);
	// L30-L32: consumed credits, by origin or by ref when there is no origin.
	await expense(at("2023-01-01T12:00:00Z") + 5, [{ address: VOL, amount: 200, ref: "vol_hash_1" }]);
	await expense(at("2023-01-01T12:00:00Z") + 6, [
		{ address: MIXED, amount: 300, execution_id: "instance_hash_1", ref: "some_ref" },
		{ address: MIXED, amount: 150, ref: "vol_hash_mixed" },
	]);
	await issue(at("2023-01-01T12:00:00Z") + 7, [{ address: MIXED, amount: 999, origin: "instance_hash_1" }]);
	// L35: summary rows in March, April and May 2026.
	await issue(at("2026-03-10T00:00:00Z"), [{ address: SUMMARY, amount: 1000 }]);
	await expense(at("2026-04-10T00:00:00Z"), [{ address: SUMMARY, amount: 300 }]);
	await issue(at("2026-05-10T00:00:00Z"), [{ address: SUMMARY, amount: 2000 }]);

	const feed = testFeed([ccn.url]);
	api = await createTestApi({}, { feed });
	await seedChains(api.db);
	harness = await startFollower(api.database, feed);
	await waitSynced(api.db, [ccn.url]);
});

afterAll(async () => {
	await harness?.stop();
	await api?.database.drop();
	await ccn?.stop();
});

describe("GET /api/v0/addresses/{address}/credit_history", () => {
	it("L1: a distribution row, in pydantic's rendering", async () => {
		const [row] = await history(U123);
		expect(row).toEqual({
			amount: 10_000_000,
			price: "0.5",
			bonus_amount: null,
			tx_hash: "0xabc123",
			token: "TEST_TOKEN",
			chain: "ETH",
			provider: "test_provider",
			origin: "test_origin",
			origin_ref: "test_ref",
			payment_method: "test_payment",
			credit_ref: expect.stringMatching(/^[0-9a-f]{64}$/),
			credit_index: 0,
			expiration_date: "2023-11-14T22:13:20Z",
			message_timestamp: "2023-01-01T12:00:00Z",
			expense_count: null,
			expense_size_mib: null,
		});
	});

	it("L2-L4: expense rows, ×10 000 before the cut-off, v2 storage fields after it", async () => {
		const rows = await history(U456, "?sort_order=1");
		expect(rows.map((r: { amount: number }) => r.amount)).toEqual([-5_000_000, -5_000_000, -500]);
		expect(rows[0]).toMatchObject({ price: null, tx_hash: null, token: null, chain: null, origin: null, origin_ref: "expense_ref" });
		expect(rows[0]).toMatchObject({ provider: "ALEPH", payment_method: "credit_expense", expiration_date: null, expense_count: null });
		expect(rows[1]).toMatchObject({ price: "0.001", tx_hash: "node_67890", origin: "exec_12345" });
		expect(rows[2]).toMatchObject({ expense_count: 12, expense_size_mib: "2048.5", origin_ref: "storage" });
	});

	it("L5, L18: a transfer's recipient row (expiration capped at the source's) and sender row", async () => {
		const [recipient] = await history(R789);
		expect(recipient).toMatchObject({
			amount: 2_500_000,
			credit_index: 0,
			origin: checksum(sender.address).toLowerCase(),
			provider: "ALEPH",
			payment_method: "credit_transfer",
			expiration_date: "2100-01-01T00:00:00Z",
			price: null,
			tx_hash: null,
			origin_ref: null,
		});
		const rows = await history(sender.address, "?payment_method=credit_transfer");
		expect(rows).toEqual([expect.objectContaining({ amount: -2_500_000, credit_index: 1, origin: R789, expiration_date: null })]);
	});

	it("L9: an under-funded transfer credits each recipient with its request, and debits the sender in full", async () => {
		expect((await history(MULTI[0] as string))[0]).toMatchObject({ amount: 3_000_000, expiration_date: "2023-11-14T22:13:20Z" });
		expect((await history(MULTI[1] as string))[0]).toMatchObject({ amount: 2_000_000, expiration_date: null });
		const sent = await history(holder.address, "?direction=outgoing&sort_by=amount&sort_order=1");
		expect(sent.map((r: { amount: number; credit_index: number }) => [r.amount, r.credit_index])).toEqual([
			[-3_000_000, 1],
			[-2_500_000, 2],
			[-2_000_000, 3],
			[-1_500_000, 5],
		]);
	});

	it("L20: a transfer drawing on two lots gives two rows, each with its source's expiration", async () => {
		const rows = await history(C, "?sort_by=expiration_date&sort_order=1");
		expect(rows.map((r: { amount: number; expiration_date: string | null }) => [r.amount, r.expiration_date])).toEqual([
			[1_000_000, "2100-01-01T00:00:00Z"],
			[1_500_000, null],
		]);
	});

	it("filters: has_expiration, exclude_payment_method, dates (both ends inclusive), resource", async () => {
		expect(await history(C, "?has_expiration=true")).toHaveLength(1);
		expect(await history(C, "?has_expiration=false")).toHaveLength(1);
		expect((await get(`/api/v0/addresses/${U456}/credit_history?exclude_payment_method=credit_expense,x`)).status).toBe(404);
		const start = at("2023-01-02T12:00:00Z");
		expect(await history(U456, `?startDate=${start}&endDate=${start}`)).toHaveLength(1);
		expect(await history(U456, `?start_date=${start}`)).toHaveLength(3);
		expect(await history(MIXED, "?resource=instance_hash_1")).toHaveLength(2);
		expect(await history(MIXED, "?resource=vol_hash_mixed&origin_ref=vol_hash_mixed")).toHaveLength(1);
	});

	it("cursor mode pages through the same rows as page mode, in pyaleph's JSON fallback (sorted keys, epoch seconds, floats)", async () => {
		for (const sort of ["message_timestamp", "amount", "expiration_date", "origin", "tx_hash", "provider", "payment_method"]) {
			for (const order of ["1", "-1"]) {
				const all = await history(holder.address, `?sort_by=${sort}&sort_order=${order}`);
				const seen: string[] = [];
				let cursor = "";
				for (let i = 0; i < 20; i++) {
					const { status, body } = await get(
						`/api/v0/addresses/${holder.address}/credit_history?sort_by=${sort}&sort_order=${order}&pagination=2&cursor=${cursor}`,
					);
					expect(status).toBe(200);
					expect(Object.keys(body)).toEqual(["address", "credit_history", "next_cursor", "pagination_per_page"]);
					seen.push(...body.credit_history.map((r: { credit_ref: string; credit_index: number }) => `${r.credit_ref}/${r.credit_index}`));
					if (body.next_cursor === null) break;
					cursor = body.next_cursor;
				}
				expect(seen, `${sort} ${order}`).toEqual(
					all.map((r: { credit_ref: string; credit_index: number }) => `${r.credit_ref}/${r.credit_index}`),
				);
			}
		}
		const { body } = await get(`/api/v0/addresses/${U456}/credit_history?cursor=&sort_order=1&pagination=1`);
		expect(Object.keys(body.credit_history[0])).toEqual(Object.keys(body.credit_history[0]).sort());
		expect(body.credit_history[0]).toMatchObject({ message_timestamp: at("2023-01-02T12:00:00Z"), amount: -5_000_000 });
		const second = await get(`/api/v0/addresses/${U456}/credit_history?cursor=${body.next_cursor}&sort_order=1&pagination=1`);
		expect(second.body.credit_history[0]).toMatchObject({ price: 0.001 });
	});

	it("404 when nothing matches; 400 naming the field for bad input or a cursor of another sort", async () => {
		expect(await get(`/api/v0/addresses/${A(0xdead)}/credit_history`)).toMatchObject({
			status: 404,
			body: { error: { code: "not_found" } },
		});
		for (const [query, field] of [
			["?startDate=-1", "startDate"],
			["?startDate=10&endDate=5", "endDate"],
			["?direction=sideways", "direction"],
			["?sort_by=price", "sort_by"],
			["?resourceTypes=POST,NOPE", "resourceTypes"],
			["?has_expiration=maybe", "has_expiration"],
			["?pagination=-1", "pagination"],
			["?cursor=&pagination=0", "pagination"],
			["?cursor=!!&pagination=5", "cursor"],
		]) {
			const { status, body } = await get(`/api/v0/addresses/${U456}/credit_history${query}`);
			expect({ query, status, field: body.error?.field }).toEqual({ query, status: 400, field });
		}
		const { body } = await get(`/api/v0/addresses/${holder.address}/credit_history?cursor=&pagination=1&sort_by=amount`);
		expect((await get(`/api/v0/addresses/${holder.address}/credit_history?cursor=${body.next_cursor}&pagination=1`)).status).toBe(400);
	});
});

describe("GET …/credit_history/summary and /api/v0/messages/{h}/consumed_credits", () => {
	it("L35: totals, with a date window and a direction; zeros for an unknown address", async () => {
		const summary = async (q = "", address = SUMMARY) => (await get(`/api/v0/addresses/${address}/credit_history/summary${q}`)).body;
		expect(await summary()).toEqual({
			address: checksum(SUMMARY),
			entry_count: 3,
			total_amount: 2700,
			total_incoming: 3000,
			total_outgoing: -300,
		});
		const window = `?startDate=${at("2026-03-15T00:00:00Z")}&endDate=${at("2026-04-15T00:00:00Z")}`;
		expect(await summary(window)).toMatchObject({ entry_count: 1, total_amount: -300, total_incoming: 0, total_outgoing: -300 });
		expect(await summary("?direction=outgoing")).toMatchObject({ entry_count: 1, total_amount: -300 });
		expect(await summary("", A(0xdead))).toEqual({
			address: checksum(A(0xdead)),
			entry_count: 0,
			total_amount: 0,
			total_incoming: 0,
			total_outgoing: 0,
		});
	});

	it("L30-L33: Σ |amount| of the expense rows by effective origin; distributions never count", async () => {
		const consumed = async (h: string) => (await get(`/api/v0/messages/${h}/consumed_credits`)).body;
		expect(await consumed("vol_hash_1")).toEqual({ item_hash: "vol_hash_1", consumed_credits: 2_000_000 });
		expect(await consumed("instance_hash_1")).toEqual({ item_hash: "instance_hash_1", consumed_credits: 3_000_000 });
		expect(await consumed("vol_hash_mixed")).toEqual({ item_hash: "vol_hash_mixed", consumed_credits: 1_500_000 });
		expect(await consumed("some_ref")).toEqual({ item_hash: "some_ref", consumed_credits: 0 });
	});
});

describe("balances", () => {
	it("L29 (at the API's clock): FIFO consumption, then details non-expiring first, expired lots left out", async () => {
		const { body } = await get(`/api/v0/addresses/${DETAILS}/balance?include_credit_details=true`);
		expect(body).toMatchObject({
			credit_balance: 1200,
			credit_balance_known: true,
			credit_balance_details: [
				{ expiration_date: new Date((Number(NOW) + 30 * DAY) * 1000).toISOString().replace(".000", ""), amount: 600 },
				{ expiration_date: new Date((Number(NOW) + 60 * DAY) * 1000).toISOString().replace(".000", ""), amount: 600 },
			],
		});
		expect((await get(`/api/v0/addresses/${DETAILS}/balance`)).body).toMatchObject({ credit_balance: 1200, credit_balance_details: null });
	});

	it("/credit_balances: every address with lots in address order, page and cursor modes, min_balance", async () => {
		const { body: all } = await get("/api/v0/credit_balances?pagination=0");
		expect(Object.keys(all)).toEqual(["credit_balances", "pagination_item", "pagination_page", "pagination_per_page", "pagination_total"]);
		const addresses = all.credit_balances.map((b: { address: string }) => b.address.toLowerCase());
		expect(addresses).toEqual([...addresses].sort());
		expect(all.pagination_total).toBe(addresses.length);
		// U123's only lot expired in 2023: listed with 0, left out by min_balance.
		expect(all.credit_balances).toContainEqual({ address: checksum(U123), credits: 0 });
		const { body: rich } = await get("/api/v0/credit_balances?min_balance=1000000");
		expect(rich.credit_balances.every((b: { credits: number }) => b.credits >= 1_000_000)).toBe(true);
		expect(rich.credit_balances).toContainEqual({ address: checksum(C), credits: 2_500_000 });
		const paged: unknown[] = [];
		let cursor = "";
		for (;;) {
			const { body } = await get(`/api/v0/credit_balances?cursor=${cursor}&pagination=3`);
			paged.push(...body.credit_balances);
			if (body.next_cursor === null) break;
			cursor = body.next_cursor;
		}
		expect(paged).toEqual(all.credit_balances);
		expect((await get("/api/v0/credit_balances?min_balance=0")).status).toBe(400);
	});
});
