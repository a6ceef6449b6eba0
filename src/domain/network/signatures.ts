/**
 * Message signatures, per chain, as pyaleph checks them (`aleph/chains/*.py`, spec §3.2). The signed
 * text is always `${chain}\n${sender}\n${type}\n${item_hash}`; the scheme depends on the chain:
 * EIP-191 for the EVM chains, ed25519 for SOL and ES, Avalanche's signed-message digest for AVAX.
 * Chains pyaleph verifies with schemes we do not implement (Cosmos, Substrate, NULS, Tezos) answer
 * `unsupported_chain`; chains pyaleph has no verifier for (AURORA, STT) answer `unknown_chain`.
 */
import { createHash, createPublicKey, verify as verifyEd25519 } from "node:crypto";
import secp256k1 from "secp256k1";
import { hashMessage, hexToBytes, keccak256, recoverAddress, recoverPublicKey, ripemd160 } from "viem";
import type { Chain, Envelope } from "./envelope.ts";
import { pythonRstrip } from "./python.ts";

/** pyaleph's `SignatureVerifier` map: every chain served by an EVM verifier. */
export const EVM_CHAINS: readonly Chain[] = [
	"ETH",
	"ETHERLINK",
	"ARB",
	"BASE",
	"BLAST",
	"BOB",
	"BSC",
	"CYBER",
	"FRAX",
	"HYPE",
	"INK",
	"LENS",
	"LINEA",
	"LISK",
	"METIS",
	"MODE",
	"NEO",
	"OP",
	"POL",
	"SONIC",
	"UNICHAIN",
	"WLD",
	"ZORA",
];
const SOLANA_CHAINS: readonly Chain[] = ["SOL", "ES"];
/** Verified by pyaleph with schemes this oracle does not implement. */
export const UNSUPPORTED_CHAINS: readonly Chain[] = ["CSDK", "DOT", "NULS", "NULS2", "TEZOS"];

export type SignatureVerdict = "valid" | "invalid" | "unsupported_chain" | "unknown_chain" | "unverifiable_signature";

/** pyaleph's `get_verification_buffer` (test vector V6). */
export function verificationBuffer(envelope: Pick<Envelope, "chain" | "sender" | "type" | "itemHash">): string {
	return `${envelope.chain}\n${envelope.sender}\n${envelope.type}\n${envelope.itemHash}`;
}

export async function verifySignature(envelope: Envelope): Promise<SignatureVerdict> {
	// A null signature is legitimate only for messages a smart contract emitted: nothing to check.
	if (envelope.signature === null) return "unverifiable_signature";
	const buffer = verificationBuffer(envelope);
	let valid: boolean;
	if (EVM_CHAINS.includes(envelope.chain)) valid = await verifyEvm(buffer, envelope.signature, envelope.sender);
	else if (SOLANA_CHAINS.includes(envelope.chain)) valid = verifySolana(buffer, envelope.signature, envelope.sender);
	else if (envelope.chain === "AVAX") valid = await verifyAvalanche(buffer, envelope.signature, envelope.sender);
	else return UNSUPPORTED_CHAINS.includes(envelope.chain) ? "unsupported_chain" : "unknown_chain";
	return valid ? "valid" : "invalid";
}

/**
 * eth_account's reading of a signature string: `0x` optional, an odd digit count padded with a
 * leading zero, 65 bytes, and v of 0/1, 27/28 or EIP-155 (>= 35). Returns r‖s‖(27 + parity).
 */
function evmSignature(signature: string): `0x${string}` | null {
	let hex = /^0[xX]/.test(signature) ? signature.slice(2) : signature;
	if (!/^[0-9a-fA-F]*$/.test(hex)) return null;
	if (hex.length % 2 === 1) hex = `0${hex}`;
	if (hex.length !== 130) return null;
	const v = Number.parseInt(hex.slice(128), 16);
	let parity: number;
	if (v === 0 || v === 1) parity = v;
	else if (v === 27 || v === 28) parity = v - 27;
	else if (v >= 35) parity = (v - 35) % 2;
	else return null;
	return `0x${hex.slice(0, 128)}${(27 + parity).toString(16)}`;
}

/**
 * The address that signed `buffer` (EIP-191 `personal_sign`), with libsecp256k1 (the native
 * binding: ~20 times faster than viem's pure-JS recovery, which `recoverEvmSignerReference`
 * keeps as the reference). Lowercase; null when the signature is malformed or recovers nothing.
 */
export function recoverEvmSigner(buffer: string, signature: string): string | null {
	const normalized = evmSignature(signature);
	if (normalized === null) return null;
	const bytes = hexToBytes(normalized);
	try {
		const publicKey = secp256k1.ecdsaRecover(bytes.subarray(0, 64), (bytes[64] as number) - 27, hexToBytes(hashMessage(buffer)), false);
		return `0x${keccak256(publicKey.subarray(1)).slice(26)}`;
	} catch {
		return null;
	}
}

/** `recoverEvmSigner` with viem's recovery: the reference the native one is tested against. */
export async function recoverEvmSignerReference(buffer: string, signature: string): Promise<string | null> {
	const normalized = evmSignature(signature);
	if (normalized === null) return null;
	try {
		return (await recoverAddress({ hash: hashMessage(buffer), signature: normalized })).toLowerCase();
	} catch {
		return null;
	}
}

async function verifyEvm(buffer: string, signature: string, sender: string): Promise<boolean> {
	return recoverEvmSigner(buffer, signature) === sender.toLowerCase();
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** The `base58` package's `b58decode` (Bitcoin alphabet; trailing whitespace ignored), or null. */
export function base58Decode(text: string): Uint8Array | null {
	const s = pythonRstrip(text);
	let n = 0n;
	for (const c of s) {
		const d = BASE58.indexOf(c);
		if (d < 0) return null;
		n = n * 58n + BigInt(d);
	}
	const bytes: number[] = [];
	while (n > 0n) {
		bytes.push(Number(n % 256n));
		n /= 256n;
	}
	let zeros = 0;
	while (s[zeros] === "1") zeros++;
	return Uint8Array.from([...new Array<number>(zeros).fill(0), ...bytes.reverse()]);
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo, before the 32 raw key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** pyaleph's SolanaConnector: the signature is JSON `{signature, publicKey}` (base58), publicKey = sender. */
function verifySolana(buffer: string, signature: string, sender: string): boolean {
	let parsed: unknown;
	try {
		parsed = JSON.parse(signature);
	} catch {
		return false;
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return false;
	const { signature: sig, publicKey, version = 1 } = parsed as Record<string, unknown>;
	if (typeof sig !== "string" || typeof publicKey !== "string") return false;
	// Python compares `version != 1`, so 1, 1.0 and true all pass.
	if (!(version === 1 || version === true)) return false;
	if (publicKey !== sender) return false;
	const sigBytes = base58Decode(sig);
	const keyBytes = base58Decode(publicKey);
	if (sigBytes === null || keyBytes === null || sigBytes.length !== 64 || keyBytes.length !== 32) return false;
	try {
		const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, keyBytes]), format: "der", type: "spki" });
		return verifyEd25519(null, Buffer.from(buffer, "utf8"), key, sigBytes);
	} catch {
		return false;
	}
}

const sha256 = (data: Uint8Array): Buffer => createHash("sha256").update(data).digest();

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

function bech32Polymod(values: number[]): number {
	const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
	let chk = 1;
	for (const v of values) {
		const top = chk >>> 25;
		chk = ((chk & 0x1ffffff) << 5) ^ v;
		for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= generator[i] ?? 0;
	}
	return chk;
}

/** BIP-173 bech32 of 8-bit data (regrouped into 5-bit words, padded), as `bech32.bech32_encode`. */
export function bech32Encode(hrp: string, data: Uint8Array): string {
	const words: number[] = [];
	let acc = 0;
	let bits = 0;
	for (const byte of data) {
		acc = (acc << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			words.push((acc >>> bits) & 31);
		}
	}
	if (bits > 0) words.push((acc << (5 - bits)) & 31);
	const expanded = [...hrp]
		.map((c) => c.charCodeAt(0) >> 5)
		.concat(
			[0],
			[...hrp].map((c) => c.charCodeAt(0) & 31),
		);
	const polymod = bech32Polymod([...expanded, ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
	const checksum = [0, 1, 2, 3, 4, 5].map((i) => (polymod >>> (5 * (5 - i))) & 31);
	return `${hrp}1${[...words, ...checksum].map((w) => BECH32[w]).join("")}`;
}

/**
 * pyaleph's AvalancheConnector: a base58 signature with a 4-byte sha256 checksum, over
 * sha256("\x1aAvalanche Signed Message:\n" ‖ u32be(len) ‖ buffer); the recovered compressed key,
 * sha256 then ripemd160, bech32 with hrp "avax", prefixed by the sender's own chain id, must equal
 * the sender exactly. Recovery ids 2 and 3 (never produced in practice) are refused here.
 */
async function verifyAvalanche(buffer: string, signature: string, sender: string): Promise<boolean> {
	const dash = sender.indexOf("-");
	if (dash < 0 || !sender.slice(dash + 1).includes("1")) return false;
	const chainId = sender.slice(0, dash);
	const decoded = base58Decode(signature);
	if (decoded === null || decoded.length < 4) return false;
	const body = decoded.subarray(0, decoded.length - 4);
	if (!sha256(body).subarray(-4).equals(decoded.subarray(-4))) return false;
	if (body.length !== 65 || (body[64] ?? 4) > 1) return false;
	const text = Buffer.from(buffer, "utf8");
	const length = Buffer.alloc(4);
	length.writeUInt32BE(text.length);
	const digest = sha256(Buffer.concat([Buffer.from("\x1aAvalanche Signed Message:\n", "latin1"), length, text]));
	try {
		const uncompressed = Buffer.from((await recoverPublicKey({ hash: digest, signature: body })).slice(2), "hex");
		const y = uncompressed[64] ?? 0;
		const compressed = Buffer.concat([Buffer.from([y % 2 === 0 ? 2 : 3]), uncompressed.subarray(1, 33)]);
		const address = ripemd160(sha256(compressed), "bytes");
		return `${chainId}-${bech32Encode("avax", address)}` === sender;
	} catch {
		return false;
	}
}
