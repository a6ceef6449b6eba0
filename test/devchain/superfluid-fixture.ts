import type { Address } from "viem";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { confirm, createDevClient, type DevClient, devAccounts } from "../../devchain/client.ts";
import { deploySuperfluid, type SuperfluidFramework, superTokenAbi } from "../../devchain/superfluid.ts";

/** An anvil node with Superfluid and ALEPH deployed, for one test file. */
export interface SuperfluidFixture {
	anvil: AnvilInstance;
	client: DevClient;
	sf: SuperfluidFramework;
	/** Dev account `i` (0 is the deployer, holding the whole ALEPH supply). */
	who(i: number): Address;
	/** Sends `amount` wei of ALEPH from the deployer to `to`. */
	fund(to: Address, amount: bigint): Promise<void>;
	/** Wall time of `deploySuperfluid`, in milliseconds. */
	deployMs: number;
}

/** Starts anvil (code size limit off) and deploys the framework and ALEPH. */
export async function startSuperfluidFixture(): Promise<SuperfluidFixture> {
	const anvil = await startAnvil({ disableCodeSizeLimit: true });
	const client = createDevClient(anvil);
	const accounts = await devAccounts(client);
	const t0 = performance.now();
	const sf = await deploySuperfluid(client);
	const deployMs = performance.now() - t0;
	return {
		anvil,
		client,
		sf,
		deployMs,
		who(i) {
			const a = accounts[i];
			if (!a) throw new Error(`no dev account ${i}`);
			return a;
		},
		async fund(to, amount) {
			const hash = await client.writeContract({
				address: sf.token,
				abi: superTokenAbi,
				functionName: "transfer",
				args: [to, amount],
				account: sf.deployer,
			});
			await confirm(client, hash);
		},
	};
}
