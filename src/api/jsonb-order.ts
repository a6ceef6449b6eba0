/**
 * Reorders object keys the way Postgres `jsonb` stores them (shorter keys first, then by bytes),
 * recursively. `registerResource` compares a re-registered message with the stored one through
 * `JSON.stringify`, which depends on key order: without this, registering the same message twice
 * answers 409 instead of "unchanged" (see the report: the comparison belongs in SQL).
 */
export function jsonbOrder(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(jsonbOrder);
	if (value === null || typeof value !== "object") return value;
	const keys = Object.keys(value).sort((a, b) => {
		const ab = Buffer.from(a);
		const bb = Buffer.from(b);
		return ab.length - bb.length || Buffer.compare(ab, bb);
	});
	const out: Record<string, unknown> = {};
	for (const key of keys) out[key] = jsonbOrder((value as Record<string, unknown>)[key]);
	return out;
}
