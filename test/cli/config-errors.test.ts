import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnvilInstance, startAnvil } from "../../devchain/anvil.ts";
import { runCli } from "../helpers/cli.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

let anvil: AnvilInstance;
let database: TestDatabase;
const TOKEN = "0x00000000000000000000000000000000000000aa";

beforeAll(async () => {
	anvil = await startAnvil({ chainId: 31337 });
	database = await createTestDatabase();
});
afterAll(async () => {
	await database?.drop();
	await anvil?.stop();
});

describe("aleph-oracle with a bad environment", () => {
	const base = () => ({ DATABASE_URL: database.url, CHAINS: "ETH", ETH_RPC_URL: anvil.url, ETH_CHAIN_ID: "31337", ETH_TOKEN: TOKEN });

	it("exits 1 naming <CHAIN>_CHAIN_ID when the RPC serves another chain", async () => {
		const { code, output } = await runCli("watch", { ...base(), ETH_CHAIN_ID: "1" });
		expect(code).toBe(1);
		expect(output).toMatch(/^ETH_CHAIN_ID: is 1 but ETH_RPC_URL #0 serves chain id 31337$/m);
	});

	it("exits 1 naming the variable of a malformed address", async () => {
		const { code, output } = await runCli("watch", { ...base(), ETH_TOKEN: "0xnot-an-address" });
		expect(code).toBe(1);
		expect(output).toMatch(/^ETH_TOKEN: must be a 0x-prefixed 20-byte hex address$/m);
	});

	it("exits 1 naming the variable of a malformed URL, one line per bad variable", async () => {
		const { code, output } = await runCli("watch", { ...base(), ETH_RPC_URL: "127.0.0.1:8545", DATABASE_URL: "localhost/db" });
		expect(code).toBe(1);
		expect(output.trim().split("\n").sort()).toEqual([
			"DATABASE_URL: must be a URL (postgres:// or postgresql://)",
			"ETH_RPC_URL: must be a URL (http:// or https://)",
		]);
	});

	it("exits 1 on an unknown role", async () => {
		const { code, output } = await runCli("dance", base());
		expect(code).toBe(1);
		expect(output).toContain('unknown role "dance"');
	});

	it("applies migrations and exits 0 with `migrate`, twice in parallel without racing", async () => {
		const [a, b] = await Promise.all([runCli("migrate", base()), runCli("migrate", base())]);
		expect([a.code, b.code]).toEqual([0, 0]);
	});
});
