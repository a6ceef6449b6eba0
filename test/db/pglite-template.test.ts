import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { installedPgliteVersion, makePgliteTemplate, seedFromTemplate } from "../../src/db/pglite-template.ts";

describe("the PGlite template a new data directory is copied from", () => {
	let root: string;
	let template: string;

	beforeAll(async () => {
		root = mkdtempSync(join(tmpdir(), "pglite-template-"));
		template = join(root, "template");
		await makePgliteTemplate(template);
	}, 120_000);
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	it("records the version of the PGlite that made it, beside a cluster", () => {
		expect(readFileSync(join(template, "version"), "utf8").trim()).toBe(installedPgliteVersion());
		expect(readdirSync(join(template, "data"))).toContain("PG_VERSION");
		expect(readdirSync(root).filter((f) => f.includes(".partial-"))).toEqual([]);
	});

	it("fills an absent or an empty directory, and leaves one with anything in it alone", () => {
		const absent = join(root, "absent");
		expect(seedFromTemplate(absent, template)).toBe(true);
		expect(readdirSync(absent)).toContain("PG_VERSION");

		const empty = join(root, "empty");
		mkdirSync(empty);
		expect(seedFromTemplate(empty, template)).toBe(true);
		expect(readdirSync(empty)).toContain("PG_VERSION");

		const used = join(root, "used");
		mkdirSync(used);
		writeFileSync(join(used, "mine"), "x");
		expect(seedFromTemplate(used, template)).toBe(false);
		expect(readdirSync(used)).toEqual(["mine"]);

		const nested = join(root, "a", "b", "c");
		expect(seedFromTemplate(nested, template)).toBe(true);
		expect(readdirSync(nested).sort()).toEqual(readdirSync(join(template, "data")).sort());
	});

	it("redoes a copy cut short (its marker is still there), and leaves no marker behind", () => {
		const cut = join(root, "cut-short");
		mkdirSync(join(cut, "base"), { recursive: true });
		writeFileSync(join(cut, ".aleph-oracle-template-copy"), "");
		writeFileSync(join(cut, "base", "half-a-file"), "x");
		expect(seedFromTemplate(cut, template)).toBe(true);
		expect(readdirSync(cut).sort()).toEqual(readdirSync(join(template, "data")).sort());
		expect(readdirSync(join(cut, "base"))).not.toContain("half-a-file");
		expect(seedFromTemplate(cut, template)).toBe(false);
	});

	it("is not used when another PGlite version made it, or when there is none", () => {
		const other = join(root, "other-version");
		mkdirSync(join(other, "data"), { recursive: true });
		writeFileSync(join(other, "version"), "0.0.1\n");
		expect(seedFromTemplate(join(root, "from-other"), other)).toBe(false);
		expect(seedFromTemplate(join(root, "from-none"), join(root, "no-template"))).toBe(false);
	});

	it("gives each copy its own installation, and a copy keeps what is written to it", async () => {
		const ids: string[] = [];
		for (const name of ["first", "second"]) {
			const dataDir = join(root, name);
			expect(seedFromTemplate(dataDir, template)).toBe(true);
			const database = await openDatabase({ databaseUrl: null, dataDir });
			try {
				await migrate(database.db);
				const row = await sql<{ value: string }>`select value from service_state where key = 'installation'`.execute(database.db);
				ids.push(row.rows[0]?.value ?? "");
				await sql`insert into balances (chain, address, amount) values ('ETH', ${`0x${name.padStart(40, "0")}`}, 7)`.execute(database.db);
			} finally {
				await database.close();
			}
		}
		expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
		expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
		expect(ids[0]).not.toBe(ids[1]);

		const reopened = await openDatabase({ databaseUrl: null, dataDir: join(root, "first") });
		try {
			const rows = await sql<{ amount: bigint }>`select amount from balances`.execute(reopened.db);
			expect(rows.rows).toEqual([{ amount: 7n }]);
		} finally {
			await reopened.close();
		}
	}, 120_000);
});
