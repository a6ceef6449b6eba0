import type { Db } from "../db/database.ts";
import { ConfigError } from "../lib/errors.ts";

/** The id migration 0004 gave this database: it scopes its job queues in Redis. */
export async function readInstallationId(db: Db): Promise<string> {
	const row = await db.selectFrom("service_state").select("value").where("key", "=", "installation").executeTakeFirstOrThrow();
	return row.value;
}

const CHAIN_SET = "chains";

/** The chain set this database serves, as recorded (sorted names); null before the first start. */
async function readChainSet(db: Db): Promise<string[] | null> {
	const row = await db.selectFrom("service_state").select("value").where("key", "=", CHAIN_SET).executeTakeFirst();
	return row ? row.value.split(",") : null;
}

const sorted = (chains: string[]) => [...new Set(chains)].sort();

/**
 * Records `chains` as the set this database serves (`aleph-oracle migrate`: the explicit way to
 * add or drop a chain). Returns the set it replaced, null when there was none.
 */
export async function recordChainSet(db: Db, chains: string[]): Promise<string[] | null> {
	const previous = await readChainSet(db);
	const value = sorted(chains).join(",");
	await db
		.insertInto("service_state")
		.values({ key: CHAIN_SET, value })
		.onConflict((oc) => oc.column("key").doUpdateSet({ value }))
		.execute();
	return previous;
}

/**
 * Refuses a process whose `CHAINS` would compute entitlements over another chain set than the one
 * the database serves: an account's entitlement sums every chain, so a process configured with
 * fewer would rewrite every stored entitlement (and answer) without the others. `work`, `serve`
 * and `all` need the exact set, and the first of them to start records it; `watch` may index a
 * part of it (one watcher per chain set), never a chain outside it.
 * @throws ConfigError naming `CHAINS`
 */
export async function checkChainSet(db: Db, role: "watch" | "work" | "serve" | "all", chains: string[]): Promise<void> {
	const configured = sorted(chains);
	let served = await readChainSet(db);
	if (served === null) {
		if (role === "watch") return;
		await db
			.insertInto("service_state")
			.values({ key: CHAIN_SET, value: configured.join(",") })
			.onConflict((oc) => oc.column("key").doNothing())
			.execute();
		served = (await readChainSet(db)) ?? configured;
	}
	const fits = role === "watch" ? configured.every((c) => served.includes(c)) : configured.join(",") === served.join(",");
	if (!fits)
		throw new ConfigError([
			{
				variable: "CHAINS",
				message: `is ${chains.join(",")} but this database serves ${served.join(",")} (run \`aleph-oracle migrate\` with the new CHAINS to change it)`,
			},
		]);
}
