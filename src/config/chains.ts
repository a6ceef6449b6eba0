/**
 * Built-in defaults of the chains Aleph uses. A default that only makes sense on mainnet
 * (token contract, Superfluid contracts, start block, genesis balances) applies only when the
 * configured chain id is the mainnet one: a local or test chain must name its own contracts.
 */
export type ChainDefaults = {
	/** Mainnet chain id. */
	chainId: number;
	/** Public JSON-RPC endpoints. */
	rpcUrls: string[];
	/** ALEPH token (ERC-20 on ETH, Superfluid Super Token on AVAX and BASE). */
	token: string;
	/** Superfluid CFAv1 contract, when ALEPH streams on this chain. */
	cfa?: string;
	/** First block to index (the token's deployment block or earlier). */
	startBlock: number;
	/** Depth past which a block is treated as final. Ponder's choices: 65 on Ethereum, 30 elsewhere. */
	finalityBlocks: number;
	/** Head polling interval, milliseconds. */
	pollIntervalMs: number;
	/** Largest eth_getLogs range the public endpoint accepts, blocks. */
	maxBlockRange: number;
	/** Balances credited without a Transfer event when the token was deployed (wei). */
	genesis: { address: string; amount: bigint }[];
};

const ALEPH_SUPER_TOKEN = "0xc0fbc4967259786c743361a5885ef49380473dcf";

export const CHAIN_DEFAULTS: Record<string, ChainDefaults> = {
	ETH: {
		chainId: 1,
		rpcUrls: ["https://ethereum-rpc.publicnode.com"],
		token: "0x27702a26126e0b3702af63ee09ac4d1a084ef628",
		// aleph-nodestatus replays Transfer logs from here, with the supply credited to the deployer.
		startBlock: 10_939_070,
		finalityBlocks: 65,
		pollIntervalMs: 6_000,
		maxBlockRange: 10_000,
		genesis: [
			{
				address: "0xb6e45adfa0c7d70886bbfc990790d64620f1bae8",
				amount: 500_000_000n * 10n ** 18n,
			},
		],
	},
	AVAX: {
		chainId: 43_114,
		rpcUrls: ["https://api.avax.network/ext/bc/C/rpc"],
		token: ALEPH_SUPER_TOKEN,
		cfa: "0x6946c5b38ffea373b0a2340b4aef0de8f6782e58",
		// Superfluid's own start block on Avalanche: the super token cannot be older.
		startBlock: 14_700_000,
		finalityBlocks: 30,
		pollIntervalMs: 2_000,
		maxBlockRange: 2_048,
		genesis: [],
	},
	BASE: {
		chainId: 8_453,
		rpcUrls: ["https://mainnet.base.org"],
		token: ALEPH_SUPER_TOKEN,
		cfa: "0x19ba78b9cdb05a877718841c574325fdb53601bb",
		startBlock: 1_000_000,
		finalityBlocks: 30,
		pollIntervalMs: 2_000,
		maxBlockRange: 10_000,
		genesis: [],
	},
};

/** Defaults for a chain name without a built-in entry (everything chain-specific must be given). */
export const GENERIC_CHAIN = {
	finalityBlocks: 30,
	pollIntervalMs: 2_000,
	maxBlockRange: 10_000,
};
