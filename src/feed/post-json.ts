/**
 * A parsed credit post as JSON for `credit_posts.post`, and back: every bigint field is written as
 * a decimal string and read back by name (no marker in user strings can be mistaken for a number).
 */
import type { CreditPost, DistributionEntry, ExpenseEntry, TransferEntry } from "../domain/credits/posts.ts";

type Json = Record<string, unknown>;

const big = (v: bigint | null): string | null => (v === null ? null : v.toString());
const unbig = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as string));
const need = (v: unknown): bigint => BigInt(v as string);

export function creditPostToJson(post: CreditPost): string {
	const base = { kind: post.kind, itemHash: post.itemHash, timeMicros: big(post.timeMicros), owner: post.owner };
	switch (post.kind) {
		case "distribution":
			return JSON.stringify({
				...base,
				token: post.token,
				chain: post.chain,
				entries: post.entries.map((e) => ({
					...e,
					amount: big(e.amount),
					expirationMicros: big(e.expirationMicros),
					bonusAmount: big(e.bonusAmount),
				})),
			});
		case "expense":
			return JSON.stringify({ ...base, entries: post.entries.map((e) => ({ ...e, amount: big(e.amount), count: big(e.count) })) });
		case "transfer":
			return JSON.stringify({
				...base,
				minted: post.minted,
				entries: post.entries.map((e) => ({
					...e,
					amount: big(e.amount),
					rawAmount: big(e.rawAmount),
					expirationMicros: big(e.expirationMicros),
				})),
			});
	}
}

/** Inverse of `creditPostToJson` (takes the parsed jsonb value). */
export function creditPostFromJson(json: unknown): CreditPost {
	const j = json as Json & { entries: Json[] };
	const base = { itemHash: j.itemHash as string, timeMicros: need(j.timeMicros), owner: j.owner as string };
	switch (j.kind) {
		case "distribution":
			return {
				...base,
				kind: "distribution",
				token: j.token as string | null,
				chain: j.chain as string | null,
				entries: j.entries.map(
					(e): DistributionEntry => ({
						...(e as unknown as DistributionEntry),
						amount: need(e.amount),
						expirationMicros: unbig(e.expirationMicros),
						bonusAmount: unbig(e.bonusAmount),
					}),
				),
			};
		case "expense":
			return {
				...base,
				kind: "expense",
				entries: j.entries.map((e): ExpenseEntry => ({ ...(e as unknown as ExpenseEntry), amount: need(e.amount), count: unbig(e.count) })),
			};
		case "transfer":
			return {
				...base,
				kind: "transfer",
				minted: j.minted as boolean,
				entries: j.entries.map(
					(e): TransferEntry => ({
						address: e.address as string,
						amount: need(e.amount),
						rawAmount: need(e.rawAmount),
						expirationMicros: unbig(e.expirationMicros),
					}),
				),
			};
		default:
			throw new Error(`not a stored credit post: ${String(j.kind)}`);
	}
}
