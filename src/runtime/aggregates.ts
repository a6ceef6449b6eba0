import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Config } from "../config/env.ts";
import type { Db } from "../db/database.ts";
import { ConfigError } from "../lib/errors.ts";
import { loadPricing, loadSettings, type Pricing, type Settings } from "../pricing/index.ts";
import { type JobQueue, RECOMPUTE_ALL } from "../queue/jobs.ts";

/** Loads `PRICING_FILE` / `SETTINGS_FILE` (or the built-in defaults); a bad file is a configuration error. */
export function loadAggregates(config: Pick<Config, "pricingFile" | "settingsFile">): { pricing: Pricing; settings: Settings } {
	const issues: { variable: string; message: string }[] = [];
	const attempt = <T>(variable: string, load: () => T): T | undefined => {
		try {
			return load();
		} catch (error) {
			issues.push({ variable, message: (error as Error).message });
			return undefined;
		}
	};
	const pricing = attempt("PRICING_FILE", () => loadPricing(config.pricingFile ?? undefined));
	const settings = attempt("SETTINGS_FILE", () => loadSettings(config.settingsFile ?? undefined));
	if (!pricing || !settings) throw new ConfigError(issues);
	return { pricing, settings };
}

/**
 * Compares the aggregates in force with those of the last start; when they changed, records the
 * new fingerprint and fans out a recompute of every account (the community wallet and its
 * start time decide the pay-as-you-go split), in one transaction: a queue that refuses the
 * fan-out leaves the old fingerprint, so the next attempt fans out again. Returns whether it fanned out.
 */
export async function fanOutOnAggregateChange(
	db: Db,
	queue: JobQueue,
	aggregates: { pricing: Pricing; settings: Settings },
): Promise<boolean> {
	const fingerprint = createHash("sha256")
		.update(JSON.stringify(aggregates, (_, v) => (typeof v === "bigint" ? v.toString() : v)))
		.digest("hex");
	const changed = await db.transaction().execute(async (trx) => {
		const previous = await trx.selectFrom("service_state").select("value").where("key", "=", "aggregates").forUpdate().executeTakeFirst();
		if (previous?.value === fingerprint) return false;
		await trx
			.insertInto("service_state")
			.values({ key: "aggregates", value: fingerprint })
			.onConflict((oc) => oc.column("key").doUpdateSet({ value: fingerprint, updated_at: sql`now()` }))
			.execute();
		await queue.add([RECOMPUTE_ALL]);
		return true;
	});
	return changed;
}
