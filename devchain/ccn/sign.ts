import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { verificationBuffer } from "./verify.ts";

/**
 * A fast EVM signer for Aleph messages, byte-identical to `@aleph-sdk/ethereum`'s ETHAccount
 * (ethers 5 `signMessage`): EIP-191 over `chain\nsender\ntype\nitem_hash`. It signs in a few
 * hundred microseconds, so bulk fixtures (100k messages) take tens of seconds, not the SDK's
 * round trips.
 */

/** A message as the SDK broadcasts it (`SignedMessage.getBroadcastable()`, same key order). */
export type AlephMessage = {
	chain: string;
	sender: string;
	channel?: string;
	time: number;
	item_type: "inline" | "storage" | "ipfs";
	item_hash: string;
	item_content: string | null;
	signature: string;
	type: string;
};

/** A message built and hashed, not yet signed. */
export type UnsignedMessage = Omit<AlephMessage, "signature">;

export type Signer = {
	/** Checksummed address (what the SDK puts in `sender`). */
	address: string;
	/** Signs with this key, whatever the message's `sender` says (a mismatch makes a bad signature). */
	sign(message: UnsignedMessage): Promise<AlephMessage>;
};

export function createSigner(privateKey: Hex): Signer {
	const account = privateKeyToAccount(privateKey);
	return {
		address: account.address,
		async sign(message) {
			const signature = await account.signMessage({ message: verificationBuffer(message) });
			const { chain, sender, channel, time, item_type, item_hash, item_content, type } = message;
			return { chain, sender, ...(channel === undefined ? {} : { channel }), time, item_type, item_hash, item_content, signature, type };
		},
	};
}
