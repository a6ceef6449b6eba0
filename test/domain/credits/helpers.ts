import { parseMessageContent } from "../../../src/domain/network/content.ts";
import { parseEnvelope } from "../../../src/domain/network/envelope.ts";
import type { VerifiedMessage } from "../../../src/domain/network/verify.ts";

export const ISSUER = "0x2E4454fAD1906c0Ce6e45cBFA05cE898Ac3AC1dC";

/**
 * A POST as verification gives it, from the exact content text (the signature is not what these
 * tests are about: test/domain/network covers it). `content` is either the text or an object
 * turned into JSON, so a test can write integer-vs-float literals exactly.
 */
export function post(fields: {
	content: string | object;
	sender?: string;
	channel?: string | null;
	time?: number;
	itemHash?: string;
}): VerifiedMessage {
	const itemContent = typeof fields.content === "string" ? fields.content : JSON.stringify(fields.content);
	const e = parseEnvelope({
		chain: "ETH",
		sender: fields.sender ?? ISSUER,
		type: "POST",
		item_type: "inline",
		item_hash: fields.itemHash ?? "a".repeat(64),
		item_content: itemContent,
		signature: "0x",
		time: fields.time ?? 1_780_000_000,
		channel: fields.channel === undefined ? "ALEPH_CREDIT" : fields.channel,
	});
	if (!e.ok) throw new Error(e.message);
	const c = parseMessageContent(e.envelope, itemContent);
	if (!c.ok) throw new Error(c.message);
	return { envelope: e.envelope, content: c.content };
}
