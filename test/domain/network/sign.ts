/**
 * Signs Aleph messages with a real EIP-191 signer (viem's local account), as the SDKs do:
 * item_content = JSON.stringify(content), item_hash = sha256(item_content), signature over
 * `${chain}\n${sender}\n${type}\n${item_hash}`.
 */
import { createHash } from "node:crypto";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";

export const KEYS = {
	alice: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	bob: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	carol: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	issuer: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
	delegate: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
} as const;

export const account = (name: keyof typeof KEYS): PrivateKeyAccount => privateKeyToAccount(KEYS[name]);

export type Unsigned = {
	signer: PrivateKeyAccount;
	/** The envelope sender; the signer's address unless given. */
	sender?: string;
	chain?: string;
	type?: string;
	channel?: string | null;
	time?: number;
	content: object | string;
};

export function sha256Hex(data: string | Uint8Array): string {
	return createHash("sha256").update(data).digest("hex");
}

/** The envelope fields of a message whose content hashes to `itemHash`, signed over the buffer. */
async function signed(m: Unsigned, itemHash: string) {
	const sender = m.sender ?? m.signer.address;
	const chain = m.chain ?? "ETH";
	const type = m.type ?? "POST";
	const signature = await m.signer.signMessage({ message: `${chain}\n${sender}\n${type}\n${itemHash}` });
	return {
		chain,
		sender,
		type,
		item_hash: itemHash,
		signature,
		time: m.time ?? 1_780_000_000.25,
		channel: m.channel === undefined ? "TEST" : m.channel,
	};
}

/** A signed inline message, as messages.json lists it. */
export async function signInline(m: Unsigned): Promise<Record<string, unknown>> {
	const itemContent = typeof m.content === "string" ? m.content : JSON.stringify(m.content);
	const envelope = await signed(m, sha256Hex(itemContent));
	return { ...envelope, item_type: "inline", item_content: itemContent, confirmations: [], confirmed: false, size: itemContent.length };
}

/** A signed storage message and the bytes `/api/v0/storage/raw/{hash}` would serve. */
export async function signStorage(m: Unsigned): Promise<{ message: Record<string, unknown>; bytes: Uint8Array }> {
	const bytes = new TextEncoder().encode(typeof m.content === "string" ? m.content : JSON.stringify(m.content));
	return { message: { ...(await signed(m, sha256Hex(bytes))), item_type: "storage", item_content: null }, bytes };
}
