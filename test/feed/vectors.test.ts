/**
 * Permission vectors (spec aleph-network §4.1, §8.2) and message-level credit vectors (§8.4), end
 * to end: signed messages on a local CCN, read, verified and judged by the follower. Delegated
 * transfers also exercise the aggregates the follower follows on demand (owners of waiting posts).
 */
import { generatePrivateKey } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Authorization, creditDistribution, creditTransfer, post, securityAggregate } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { createSigner, type Signer } from "../../devchain/ccn/sign.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { type Harness, issuer, startFollower, storedBalances, testFeed, waitSynced } from "./helpers.ts";

let database: TestDatabase;
let ccn: LocalCcn;
let harness: Harness;

const T = 1_780_000_000;
const T2022 = 1_651_050_219;
const A = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;

type PermissionCase = {
	name: string;
	/** The owner's security aggregate (signed by the owner), or none. */
	authorizations: ((d: Signer) => Authorization[]) | null;
	/** How the delegate's transfer is sent. */
	chain?: string;
	expect: "applied" | "unauthorized";
};

const PERMISSIONS: PermissionCase[] = [
	{ name: "P3: a delegate with no restriction", authorizations: (d) => [{ address: d.address }], expect: "applied" },
	{ name: "no security aggregate", authorizations: null, expect: "unauthorized" },
	{ name: "the delegate's address in lowercase", authorizations: (d) => [{ address: d.address.toLowerCase() }], expect: "applied" },
	{ name: "types [POST]", authorizations: (d) => [{ address: d.address, types: ["POST"] }], expect: "applied" },
	{ name: "types [AGGREGATE] only", authorizations: (d) => [{ address: d.address, types: ["AGGREGATE"] }], expect: "unauthorized" },
	{
		name: "post_types [aleph_credit_transfer]",
		authorizations: (d) => [{ address: d.address, post_types: ["aleph_credit_transfer"] }],
		expect: "applied",
	},
	{ name: "post_types [post]", authorizations: (d) => [{ address: d.address, post_types: ["post"] }], expect: "unauthorized" },
	{ name: "channels [ALEPH_CREDIT]", authorizations: (d) => [{ address: d.address, channels: ["ALEPH_CREDIT"] }], expect: "applied" },
	{ name: "channels [TEST]", authorizations: (d) => [{ address: d.address, channels: ["TEST"] }], expect: "unauthorized" },
	{ name: "chain ETH", authorizations: (d) => [{ address: d.address, chain: "ETH" }], expect: "applied" },
	{ name: "chain AVAX", authorizations: (d) => [{ address: d.address, chain: "AVAX" }], expect: "unauthorized" },
	{ name: "another delegate only", authorizations: () => [{ address: A(0xbad) }], expect: "unauthorized" },
	{ name: "an empty list (F4: no longer listed)", authorizations: () => [], expect: "unauthorized" },
];

const cases = PERMISSIONS.map((c) => ({
	...c,
	owner: createSigner(generatePrivateKey()),
	delegate: createSigner(generatePrivateKey()),
	to: A(0x1000 + PERMISSIONS.indexOf(c)),
}));

// A chain of delegation: the owner lets D1 write its security aggregate; D1 authorizes D2.
const chainOwner = createSigner(generatePrivateKey());
const d1 = createSigner(generatePrivateKey());
const d2 = createSigner(generatePrivateKey());
const CHAIN_TO = A(0x2000);

// §8.4: message-level vectors; REGULAR holds credits, POOR holds none.
const regular = createSigner(generatePrivateKey());
const poor = createSigner(generatePrivateKey());
const R = A(0x3000);

beforeAll(async () => {
	database = await createTestDatabase();
	ccn = await startLocalCcn();
	const grant = async (time: number, to: string, amount: number) =>
		ccn.insert(
			await issuer.sign(creditDistribution({ sender: issuer.address, address: issuer.address, time, credits: [{ address: to, amount }] })),
		);
	for (const [i, c] of cases.entries()) {
		await grant(T + i, c.owner.address, 1000);
		if (c.authorizations)
			ccn.insert(
				await c.owner.sign(securityAggregate({ sender: c.owner.address, time: T + 100 + i, authorizations: c.authorizations(c.delegate) })),
			);
		ccn.insert(
			await c.delegate.sign({
				...creditTransfer({
					sender: c.delegate.address,
					address: c.owner.address,
					time: T + 200 + i,
					credits: [{ address: c.to, amount: 10 }],
				}),
				...(c.chain ? { chain: c.chain } : {}),
			}),
		);
	}
	await grant(T + 300, chainOwner.address, 1000);
	ccn.insert(
		await chainOwner.sign(
			securityAggregate({
				sender: chainOwner.address,
				time: T + 301,
				authorizations: [{ address: d1.address, types: ["AGGREGATE"], aggregate_keys: ["security"] }],
			}),
		),
	);
	ccn.insert(
		await d1.sign(
			securityAggregate({ sender: d1.address, address: chainOwner.address, time: T + 302, authorizations: [{ address: d2.address }] }),
		),
	);
	ccn.insert(
		await d2.sign(
			creditTransfer({ sender: d2.address, address: chainOwner.address, time: T + 303, credits: [{ address: CHAIN_TO, amount: 7 }] }),
		),
	);

	await grant(T2022 - 10, regular.address, 1000);
	const transfer = (from: Signer, time: number, credits: unknown) =>
		from.sign(
			post({ sender: from.address, time, channel: "ALEPH_CREDIT", postType: "aleph_credit_transfer", content: { transfer: { credits } } }),
		);
	ccn.insert(await transfer(regular, T2022, [{ address: R, amount: 100 }])); // M1
	ccn.insert(await transfer(poor, T2022 + 1, [{ address: A(0x3001), amount: 100 }])); // M2
	ccn.insert(
		await regular.sign(creditDistribution({ sender: regular.address, time: T2022 + 2, credits: [{ address: A(0x3002), amount: 1000 }] })),
	); // M3
	ccn.insert(await transfer(regular, T2022 + 3, [{ address: regular.address, amount: 1 }])); // M4
	ccn.insert(await transfer(regular, T2022 + 4, [{ address: A(0x3005), amount: 0 }])); // M5
	ccn.insert(await transfer(regular, T2022 + 5, [{ address: A(0x3006), amount: -100 }])); // M6
	ccn.insert(await transfer(regular, T2022 + 6, [{ address: A(0x3007), amount: "lots" }])); // M7
	ccn.insert(await transfer(regular, T2022 + 7, [])); // M8
	ccn.insert(
		await transfer(regular, T2022 + 8, [
			{ address: A(0x3009), amount: 1 },
			{ address: A(0x3009), amount: 2 },
		]),
	); // M9

	harness = await startFollower(database, testFeed([ccn.url]));
	await waitSynced(database.db, [ccn.url]);
	// The owners of waiting posts join the aggregate scan at the next poll.
	await waitSynced(database.db, [ccn.url], new Date());
	await waitSynced(database.db, [ccn.url], new Date());
});

afterAll(async () => {
	await harness?.stop();
	await ccn?.stop();
	await database?.drop();
});

async function statusOf(sender: string, postType: string) {
	const rows = await database.db
		.selectFrom("feed_messages")
		.select(["status", "reason", "time_micros"])
		.where("sender", "=", sender)
		.where("post_type", "=", postType)
		.orderBy("time_micros")
		.execute();
	return rows;
}

describe("permission vectors: a delegate's transfer of its owner's credits", () => {
	it.each(cases)("$name → $expect", async (c) => {
		const [row] = await statusOf(c.delegate.address, "aleph_credit_transfer");
		expect(row?.status).toBe(c.expect);
		const balances = await storedBalances(database.db);
		expect(balances.get(c.to) ?? 0n).toBe(c.expect === "applied" ? 10n : 0n);
		expect(balances.get(c.owner.address.toLowerCase())).toBe(c.expect === "applied" ? 990n : 1000n);
	});

	it("a delegate allowed to write the owner's security aggregate can authorize another delegate", async () => {
		expect((await storedBalances(database.db)).get(CHAIN_TO)).toBe(7n);
	});
});

describe("message-level credit vectors (§8.4), ×10 000 in 2022", () => {
	it("M1: a holder's transfer credits the recipient and debits the holder", async () => {
		const b = await storedBalances(database.db);
		expect(b.get(R)).toBe(1_000_000n);
		expect(b.get(regular.address.toLowerCase())).toBe(9_000_000n);
	});

	it("M2: a transfer without funds, listed by a CCN, credits the recipient (the pre-check is the CCN's, at its wall clock)", async () => {
		expect((await storedBalances(database.db)).get(A(0x3001))).toBe(1_000_000n);
	});

	it("M3: a distribution from a non-issuer is ignored; M4-M9 are invalid", async () => {
		expect((await statusOf(regular.address, "aleph_credit_distribution")).map((r) => r.status)).toEqual(["ignored"]);
		const transfers = await statusOf(regular.address, "aleph_credit_transfer");
		expect(transfers.map((r) => [r.status, r.reason])).toEqual([
			["applied", null],
			["invalid", "self_transfer"],
			["invalid", "invalid_amount"],
			["invalid", "invalid_amount"],
			["invalid", "invalid_amount"],
			["invalid", "invalid_credit_content"],
			["invalid", "duplicate_recipient"],
		]);
		expect((await storedBalances(database.db)).get(A(0x3002))).toBeUndefined();
	});
});
