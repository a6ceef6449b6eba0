import { z } from "@hono/zod-openapi";
import { findUnstorableJson, MAX_JSON_DEPTH } from "../../lib/storable-json.ts";

/** The field of an answer names at most this many levels, each of this many characters at most (a body is 256 KiB). */
const FIELD_LEVELS = 6;
const FIELD_KEY_LENGTH = 24;

/** The path as far as it stays short: the field names the value at fault or its nearest short ancestor. */
function shortPath(path: (string | number)[]): (string | number)[] {
	const end = path.findIndex((key, i) => i >= FIELD_LEVELS || (typeof key === "string" && key.length > FIELD_KEY_LENGTH));
	return end === -1 ? path : path.slice(0, end);
}

/**
 * An Aleph message as JSON; the pricing engine validates its content and names the field at fault.
 * Content no CCN stores (U+0000, an unpaired surrogate, nesting past {@link MAX_JSON_DEPTH}) is
 * refused here, before anything serialises it: Postgres would refuse it later, as a 500.
 */
export const MessageSchema = z
	.record(z.string(), z.unknown())
	.superRefine((message, ctx) => {
		const fault = findUnstorableJson(message);
		if (fault) ctx.addIssue({ code: "custom", message: fault.reason, path: shortPath(fault.path) });
	})
	.openapi("AlephMessage", {
		description: `An Aleph message: \`type\` (STORE, PROGRAM, INSTANCE, V-PROGRAM, POST, AGGREGATE, FORGET), \`sender\`, \`time\` (unix seconds), \`item_hash?\`, and \`content\` with \`address\`, \`payment\`, \`resources\`, \`rootfs\`, \`volumes\`, \`requirements\`, …; no string or key may hold U+0000 or an unpaired surrogate, and nesting stops at ${MAX_JSON_DEPTH} levels`,
		example: {
			type: "INSTANCE",
			sender: "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874",
			time: 1701099523.849,
			content: {
				address: "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874",
				time: 1701099523.849,
				rootfs: {
					parent: { ref: "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595" },
					size_mib: 20480,
					persistence: "host",
				},
				resources: { vcpus: 1, memory: 2048 },
				environment: { internet: true },
				payment: { type: "hold", chain: "ETH" },
			},
		},
	});

/** File ref / item hash → size in bytes. */
export const SizesSchema = z.record(z.string().max(256), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).openapi("FileSizes", {
	description: "Byte sizes of the files the message references (STORE files, code, runtime, data, immutable volumes)",
});

/** One cost row, as the CCN prints it (18 decimals). */
export const CostDetailSchema = z
	.object({
		type: z.string().openapi({ example: "EXECUTION" }),
		name: z.string().openapi({ example: "instance" }),
		cost_hold: z.string().openapi({ example: "1000.000000000000000000" }),
		cost_stream: z.string().openapi({ example: "0.000015277777777777" }),
		cost_credit: z.string().openapi({ example: "3.958333333333333333" }),
		size_mib: z.number().nullable(),
	})
	.openapi("CostDetail");
