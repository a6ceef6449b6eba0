/**
 * The native EIP-191 recovery (libsecp256k1) that verification uses agrees with viem's, the
 * reference, on pyaleph's vectors, on real signatures, on their high-s twins (eth_account accepts
 * them) and on garbage.
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { bytesToHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { recoverEvmSigner, recoverEvmSignerReference, verificationBuffer } from "../../../src/domain/network/signatures.ts";
import { V1, V2, V3, V4 } from "./fixtures.ts";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The same signature with s' = n − s and the other parity: it recovers the same key. */
function highS(signature: Hex): Hex {
	const s = BigInt(`0x${signature.slice(66, 130)}`);
	const v = Number.parseInt(signature.slice(130), 16);
	return `0x${signature.slice(2, 66)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}`;
}

async function agree(buffer: string, signature: string): Promise<string | null> {
	const native = recoverEvmSigner(buffer, signature);
	expect(native).toBe(await recoverEvmSignerReference(buffer, signature));
	return native;
}

describe("recoverEvmSigner (native) against viem", () => {
	it.each([
		["V1", V1],
		["V2", V2],
		["V3", V3],
		["V4", V4],
	])("%s recovers its sender", async (_, v) => {
		const buffer = verificationBuffer({ chain: "ETH", sender: v.sender, type: v.type as "POST", itemHash: v.item_hash });
		expect(await agree(buffer, v.signature)).toBe(v.sender.toLowerCase());
	});

	it('V5: "baba" recovers nothing', async () => {
		expect(await agree("ETH\nx\nPOST\ny", "baba")).toBeNull();
	});

	it("agrees on random keys and messages, and on the high-s twin of each signature", async () => {
		for (let i = 0; i < 40; i++) {
			const account = privateKeyToAccount(generatePrivateKey());
			const buffer = `ETH\n${account.address}\nPOST\n${randomBytes(32).toString("hex")}`;
			const signature = await account.signMessage({ message: buffer });
			expect(await agree(buffer, signature)).toBe(account.address.toLowerCase());
			expect(await agree(buffer, highS(signature))).toBe(account.address.toLowerCase());
			expect(await agree(`${buffer}0`, signature)).not.toBe(account.address.toLowerCase());
		}
	});

	it("agrees on garbage: random bytes, r or s of 0 or n, bad recovery ids, short and odd-length hex", async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ minLength: 65, maxLength: 65 }), fc.constantFrom(0, 1, 27, 28, 29, 37, 38), async (bytes, v) => {
				const hex = `${bytesToHex(bytes.subarray(0, 64))}${v.toString(16).padStart(2, "0")}`;
				await agree("ETH\nS\nPOST\nh", hex);
			}),
			{ numRuns: 200 },
		);
		const zero = "0".repeat(64);
		const n = N.toString(16);
		const one = `${"0".repeat(63)}1`;
		for (const sig of [`0x${zero}${one}1b`, `0x${one}${zero}1b`, `0x${n}${one}1b`, `0x${one}${n}1c`, "0x1b", "0xabc", ""]) {
			expect(await agree("ETH\nS\nPOST\nh", sig)).toBeNull();
		}
	});
});
