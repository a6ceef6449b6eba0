import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../devchain/ccn/cursor.ts";
import {
	aggregate,
	CREDIT_CHANNEL,
	CREDIT_ISSUER,
	creditDistribution,
	creditExpense,
	creditTransfer,
	forget,
	instance,
	post,
	program,
	store,
} from "../../devchain/ccn/messages.ts";
import { type LocalCcn, startLocalCcn } from "../../devchain/ccn/server.ts";
import type { AlephMessage } from "../../devchain/ccn/sign.ts";
import { toMicros } from "../../devchain/ccn/time.ts";
import { call, signers, T0 } from "./helpers.ts";

const [alice, bob, carol] = signers as [(typeof signers)[0], (typeof signers)[0], (typeof signers)[0]];
const ccns: LocalCcn[] = [];
afterAll(() => Promise.all(ccns.map((c) => c.stop())));

async function ccnWith(messages: AlephMessage[], options: Parameters<typeof startLocalCcn>[0] = {}) {
	let clock = T0 + 10_000;
	const ccn = await startLocalCcn({ now: () => clock++, ...options });
	ccns.push(ccn);
	for (const m of messages) ccn.insert(m);
	return ccn;
}

/** `count` POSTs by alice at `start`, `start + step`, … (step 0: all at the same time). */
async function posts(count: number, start = T0, step = 1): Promise<AlephMessage[]> {
	return Promise.all(
		Array.from({ length: count }, (_, i) =>
			alice.sign(post({ sender: alice.address, time: start + i * step, postType: "note", content: { i, start } })),
		),
	);
}

/** Follows `next_cursor` from an empty cursor to the tail; the pages' hashes in order. */
type CursorPage = { messages: AlephMessage[]; next_cursor: string | null; pagination_per_page: number };

async function cursorScan(ccn: LocalCcn, query: string): Promise<{ hashes: string[]; pages: CursorPage[] }> {
	const pages: CursorPage[] = [];
	let cursor = "";
	for (;;) {
		const answer = await call(ccn.url, `/api/v0/messages.json?${query}&cursor=${cursor}`);
		expect(answer.status).toBe(200);
		const page = answer.json();
		pages.push(page);
		if (page.next_cursor === null) break;
		cursor = page.next_cursor;
	}
	return { hashes: pages.flatMap((p) => p.messages.map((m: AlephMessage) => m.item_hash)), pages };
}

const hashesOf = (body: { messages: AlephMessage[] }) => body.messages.map((m) => m.item_hash);
/** pyaleph's order: time, then item_hash ascending whatever the direction. */
const ordered = (messages: AlephMessage[], order: 1 | -1) =>
	[...messages].sort((a, b) => order * (a.time - b.time) || (a.item_hash < b.item_hash ? -1 : 1)).map((m) => m.item_hash);

describe("GET /api/v0/messages.json: order, page mode, serialisation", () => {
	let ccn: LocalCcn;
	let all: AlephMessage[];
	beforeAll(async () => {
		// 22 messages, three of them sharing one time to exercise the hash tiebreak.
		all = [...(await posts(19)), ...(await posts(3, T0 + 5.5, 0))];
		ccn = await ccnWith(all);
	});

	it("lists newest first by default, 20 per page, with the page-mode keys", async () => {
		const body = (await call(ccn.url, "/api/v0/messages.json")).json();
		expect(Object.keys(body)).toEqual(["messages", "pagination_item", "pagination_page", "pagination_per_page", "pagination_total"]);
		expect(body).toMatchObject({ pagination_item: "messages", pagination_page: 1, pagination_per_page: 20, pagination_total: 22 });
		expect(hashesOf(body)).toEqual(ordered(all, -1).slice(0, 20));
	});

	it("breaks ties on item_hash ascending in both directions", async () => {
		const tied = all.filter((m) => m.time === T0 + 5.5).map((m) => m.item_hash);
		expect(tied).toHaveLength(3);
		for (const order of [1, -1] as const) {
			const listed = hashesOf((await call(ccn.url, `/api/v0/messages.json?sortOrder=${order}&pagination=0`)).json()).filter((h: string) =>
				tied.includes(h),
			);
			expect(listed).toEqual([...tied].sort());
		}
	});

	it("serialises a message as orjson does: sorted keys, float times, size, no status", async () => {
		const { text } = await call(ccn.url, `/api/v0/messages.json?hashes=${all[0]?.item_hash}`);
		const message = JSON.parse(text).messages[0];
		expect(Object.keys(message)).toEqual([
			"chain",
			"channel",
			"confirmations",
			"confirmed",
			"content",
			"item_content",
			"item_hash",
			"item_type",
			"sender",
			"signature",
			"size",
			"time",
			"type",
		]);
		expect(text).toContain(`"time":${T0}.0,`);
		// content: the parsed item_content, keys sorted, the integer time kept an integer.
		expect(text).toContain(`"content":{"address":"${alice.address}","content":{"i":0,"start":${T0}},"time":${T0},"type":"note"}`);
		expect(message).toMatchObject({
			channel: null,
			confirmations: [],
			confirmed: false,
			size: all[0]?.item_content?.length,
			item_type: "inline",
		});
	});

	it("pages with page and pagination, 0 meaning all, and over-estimates the total past the end", async () => {
		const second = (await call(ccn.url, "/api/v0/messages.json?pagination=5&page=2&sortOrder=1")).json();
		expect(hashesOf(second)).toEqual(ordered(all, 1).slice(5, 10));
		expect(second.pagination_total).toBe(22);
		const everything = (await call(ccn.url, "/api/v0/messages.json?pagination=0")).json();
		expect(everything.messages).toHaveLength(22);
		expect(everything.pagination_per_page).toBe(0);
		// pyaleph skips the COUNT when a page is short: (page - 1) · pagination + rows.
		const past = (await call(ccn.url, "/api/v0/messages.json?pagination=10&page=5")).json();
		expect(past).toMatchObject({ messages: [], pagination_total: 40 });
	});

	it("takes the page from /messages/page/{page}.json over ?page", async () => {
		const viaPath = (await call(ccn.url, "/api/v0/messages/page/2.json?pagination=4&page=5")).json();
		expect(viaPath.pagination_page).toBe(2);
		expect(hashesOf(viaPath)).toEqual(ordered(all, -1).slice(4, 8));
		expect(await call(ccn.url, "/api/v0/messages/page/two.json")).toMatchObject({ status: 400, text: "Invalid page value in path: two" });
		expect((await call(ccn.url, "/api/v0/messages/page/0.json")).status).toBe(422);
		expect((await call(ccn.url, "/api/v0/messages/page/2")).status).toBe(404);
	});

	it("accepts the snake_case names as well as the aliases, the alias winning", async () => {
		const alias = await call(ccn.url, "/api/v0/messages.json?sortOrder=1&pagination=3");
		const snake = await call(ccn.url, "/api/v0/messages.json?sort_order=1&pagination=3");
		expect(snake.text).toBe(alias.text);
		const both = await call(ccn.url, "/api/v0/messages.json?sortOrder=1&sort_order=-1&pagination=3");
		expect(both.text).toBe(alias.text);
	});

	it("answers 422 with pydantic's error list for invalid parameters", async () => {
		const cases: [string, string][] = [
			["pagination=-1", "greater_than_equal"],
			["page=0", "greater_than_equal"],
			["pagination=ten", "int_parsing"],
			["sortOrder=2", "enum"],
			["sortBy=size", "enum"],
			["msgTypes=POST,NOTE", "enum"],
			["msgType=post", "enum"],
			["chains=ETH,MARS", "enum"],
			["msgStatuses=done", "enum"],
			["paymentTypes=cash", "enum"],
			["hashes=abc", "value_error"],
			["contentKeys=security", "value_error"],
			["startDate=-1", "greater_than_equal"],
			["startDate=soon", "float_parsing"],
			["startDate=10&endDate=5", "value_error"],
			["startBlock=10&endBlock=5", "value_error"],
			["excludeContent=maybe", "bool_parsing"],
			["contentFormat=some", "enum"],
		];
		for (const [query, type] of cases) {
			const answer = await call(ccn.url, `/api/v0/messages.json?${query}`);
			expect(answer.status, query).toBe(422);
			expect(answer.json()[0].type, query).toBe(type);
		}
		const [loc] = (await call(ccn.url, "/api/v0/messages.json?msgTypes=POST,NOTE")).json();
		expect(loc).toMatchObject({ loc: ["msgTypes", 1], input: "NOTE" });
	});

	it("reduces content with contentFormat=headers and drops it with none or excludeContent", async () => {
		const headers = (await call(ccn.url, "/api/v0/messages.json?pagination=1&contentFormat=headers")).json().messages[0];
		expect(headers.content).toEqual({ address: alice.address, type: "note" });
		for (const query of ["contentFormat=none", "excludeContent=true"]) {
			const bare = (await call(ccn.url, `/api/v0/messages.json?pagination=1&${query}`)).json().messages[0];
			expect(bare).not.toHaveProperty("content");
			expect(bare).toHaveProperty("item_content");
		}
	});
});

describe("GET /api/v0/messages.json: cursor mode", () => {
	let ccn: LocalCcn;
	let all: AlephMessage[];
	beforeAll(async () => {
		all = [...(await posts(25)), ...(await posts(4, T0 + 10.25, 0))];
		ccn = await ccnWith(all);
	});

	it("follows next_cursor to the tail, where it is null, in both directions", async () => {
		for (const order of [1, -1] as const) {
			const { hashes, pages } = await cursorScan(ccn, `sortOrder=${order}&pagination=7`);
			expect(hashes).toEqual(ordered(all, order));
			expect(pages.at(-1)?.next_cursor).toBeNull();
			expect(Object.keys(pages[0] as CursorPage)).toEqual(["messages", "next_cursor", "pagination_per_page"]);
			expect(pages.every((p) => p.pagination_per_page === 7)).toBe(true);
		}
	});

	it("gives next_cursor null when the last page is exactly full (no further row)", async () => {
		const { pages } = await cursorScan(ccn, "sortOrder=1&pagination=29");
		expect(pages).toHaveLength(1);
		expect(pages[0]?.messages).toHaveLength(29);
		expect(pages[0]?.next_cursor).toBeNull();
	});

	it("encodes next_cursor from the page's last message, so a follower can build its own", async () => {
		const page = (await call(ccn.url, "/api/v0/messages.json?sortOrder=1&pagination=5&cursor=")).json();
		const last = page.messages[4];
		expect(page.next_cursor).toBe(encodeCursor(toMicros(last.time), last.item_hash));
		const own = encodeCursor(toMicros(last.time), last.item_hash);
		const resumed = (await call(ccn.url, `/api/v0/messages.json?sortOrder=1&pagination=5&cursor=${own}`)).json();
		expect(hashesOf(resumed)).toEqual(ordered(all, 1).slice(5, 10));
	});

	it("resumes inside a group of equal times by item_hash, in both directions", async () => {
		const tied = ordered(all, 1).slice(11, 15);
		const first = all.find((m) => m.item_hash === tied[0]) as AlephMessage;
		const cursor = encodeCursor(toMicros(first.time), first.item_hash);
		const page = async (order: number) =>
			hashesOf((await call(ccn.url, `/api/v0/messages.json?sortOrder=${order}&pagination=5&cursor=${cursor}`)).json());
		// Same time and a greater hash come first either way (the hash tiebreak is always ASC).
		expect(await page(1)).toEqual([...tied.slice(1), ...ordered(all, 1).slice(15, 17)]);
		expect(await page(-1)).toEqual([...tied.slice(1), ...ordered(all, 1).slice(9, 11).reverse()]);
		expect(tied.map((h) => all.find((m) => m.item_hash === h)?.time)).toEqual(Array(4).fill(T0 + 10.25));
	});

	it("applies page as an offset with an empty cursor, as pyaleph's SQL does", async () => {
		const page = (await call(ccn.url, "/api/v0/messages.json?sortOrder=1&pagination=5&page=2&cursor=")).json();
		expect(hashesOf(page)).toEqual(ordered(all, 1).slice(5, 10));
		expect(page.next_cursor).not.toBeNull();
	});

	it("caps pagination at 200 and refuses 0", async () => {
		const many = await ccnWith(await posts(230));
		const page = (await call(many.url, "/api/v0/messages.json?pagination=1000&cursor=")).json();
		expect(page.messages).toHaveLength(200);
		expect(page.pagination_per_page).toBe(200);
		expect(page.next_cursor).not.toBeNull();
		expect(await call(many.url, "/api/v0/messages.json?pagination=0&cursor=")).toMatchObject({
			status: 422,
			text: "pagination=0 is not allowed with cursor-based pagination",
		});
	});

	it("refuses a non-empty cursor with sortBy=tx-time, not an empty one", async () => {
		const cursor = encodeCursor(toMicros(T0), all[0]?.item_hash as string);
		expect((await call(ccn.url, `/api/v0/messages.json?sortBy=tx-time&cursor=${cursor}`)).status).toBe(422);
		const empty = await call(ccn.url, "/api/v0/messages.json?sortBy=tx-time&cursor=");
		expect(empty.status).toBe(200);
		expect(empty.json()).toHaveProperty("next_cursor");
	});

	it("answers 422 for a cursor it cannot decode", async () => {
		const answer = await call(ccn.url, "/api/v0/messages.json?cursor=bm90IGpzb24");
		expect(answer.status).toBe(422);
		expect(answer.text).toMatch(/^Invalid cursor/);
	});

	it("ignores cursor on a legacy CCN (< 0.10.1): page mode, no next_cursor key", async () => {
		const legacy = await ccnWith(all, { legacy: true });
		const body = (await call(legacy.url, "/api/v0/messages.json?sortOrder=1&pagination=7&cursor=")).json();
		expect(body).not.toHaveProperty("next_cursor");
		expect(body).toMatchObject({ pagination_page: 1, pagination_total: 29 });
		expect(hashesOf(body)).toEqual(ordered(all, 1).slice(0, 7));
	});
});

describe("GET /api/v0/messages.json: filters", () => {
	let ccn: LocalCcn;
	const m: Record<string, AlephMessage> = {};
	beforeAll(async () => {
		const fileHash = "a".repeat(64);
		const t = (i: number) => T0 + i * 60;
		m.distribution = await alice.sign(
			creditDistribution({ sender: alice.address, time: t(1), credits: [{ address: bob.address, amount: 1000 }] }),
		);
		m.expense = await alice.sign(creditExpense({ sender: alice.address, time: t(2), credits: [{ address: bob.address, amount: 10 }] }));
		m.transfer = await bob.sign(creditTransfer({ sender: bob.address, time: t(3), credits: [{ address: carol.address, amount: 5 }] }));
		m.note = await bob.sign(
			post({ sender: bob.address, time: t(4), postType: "note", channel: "TEST", content: { tags: ["x"] }, ref: "ref-1" }),
		);
		m.security = await carol.sign(aggregate({ sender: carol.address, time: t(5), key: "security", content: { authorizations: [] } }));
		m.store = await carol.sign(store({ sender: carol.address, time: t(6), itemHash: fileHash, payment: { type: "credit" }, ref: "ref-1" }));
		m.instance = await bob.sign(instance({ sender: bob.address, time: t(7), metadata: { tags: ["vm"] } }));
		m.program = await alice.sign(
			program({ sender: alice.address, time: t(8), codeRef: "b".repeat(64), payment: { chain: "ETH", type: "hold" } }),
		);
		m.base = await alice.sign(post({ sender: alice.address, time: t(9), postType: "note", chain: "BASE", content: {} }));
		m.forget = await carol.sign(forget({ sender: carol.address, time: t(10), hashes: ["c".repeat(64)] }));
		ccn = await ccnWith(Object.values(m));
	});

	const listed = async (query: string) => {
		const answer = await call(ccn.url, `/api/v0/messages.json?pagination=0&sortOrder=1&${query}`);
		expect(answer.status, query).toBe(200);
		const hashes = hashesOf(answer.json());
		return Object.entries(m)
			.filter(([, message]) => hashes.includes(message.item_hash))
			.map(([name]) => name);
	};

	it("filters on the envelope and the denormalised content columns, exact match", async () => {
		const cases: [string, string[]][] = [
			[
				`msgTypes=POST&channels=${CREDIT_CHANNEL}&contentTypes=aleph_credit_distribution,aleph_credit_expense,aleph_credit_transfer`,
				["distribution", "expense", "transfer"],
			],
			["msgType=AGGREGATE", ["security"]],
			["msgTypes=INSTANCE,PROGRAM,STORE,FORGET", ["store", "instance", "program", "forget"]],
			[`addresses=${bob.address}`, ["transfer", "note", "instance"]],
			[`addresses=${bob.address.toLowerCase()}`, []],
			[`owners=${CREDIT_ISSUER}`, ["distribution", "expense"]],
			[`owners=${carol.address}&msgTypes=AGGREGATE`, ["security"]],
			["refs=ref-1", ["note", "store"]],
			[`contentHashes=${"a".repeat(64)}`, ["store"]],
			["contentTypes=vm-function", ["program"]],
			["chains=BASE", ["base"]],
			["channels=TEST", ["note"]],
			["tags=vm,x", ["note", "instance"]],
			[`hashes=${m.note?.item_hash},${m.forget?.item_hash}`, ["note", "forget"]],
			["paymentTypes=credit", ["store", "instance"]],
			["paymentTypes=hold", ["program"]],
			[`startDate=${T0 + 4 * 60}&endDate=${T0 + 6 * 60}`, ["note", "security"]],
			["addresses=", []],
		];
		for (const [query, expected] of cases) expect(await listed(query), query).toEqual(expected);
	});

	it("accepts every list filter under its snake_case name", async () => {
		expect(await listed(`message_types=STORE&content_hashes=${"a".repeat(64)}`)).toEqual(["store"]);
		expect(await listed("content_types=note&payment_types=credit")).toEqual([]);
		expect(await listed(`message_type=POST&start_date=${T0 + 8 * 60}`)).toEqual(["base"]);
	});
});

describe("GET /api/v0/messages.json: statuses and skeletons", () => {
	let ccn: LocalCcn;
	let all: AlephMessage[];
	beforeAll(async () => {
		all = await posts(6);
		ccn = await ccnWith(all);
		ccn.setStatus(all[1]?.item_hash as string, "removing");
		ccn.setStatus(all[2]?.item_hash as string, "forgotten", { forgottenBy: ["f".repeat(64)], forgottenAt: T0 + 100 });
		ccn.setStatus(all[3]?.item_hash as string, "removed", { removedAt: T0 + 200 });
	});

	it("lists processed and removing by default; forgotten and removed only alone", async () => {
		const hashes = (query: string) => call(ccn.url, `/api/v0/messages.json?sortOrder=1&${query}`).then((a) => hashesOf(a.json()));
		const live = [0, 1, 4, 5].map((i) => all[i]?.item_hash);
		expect(await hashes("")).toEqual(live);
		expect(await hashes("msgStatuses=processed")).toEqual([0, 4, 5].map((i) => all[i]?.item_hash));
		expect(await hashes("msgStatuses=removing,pending,rejected")).toEqual([all[1]?.item_hash]);
		expect(await call(ccn.url, "/api/v0/messages.json?msgStatuses=forgotten,processed")).toMatchObject({ status: 400 });
		expect(await call(ccn.url, "/api/v0/messages.json?msgStatuses=removed&cursor=")).toMatchObject({ status: 400 });
		expect(await call(ccn.url, "/api/v0/messages.json?msgStatuses=forgotten&tags=a&refs=b")).toMatchObject({
			status: 400,
			text: "Filters not supported for forgotten message queries: refs, tags",
		});
	});

	it("answers skeletons without content for msgStatuses=forgotten and removed", async () => {
		const forgotten = await call(ccn.url, "/api/v0/messages.json?msgStatuses=forgotten");
		expect(forgotten.text).toContain(`"forgotten_at":${T0 + 100}.0`);
		expect(forgotten.json()).toEqual({
			messages: [
				{
					chain: "ETH",
					channel: null,
					forgotten_at: T0 + 100,
					forgotten_by: ["f".repeat(64)],
					item_hash: all[2]?.item_hash,
					item_type: "inline",
					owner: alice.address,
					payment_type: "hold",
					sender: alice.address,
					signature: all[2]?.signature,
					size: null,
					status: "forgotten",
					time: T0 + 2,
					type: "POST",
				},
			],
			pagination_item: "messages",
			pagination_page: 1,
			pagination_per_page: 20,
			pagination_total: 1,
		});
		const removed = (await call(ccn.url, `/api/v0/messages.json?msgStatuses=removed&startDate=${T0 + 150}`)).json();
		expect(removed.messages).toEqual([
			expect.objectContaining({ item_hash: all[3]?.item_hash, removed_at: T0 + 200, payment_type: null, status: "removed" }),
		]);
		expect((await call(ccn.url, `/api/v0/messages.json?msgStatuses=removed&startDate=${T0 + 250}`)).json().messages).toEqual([]);
	});
});

describe("late and backdated messages", () => {
	it("shows a late message with an old time in a time scan from an older startDate and in the reception scan", async () => {
		let clock = T0 + 1000;
		const ccn = await startLocalCcn({ now: () => clock });
		ccns.push(ccn);
		const early = await posts(10);
		for (const [i, message] of early.entries()) ccn.insert(message, { receptionTime: T0 + i + 0.5 });
		// A follower catches up in time order and remembers the CCN's reception clock.
		const caughtUp = await cursorScan(ccn, "sortOrder=1&pagination=4");
		expect(caughtUp.hashes).toEqual(ordered(early, 1));
		const tail = caughtUp.pages.at(-1)?.messages.at(-1) as AlephMessage;
		const receptionMark = T0 + 9.5;

		// Then a message dated before everything it saw arrives (on-chain sync, retried file…).
		clock = T0 + 2000;
		const late = await bob.sign(post({ sender: bob.address, time: T0 - 3600, postType: "note", content: { late: true } }));
		ccn.insert(late);

		// Resuming from its own cursor never sees it…
		const resumed = (
			await call(ccn.url, `/api/v0/messages.json?sortOrder=1&pagination=200&cursor=${encodeCursor(toMicros(tail.time), tail.item_hash)}`)
		).json();
		expect(resumed).toEqual({ messages: [], next_cursor: null, pagination_per_page: 200 });
		// …a time scan with a lookback that reaches its time does…
		const lookback = (await call(ccn.url, `/api/v0/messages.json?sortOrder=1&pagination=200&startDate=${T0 - 7200}&cursor=`)).json();
		expect(hashesOf(lookback)[0]).toBe(late.item_hash);
		// …and the reception-ordered scan does, whatever its time.
		const received = (await call(ccn.url, `/api/v0/messages/hashes?sortOrder=1&startDate=${receptionMark}`)).json();
		expect(received).toEqual({
			hashes: [early[9]?.item_hash, late.item_hash],
			pagination_item: "hashes",
			pagination_page: 1,
			pagination_per_page: 20,
			pagination_total: 2,
		});
	});
});

describe("GET /api/v0/messages/hashes", () => {
	it("orders by reception time, newest first by default, with its own filters", async () => {
		const ccn = await startLocalCcn();
		ccns.push(ccn);
		const all = await posts(5);
		// Received in the reverse order of their times.
		for (const [i, message] of all.entries()) ccn.insert(message, { receptionTime: T0 + 100 - i });
		ccn.setStatus(all[0]?.item_hash as string, "removing");
		const byReception = [...all].reverse().map((m) => m.item_hash);
		expect((await call(ccn.url, "/api/v0/messages/hashes")).json().hashes).toEqual([...byReception].reverse());
		expect((await call(ccn.url, "/api/v0/messages/hashes?sortOrder=1&pagination=2&page=2")).json()).toMatchObject({
			hashes: byReception.slice(2, 4),
			pagination_total: 5,
		});
		expect((await call(ccn.url, "/api/v0/messages/hashes?status=removing")).json().hashes).toEqual([all[0]?.item_hash]);
		expect((await call(ccn.url, `/api/v0/messages/hashes?start_date=${T0 + 98}&endDate=${T0 + 100}`)).json().hashes).toEqual(
			byReception.slice(2, 4).reverse(),
		);
		expect((await call(ccn.url, "/api/v0/messages/hashes?pagination=-1")).status).toBe(422);
		expect((await call(ccn.url, "/api/v0/messages/hashes?status=lost")).status).toBe(422);
	});
});

describe("tx-time order and block filters", () => {
	it("orders by first confirmation, unconfirmed first when newest first, and filters on heights", async () => {
		const ccn = await startLocalCcn();
		ccns.push(ccn);
		const [a, b, c, d] = await posts(4);
		ccn.insert(a as AlephMessage, { confirmations: [{ chain: "ETH", hash: "0x01", height: 100, time: T0 + 50 }] });
		ccn.insert(b as AlephMessage, { confirmations: [{ chain: "ETH", hash: "0x02", height: 90, time: T0 + 40 }] });
		ccn.insert(c as AlephMessage);
		ccn.insert(d as AlephMessage, { confirmations: [{ chain: "ETH", hash: "0x03", height: 120, time: T0 + 60 }] });
		const order = async (query: string) => hashesOf((await call(ccn.url, `/api/v0/messages.json?${query}`)).json());
		expect(await order("sortBy=tx-time")).toEqual([c, d, a, b].map((m) => m?.item_hash));
		expect(await order("sortBy=tx-time&sortOrder=1")).toEqual([b, a, d, c].map((m) => m?.item_hash));
		expect(await order("startBlock=95&sortOrder=1")).toEqual([a, d, c].map((m) => m?.item_hash));
		expect(await order("endBlock=110&sortOrder=1")).toEqual([b, a].map((m) => m?.item_hash));
		const confirmed = (await call(ccn.url, `/api/v0/messages.json?hashes=${a?.item_hash}`)).json().messages[0];
		expect(confirmed).toMatchObject({ confirmed: true, confirmations: [{ chain: "ETH", hash: "0x01", height: 100 }] });
	});
});

describe("insert(): a lying CCN", () => {
	it("lists what it is given, unchecked: bad signatures, wrong hashes, other content, backdated times", async () => {
		const honest = await alice.sign(post({ sender: alice.address, time: T0, postType: "note", content: { n: 1 } }));
		const badSignature = {
			...(await alice.sign(post({ sender: alice.address, time: T0 + 1, postType: "note", content: { n: 2 } }))),
			signature: `0x${"11".repeat(65)}`,
		};
		const wrongHash = { ...honest, item_hash: "d".repeat(64), time: T0 + 2 };
		const backdated = await alice.sign(post({ sender: alice.address, time: 1_000_000_000, postType: "note", content: { n: 3 } }));
		const ccn = await ccnWith([honest, badSignature, wrongHash, backdated]);
		const lying = await bob.sign(post({ sender: bob.address, time: T0 + 3, postType: "note", content: { n: 4 } }));
		ccn.insert(lying, { content: { type: "note", address: carol.address, content: { n: 5 } } });
		const body = (await call(ccn.url, "/api/v0/messages.json?sortOrder=1")).json();
		expect(body.messages.map((m: AlephMessage) => [m.item_hash, m.signature])).toEqual(
			[backdated, honest, badSignature, wrongHash, lying].map((m) => [m.item_hash, m.signature]),
		);
		const shown = body.messages[4];
		expect(shown.item_content).toBe(lying.item_content);
		expect(shown.content).toEqual({ type: "note", address: carol.address, content: { n: 5 }, time: T0 + 3 });
		expect((await call(ccn.url, `/api/v0/messages.json?owners=${carol.address}`)).json().messages).toHaveLength(1);
	});

	it("replaces a message inserted again under the same hash", async () => {
		const [first] = await posts(1);
		const ccn = await ccnWith([first as AlephMessage]);
		ccn.insert({ ...(first as AlephMessage), time: T0 + 500 }, { status: "removing" });
		const body = (await call(ccn.url, "/api/v0/messages.json")).json();
		expect(body.messages.map((m: AlephMessage) => m.time)).toEqual([T0 + 500]);
		expect(ccn.message(first?.item_hash as string)?.status).toBe("removing");
	});
});
