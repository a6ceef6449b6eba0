/**
 * Messages signed by the real Aleph SDK (`@aleph-sdk/client` + `@aleph-sdk/ethereum` 1.7.4), published
 * to the local CCN, then read, verified and applied by the oracle's own follower: our verification
 * is checked against signatures a real client made, not only against our signer. The same bytes
 * with one signature byte changed are refused and counted.
 */
import { AuthenticatedAlephHttpClient } from "@aleph-sdk/client";
import { importAccountFromPrivateKey } from "@aleph-sdk/ethereum";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREDIT_CHANNEL } from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import { checkListed } from "../../src/feed/intake.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import {
	counters,
	DELEGATE_KEY,
	delegate,
	type Harness,
	ISSUER_KEY,
	issuer,
	startFollower,
	storedBalances,
	testFeed,
	USER_KEYS,
	users,
	waitSynced,
} from "./helpers.ts";

let database: TestDatabase;
let ccn: LocalCcn;
let harness: Harness | undefined;
const [alice, bob] = users.map((u) => u.address) as [string, string];
const client = (key: `0x${string}`) => new AuthenticatedAlephHttpClient(importAccountFromPrivateKey(key), ccn.url);
type Broadcastable = { getBroadcastable(): Record<string, unknown>; item_hash: string };
const flipLastSignatureByte = (signature: string) => `${signature.slice(0, -2)}${signature.endsWith("1b") ? "1c" : "1b"}`;

beforeAll(async () => {
	database = await createTestDatabase();
	ccn = await startLocalCcn();
});
afterAll(async () => {
	await harness?.stop();
	await ccn?.stop();
	await database?.drop();
});

describe("messages the real SDK signed, through the oracle's follower", () => {
	const published: Broadcastable[] = [];

	it("the oracle's intake verifies what the SDK signed, and refuses it with one signature byte changed", async () => {
		const authorizations = [{ address: delegate.address, channels: [CREDIT_CHANNEL], post_types: ["aleph_credit_distribution"] }];
		published.push(await client(ISSUER_KEY).createAggregate({ key: "security", content: { authorizations }, sync: true }));
		published.push(
			await client(DELEGATE_KEY).createPost({
				address: issuer.address,
				postType: "aleph_credit_distribution",
				channel: CREDIT_CHANNEL,
				content: {
					distribution: {
						token: "ALEPH",
						chain: "ETH",
						credits: [{ address: alice, amount: 1_000, price: "0.000001", tx_hash: "0x01", provider: "ALEPH" }],
					},
				},
				sync: true,
			}),
		);
		published.push(
			await client(USER_KEYS[0] as `0x${string}`).createPost({
				postType: "aleph_credit_transfer",
				channel: CREDIT_CHANNEL,
				content: { transfer: { credits: [{ address: bob, amount: 250 }] } },
				sync: true,
			}),
		);
		const storage = async () => null;
		for (const message of published) {
			const raw = message.getBroadcastable();
			const checked = await checkListed(raw, { storage });
			expect(checked, message.item_hash).toMatchObject({ ok: true });
			const tampered = await checkListed({ ...raw, signature: flipLastSignatureByte(raw.signature as string) }, { storage });
			expect(tampered).toMatchObject({ ok: false, permanent: true });
		}
	});

	it("applies them from the CCN: the delegate's distribution and the holder's transfer give the balances", async () => {
		// A copy of the transfer with a forged signature, as a lying CCN would list it beside the real ones.
		const transfer = published[2]?.getBroadcastable() as Record<string, unknown>;
		const lie = await startLocalCcn({ seed: 3 });
		try {
			lie.insert({ ...transfer, signature: flipLastSignatureByte(transfer.signature as string) } as never);
			const feed = testFeed([ccn.url, lie.url]);
			harness = await startFollower(database, feed);
			await waitSynced(database.db, [ccn.url, lie.url], new Date(0));
			expect(Object.fromEntries(await storedBalances(database.db))).toEqual({
				[alice.toLowerCase()]: 750n,
				[bob.toLowerCase()]: 250n,
			});
			expect((await counters(database.db, lie.url)).invalid).toBe(1n);
			expect((await counters(database.db, ccn.url)).invalid).toBe(0n);
		} finally {
			await harness?.stop();
			harness = undefined;
			await lie.stop();
		}
	});
});
