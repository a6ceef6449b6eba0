import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../devchain/ccn/cursor.ts";
import { inlineMessage } from "../../devchain/ccn/messages.ts";
import { startLocalCcn } from "../../devchain/ccn/server.ts";
import type { AlephMessage } from "../../devchain/ccn/sign.ts";
import { toMicros } from "../../devchain/ccn/time.ts";
import { call, T0 } from "./helpers.ts";

const SENDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** Unsigned (signature irrelevant here) POSTs and STOREs at times with many ties, in shuffled order. */
function workload(count: number): AlephMessage[] {
	const messages: AlephMessage[] = [];
	for (let i = 0; i < count; i++) {
		const time = T0 + Math.floor(((i * 7919) % count) / 3) / 4;
		const type = i % 5 === 0 ? "STORE" : "POST";
		const content =
			type === "POST"
				? { type: "note", address: SENDER, content: { i }, time }
				: { address: SENDER, item_type: "storage", item_hash: "a".repeat(64), time };
		messages.push({ ...inlineMessage(type, content, { sender: SENDER, time }), signature: "0x" });
	}
	return messages;
}

const order = (messages: AlephMessage[], direction: 1 | -1) =>
	[...messages].sort((a, b) => direction * (a.time - b.time) || (a.item_hash < b.item_hash ? -1 : 1)).map((m) => m.item_hash);

describe("a CCN with tens of thousands of messages", () => {
	it("pages through all of them by cursor, in order, with filters and a late insertion", async () => {
		const ccn = await startLocalCcn();
		try {
			const messages = workload(20_000);
			for (const message of messages) ccn.insert(message);
			const scan = async (query: string) => {
				const hashes: string[] = [];
				let cursor = "";
				do {
					const page = (await call(ccn.url, `/api/v0/messages.json?pagination=200&${query}&cursor=${cursor}`)).json();
					hashes.push(...page.messages.map((m: AlephMessage) => m.item_hash));
					cursor = page.next_cursor;
				} while (cursor);
				return hashes;
			};
			expect(await scan("sortOrder=1")).toEqual(order(messages, 1));
			expect(await scan("sortOrder=-1&msgTypes=STORE")).toEqual(
				order(
					messages.filter((m) => m.type === "STORE"),
					-1,
				),
			);
			const from = T0 + 1000;
			expect(await scan(`sortOrder=1&startDate=${from}&endDate=${from + 50}`)).toEqual(
				order(
					messages.filter((m) => m.time >= from && m.time < from + 50),
					1,
				),
			);

			const late = {
				...inlineMessage(
					"POST",
					{ type: "note", address: SENDER, content: { late: true }, time: T0 + 10 },
					{ sender: SENDER, time: T0 + 10 },
				),
				signature: "0x",
			};
			ccn.insert(late);
			const all = [...messages, late];
			const after = all.find((m) => m.item_hash === order(all, 1)[0]) as AlephMessage;
			const page = (
				await call(
					ccn.url,
					`/api/v0/messages.json?sortOrder=1&pagination=200&cursor=${encodeCursor(toMicros(after.time), after.item_hash)}`,
				)
			).json();
			expect(page.messages.map((m: AlephMessage) => m.item_hash)).toEqual(order(all, 1).slice(1, 201));
			const total = (await call(ccn.url, "/api/v0/messages.json?msgTypes=POST&pagination=200&page=3")).json();
			expect(total.pagination_total).toBe(all.filter((m) => m.type === "POST").length);
			expect(total.messages.map((m: AlephMessage) => m.item_hash)).toEqual(
				order(
					all.filter((m) => m.type === "POST"),
					-1,
				).slice(400, 600),
			);
		} finally {
			await ccn.stop();
		}
	});
});
