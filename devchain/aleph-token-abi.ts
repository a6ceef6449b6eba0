/**
 * Hand-written ABI of `contracts/AlephToken.sol`, typed `as const` so viem infers argument
 * and return types. `test/devchain/aleph-token.test.ts` asserts it equals the solc output
 * (ignoring `internalType` and entry order). Amounts are uint256 wei (18 decimals).
 */
export const alephTokenAbi = [
	{
		type: "constructor",
		stateMutability: "nonpayable",
		inputs: [
			{ name: "genesisHolders", type: "address[]" },
			{ name: "genesisAmounts", type: "uint256[]" },
		],
	},
	{
		type: "event",
		name: "Transfer",
		anonymous: false,
		inputs: [
			{ name: "from", type: "address", indexed: true },
			{ name: "to", type: "address", indexed: true },
			{ name: "value", type: "uint256", indexed: false },
		],
	},
	{
		type: "event",
		name: "Approval",
		anonymous: false,
		inputs: [
			{ name: "owner", type: "address", indexed: true },
			{ name: "spender", type: "address", indexed: true },
			{ name: "value", type: "uint256", indexed: false },
		],
	},
	{ type: "error", name: "LengthMismatch", inputs: [] },
	{ type: "error", name: "ZeroAddress", inputs: [] },
	{
		type: "error",
		name: "InsufficientBalance",
		inputs: [
			{ name: "account", type: "address" },
			{ name: "balance", type: "uint256" },
			{ name: "needed", type: "uint256" },
		],
	},
	{
		type: "error",
		name: "InsufficientAllowance",
		inputs: [
			{ name: "owner", type: "address" },
			{ name: "spender", type: "address" },
			{ name: "allowance", type: "uint256" },
			{ name: "needed", type: "uint256" },
		],
	},
	{
		type: "function",
		name: "name",
		stateMutability: "view",
		inputs: [],
		outputs: [{ name: "", type: "string" }],
	},
	{
		type: "function",
		name: "symbol",
		stateMutability: "view",
		inputs: [],
		outputs: [{ name: "", type: "string" }],
	},
	{
		type: "function",
		name: "decimals",
		stateMutability: "view",
		inputs: [],
		outputs: [{ name: "", type: "uint8" }],
	},
	{
		type: "function",
		name: "totalSupply",
		stateMutability: "view",
		inputs: [],
		outputs: [{ name: "", type: "uint256" }],
	},
	{
		type: "function",
		name: "balanceOf",
		stateMutability: "view",
		inputs: [{ name: "", type: "address" }],
		outputs: [{ name: "", type: "uint256" }],
	},
	{
		type: "function",
		name: "allowance",
		stateMutability: "view",
		inputs: [
			{ name: "", type: "address" },
			{ name: "", type: "address" },
		],
		outputs: [{ name: "", type: "uint256" }],
	},
	{
		type: "function",
		name: "transfer",
		stateMutability: "nonpayable",
		inputs: [
			{ name: "to", type: "address" },
			{ name: "amount", type: "uint256" },
		],
		outputs: [{ name: "", type: "bool" }],
	},
	{
		type: "function",
		name: "approve",
		stateMutability: "nonpayable",
		inputs: [
			{ name: "spender", type: "address" },
			{ name: "amount", type: "uint256" },
		],
		outputs: [{ name: "", type: "bool" }],
	},
	{
		type: "function",
		name: "transferFrom",
		stateMutability: "nonpayable",
		inputs: [
			{ name: "from", type: "address" },
			{ name: "to", type: "address" },
			{ name: "amount", type: "uint256" },
		],
		outputs: [{ name: "", type: "bool" }],
	},
	{
		type: "function",
		name: "mint",
		stateMutability: "nonpayable",
		inputs: [
			{ name: "to", type: "address" },
			{ name: "amount", type: "uint256" },
		],
		outputs: [],
	},
	{
		type: "function",
		name: "burn",
		stateMutability: "nonpayable",
		inputs: [
			{ name: "from", type: "address" },
			{ name: "amount", type: "uint256" },
		],
		outputs: [],
	},
	{
		type: "function",
		name: "batchTransfer",
		stateMutability: "nonpayable",
		inputs: [
			{ name: "to", type: "address[]" },
			{ name: "amounts", type: "uint256[]" },
		],
		outputs: [{ name: "", type: "bool" }],
	},
] as const;
