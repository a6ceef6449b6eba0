import type { Selectable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { AlertsTable } from "../../db/schema.ts";

/** Alerts newest first (by id), optionally of one status and one address, with an id below `before`. */
export async function listAlerts(
	db: Db,
	q: { status?: "open" | "resolved"; address?: string; before: bigint | null; limit: number },
): Promise<Selectable<AlertsTable>[]> {
	let select = db.selectFrom("alerts").selectAll();
	if (q.status) select = select.where("status", "=", q.status);
	if (q.address) select = select.where("address", "=", q.address);
	if (q.before !== null) select = select.where("id", "<", q.before);
	return select.orderBy("id", "desc").limit(q.limit).execute();
}
