import { type DevClient, defaultAccount, toAddress } from "./client.ts";
import {
	deployFrameworkDeployer,
	deployFrameworkLibraries,
	deployPureSuperToken,
	ensureErc1820,
	readFramework,
	readSuperTokenConfig,
} from "./superfluid-deploy.ts";
import type { SuperfluidFramework } from "./superfluid-types.ts";

export * from "./superfluid-abi.ts";
export {
	deployPureSuperToken,
	type PureSuperTokenOptions,
	readSuperTokenConfig,
} from "./superfluid-deploy.ts";
export * from "./superfluid-flows.ts";
export * from "./superfluid-gda.ts";
export * from "./superfluid-reads.ts";
export * from "./superfluid-types.ts";
export * from "./time.ts";

/** Default ALEPH initial supply: 1e9 ALEPH, in wei. */
export const DEFAULT_ALEPH_SUPPLY = 1_000_000_000n * 10n ** 18n;

/** Options of {@link deploySuperfluid}. */
export interface DeploySuperfluidOptions {
	/** Deployer, and receiver of the ALEPH supply (default: the first dev account). */
	from?: string;
	/** Token name (default `"Aleph"`). */
	tokenName?: string;
	/** Token symbol (default `"ALEPH"`). */
	tokenSymbol?: string;
	/** ALEPH initial supply, in wei (default {@link DEFAULT_ALEPH_SUPPLY}). */
	initialSupply?: bigint;
}

/**
 * Deploys the real Superfluid framework (1.15.2 test deployer artifacts from the installed
 * package) and ALEPH as a pure Super Token whose whole supply goes to the deployer:
 * ERC-1820 registry, 16 linked libraries, SuperfluidFrameworkDeployer and its steps, then
 * `deployPureSuperToken`. Takes ~0.5 s on automine anvil.
 *
 * The anvil node must run with `disableCodeSizeLimit: true` (the deployer is 32 KB).
 */
export async function deploySuperfluid(client: DevClient, options: DeploySuperfluidOptions = {}): Promise<SuperfluidFramework> {
	const t0 = performance.now();
	const from = options.from ? toAddress(options.from) : await defaultAccount(client);
	await ensureErc1820(client);
	const t1 = performance.now();
	const libraries = await deployFrameworkLibraries(client, from);
	const t2 = performance.now();
	const frameworkDeployer = await deployFrameworkDeployer(client, from, libraries);
	const contracts = await readFramework(client, frameworkDeployer);
	const t3 = performance.now();
	const initialSupply = options.initialSupply ?? DEFAULT_ALEPH_SUPPLY;
	const { token, receipt } = await deployPureSuperToken(client, contracts, {
		name: options.tokenName ?? "Aleph",
		symbol: options.tokenSymbol ?? "ALEPH",
		initialSupply,
		from,
	});
	const config = await readSuperTokenConfig(client, contracts, token);
	const t4 = performance.now();
	return {
		...contracts,
		token,
		...config,
		deployer: from,
		initialSupply,
		tokenBlockNumber: receipt.blockNumber,
		timings: {
			erc1820Ms: t1 - t0,
			librariesMs: t2 - t1,
			frameworkMs: t3 - t2,
			tokenMs: t4 - t3,
			totalMs: t4 - t0,
		},
	};
}
