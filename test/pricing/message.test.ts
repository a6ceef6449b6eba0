/**
 * parseMessage(): what it extracts, which aleph-message rules it applies, and
 * that every malformed message yields a validation error naming a field.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeCosts } from "../../src/pricing/costs.ts";
import { parseMessage } from "../../src/pricing/message.ts";
import { context, envelope, gpuInstance, instance, type Json, parsed, programComplete, store } from "./fixtures.ts";

describe("parseMessage()", () => {
	it("reads an instance: resources, rootfs, payment defaults to hold", () => {
		const message = parsed(instance());
		expect(message).toMatchObject({
			kind: "instance",
			address: "0xA07B1214bAe0D5ccAA25449C3149c0aC83658874",
			payment: { type: "hold", chain: null, receiver: null },
			resources: { vcpus: 1, memory: 2048 },
			rootfs: { sizeMib: 20480 },
			confidential: false,
			gpuDeviceIds: [],
		});
	});

	it("applies aleph-message defaults for missing vcpus and memory (1 vCPU, 128 MiB)", () => {
		expect(parsed(instance({ resources: {} }))).toMatchObject({ resources: { vcpus: 1, memory: 128 } });
	});

	it("classifies volumes as aleph-message does and keeps their order", () => {
		const message = parsed(
			instance({
				volumes: [
					{ ref: "aa", use_latest: false, mount: "/a" },
					{ ephemeral: true, size_mib: 5 },
					{ persistence: "host", size_mib: 5000, mount: "/p" },
				],
			}),
		);
		expect(message.kind === "instance" && message.volumes.map((volume) => volume.kind)).toEqual(["immutable", "ephemeral", "persistent"]);
	});

	it("treats verified volumes of a V-PROGRAM as free artifacts", () => {
		const raw = envelope("V-PROGRAM", {
			payment: { type: "credit" },
			resources: { vcpus: 2, memory: 2048 },
			volumes: [{ ref: "da".repeat(32), hash_tree: "d5".repeat(32), roothash: "ef".repeat(32) }],
		});
		const costs = computeCosts(parsed(raw), context());
		expect(costs.ok && costs.value.rows.map((row) => [row.type, row.name])).toEqual([
			["EXECUTION", "instance_confidential"],
			["EXECUTION_VOLUME_DISCOUNT", "EXECUTION_VOLUME_DISCOUNT"],
		]);
	});

	it("accepts POST, AGGREGATE and FORGET as unpriced messages", () => {
		for (const type of ["POST", "AGGREGATE", "FORGET"]) {
			expect(parsed(envelope(type, {}))).toMatchObject({ kind: "unpriced", type });
		}
	});

	it("refuses superfluid payment for a STORE, like aleph-message", () => {
		const result = parseMessage(store("Qm", 1.8e9, { type: "superfluid" }));
		expect(result.ok || result.error).toMatchObject({ code: "invalid_message", field: "content.payment.type" });
	});

	it("requires a node hash for PAYG / credit instances with requirements and for GPUs", () => {
		const payg = parseMessage(instance({ payment: { type: "superfluid" }, requirements: { cpu: {} } }));
		const gpu = parseMessage(instance({ environment: { hypervisor: "qemu" }, requirements: { gpu: [{ device_id: "10de:2684" }] } }));
		expect([payg.ok || payg.error.field, gpu.ok || gpu.error.field]).toEqual([
			"content.requirements.node.node_hash",
			"content.requirements.node.node_hash",
		]);
	});

	it("requires QEmu for GPUs and for a trusted execution environment", () => {
		const gpu = { ...(gpuInstance(["10de:2684"], 1, 2048) as { content: Json }) };
		const firecracker = { ...gpu, content: { ...gpu.content, environment: { hypervisor: "firecracker" } } };
		const tee = parseMessage(instance({ environment: { trusted_execution: { policy: 1 } } }));
		const gpuResult = parseMessage(firecracker);
		expect([gpuResult.ok || gpuResult.error.field, tee.ok || tee.error.field]).toEqual([
			"content.environment.hypervisor",
			"content.environment.trusted_execution",
		]);
	});
});

type Path = ReadonlyArray<string | number>;
const DELETE = Symbol("delete");

function setPath(value: unknown, path: Path, replacement: unknown): unknown {
	if (path.length === 0) return replacement;
	const [head, ...rest] = path as [string | number, ...Path];
	const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) }) as Record<string | number, unknown>;
	if (rest.length === 0 && replacement === DELETE) delete copy[head];
	else copy[head] = setPath(copy[head], rest, replacement);
	return copy;
}

function fieldOf(path: Path): string {
	if (path.length === 0) return "message";
	return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");
}

const instanceWithVolume = instance({ volumes: [{ persistence: "host", size_mib: 10, mount: "/data" }] });
const gpu = gpuInstance(["10de:2684"], 8, 16384);
const program = programComplete();
const storeMessage = store("Qm", 1.8e9, { type: "credit" }, { estimated_size_mib: 10 });

/** [base message, path, wrong values] — every wrong value must be reported on exactly that path. */
const MUTATIONS: Array<[Json, Path, unknown[]]> = [
	[instanceWithVolume, [], [null, 42, "INSTANCE", [], true]],
	[instanceWithVolume, ["type"], [DELETE, 5, "BOGUS", null]],
	[instanceWithVolume, ["sender"], [DELETE, 1, null]],
	[instanceWithVolume, ["time"], [DELETE, "yesterday", -1, null, {}]],
	[instanceWithVolume, ["content"], [DELETE, 42, null, [], "x"]],
	[instanceWithVolume, ["content", "address"], [DELETE, 7, null]],
	[instanceWithVolume, ["content", "payment"], ["hold", 3, []]],
	[instanceWithVolume, ["content", "payment", "type"], ["bitcoin", 3, null]],
	[instanceWithVolume, ["content", "rootfs"], [DELETE, "big", null]],
	[instanceWithVolume, ["content", "rootfs", "size_mib"], [DELETE, -1, 0, 1.5, "20480", null, 2_097_153]],
	[instanceWithVolume, ["content", "rootfs", "parent", "ref"], [DELETE, "", 3]],
	[instanceWithVolume, ["content", "resources"], [DELETE, "x", null]],
	[instanceWithVolume, ["content", "resources", "vcpus"], [0, -1, 1.5, "2", 257, null]],
	[instanceWithVolume, ["content", "resources", "memory"], [0, "x", 1_048_577, 2.5]],
	[instanceWithVolume, ["content", "environment"], [DELETE, "qemu", null]],
	[instanceWithVolume, ["content", "volumes"], ["x", {}, 3]],
	[instanceWithVolume, ["content", "volumes", 0], [7, null, "vol"]],
	[instanceWithVolume, ["content", "volumes", 0, "size_mib"], [-5, 0, "5", 1.5, DELETE]],
	[instanceWithVolume, ["content", "volumes", 0, "mount"], [5, {}]],
	[gpu, ["content", "requirements", "gpu", 0, "device_id"], ["ffff:ffff", "10de:2685", 12, DELETE]],
	[gpu, ["content", "requirements", "gpu"], ["10de:2684", 1]],
	[program, ["content", "code", "ref"], [DELETE, 5, ""]],
	[program, ["content", "code", "estimated_size_mib"], [-1, "big", 0.5]],
	[program, ["content", "on"], [DELETE, true]],
	[program, ["content", "on", "persistent"], ["yes", 1]],
	[program, ["content", "environment", "internet"], ["yes", 1]],
	[program, ["content", "volumes", 0, "estimated_size_mib"], [-3]],
	[storeMessage, ["content", "item_hash"], [DELETE, 5, ""]],
	[storeMessage, ["content", "estimated_size_mib"], [-1, "10"]],
	[storeMessage, ["content", "payment", "type"], ["superfluid", "stream"]],
];

const mutation = fc
	.constantFrom(...MUTATIONS)
	.chain(([base, path, values]) => fc.constantFrom(...values).map((value) => ({ base, path, value })));

describe("malformed messages", () => {
	it("every generated malformed message yields invalid_message naming the mutated field", () => {
		fc.assert(
			fc.property(mutation, ({ base, path, value }) => {
				const raw = setPath(base, path, value);
				const message = parseMessage(raw);
				const result = message.ok ? computeCosts(message.value, context()) : message;
				expect(result.ok).toBe(false);
				if (!result.ok) expect([result.error.code, result.error.field]).toEqual(["invalid_message", fieldOf(path)]);
			}),
			{ numRuns: 500 },
		);
	});

	it("arbitrary values anywhere in a message never throw, and validation failures name a field", () => {
		const leaf = fc.constantFrom(...MUTATIONS.map(([base, path]) => ({ base, path })));
		fc.assert(
			fc.property(leaf, fc.anything(), ({ base, path }, value) => {
				const message = parseMessage(setPath(base, path, value));
				const result = message.ok ? computeCosts(message.value, context()) : message;
				// A huge but well-formed size may price past 10^10 units: cost_overflow, like pyaleph's quantize.
				if (!result.ok && result.error.code !== "cost_overflow") expect(result.error.field).toMatch(/^[a-z]/);
			}),
			{ numRuns: 1000 },
		);
	});

	it("arbitrary JSON is never priced by accident and never throws", () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				const message = parseMessage(value);
				expect(message.ok).toBe(false);
				if (!message.ok) expect(message.error.field).toMatch(/^[a-z]/);
			}),
			{ numRuns: 500 },
		);
	});

	it("a bad byte count in sizes is reported on sizes.<ref>", () => {
		const message = parsed(store("Qm", 1.8e9));
		for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) {
			const result = computeCosts(message, context({ Qm: bad }));
			expect(result.ok || result.error).toEqual({
				code: "invalid_sizes",
				field: "sizes.Qm",
				message: "expected a non-negative integer byte count",
			});
		}
	});
});
