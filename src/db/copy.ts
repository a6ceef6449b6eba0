import { type PostgresPool, type PostgresPoolClient, sql } from "kysely";
import type pg from "pg";
import type { Trx } from "./database.ts";
import type { Tables } from "./schema.ts";
import { type Column, type Columns, insertUnnest, type Scalar } from "./unnest.ts";

/** Bytes of COPY text per chunk sent (the driver's write buffer never holds more than one). */
const CHUNK_BYTES = 256 * 1024;

/**
 * Rows for `COPY <table> (<columns>) FROM …` in PostgreSQL's text format, passed to the driver as
 * the only parameter of a statement. Neither driver can run it as an ordinary query: the pg pool
 * of `openDatabase` (`withCopy`) sends it with the COPY sub-protocol, the PGlite dialect as a
 * `/dev/blob`.
 */
export class CopyIn {
	constructor(
		readonly table: string,
		readonly columns: readonly string[],
		readonly chunks: readonly Buffer[],
		readonly rows: number,
	) {}

	/** The COPY statement reading from `source` (`stdin`, `'/dev/blob'`). */
	statement(source: string): string {
		return `copy ${quote(this.table)} (${this.columns.map(quote).join(", ")}) from ${source}`;
	}
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

// Text format: \N is null; backslash, tab, newline and carriage return are escaped.
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
function field(value: Scalar): string {
	if (value === null) return "\\N";
	if (typeof value === "string") return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] as string) : value;
	if (typeof value === "boolean") return value ? "t" : "f";
	return String(value);
}

/**
 * Appends rows given column by column (the same `columns` object as `insertUnnest`: one array of
 * values per row, or a scalar for every row) with COPY, in the caller's transaction. COPY skips
 * the parsing of parameter arrays and the executor's per-row overhead of `INSERT … SELECT
 * unnest(…)`, so bulk appends cost the server about two thirds (see docs/benchmarks.md). No
 * `ON CONFLICT`: for plain appends only. Does nothing when there are no rows; throws when the
 * arrays differ in length.
 */
export async function copyInto<T extends keyof Tables & string>(trx: Trx, table: T, columns: Columns<T>): Promise<void> {
	const entries = Object.entries(columns as Record<string, Column>);
	const lengths = new Set(entries.flatMap(([, [, values]]) => (Array.isArray(values) ? [values.length] : [])));
	if (lengths.size !== 1)
		throw new Error(`copyInto(${table}): needs array columns of one length, got ${[...lengths].join(", ") || "none"}`);
	const rows = [...lengths][0] as number;
	if (rows === 0) return;
	// Scalars are encoded once; each row is one template of its fields.
	const getters = entries.map(([, [, values]]) => {
		if (Array.isArray(values)) return (i: number) => field(values[i] as Scalar);
		const encoded = field(values as Scalar);
		return () => encoded;
	});
	const chunks: Buffer[] = [];
	let text = "";
	for (let i = 0; i < rows; i++) {
		let line = (getters[0] as (i: number) => string)(i);
		for (let c = 1; c < getters.length; c++) line += `\t${(getters[c] as (i: number) => string)(i)}`;
		text += `${line}\n`;
		if (text.length >= CHUNK_BYTES) {
			chunks.push(Buffer.from(text));
			text = "";
		}
	}
	if (text.length > 0) chunks.push(Buffer.from(text));
	const copy = new CopyIn(
		table,
		entries.map(([name]) => name),
		chunks,
		rows,
	);
	await sql`${copy}`.execute(trx);
}

/** Rows from which COPY pays for its extra round trip (the server asks for the data). */
const COPY_FROM_ROWS = 500;

/**
 * Appends rows given column by column: with COPY when there are many (`copyInto`), else with one
 * `INSERT … SELECT unnest(…)` (`insertUnnest`), which needs one round trip less.
 */
export async function appendRows<T extends keyof Tables & string>(trx: Trx, table: T, columns: Columns<T>): Promise<void> {
	const rows = Math.max(
		0,
		...Object.values(columns as Record<string, Column>).map(([, values]) => (Array.isArray(values) ? values.length : 0)),
	);
	await (rows >= COPY_FROM_ROWS ? copyInto(trx, table, columns) : insertUnnest(trx, table, columns));
}

/**
 * The pool to give kysely's PostgresDialect: its clients run a statement whose only parameter is
 * a `CopyIn` as `COPY … FROM STDIN` on the same session (so in the caller's transaction), and
 * every other statement as pg does.
 */
export function withCopy(pool: pg.Pool): PostgresPool {
	// One wrapper per pg client: kysely keeps a connection per client object.
	const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
	return {
		async connect() {
			const client = await pool.connect();
			let wrapper = wrappers.get(client);
			if (!wrapper) {
				const query = client.query.bind(client) as (...args: unknown[]) => unknown;
				wrapper = {
					query: ((...args: unknown[]) => {
						const copy = Array.isArray(args[1]) && args[1].length === 1 ? args[1][0] : undefined;
						return copy instanceof CopyIn ? copyFromStdin(query, copy) : query(...args);
					}) as PostgresPoolClient["query"],
					release: (destroy?: boolean) => client.release(destroy),
				};
				wrappers.set(client, wrapper);
			}
			return wrapper;
		},
		end: () => pool.end(),
	};
}

/** Runs a `CopyIn` with pg's COPY sub-protocol: the statement, then the chunks, then CopyDone. */
function copyFromStdin(query: (submittable: unknown) => unknown, copy: CopyIn): Promise<{ command: string; rowCount: number; rows: [] }> {
	return new Promise((resolve, reject) => {
		let settled = false;
		const settle = (error?: Error) => {
			if (settled) return;
			settled = true;
			if (error) reject(error);
			else resolve({ command: "COPY", rowCount: copy.rows, rows: [] });
		};
		type Connection = { query(text: string): void; sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };
		// A pg "submittable": the client hands it the connection and forwards the backend's messages.
		query({
			submit: (connection: Connection) => connection.query(copy.statement("stdin")),
			handleCopyInResponse: (connection: Connection) => {
				for (const chunk of copy.chunks) connection.sendCopyFromChunk(chunk);
				connection.endCopyFrom();
			},
			handleError: (error: Error) => settle(error),
			handleReadyForQuery: () => settle(),
			handleCommandComplete: () => {},
			handleRowDescription: () => {},
			handleDataRow: () => {},
			handlePortalSuspended: () => {},
			handleEmptyQuery: () => {},
			handleCopyData: () => {},
		});
	});
}
