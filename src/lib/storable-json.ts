/**
 * Deepest nesting of objects and arrays accepted in a message, counting the message itself as
 * level 1. A CCN parses content with orjson, which stops at 1,024 levels (Python's json at about
 * 1,000), so no message a CCN accepted is deeper than 1,024 levels of content plus its envelope;
 * Postgres's jsonb parser and V8's JSON.stringify fail somewhere past 3,000 (Postgres and PGlite
 * both store 3,000; 5,000 overflows a stack).
 */
export const MAX_JSON_DEPTH = 1_100;

/** Where a JSON value cannot be stored as jsonb, and why. `path` leads to the value (or the object whose key is at fault). */
export type JsonFault = { path: (string | number)[]; reason: string };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Postgres text and jsonb refuse U+0000 and unpaired surrogates (a CCN stores neither). */
function storable(text: string): boolean {
	return !text.includes("\u0000") && !LONE_SURROGATE.test(text);
}

type Frame = { value: unknown; depth: number; parent: Frame | null; key: string | number | null };

function pathOf(frame: Frame): (string | number)[] {
	const path: (string | number)[] = [];
	for (let f: Frame | null = frame; f !== null && f.key !== null; f = f.parent) path.push(f.key);
	return path.reverse();
}

/**
 * The first string or key of a parsed JSON value that Postgres cannot store (U+0000, an
 * unpaired surrogate), or the first container nested deeper than `maxDepth`; null when the whole
 * value is storable. Walks with an explicit stack: a hostile body cannot overflow the call stack.
 */
export function findUnstorableJson(value: unknown, maxDepth = MAX_JSON_DEPTH): JsonFault | null {
	const stack: Frame[] = [{ value, depth: 1, parent: null, key: null }];
	for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
		const current = frame.value;
		if (typeof current === "string") {
			if (!storable(current)) return { path: pathOf(frame), reason: "must not contain U+0000 or an unpaired surrogate" };
			continue;
		}
		if (current === null || typeof current !== "object") continue;
		if (frame.depth > maxDepth) return { path: pathOf(frame), reason: `must not nest deeper than ${maxDepth} levels` };
		const entries: [string | number, unknown][] = Array.isArray(current) ? current.map((v, i) => [i, v]) : Object.entries(current);
		if (entries.some(([key]) => typeof key === "string" && !storable(key)))
			return { path: pathOf(frame), reason: "must not have a key containing U+0000 or an unpaired surrogate" };
		// Pushed in reverse so children are visited in document order.
		for (let i = entries.length - 1; i >= 0; i--) {
			const [key, child] = entries[i] as [string | number, unknown];
			stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
		}
	}
	return null;
}
