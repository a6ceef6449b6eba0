import { z } from "@hono/zod-openapi";

/** An Aleph message as JSON; the pricing engine validates its content and names the field at fault. */
export const MessageSchema = z.record(z.string(), z.unknown()).openapi("AlephMessage", {
	description:
		"An Aleph message: `type` (STORE, PROGRAM, INSTANCE, V-PROGRAM, POST, AGGREGATE, FORGET), `sender`, `time` (unix seconds), `item_hash?`, and `content` with `address`, `payment`, `resources`, `rootfs`, `volumes`, `requirements`, …",
	example: {
		type: "INSTANCE",
		sender: "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874",
		time: 1701099523.849,
		content: {
			address: "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874",
			time: 1701099523.849,
			rootfs: { parent: { ref: "6e30de68c6cedfa6b45240c2b51e52495ac6fb1bd4b36457b3d5ca307594d595" }, size_mib: 20480, persistence: "host" },
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
