import { createRequire } from "node:module";
import type { Address, Hex } from "viem";

/**
 * Loads compiled Superfluid contracts from the installed `@superfluid-finance/ethereum-contracts`
 * package at run time (nothing is vendored). Loading is lazy: importing this module reads nothing.
 */

const PACKAGE = "@superfluid-finance/ethereum-contracts";
const STEPS = "utils/SuperfluidFrameworkDeploymentSteps.t.sol";

/** Byte ranges where a library address must be spliced into bytecode. */
export type LinkReferences = Record<string, Record<string, readonly { start: number; length: number }[]>>;

/** The fields of a hardhat artifact that deployment needs. */
export interface HardhatArtifact {
	contractName: string;
	bytecode: Hex;
	linkReferences: LinkReferences;
}

/** A library of the framework, in deployment order (dependencies first). */
export interface FrameworkLibrary {
	name: string;
	/** Artifact path under `build/hardhat/contracts/`. */
	path: string;
}

/** The 16 libraries the SuperfluidFrameworkDeployer and its libraries link against, in deployment order. */
export const FRAMEWORK_LIBRARIES: readonly FrameworkLibrary[] = [
	{ name: "SlotsBitmapLibrary", path: "libs/SlotsBitmapLibrary.sol" },
	{ name: "SuperfluidGovDeployerLibrary", path: STEPS },
	{ name: "SuperfluidHostDeployerLibrary", path: STEPS },
	{ name: "SuperfluidCFAv1DeployerLibrary", path: STEPS },
	{ name: "SuperfluidIDAv1DeployerLibrary", path: STEPS },
	{
		name: "SuperfluidPoolDeployerLibrary",
		path: "agreements/gdav1/SuperfluidPoolDeployerLibrary.sol",
	},
	{ name: "SuperfluidGDAv1DeployerLibrary", path: STEPS },
	{ name: "SuperTokenDeployerLibrary", path: STEPS },
	{ name: "SuperfluidPeripheryDeployerLibrary", path: STEPS },
	{ name: "SuperfluidPoolLogicDeployerLibrary", path: STEPS },
	{ name: "SuperfluidPoolNFTLogicDeployerLibrary", path: STEPS },
	{ name: "ProxyDeployerLibrary", path: STEPS },
	{ name: "CFAv1ForwarderDeployerLibrary", path: STEPS },
	{ name: "GDAv1ForwarderDeployerLibrary", path: STEPS },
	{ name: "SuperTokenFactoryDeployerLibrary", path: STEPS },
	{ name: "TokenDeployerLibrary", path: STEPS },
];

/** The framework deployer contract (runs the deployment in `executeStep(i)` calls). */
export const FRAMEWORK_DEPLOYER: FrameworkLibrary = {
	name: "SuperfluidFrameworkDeployer",
	path: "utils/SuperfluidFrameworkDeployer.t.sol",
};

/** Reads `build/hardhat/contracts/<path>/<name>.json` from the installed package. */
export function loadArtifact(entry: FrameworkLibrary): HardhatArtifact {
	const require = createRequire(import.meta.url);
	const artifact = require(`${PACKAGE}/build/hardhat/contracts/${entry.path}/${entry.name}.json`) as HardhatArtifact;
	if (!artifact.bytecode || artifact.bytecode === "0x") throw new Error(`${entry.name} has no bytecode`);
	return artifact;
}

/** Version of the installed Superfluid package, e.g. `1.15.2`. */
export function superfluidPackageVersion(): string {
	return (
		createRequire(import.meta.url)(`${PACKAGE}/package.json`) as {
			version: string;
		}
	).version;
}

/** Library names an artifact must be linked against. */
export function requiredLibraries(artifact: HardhatArtifact): string[] {
	return Object.values(artifact.linkReferences).flatMap((libs) => Object.keys(libs));
}

/**
 * Splices library addresses into an artifact's creation bytecode at every `linkReferences`
 * offset (offsets are in bytes). Throws if an address is missing.
 */
export function linkBytecode(artifact: HardhatArtifact, libraries: Readonly<Record<string, Address>>): Hex {
	let hex = artifact.bytecode.slice(2);
	for (const libs of Object.values(artifact.linkReferences)) {
		for (const [name, refs] of Object.entries(libs)) {
			const address = libraries[name];
			if (!address) throw new Error(`${artifact.contractName} needs library ${name}, which is not deployed`);
			const raw = address.slice(2).toLowerCase();
			for (const { start, length } of refs) {
				if (length !== 20) throw new Error(`unexpected link length ${length} for ${name}`);
				hex = hex.slice(0, start * 2) + raw + hex.slice((start + length) * 2);
			}
		}
	}
	return `0x${hex}`;
}

/** Address of the ERC-1820 registry, identical on every chain (EIP-1820). */
export const ERC1820_REGISTRY: Address = "0x1820a4B7618BdE71Dce8cdc73aAB6C95905faD24";
/** Sender recovered from the EIP-1820 pre-signed deployment; it needs 0.08 ETH of gas money. */
export const ERC1820_DEPLOYER: Address = "0xa990077c3205cbDf861e17Fa532eeB069cE9fF96";
/** Gas money for the pre-signed deployment: 800,000 gas × 100 gwei, in wei. */
export const ERC1820_FUNDING_WEI = 80_000_000_000_000_000n;

/**
 * The EIP-1820 pre-signed (keyless, "Nick's method") raw deployment transaction:
 * RLP(nonce 0, gasPrice 100 gwei, gas 800000, to empty, value 0, data = registry creation code,
 * v 27, r = s = 0x1820…1820). The creation code is read from the package's
 * `dev-scripts/artifacts/ERC1820Registry.json`.
 */
export function erc1820RawDeployment(): Hex {
	const require = createRequire(import.meta.url);
	const { bin } = require(`${PACKAGE}/dev-scripts/artifacts/ERC1820Registry.json`) as { bin: string };
	const rs = "1820".repeat(16);
	return `0xf90a388085174876e800830c35008080b909e5${bin}1ba0${rs}a0${rs}`;
}
