import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	applyCreditPost,
	balance,
	type CreditHistoryRow,
	comparePositions,
	createLedgerState,
	details,
	type LedgerState,
	lotsOf,
	replay,
	stateFromRows,
	transferPrecheck,
} from "../../../src/domain/credits/ledger.ts";
import {
	CREDIT_PRECISION_CUTOFF_MICROS,
	type CreditPost,
	type DistributionPost,
	type ExpensePost,
	parseCreditPost,
	type TransferPost,
} from "../../../src/domain/credits/posts.ts";
import { fromTimestampMicros } from "../../../src/domain/network/cursor.ts";
import { post } from "./helpers.ts";

// Builders at the level of pyaleph's accessors (`update_credit_balances_*`), which most ledger
// vectors call directly: amounts as posted, ×10 000 before 2026-02-02, expirations in epoch ms.
const at = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;
const sec = (seconds: number): bigint => BigInt(seconds) * 1_000_000n;
const expiry = (ms: number | null | undefined): bigint | null => (ms ? fromTimestampMicros(ms / 1000) : null);
const msOf = (iso: string): number => Date.parse(iso);
const scale = (time: bigint) => (time < CREDIT_PRECISION_CUTOFF_MICROS ? 10_000n : 1n);

type Grant = { address: string; amount: number | bigint; expiration?: number | null };

function D(ref: string, time: bigint, entries: (Grant & { price?: string; origin?: string })[]): DistributionPost {
	return {
		kind: "distribution",
		itemHash: ref,
		timeMicros: time,
		owner: "0xissuer",
		token: "TEST",
		chain: "ETH",
		entries: entries.map((e) => ({
			address: e.address,
			amount: BigInt(e.amount) * scale(time),
			price: e.price ?? "1.0",
			txHash: "0xdist",
			provider: "test_provider",
			expirationMicros: expiry(e.expiration),
			origin: e.origin ?? null,
			ref: null,
			paymentMethod: null,
			bonusAmount: null,
		})),
	};
}

function E(ref: string, time: bigint, entries: { address: string; amount: number; ref?: string; executionId?: string }[]): ExpensePost {
	return {
		kind: "expense",
		itemHash: ref,
		timeMicros: time,
		owner: "0xissuer",
		entries: entries.map((e) => ({
			address: e.address,
			amount: BigInt(e.amount) * scale(time),
			ref: e.ref ?? null,
			executionId: e.executionId ?? null,
			nodeId: null,
			price: null,
			count: null,
			sizeMib: null,
		})),
	};
}

function T(ref: string, time: bigint, from: string, entries: Grant[], minted = false): TransferPost {
	return {
		kind: "transfer",
		itemHash: ref,
		timeMicros: time,
		owner: from,
		minted,
		entries: entries.map((e) => ({
			address: e.address,
			amount: BigInt(e.amount) * scale(time),
			rawAmount: BigInt(e.amount),
			expirationMicros: expiry(e.expiration),
		})),
	};
}

function apply(posts: CreditPost[]) {
	return replay(posts);
}

const rowsOf = (rows: CreditHistoryRow[], ref: string) => rows.filter((r) => r.creditRef === ref);
const bal = (state: LedgerState, address: string, nowMs: number) => balance(lotsOf(state, address), nowMs);

/** Lots per address in a stable order, to compare two states. */
function snapshot(state: LedgerState) {
	return [...state.lots.entries()]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([address, lots]) => [address, lots.map((l) => ({ ...l }))]);
}

const NOW = msOf("2026-12-01T00:00:00Z");
const EXP_2100 = msOf("2100-01-01T00:00:00Z");

// pyaleph tests/db/test_credit_balances.py (spec §8.3)
describe("ledger vectors L1–L22", () => {
	it("L1: a distribution row", () => {
		const p = D("msg_hash_123", at("2023-01-01T12:00:00Z"), [{ address: "0x123", amount: 1000, expiration: 1700000000000, price: "0.5" }]);
		p.token = "TEST_TOKEN";
		p.entries[0] = {
			...(p.entries[0] as DistributionPost["entries"][0]),
			txHash: "0xabc123",
			origin: "test_origin",
			ref: "test_ref",
			paymentMethod: "test_payment",
		};
		expect(apply([p]).rows).toEqual([
			{
				address: "0x123",
				amount: 10_000_000n,
				creditRef: "msg_hash_123",
				creditIndex: 0,
				price: "0.5",
				bonusAmount: null,
				txHash: "0xabc123",
				token: "TEST_TOKEN",
				chain: "ETH",
				provider: "test_provider",
				origin: "test_origin",
				originRef: "test_ref",
				paymentMethod: "test_payment",
				expenseCount: null,
				expenseSizeMib: null,
				expirationMicros: 1_700_000_000_000_000n,
				messageTimeMicros: at("2023-01-01T12:00:00Z"),
			},
		]);
	});

	it("L2: an expense row", () => {
		expect(apply([E("expense_msg_789", at("2023-01-02T12:00:00Z"), [{ address: "0x456", amount: 500, ref: "expense_ref" }])]).rows).toEqual(
			[
				{
					address: "0x456",
					amount: -5_000_000n,
					creditRef: "expense_msg_789",
					creditIndex: 0,
					price: null,
					bonusAmount: null,
					txHash: null,
					token: null,
					chain: null,
					provider: "ALEPH",
					origin: null,
					originRef: "expense_ref",
					paymentMethod: "credit_expense",
					expenseCount: null,
					expenseSizeMib: null,
					expirationMicros: null,
					messageTimeMicros: at("2023-01-02T12:00:00Z"),
				},
			],
		);
	});

	it("L3: a v2 expense keeps count and size, with no multiplier after the cutoff", () => {
		const p = E("expense_msg_v2_123", at("2026-03-02T12:00:00Z"), [{ address: "0x456", amount: 500, ref: "storage" }]);
		p.entries[0] = { ...(p.entries[0] as ExpensePost["entries"][0]), count: 12n, sizeMib: "2048.5" };
		expect(apply([p]).rows[0]).toMatchObject({
			amount: -500n,
			originRef: "storage",
			paymentMethod: "credit_expense",
			expenseCount: 12n,
			expenseSizeMib: "2048.5",
		});
	});

	it("L4: node_id is the tx_hash, execution_id the origin", () => {
		const p = E("expense_msg_with_fields_789", at("2023-01-02T12:00:00Z"), [
			{ address: "0x456", amount: 500, ref: "expense_ref", executionId: "exec_12345" },
		]);
		p.entries[0] = { ...(p.entries[0] as ExpensePost["entries"][0]), nodeId: "node_67890", price: "0.001" };
		expect(apply([p]).rows[0]).toMatchObject({
			amount: -5_000_000n,
			price: "0.001",
			txHash: "node_67890",
			origin: "exec_12345",
			token: null,
			chain: null,
		});
	});

	it("L5: a transfer writes the recipient row, then the sender row", () => {
		const { rows } = apply([
			D("dist_for_transfer_test", at("2023-01-01T12:00:00Z"), [{ address: "0xsender", amount: 300, expiration: EXP_2100 }]),
			T("transfer_msg_456", at("2023-01-03T12:00:00Z"), "0xsender", [{ address: "0x789", amount: 250, expiration: EXP_2100 }]),
		]);
		const common = {
			creditRef: "transfer_msg_456",
			provider: "ALEPH",
			paymentMethod: "credit_transfer",
			price: null,
			txHash: null,
			token: null,
			chain: null,
			originRef: null,
		};
		expect(rowsOf(rows, "transfer_msg_456")).toMatchObject([
			{ ...common, address: "0x789", amount: 2_500_000n, creditIndex: 0, origin: "0xsender", expirationMicros: expiry(EXP_2100) },
			{ ...common, address: "0xsender", amount: -2_500_000n, creditIndex: 1, origin: "0x789", expirationMicros: null },
		]);
	});

	it("L6: an issuer's transfer mints: one recipient row with the requested expiration, no debit", () => {
		const { rows } = apply([
			T(
				"whitelist_transfer_123",
				at("2023-01-04T12:00:00Z"),
				"0xwhitelisted",
				[{ address: "0xrecipient", amount: 500, expiration: 1700000000000 }],
				true,
			),
		]);
		expect(rows).toMatchObject([
			{ address: "0xrecipient", amount: 5_000_000n, origin: "0xwhitelisted", creditIndex: 0, expirationMicros: 1_700_000_000_000_000n },
		]);
	});

	it("L7: the transfer pre-check is balance >= amount", () => {
		const { state } = apply([
			D("low_balance_init", at("2023-01-05T12:00:00Z"), [{ address: "0xlow_balance", amount: 500, expiration: 2000000000000 }]),
		]);
		const check = (amount: bigint) =>
			transferPrecheck(state, {
				...T("t", sec(1_780_000_000), "0xlow_balance", []),
				entries: [{ address: "x", amount, rawAmount: amount, expirationMicros: null }],
			});
		expect([check(5_000_000n), check(4_000_000n), check(6_000_000n), check(10_000_000n)]).toEqual([true, true, false, false]);
	});

	it("L8: expired lots count neither in the balance nor in the pre-check", () => {
		const { state } = apply([
			D("expired_credits_test", at("2023-01-06T12:00:00Z"), [
				{ address: "0xexpired_user", amount: 800, expiration: NOW - 86_400_000 },
				{ address: "0xexpired_user", amount: 200, expiration: NOW + 86_400_000 },
			]),
		]);
		expect(bal(state, "0xexpired_user", NOW)).toBe(2_000_000n);
		const transfer = (raw: bigint) => ({
			...T("t", BigInt(NOW) * 1000n, "0xexpired_user", []),
			entries: [{ address: "x", amount: raw, rawAmount: raw, expirationMicros: null }],
		});
		expect(transferPrecheck(state, transfer(2_000_000n))).toBe(true);
		expect(transferPrecheck(state, transfer(3_000_000n))).toBe(false);
	});

	it("L9: an under-funded transfer still grants each recipient (amount, requested expiration)", () => {
		const { rows } = apply([
			T("multi_recipient_transfer", at("2023-01-07T12:00:00Z"), "0xmulti_sender", [
				{ address: "0xrecipient1", amount: 300, expiration: 1700000000000 },
				{ address: "0xrecipient2", amount: 200 },
				{ address: "0xrecipient3", amount: 150, expiration: 1800000000000 },
			]),
		]);
		expect(rows.map((r) => [r.address, r.amount, r.creditIndex, r.expirationMicros])).toEqual([
			["0xrecipient1", 3_000_000n, 0, 1_700_000_000_000_000n],
			["0xmulti_sender", -3_000_000n, 1, null],
			["0xrecipient2", 2_000_000n, 2, null],
			["0xmulti_sender", -2_000_000n, 3, null],
			["0xrecipient3", 1_500_000n, 4, 1_800_000_000_000_000n],
			["0xmulti_sender", -1_500_000n, 5, null],
		]);
	});

	it("L10: a zero transfer (only reachable through the accessor) writes two zero rows and no lot", () => {
		const { rows, state } = apply([
			T("zero_amount_transfer", at("2023-01-08T12:00:00Z"), "0xzero_sender", [
				{ address: "0xzero_recipient", amount: 0, expiration: 1700000000000 },
			]),
		]);
		expect(rows.map((r) => [r.address, r.amount])).toEqual([
			["0xzero_recipient", 0n],
			["0xzero_sender", 0n],
		]);
		expect(lotsOf(state, "0xzero_recipient")).toEqual([]);
	});

	it("L11: a self-transfer (only reachable through the accessor) writes +A and -A for the same address", () => {
		const { rows } = apply([
			T("self_transfer_test", at("2023-01-09T12:00:00Z"), "0xself_transfer_user", [
				{ address: "0xself_transfer_user", amount: 250, expiration: 1700000000000 },
			]),
		]);
		expect(rows.map((r) => [r.address, r.amount])).toEqual([
			["0xself_transfer_user", 2_500_000n],
			["0xself_transfer_user", -2_500_000n],
		]);
	});

	it("L12: distribution, expense, transfer applied one by one", () => {
		const state = createLedgerState();
		const exp = NOW + 365 * 86_400_000;
		applyCreditPost(
			state,
			D("valid_credits_msg", at("2023-01-11T12:00:00Z"), [{ address: "0xvalid_user", amount: 1000, expiration: exp }]),
		);
		expect(bal(state, "0xvalid_user", NOW)).toBe(10_000_000n);
		applyCreditPost(
			state,
			E("valid_expense_msg", at("2023-01-11T13:00:00Z"), [{ address: "0xvalid_user", amount: 300, ref: "expense_ref" }]),
		);
		expect(bal(state, "0xvalid_user", NOW)).toBe(7_000_000n);
		applyCreditPost(
			state,
			T("valid_transfer_msg", at("2023-01-11T14:00:00Z"), "0xvalid_user", [{ address: "0xother_user", amount: 200, expiration: exp }]),
		);
		expect(bal(state, "0xvalid_user", NOW)).toBe(5_000_000n);
		expect(bal(state, "0xother_user", NOW)).toBe(2_000_000n);
	});

	it("L13: a backdated expense applied after a later grant drains nothing", () => {
		const grant = D("future_grant", at("2024-06-01T12:00:00Z"), [{ address: "0xbackdated", amount: 1000 }]);
		const backdated = E("backdated_expense_msg", at("2024-05-01T12:00:00Z"), [
			{ address: "0xbackdated", amount: 400, ref: "backdated_expense" },
		]);
		expect(bal(apply([grant, backdated]).state, "0xbackdated", NOW)).toBe(10_000_000n);
		// Incremental application refuses it: a late post needs a re-derivation.
		const state = createLedgerState();
		applyCreditPost(state, grant);
		expect(() => applyCreditPost(state, backdated)).toThrow(RangeError);
	});

	const B = 1686830400;
	it("L14: FIFO by emission: the non-expiring lot granted first is drained first", () => {
		const { state } = apply([
			D("no_expiry_credits", sec(B - 3600), [{ address: "u", amount: 1000 }]),
			D("expiring_credits", sec(B - 1800), [{ address: "u", amount: 1000, expiration: (B - 300) * 1000 }]),
			E("big_expense_msg", sec(B - 600), [{ address: "u", amount: 1500 }]),
		]);
		expect(bal(state, "u", B * 1000)).toBe(0n);
	});

	it("L15: FIFO by emission: the expiring lot granted first is drained first", () => {
		const { state } = apply([
			D("expiring_credits_first", sec(B - 3600), [{ address: "u", amount: 1000, expiration: (B - 300) * 1000 }]),
			D("no_expiry_credits_second", sec(B - 1800), [{ address: "u", amount: 1000 }]),
			E("big_expense_msg_scenario2", sec(B - 600), [{ address: "u", amount: 1500 }]),
		]);
		expect(bal(state, "u", B * 1000)).toBe(5_000_000n);
	});

	it("L16: expiry filters the read; the lot keeps its remaining amount", () => {
		const { state } = apply([D("cache_expiration_test", sec(B - 3600), [{ address: "u", amount: 1000, expiration: (B - 300) * 1000 }])]);
		expect(bal(state, "u", (B - 1800) * 1000)).toBe(10_000_000n);
		expect(bal(state, "u", B * 1000)).toBe(0n);
		expect(lotsOf(state, "u")[0]?.remaining).toBe(10_000_000n);
	});

	const X = msOf("2100-01-01T00:00:00Z");
	const Y = msOf("2101-01-01T00:00:00Z");
	const Z = msOf("2099-01-01T00:00:00Z");
	const DIST = at("2023-01-01T12:00:00Z");
	const XFER = at("2023-06-01T12:00:00Z");
	const recipientExpiry = (requested: number | null) =>
		apply([
			D("d", DIST, [{ address: "0xB", amount: 300, expiration: X }]),
			T("t", XFER, "0xB", [{ address: "0xC", amount: 200, expiration: requested }]),
		]).rows.find((r) => r.address === "0xC")?.expirationMicros;

	it("L17: a transfer without expiration inherits its source lot's", () => {
		expect(recipientExpiry(null)).toBe(expiry(X));
	});

	it("L18: a later requested expiration is capped at the source's", () => {
		expect(recipientExpiry(Y)).toBe(expiry(X));
	});

	it("L19: an earlier requested expiration is kept", () => {
		expect(recipientExpiry(Z)).toBe(expiry(Z));
	});

	it("L20: portions from lots with different expirations stay separate rows", () => {
		const { rows, state } = apply([
			D("d1", DIST, [{ address: "0xB", amount: 100, expiration: X }]),
			D("d2", at("2023-02-01T12:00:00Z"), [{ address: "0xB", amount: 200 }]),
			T("t", XFER, "0xB", [{ address: "0xC", amount: 250 }]),
		]);
		expect(rows.filter((r) => r.address === "0xC").map((r) => [r.amount, r.expirationMicros])).toEqual([
			[1_000_000n, expiry(X)],
			[1_500_000n, null],
		]);
		expect(bal(state, "0xC", X + 86_400_000)).toBe(1_500_000n);
	});

	it("L21: an issuer's transfer keeps the requested expiration", () => {
		const { rows } = apply([T("t", XFER, "0xwhitelisted", [{ address: "0xC", amount: 100, expiration: Y }], true)]);
		expect(rows[0]?.expirationMicros).toBe(expiry(Y));
	});

	it("L22: A → B → C, expirations reduced at each hop, adjacent equal ones merged", () => {
		const EA = msOf("2400-01-01T00:00:00Z");
		const EB = msOf("2200-01-01T00:00:00Z");
		const EC = msOf("2100-01-01T00:00:00Z");
		const { rows, state } = apply([
			D("dist_chain_1", DIST, [{ address: "0xA", amount: 100, expiration: EA }]),
			D("dist_chain_2", at("2023-02-01T12:00:00Z"), [{ address: "0xA", amount: 100 }]),
			T("xfer_ab_chain", at("2023-03-01T12:00:00Z"), "0xA", [{ address: "0xB", amount: 150, expiration: EB }]),
			T("xfer_bc_chain", at("2023-04-01T12:00:00Z"), "0xB", [{ address: "0xC", amount: 50, expiration: EC }]),
		]);
		expect(rowsOf(rows, "xfer_ab_chain").filter((r) => r.amount > 0n)).toMatchObject([
			{ address: "0xB", amount: 1_500_000n, expirationMicros: expiry(EB) },
		]);
		expect(rowsOf(rows, "xfer_bc_chain").filter((r) => r.amount > 0n)).toMatchObject([
			{ address: "0xC", amount: 500_000n, expirationMicros: expiry(EC) },
		]);
		const balances = (nowMs: number) => ["0xA", "0xB", "0xC"].map((a) => bal(state, a, nowMs));
		const day = 86_400_000;
		expect(balances(msOf("2099-01-01T00:00:00Z"))).toEqual([500_000n, 1_000_000n, 500_000n]);
		expect(balances(EC + day)).toEqual([500_000n, 1_000_000n, 0n]);
		expect(balances(EB + day)).toEqual([500_000n, 0n, 0n]);
		expect(balances(EA + day)).toEqual([500_000n, 0n, 0n]);
	});
});

/** A history row inserted directly, as pyaleph's details tests do before rebuilding the lots. */
function row(address: string, amount: bigint, ref: string, time: bigint, expiration: bigint | null = null): CreditHistoryRow {
	return {
		address,
		amount,
		creditRef: ref,
		creditIndex: 0,
		price: null,
		bonusAmount: null,
		txHash: null,
		token: null,
		chain: null,
		provider: null,
		origin: null,
		originRef: null,
		paymentMethod: null,
		expenseCount: null,
		expenseSizeMib: null,
		expirationMicros: expiration,
		messageTimeMicros: time,
	};
}

describe("details vectors L23–L29: rows replayed by stateFromRows (pyaleph's repair)", () => {
	const ts = at("2026-03-01T00:00:00Z");
	const hour = 3_600_000_000n;
	const d = (iso: string) => at(iso);
	const read = (rows: CreditHistoryRow[], nowMs = msOf("2026-03-01T00:00:00Z")) => {
		const lots = lotsOf(stateFromRows(rows), "a");
		return { total: balance(lots, nowMs), details: details(lots, nowMs) };
	};

	it("L23: non-expiring lots group together", () => {
		expect(read([row("a", 1000n, "d1_a", ts), row("a", 2000n, "d1_b", ts + hour)])).toEqual({
			total: 3000n,
			details: [{ expirationMicros: null, amount: 3000n }],
		});
	});

	it("L24: one group per expiration, non-expiring first, then soonest", () => {
		const rows = [
			row("a", 1000n, "a", ts),
			row("a", 500n, "b", ts + hour, d("2026-06-01T00:00:00Z")),
			row("a", 300n, "c", ts + 2n * hour, d("2026-09-01T00:00:00Z")),
		];
		expect(read(rows)).toEqual({
			total: 1800n,
			details: [
				{ expirationMicros: null, amount: 1000n },
				{ expirationMicros: d("2026-06-01T00:00:00Z"), amount: 500n },
				{ expirationMicros: d("2026-09-01T00:00:00Z"), amount: 300n },
			],
		});
	});

	it("L25: a debit drains the first granted lot", () => {
		const rows = [
			row("a", 1000n, "a", ts),
			row("a", 500n, "b", ts + hour, d("2026-09-01T00:00:00Z")),
			row("a", -700n, "c", ts + 2n * hour),
		];
		expect(read(rows)).toEqual({
			total: 800n,
			details: [
				{ expirationMicros: null, amount: 300n },
				{ expirationMicros: d("2026-09-01T00:00:00Z"), amount: 500n },
			],
		});
	});

	it("L26: a fully drained address has no details", () => {
		expect(read([row("a", 500n, "a", ts), row("a", -500n, "b", ts + hour)])).toEqual({ total: 0n, details: [] });
	});

	it("L27: expired lots are left out of the details", () => {
		const rows = [
			row("a", 1000n, "a", ts, d("2026-03-15T00:00:00Z")),
			row("a", 500n, "b", ts + hour, d("2027-06-01T00:00:00Z")),
			row("a", 200n, "c", ts + 2n * hour),
		];
		expect(read(rows, msOf("2026-04-01T00:00:00Z"))).toEqual({
			total: 700n,
			details: [
				{ expirationMicros: null, amount: 200n },
				{ expirationMicros: d("2027-06-01T00:00:00Z"), amount: 500n },
			],
		});
	});

	it("L28: no rows, no credits", () => {
		expect(read([])).toEqual({ total: 0n, details: [] });
	});

	it("L29: a consumed lot disappears from the details", () => {
		const rows = [
			row("a", 1000n, "a", ts),
			row("a", 800n, "b", ts + hour, d("2026-09-01T00:00:00Z")),
			row("a", 600n, "c", ts + 2n * hour, d("2026-12-01T00:00:00Z")),
			row("a", -1200n, "d", ts + 3n * hour),
		];
		expect(read(rows)).toEqual({
			total: 1200n,
			details: [
				{ expirationMicros: d("2026-09-01T00:00:00Z"), amount: 600n },
				{ expirationMicros: d("2026-12-01T00:00:00Z"), amount: 600n },
			],
		});
	});
});

describe("consumed-credit and summary vectors L30–L34 (over the rows the ledger writes)", () => {
	// The spec's definition of /consumed_credits (§7.5), written out for the check.
	const consumed = (rows: CreditHistoryRow[], hash: string) =>
		rows
			.filter((r) => r.paymentMethod === "credit_expense" && ((r.origin || null) ?? r.originRef) === hash)
			.reduce((sum, r) => sum + (r.amount < 0n ? -r.amount : r.amount), 0n);

	it("L30: a volume expense is found through origin_ref", () => {
		const { rows } = apply([E("e", at("2023-01-01T12:00:00Z"), [{ address: "0xvol_user", amount: 200, ref: "vol_hash_1" }])]);
		expect(consumed(rows, "vol_hash_1")).toBe(2_000_000n);
	});

	it("L31: an execution expense is found through origin (execution_id), the others through origin_ref", () => {
		const { rows } = apply([
			E("e", at("2023-01-01T12:00:00Z"), [
				{ address: "0xmixed", amount: 300, executionId: "instance_hash_1", ref: "some_ref" },
				{ address: "0xmixed", amount: 150, ref: "vol_hash_mixed" },
			]),
		]);
		expect([consumed(rows, "instance_hash_1"), consumed(rows, "vol_hash_mixed"), consumed(rows, "some_ref")]).toEqual([
			3_000_000n,
			1_500_000n,
			0n,
		]);
	});

	it("L32: distribution and transfer rows never count as consumed", () => {
		const { rows } = apply([
			D("d", at("2023-01-01T12:00:00Z"), [{ address: "0xm", amount: 100, origin: "instance_hash_1" }]),
			T("t", at("2023-01-02T12:00:00Z"), "0xm", [{ address: "instance_hash_1", amount: 10 }]),
			E("e", at("2023-01-03T12:00:00Z"), [{ address: "0xm", amount: 5, executionId: "instance_hash_1" }]),
		]);
		expect(consumed(rows, "instance_hash_1")).toBe(50_000n);
	});

	it("L33: the stored amount is negative, consumed is its absolute value", () => {
		const { rows } = apply([E("e", at("2023-01-01T12:00:00Z"), [{ address: "0xa", amount: 250, executionId: "h" }])]);
		expect(rows[0]?.amount).toBe(-2_500_000n);
		expect(consumed(rows, "h")).toBe(2_500_000n);
	});

	it("L34: an issuer's zero transfer gives its recipient exactly one row of 0", () => {
		const { rows } = apply([T("t", at("2026-03-01T00:00:00Z"), "0xwhitelisted", [{ address: "0xr", amount: 0 }], true)]);
		expect(rows.filter((r) => r.address === "0xr").map((r) => r.amount)).toEqual([0n]);
	});
});

// pyaleph tests/message_processing/test_process_posts.py (spec §8.4)
describe("message vectors M1–M2 through parseCreditPost and the ledger", () => {
	const W = "0xWhitelisted12345678901234567890123456789012";
	const REGULAR = "0xRegularSender123456789012345678901234567890";
	const R = "0xRecipient12345678901234567890123456789012345";
	const transfer = post({
		sender: REGULAR,
		time: 1651050219.0,
		itemHash: "a".repeat(64),
		content: {
			address: REGULAR,
			time: 1651050219.0,
			content: { transfer: { credits: [{ address: R, amount: 100 }] } },
			type: "aleph_credit_transfer",
		},
	});
	const parsed = parseCreditPost(transfer, { issuers: [W] });
	if (parsed.status !== "credit" || parsed.post.kind !== "transfer") throw new Error("the M1 transfer does not parse");
	const xfer = parsed.post;

	it("M1: a non-issuer transfers credits it holds: two rows, the sender debited", () => {
		const seed = D("init_dist_hash_abc", at("2022-01-01T00:00:00Z"), [{ address: REGULAR, amount: 1000 }]);
		const state = createLedgerState();
		applyCreditPost(state, seed);
		const initial = bal(state, REGULAR, NOW);
		expect(transferPrecheck(state, xfer)).toBe(true);
		const { rows, touched } = applyCreditPost(state, xfer);
		expect(rows.map((r) => [r.address, r.amount])).toEqual([
			[R, 1_000_000n],
			[REGULAR, -1_000_000n],
		]);
		expect(touched.sort()).toEqual([R, REGULAR].sort());
		expect(bal(state, REGULAR, NOW)).toBe(initial - 1_000_000n);
	});

	it("M2: the same transfer without credits fails pyaleph's pre-check; if a CCN lists it anyway, the ledger applies it as written", () => {
		const state = createLedgerState();
		expect(transferPrecheck(state, xfer)).toBe(false);
		const { rows } = applyCreditPost(state, xfer);
		expect(rows.map((r) => [r.address, r.amount])).toEqual([
			[R, 1_000_000n],
			[REGULAR, -1_000_000n],
		]);
	});
});

describe("a partially funded transfer", () => {
	it("grants the recipient only what was drained (pyaleph's fallback applies only when nothing was)", () => {
		const { rows, state } = apply([
			D("d", at("2026-03-01T00:00:00Z"), [{ address: "0xs", amount: 100 }]),
			T("t", at("2026-03-02T00:00:00Z"), "0xs", [{ address: "0xr", amount: 250 }]),
		]);
		expect(rows.filter((r) => r.creditRef === "t").map((r) => [r.address, r.amount])).toEqual([
			["0xr", 100n],
			["0xs", -250n],
		]);
		expect([bal(state, "0xs", NOW), bal(state, "0xr", NOW)]).toEqual([0n, 100n]);
	});

	it("skips lots expired at the transfer's instant", () => {
		const { rows } = apply([
			D("d", at("2026-03-01T00:00:00Z"), [{ address: "0xs", amount: 100, expiration: msOf("2026-03-01T12:00:00Z") }]),
			T("t", at("2026-03-02T00:00:00Z"), "0xs", [{ address: "0xr", amount: 50 }]),
		]);
		// Nothing was drainable: the fallback row.
		expect(rows.filter((r) => r.creditRef === "t").map((r) => [r.address, r.amount, r.expirationMicros])).toEqual([
			["0xr", 50n, null],
			["0xs", -50n, null],
		]);
	});
});

describe("expiry at the debit instant", () => {
	it("a lot expiring exactly when a debit happens is not drained; one microsecond later it is", () => {
		const grant = D("d", at("2026-03-01T00:00:00Z"), [{ address: "0xs", amount: 100, expiration: msOf("2026-03-02T00:00:00Z") }]);
		const atExpiry = apply([grant, E("e", at("2026-03-02T00:00:00Z"), [{ address: "0xs", amount: 40 }])]).state;
		expect(lotsOf(atExpiry, "0xs")[0]?.remaining).toBe(100n);
		const before = apply([grant, E("e", at("2026-03-02T00:00:00Z") - 1n, [{ address: "0xs", amount: 40 }])]).state;
		expect(lotsOf(before, "0xs")[0]?.remaining).toBe(60n);
		// Reads use the same rule: expired at its own instant.
		expect(bal(before, "0xs", msOf("2026-03-02T00:00:00Z"))).toBe(0n);
		expect(bal(before, "0xs", msOf("2026-03-02T00:00:00Z") - 1)).toBe(60n);
	});
});

describe("replay properties", () => {
	const addresses = ["0xa", "0xb", "0xc", "0xd", "0xe"];
	const cutoffSeconds = Number(CREDIT_PRECISION_CUTOFF_MICROS / 1_000_000n);
	// Times cluster around the cutoff and collide often, so ties are exercised.
	const time = fc.integer({ min: -40, max: 40 }).map((d) => sec(cutoffSeconds + d * 3600));
	const expiration = fc.option(
		fc.integer({ min: -60, max: 60 }).map((d) => (cutoffSeconds + d * 3600) * 1000),
		{ nil: null },
	);
	const address = fc.constantFrom(...addresses);
	const amount = fc.integer({ min: 1, max: 500 });
	const postArbitrary = fc.oneof(
		fc.record({
			kind: fc.constant("D" as const),
			time,
			entries: fc.array(fc.record({ address, amount, expiration }), { minLength: 1, maxLength: 3 }),
		}),
		fc.record({ kind: fc.constant("E" as const), time, entries: fc.array(fc.record({ address, amount }), { minLength: 1, maxLength: 3 }) }),
		fc.record({
			kind: fc.constant("T" as const),
			time,
			from: address,
			minted: fc.boolean(),
			entries: fc.uniqueArray(fc.record({ address, amount, expiration }), { selector: (e) => e.address, minLength: 1, maxLength: 3 }),
		}),
	);
	const postSet = fc.array(postArbitrary, { minLength: 1, maxLength: 40 }).map((list) =>
		list.map((p, i): CreditPost => {
			const ref = `${i.toString(16).padStart(4, "0")}`;
			if (p.kind === "D") return D(ref, p.time, p.entries);
			if (p.kind === "E") return E(ref, p.time, p.entries);
			return T(
				ref,
				p.time,
				p.from,
				p.entries.filter((e) => e.address !== p.from).length > 0
					? p.entries.filter((e) => e.address !== p.from)
					: [{ address: "0xz", amount: 1 }],
				p.minted,
			);
		}),
	);

	it("the same posts in any arrival order give the same rows and lots", () => {
		fc.assert(
			fc.property(postSet, fc.func(fc.integer()), (posts, order) => {
				const shuffled = [...posts].sort((a, b) => order(a.itemHash) - order(b.itemHash));
				const a = replay(posts);
				const b = replay(shuffled);
				expect(b.rows).toEqual(a.rows);
				expect(snapshot(b.state)).toEqual(snapshot(a.state));
			}),
			{ numRuns: 300 },
		);
	});

	it("applying posts one by one in ledger order equals the replay", () => {
		fc.assert(
			fc.property(postSet, (posts) => {
				const state = createLedgerState();
				const rows = [...posts].sort(comparePositions).flatMap((p) => applyCreditPost(state, p).rows);
				const replayed = replay(posts);
				expect(rows).toEqual(replayed.rows);
				expect(snapshot(state)).toEqual(snapshot(replayed.state));
			}),
			{ numRuns: 300 },
		);
	});

	it("pyaleph's per-address repair over the rows rebuilds the same lots", () => {
		fc.assert(
			fc.property(postSet, (posts) => {
				const { rows, state } = replay(posts);
				const rebuilt = stateFromRows(rows);
				expect(snapshot(rebuilt)).toEqual(snapshot(state));
				expect(rebuilt.position).toEqual(state.position);
			}),
			{ numRuns: 300 },
		);
	});

	it("a late post is absorbed by rebuilding from the rows before it and re-applying the rest", () => {
		fc.assert(
			fc.property(postSet, fc.nat(), (posts, pick) => {
				const ordered = [...posts].sort(comparePositions);
				const late = ordered[pick % ordered.length] as CreditPost;
				const { rows } = replay(ordered.filter((p) => p !== late));
				const before = rows.filter((r) => comparePositions({ timeMicros: r.messageTimeMicros, itemHash: r.creditRef }, late) < 0);
				const state = stateFromRows(before);
				const rederived = [
					...before,
					...ordered.filter((p) => comparePositions(p, late) >= 0).flatMap((p) => applyCreditPost(state, p).rows),
				];
				const full = replay(posts);
				expect(rederived).toEqual(full.rows);
				expect(snapshot(state)).toEqual(snapshot(full.state));
			}),
			{ numRuns: 300 },
		);
	});

	it("never leaves an empty or negative lot, and a transfer grants each recipient at most its amount", () => {
		fc.assert(
			fc.property(postSet, (posts) => {
				const { rows, state } = replay(posts);
				for (const lots of state.lots.values()) for (const lot of lots) expect(lot.remaining > 0n).toBe(true);
				for (const p of posts) {
					if (p.kind !== "transfer") continue;
					const mine = rows.filter((r) => r.creditRef === p.itemHash);
					for (const e of p.entries) {
						const granted = mine.filter((r) => r.address === e.address).reduce((s, r) => s + r.amount, 0n);
						expect(granted > 0n && granted <= e.amount).toBe(true);
					}
					const debited = -mine.filter((r) => r.address === p.owner).reduce((s, r) => s + r.amount, 0n);
					expect(debited).toBe(p.minted ? 0n : p.entries.reduce((s, e) => s + e.amount, 0n));
				}
			}),
			{ numRuns: 200 },
		);
	});
});

describe("reads", () => {
	it("refuses a fractional now", () => {
		expect(() => balance([], 1.5)).toThrow(RangeError);
	});
});
