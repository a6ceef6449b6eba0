import type { Address } from "viem";

/**
 * Gas limit of every Superfluid write made by the helpers, in gas. Node estimates for
 * `host.callAgreement` paths can land just below what execution needs (the host reverts
 * when the agreement call runs out of gas), so the helpers send a fixed, generous limit.
 */
export const SUPERFLUID_TX_GAS = 5_000_000n;

/**
 * Addresses of a deployed Superfluid framework plus the ALEPH Super Token. All checksummed.
 * This is what every Superfluid helper takes as its `sf` argument.
 */
export interface SuperfluidContracts {
	host: Address;
	/** Constant Flow Agreement v1: emits FlowUpdated / FlowUpdatedExtension. */
	cfa: Address;
	/** Instant Distribution Agreement v1 (legacy). */
	ida: Address;
	/** General Distribution Agreement v1: emits the pool / distribution events. */
	gda: Address;
	governance: Address;
	resolver: Address;
	superTokenFactory: Address;
	superTokenLogic: Address;
	superfluidLoader: Address;
	cfaV1Forwarder: Address;
	gdaV1Forwarder: Address;
	macroForwarder: Address;
	batchLiquidator: Address;
	toga: Address;
	/** The SuperfluidFrameworkDeployer contract (can deploy more tokens). */
	frameworkDeployer: Address;
	/** ALEPH, a pure Super Token (no underlying ERC-20), like ALEPH on Avalanche and Base. */
	token: Address;
}

/** Per-token governance configuration (read on-chain). */
export interface SuperTokenConfig {
	/** Liquidation period, in seconds: a flow's deposit is flowRate × this. */
	liquidationPeriod: bigint;
	/** Patrician period, in seconds, after a sender goes critical. */
	patricianPeriod: bigint;
	/** Minimum deposit of a flow, in wei (0 means the 2^32-wei clipping unit only). */
	minimumDeposit: bigint;
	/** Receiver of patrician-period liquidation rewards (the TOGA contract here). */
	rewardAddress: Address;
}

/** Wall time of each deployment phase, in milliseconds. */
export interface SuperfluidDeployTimings {
	erc1820Ms: number;
	librariesMs: number;
	frameworkMs: number;
	tokenMs: number;
	totalMs: number;
}

/** Result of `deploySuperfluid`. */
export interface SuperfluidFramework extends SuperfluidContracts, SuperTokenConfig {
	/** Account that deployed everything and received ALEPH's initial supply. */
	deployer: Address;
	/** ALEPH initial supply, in wei. */
	initialSupply: bigint;
	/** Block that created the ALEPH token (start indexing there). */
	tokenBlockNumber: bigint;
	timings: SuperfluidDeployTimings;
}
