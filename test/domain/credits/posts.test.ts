import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BIGINT_MAX, type CreditPostResult, ledgerAddress, parseCreditPost } from "../../../src/domain/credits/posts.ts";
import { parseMessageContent } from "../../../src/domain/network/content.ts";
import { parseEnvelope } from "../../../src/domain/network/envelope.ts";
import { V4 } from "../network/fixtures.ts";
import { ISSUER, post } from "./helpers.ts";

const T = 1_780_000_000; // 2026-05-28, after the precision cutoff: amounts as posted
const PRE = 1_651_050_219; // 2022: ×10 000

const distribution = (credits: string, extra = "") =>
	`{"address":"${ISSUER}","time":${T},"type":"aleph_credit_distribution","content":{"distribution":{"token":"ALEPH","chain":"ETH","credits":${credits}${extra}}}}`;
const expense = (credits: string) =>
	`{"address":"${ISSUER}","time":${T},"type":"aleph_credit_expense","content":{"expense":{"credits":${credits}}}}`;
const transfer = (from: string, credits: string, time = T) =>
	`{"address":"${from}","time":${time},"type":"aleph_credit_transfer","content":{"transfer":{"credits":${credits}}}}`;
const ALICE = "0xAbC0000000000000000000000000000000000001";
const BOB = "0xbob";
const entry = (fields: string) => `[{"address":"${BOB}","price":"1","tx_hash":"t","provider":"p",${fields}}]`;

function credit(result: CreditPostResult) {
	if (result.status !== "credit") throw new Error(`expected a credit post, got ${JSON.stringify(result)}`);
	return result.post;
}

describe("parseCreditPost(): which POSTs count (§5.1)", () => {
	it("reads a distribution from the issuer", () => {
		expect(parseCreditPost(post({ content: distribution(entry('"amount":5')) }))).toMatchObject({
			status: "credit",
			post: { kind: "distribution" },
		});
	});

	it.each([
		["a channel other than ALEPH_CREDIT", { channel: "TEST" }, "not_credit_channel"],
		["the channel in another case", { channel: "aleph_credit" }, "not_credit_channel"],
		["no channel", { channel: null }, "not_credit_channel"],
	])("ignores %s", (_, fields, reason) => {
		expect(parseCreditPost(post({ content: distribution(entry('"amount":5')), ...fields }))).toEqual({ status: "ignored", reason });
	});

	it.each([
		[
			"an amend of a credit post (amends never touch credits)",
			`{"address":"${ISSUER}","time":${T},"type":"amend","ref":"${"b".repeat(64)}","content":{"distribution":{}}}`,
			"not_credit_type",
		],
		["another post type", `{"address":"${ISSUER}","time":${T},"type":"balances-update","content":{"x":1}}`, "not_credit_type"],
		["empty content.content", `{"address":"${ISSUER}","time":${T},"type":"aleph_credit_transfer","content":{}}`, "empty_content"],
		["no content.content", `{"address":"${ISSUER}","time":${T},"type":"aleph_credit_transfer"}`, "empty_content"],
		["a false content.content", `{"address":"${ISSUER}","time":${T},"type":"aleph_credit_transfer","content":false}`, "empty_content"],
	])("ignores %s", (_, content, reason) => {
		expect(parseCreditPost(post({ content }))).toEqual({ status: "ignored", reason });
	});

	it("M3: ignores a distribution or expense from a non-issuer, without validating it", () => {
		const from = (content: string) =>
			post({ content: content.replace(`"address":"${ISSUER}"`, '"address":"0xRegularSender123456789012345678901234567890"') });
		expect(parseCreditPost(from(distribution(entry('"amount":5'))))).toEqual({ status: "ignored", reason: "not_issuer" });
		expect(parseCreditPost(from(expense('[{"address":"x","amount":1.5}]')))).toEqual({ status: "ignored", reason: "not_issuer" });
		expect(parseCreditPost(from(`{"address":"${ISSUER}","time":${T},"type":"aleph_credit_distribution","content":[1]}`))).toEqual({
			status: "ignored",
			reason: "not_issuer",
		});
	});

	it("takes the issuer list as a parameter, compared case-insensitively for EVM addresses (a divergence from pyaleph)", () => {
		const m = post({ content: distribution(entry('"amount":5')) });
		expect(parseCreditPost(m, { issuers: ["0xWhitelisted12345678901234567890123456789012"] })).toEqual({
			status: "ignored",
			reason: "not_issuer",
		});
		expect(parseCreditPost(m, { issuers: [ISSUER.toLowerCase()] }).status).toBe("credit");
		const lower = post({ content: distribution(entry('"amount":5')).replace(ISSUER, ISSUER.toLowerCase()) });
		expect(parseCreditPost(lower).status).toBe("credit");
		// Non-EVM forms are compared exactly.
		expect(parseCreditPost(m, { issuers: ["0xwhitelisted"] }).status).toBe("ignored");
	});

	it("reads transfers from anyone", () => {
		const m = post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":3}]`), sender: ALICE });
		expect(credit(parseCreditPost(m))).toEqual({
			kind: "transfer",
			itemHash: "a".repeat(64),
			timeMicros: 1_780_000_000_000_000n,
			owner: ALICE.toLowerCase(),
			minted: false,
			entries: [{ address: BOB, amount: 3n, rawAmount: 3n, expirationMicros: null }],
		});
	});

	it("marks an issuer's transfer as minted", () => {
		expect(credit(parseCreditPost(post({ content: transfer(ISSUER, `[{"address":"${BOB}","amount":3}]`) })))).toMatchObject({
			minted: true,
		});
	});

	it("ignores a message that is not a POST", () => {
		const e = parseEnvelope({
			chain: "ETH",
			sender: ISSUER,
			type: "AGGREGATE",
			item_type: "inline",
			item_hash: "a".repeat(64),
			item_content: "{}",
			signature: null,
			time: 1,
			channel: "ALEPH_CREDIT",
		});
		if (!e.ok) throw new Error(e.message);
		const c = parseMessageContent(e.envelope, '{"key":"k","content":{"a":1}}');
		if (!c.ok) throw new Error(c.message);
		expect(parseCreditPost({ envelope: e.envelope, content: c.content })).toEqual({ status: "ignored", reason: "not_post" });
	});
});

describe("parseCreditPost(): the content schemas (§5.2)", () => {
	it("maps a distribution entry onto its history row's values (L1's fields)", () => {
		const m = post({
			content: distribution(
				'[{"address":"0x123","amount":1000,"price":"0.5","tx_hash":"0xabc123","provider":"test_provider","expiration":1700000000000,"origin":"test_origin","ref":"test_ref","payment_method":"test_payment","bonus_amount":7}]',
			).replace('"token":"ALEPH"', '"token":"TEST_TOKEN"'),
		});
		expect(credit(parseCreditPost(m))).toEqual({
			kind: "distribution",
			itemHash: "a".repeat(64),
			timeMicros: 1_780_000_000_000_000n,
			owner: ISSUER.toLowerCase(),
			token: "TEST_TOKEN",
			chain: "ETH",
			entries: [
				{
					address: "0x123",
					amount: 1000n,
					price: "0.5",
					txHash: "0xabc123",
					provider: "test_provider",
					expirationMicros: 1_700_000_000_000_000n,
					origin: "test_origin",
					ref: "test_ref",
					paymentMethod: "test_payment",
					bonusAmount: 7n,
				},
			],
		});
	});

	it("writes empty strings as null, as pyaleph's CSV COPY does", () => {
		const m = post({
			content: distribution(
				'[{"address":"0x1","amount":1,"price":"1","tx_hash":"","provider":"","origin":"","ref":"","payment_method":""}]',
			).replace('"token":"ALEPH"', '"token":""'),
		});
		expect(credit(parseCreditPost(m))).toMatchObject({
			token: null,
			entries: [{ txHash: null, provider: null, origin: null, ref: null, paymentMethod: null }],
		});
	});

	it("multiplies amounts by 10 000 when content.time is before 2026-02-02 (§5.3)", () => {
		const at = (time: number | string) =>
			post({
				content: transfer(ALICE, `[{"address":"${BOB}","amount":100}]`, time as number).replace(`"time":${time}`, `"time":${time}`),
				sender: ALICE,
			});
		expect(credit(parseCreditPost(at(PRE)))).toMatchObject({ entries: [{ amount: 1_000_000n, rawAmount: 100n }] });
		expect(credit(parseCreditPost(at(1769990399.999)))).toMatchObject({ entries: [{ amount: 1_000_000n }] });
		expect(credit(parseCreditPost(at(1769990400)))).toMatchObject({ entries: [{ amount: 100n }] });
		// datetime.fromtimestamp rounds this to the cutoff microsecond itself: not before it.
		expect(credit(parseCreditPost(at(1769990399.9999995)))).toMatchObject({ entries: [{ amount: 100n }] });
	});

	it.each([
		["100.0 (a float)", "100.0"],
		["1e6 (a float)", "1e6"],
		['"100" (a string)', '"100"'],
		['"lots" (M7)', '"lots"'],
		["true", "true"],
		["null", "null"],
		["0 (M5)", "0"],
		["-100 (M6)", "-100"],
		["2^64 (a double to orjson)", "18446744073709551616"],
	])("refuses the amount %s", (_, amount) => {
		expect(parseCreditPost(post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":${amount}}]`), sender: ALICE }))).toMatchObject({
			status: "invalid",
			reason: "invalid_amount",
		});
	});

	it("refuses amounts beyond pyaleph's BIGINT columns, after the multiplier", () => {
		const ok = post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":${BIGINT_MAX}}]`), sender: ALICE });
		expect(credit(parseCreditPost(ok))).toMatchObject({ entries: [{ amount: BIGINT_MAX }] });
		const over = post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":${BIGINT_MAX + 1n}}]`), sender: ALICE });
		expect(parseCreditPost(over)).toMatchObject({ status: "invalid", reason: "out_of_range" });
		const scaled = post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":${BIGINT_MAX / 10_000n + 1n}}]`, PRE), sender: ALICE });
		expect(parseCreditPost(scaled)).toMatchObject({ status: "invalid", reason: "out_of_range" });
	});

	it.each([
		["0 (none)", "0", null],
		["null (none)", "null", null],
		["epoch ms", "1767225600000", 1_767_225_600_000_000n],
		["a numeric string (pydantic's lax int)", '"1767225600000"', 1_767_225_600_000_000n],
		["a whole float", "1.7672256e12", 1_767_225_600_000_000n],
		["true (pydantic reads 1 ms)", "true", 1000n],
		["a negative time (already expired)", "-5", -5000n],
		// Python divides by 1000 as floats before rounding to µs: far dates lose the exact ms, as here.
		["a date in year 9999", "253402300799999", 253_402_300_799_998_993n],
		["a date in year 2400, 1 ms past midnight", "13569465600001", 13_569_465_600_000_999n],
	])("reads the expiration %s", (_, expiration, micros) => {
		const m = post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":1,"expiration":${expiration}}]`), sender: ALICE });
		expect(credit(parseCreditPost(m))).toMatchObject({ entries: [{ expirationMicros: micros }] });
	});

	it.each([
		["12.5", "invalid_credit_content"],
		['"soon"', "invalid_credit_content"],
		["253402300800000", "out_of_range"],
		["100000000000000000000", "invalid_credit_content"],
	])("refuses the expiration %s", (expiration, reason) => {
		const m = post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":1,"expiration":${expiration}}]`), sender: ALICE });
		expect(parseCreditPost(m)).toMatchObject({ status: "invalid", reason });
	});

	it("M4: refuses a transfer to its sender, also in another case (a divergence from pyaleph)", () => {
		const self = post({ content: transfer(ALICE, `[{"address":"${ALICE}","amount":1}]`), sender: ALICE });
		expect(parseCreditPost(self)).toMatchObject({ status: "invalid", reason: "self_transfer" });
		const cased = post({ content: transfer(ALICE, `[{"address":"${ALICE.toLowerCase()}","amount":1}]`), sender: ALICE });
		expect(parseCreditPost(cased)).toMatchObject({ status: "invalid", reason: "self_transfer" });
	});

	it("M9: refuses duplicate recipients, compared exactly as pyaleph does", () => {
		const twice = post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":10},{"address":"${BOB}","amount":20}]`), sender: ALICE });
		expect(parseCreditPost(twice)).toMatchObject({ status: "invalid", reason: "duplicate_recipient" });
		const carol = "0xCafe000000000000000000000000000000000001";
		const cased = post({
			content: transfer(ALICE, `[{"address":"${carol}","amount":10},{"address":"${carol.toLowerCase()}","amount":20}]`),
			sender: ALICE,
		});
		expect(credit(parseCreditPost(cased))).toMatchObject({ entries: [{ address: carol.toLowerCase() }, { address: carol.toLowerCase() }] });
	});

	it.each([
		["M8: an empty credits list", transfer(ALICE, "[]")],
		["no credits", `{"address":"${ALICE}","time":${T},"type":"aleph_credit_transfer","content":{"transfer":{}}}`],
		["a list as content", `{"address":"${ALICE}","time":${T},"type":"aleph_credit_transfer","content":[1]}`],
		["credits as an object", transfer(ALICE, "{}")],
		["an entry that is not an object", transfer(ALICE, "[5]")],
		["a blank address", transfer(ALICE, '[{"address":" \\t","amount":1}]')],
		["a numeric address", transfer(ALICE, '[{"address":5,"amount":1}]')],
	])("refuses %s", (_, content) => {
		expect(parseCreditPost(post({ content, sender: ALICE }))).toMatchObject({ status: "invalid" });
	});

	it("ignores unknown keys inside the credit content (pydantic's default)", () => {
		const m = post({ content: transfer(ALICE, `[{"address":"${BOB}","amount":1,"note":"x"}],"memo":{"a":1}`), sender: ALICE });
		expect(parseCreditPost(m).status).toBe("credit");
	});

	it.each([
		['"0.5"', "0.5"],
		["0.000001", "0.000001"],
		['"1e-06"', "0.000001"],
		["15.833333333333334", "15.833333333333334"],
		["5", "5"],
		['" 1.5 "', "1.5"],
		['"NaN"', "NaN"],
		['"inf"', "Infinity"],
	])("writes the distribution price %s as str(Decimal(price)) = %s", (price, written) => {
		const m = post({ content: distribution(`[{"address":"${BOB}","amount":1,"price":${price},"tx_hash":"t","provider":"p"}]`) });
		expect(credit(parseCreditPost(m))).toMatchObject({ entries: [{ price: written }] });
	});

	it.each([['"abc"'], ["true"], ["null"], ['"sNaN"'], ['"-nan"'], ['""']])("refuses the distribution price %s", (price) => {
		const m = post({ content: distribution(`[{"address":"${BOB}","amount":1,"price":${price},"tx_hash":"t","provider":"p"}]`) });
		expect(parseCreditPost(m)).toMatchObject({ status: "invalid", reason: "invalid_credit_content" });
	});

	it.each([
		["missing token", distribution(entry('"amount":1')).replace('"token":"ALEPH",', "")],
		["a numeric chain", distribution(entry('"amount":1')).replace('"chain":"ETH"', '"chain":1')],
		["no tx_hash", distribution(`[{"address":"${BOB}","amount":1,"price":"1","provider":"p"}]`)],
		["no provider", distribution(`[{"address":"${BOB}","amount":1,"price":"1","tx_hash":"t"}]`)],
		["no price", distribution(`[{"address":"${BOB}","amount":1,"tx_hash":"t","provider":"p"}]`)],
		["a numeric origin", distribution(entry('"amount":1,"origin":5'))],
	])("refuses a distribution with %s", (_, content) => {
		expect(parseCreditPost(post({ content }))).toMatchObject({ status: "invalid", reason: "invalid_credit_content" });
	});

	it.each([
		["0", null],
		['""', null],
		["false", null],
		["12", 12n],
		['" 12 "', 12n],
		['"-3"', -3n],
	])('writes bonus_amount %s as %s (through str(v or "") into a BIGINT)', (bonus, expected) => {
		const m = post({ content: distribution(entry(`"amount":1,"bonus_amount":${bonus}`)) });
		expect(credit(parseCreditPost(m))).toMatchObject({ entries: [{ bonusAmount: expected }] });
	});

	it.each([["1.5"], ["1.0"], ['"x"'], ["true"], ["[1]"], ['"9223372036854775808"']])(
		"refuses bonus_amount %s (the BIGINT COPY fails)",
		(bonus) => {
			expect(parseCreditPost(post({ content: distribution(entry(`"amount":1,"bonus_amount":${bonus}`)) }))).toMatchObject({
				status: "invalid",
			});
		},
	);

	it("maps an expense entry (L4's fields, v2 count and size)", () => {
		const m = post({
			content: expense(
				'[{"address":"0x456","amount":500,"ref":"expense_ref","execution_id":"exec_12345","node_id":"node_67890","price":"0.001","time":1640995200000,"count":12,"size":2048.5}]',
			),
		});
		expect(credit(parseCreditPost(m))).toEqual({
			kind: "expense",
			itemHash: "a".repeat(64),
			timeMicros: 1_780_000_000_000_000n,
			owner: ISSUER.toLowerCase(),
			entries: [
				{
					address: "0x456",
					amount: 500n,
					ref: "expense_ref",
					executionId: "exec_12345",
					nodeId: "node_67890",
					price: "0.001",
					count: 12n,
					sizeMib: "2048.5",
				},
			],
		});
	});

	it("keeps an expense price as str(v): 1e-06 stays 1e-06", () => {
		expect(credit(parseCreditPost(post({ content: expense('[{"address":"a","amount":1,"price":0.000001}]') })))).toMatchObject({
			entries: [{ price: "1e-06" }],
		});
	});

	it.each([
		['"count":12.0', { count: 12n }],
		['"count":"12"', { count: 12n }],
		['"count":true', { count: 1n }],
		['"size":"2048.50"', { sizeMib: "2048.50" }],
		['"size":1e-7', { sizeMib: "1E-7" }],
		['"size":"-0"', { sizeMib: "-0" }],
		['"time":"inf"', {}],
		['"time":"3.5"', {}],
	])("reads the expense field %s", (field, expected) => {
		expect(credit(parseCreditPost(post({ content: expense(`[{"address":"a","amount":1,${field}}]`) })))).toMatchObject({
			entries: [expected],
		});
	});

	it.each([
		['"count":-1'],
		['"count":12.5'],
		['"count":9223372036854775808'],
		['"size":-1'],
		['"size":"NaN"'],
		['"size":true'],
		['"time":"abc"'],
		['"node_id":5'],
	])("refuses the expense field %s", (field) => {
		expect(parseCreditPost(post({ content: expense(`[{"address":"a","amount":1,${field}}]`) }))).toMatchObject({ status: "invalid" });
	});

	it("reads the real expense of aleph-nodestatus's fixture (V4): price per second and amounts as posted", () => {
		const content = JSON.stringify(V4.content);
		const m = post({ content, sender: V4.sender, time: V4.time, itemHash: V4.item_hash });
		const parsed = credit(parseCreditPost(m));
		expect(parsed).toMatchObject({ kind: "expense", owner: ISSUER.toLowerCase(), timeMicros: 1778060633717000n });
		if (parsed.kind !== "expense") return;
		expect(parsed.entries).toHaveLength(3);
		expect(parsed.entries[0]).toEqual({
			address: "0xaaf798d5f80daee72aee8557b890809e9f5b6072",
			amount: 57008n,
			ref: "026e3250712cfae4d65f138738316e7368c7bf3f45383e6d3048394b36e1f4e7",
			executionId: "0fbb350777c7d3c3a9533b4c9d766e8a1d1e02c07af67911df19db020dad1b90",
			nodeId: "58824ca94b6cbe4e9563eef08c1a64836ce92b383596c7deb2a319d33da44c6b",
			price: "15.833333333333334",
			count: null,
			sizeMib: null,
		});
		expect(parsed.entries[2]?.price).toBe("3.9583333333333335");
	});
});

describe("ledgerAddress()", () => {
	it("lowercases EVM addresses and leaves other forms alone", () => {
		expect(ledgerAddress(ISSUER)).toBe("0x2e4454fad1906c0ce6e45cbfa05ce898ac3ac1dc");
		expect(ledgerAddress("0xRegularSender123456789012345678901234567890")).toBe("0xRegularSender123456789012345678901234567890");
		expect(ledgerAddress("AzfsDdCQp8uqzR4ProJ7yyLGKNp9iXHt92rEoiAHG4Pw")).toBe("AzfsDdCQp8uqzR4ProJ7yyLGKNp9iXHt92rEoiAHG4Pw");
		expect(ledgerAddress("0X2E4454FAD1906C0CE6E45CBFA05CE898AC3AC1DC")).toBe("0X2E4454FAD1906C0CE6E45CBFA05CE898AC3AC1DC");
	});
});

describe("parseCreditPost() on hostile content", () => {
	const json = fc.json({ depthSize: "small" }).map((text) => text);
	const field = fc.oneof(
		json,
		fc.constantFrom("1", "1.5", '"1"', "true", "null", "-5", "18446744073709551616", '"0x10"', '" "', "[]", "{}"),
	);
	const creditEntry = fc
		.record({
			address: field,
			amount: field,
			expiration: field,
			price: field,
			tx_hash: field,
			provider: field,
			bonus_amount: field,
			count: field,
			size: field,
			time: field,
		})
		.map(
			(fields) =>
				`{${Object.entries(fields)
					.map(([k, v]) => `"${k}":${v}`)
					.join(",")}}`,
		);
	const kind = fc.constantFrom("distribution", "expense", "transfer");

	it("never throws, whatever the entries hold", () => {
		fc.assert(
			fc.property(kind, fc.array(creditEntry, { maxLength: 3 }), fc.boolean(), (k, entries, issuer) => {
				const from = issuer ? ISSUER : ALICE;
				const content = `{"address":"${from}","time":${PRE},"type":"aleph_credit_${k}","content":{"${k}":{"token":"t","chain":"c","credits":[${entries.join(",")}]}}}`;
				const result = parseCreditPost(post({ content, sender: from }));
				expect(["credit", "invalid", "ignored"]).toContain(result.status);
				if (result.status === "credit") for (const e of result.post.entries) expect(e.amount > 0n && e.amount <= BIGINT_MAX).toBe(true);
			}),
			{ numRuns: 1000 },
		);
	});
});
