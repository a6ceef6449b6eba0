/**
 * Local chains for tests, benchmarks and the demo: anvil, a viem dev client, our ERC-20
 * (ALEPH on Ethereum) and the Superfluid framework with ALEPH as a pure Super Token
 * (ALEPH on Avalanche/Base). `erc20` and `superfluid` are namespaces because both export
 * `balanceOf` / `totalSupply`.
 */
export * from "./aleph-token-abi.ts";
export * from "./anvil.ts";
export * from "./client.ts";
export * from "./compile.ts";
export * as erc20 from "./erc20.ts";
export * from "./provider-errors.ts";
export * from "./seeded-random.ts";
export * as superfluid from "./superfluid.ts";
export * from "./time.ts";
