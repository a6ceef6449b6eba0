/**
 * Aggregates as pyaleph builds them (spec aleph-network §4.3; `handlers/content/aggregate.py`,
 * `db/accessors/aggregates.py`): every AGGREGATE message is an element `(owner = content.address,
 * key = str(content.key), content, content.time)`, and the value of `(owner, key)` is the shallow
 * merge of its elements by `content.time` ascending. SQL leaves ties unordered; we break them by
 * item_hash ascending. A FORGET of an element removes it: the caller drops forgotten elements.
 */
import type { AggregateKey } from "./content.ts";
import type { JsonObject } from "./json.ts";
import type { VerifiedMessage } from "./verify.ts";

/** pyaleph never updates this owner's aggregates (`aggregate.py`: "Let's forget about you for now"). */
export const IGNORED_AGGREGATE_OWNER = "0x51A58800b26AA1451aaA803d1746687cB88E0501";

export type AggregateElement = {
	itemHash: string;
	/** `content.address`, exactly as signed: pyaleph looks aggregates up by exact owner. */
	owner: string;
	key: string;
	content: JsonObject;
	timeMicros: bigint;
};

/** Python's repr of a string, for the `name='…'` that `str()` of a `{name}` key gives. */
function pythonRepr(text: string): string {
	const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
	const body = [...text]
		.map((c) => {
			if (c === "\\" || c === quote) return `\\${c}`;
			if (c === "\n") return "\\n";
			if (c === "\r") return "\\r";
			if (c === "\t") return "\\t";
			const code = c.codePointAt(0) ?? 0;
			return code < 0x20 || (code >= 0x7f && code <= 0xa0) ? `\\x${code.toString(16).padStart(2, "0")}` : c;
		})
		.join("");
	return `${quote}${body}${quote}`;
}

/** `str(content.key)`: a string key as is, a `{name}` key as pydantic prints the model. */
export function aggregateKeyString(key: AggregateKey): string {
	return typeof key === "string" ? key : `name=${pythonRepr(key.name)}`;
}

/** The element an AGGREGATE message adds; null for any other message. */
export function aggregateElement({ envelope, content }: VerifiedMessage): AggregateElement | null {
	if (content.kind !== "AGGREGATE") return null;
	return {
		itemHash: envelope.itemHash,
		owner: content.address,
		key: aggregateKeyString(content.key),
		content: content.content,
		timeMicros: content.timeMicros,
	};
}

function compareAggregateElements(a: AggregateElement, b: AggregateElement): number {
	if (a.timeMicros !== b.timeMicros) return a.timeMicros < b.timeMicros ? -1 : 1;
	return a.itemHash < b.itemHash ? -1 : a.itemHash > b.itemHash ? 1 : 0;
}

/**
 * The value of one aggregate from its (not forgotten) elements, all of the same owner and key:
 * later elements replace top-level keys of earlier ones. Null when there is no element (the
 * aggregate does not exist).
 */
export function mergeAggregate(elements: readonly AggregateElement[]): JsonObject | null {
	if (elements.length === 0 || elements[0]?.owner === IGNORED_AGGREGATE_OWNER) return null;
	let value: JsonObject = {};
	for (const element of [...elements].sort(compareAggregateElements)) value = { ...value, ...element.content };
	return value;
}
