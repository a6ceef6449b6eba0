import type { Hex } from "viem";
import { createSigner } from "../../devchain/ccn/sign.ts";

/** Anvil's first dev keys: well known, never funded anywhere real. */
export const KEYS: Hex[] = [
	"0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];

export const signers = KEYS.map(createSigner);

/** Epoch seconds the tests build around (2027-01-15). */
export const T0 = 1_800_000_000;

// biome-ignore lint/suspicious/noExplicitAny: the body is whatever JSON the route returned
export type Answer = { status: number; text: string; json: () => any; headers: Headers };

/** GET (or another method) a path of the CCN; the body as text, parsed on demand. */
export async function call(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
	const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000), ...init });
	const text = await response.text();
	return { status: response.status, text, json: () => JSON.parse(text), headers: response.headers };
}

/** POST a JSON body. */
export function postJson(base: string, path: string, body: unknown): Promise<Answer> {
	return call(base, path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}
