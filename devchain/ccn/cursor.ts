import { isoformat, parseIso } from "./time.ts";

/**
 * pyaleph's message cursor (`toolkit/cursor.py`): base64url without padding of
 * `{"h":item_hash,"t":time.isoformat()}` (sorted keys, no spaces). Public and stable, so a
 * follower can build one from the last message it processed.
 */
export function encodeCursor(micros: number, itemHash: string): string {
	const payload = `{"h":${JSON.stringify(itemHash)},"t":${JSON.stringify(isoformat(micros))}}`;
	return Buffer.from(payload).toString("base64url");
}

/**
 * Decodes a cursor back to `(time in µs, item_hash)`.
 * @throws Error with pyaleph's message (`Invalid cursor: …`), which it answers as a 422.
 */
export function decodeCursor(cursor: string): { micros: number; itemHash: string } {
	if (!cursor) throw new Error("Invalid cursor: empty string");
	let payload: unknown;
	try {
		const bytes = Buffer.from(cursor.replaceAll("-", "+").replaceAll("_", "/"), "base64");
		payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
	} catch (error) {
		throw new Error(`Invalid cursor: ${(error as Error).message}`);
	}
	if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new Error("Invalid cursor: payload is not a dict");
	const { h, t } = payload as { h?: unknown; t?: unknown };
	if (h === undefined || t === undefined) throw new Error("Invalid cursor: missing required fields");
	if (typeof t !== "string") throw new Error(`Invalid cursor: fromisoformat: argument must be str`);
	return { micros: parseIso(t), itemHash: String(h) };
}
