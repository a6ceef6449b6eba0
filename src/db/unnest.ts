import { type RawBuilder, sql } from "kysely";
import type { Trx } from "./database.ts";
import type { Tables } from "./schema.ts";

/** SQL type of a bulk-written column. */
export type SqlType = "text" | "int4" | "int8" | "numeric" | "bool";
export type Scalar = string | number | bigint | boolean | null;

/**
 * One column of a bulk write: its SQL type and either one value per row (an array) or one value
 * for every row (a scalar, e.g. the chain).
 */
export type Column = readonly [type: SqlType, values: readonly Scalar[] | Scalar];

export type Columns<T extends keyof Tables> = { [C in keyof Tables[T] & string]?: Column };

// bigints are sent as decimal strings: exact for uint256, and the same on pg and PGlite.
const param = (v: Scalar) => (typeof v === "bigint" ? v.toString() : v);
const cast = (type: SqlType, array: boolean) => sql.raw(`::${type}${array ? "[]" : ""}`);
const array = ([type, values]: readonly [SqlType, readonly Scalar[]]) => sql`${values.map(param)}${cast(type, true)}`;

/**
 * `unnest($1::type[], …) as alias(column, …)`: a row set made of the given columns, to join or
 * delete against (`delete from flows f using ${unnestAs("p", …)} where …`).
 */
export function unnestAs(alias: string, columns: Record<string, readonly [SqlType, readonly Scalar[]]>): RawBuilder<unknown> {
	const entries = Object.entries(columns);
	return sql`unnest(${sql.join(entries.map(([, column]) => array(column)))}) as ${sql.ref(alias)}(${sql.join(entries.map(([name]) => sql.ref(name)))})`;
}

/**
 * Inserts rows given column by column, in one statement whatever their number:
 * `insert into <table> (<columns>) select <scalars>, * from unnest(<arrays>) <onConflict>`.
 * Column names and casts come from the one `columns` object, so they cannot drift apart. Does
 * nothing when there are no rows; throws when the arrays differ in length.
 */
export async function insertUnnest<T extends keyof Tables & string>(
	trx: Trx,
	table: T,
	columns: Columns<T>,
	onConflict: RawBuilder<unknown> = sql``,
): Promise<void> {
	const entries = Object.entries(columns as Record<string, Column>);
	const scalars = entries.filter(([, [, values]]) => !Array.isArray(values));
	const arrays = entries.filter(([, [, values]]) => Array.isArray(values)) as [string, readonly [SqlType, readonly Scalar[]]][];
	const lengths = new Set(arrays.map(([, [, values]]) => values.length));
	if (lengths.size !== 1)
		throw new Error(`insertUnnest(${table}): needs array columns of one length, got ${[...lengths].join(", ") || "none"}`);
	if (lengths.has(0)) return;
	const names = [...scalars, ...arrays].map(([name]) => sql.ref(name));
	const selected = [...scalars.map(([, [type, value]]) => sql`${param(value as Scalar)}${cast(type, false)}`), sql`*`];
	const values = sql.join(arrays.map(([, column]) => array(column)));
	await sql`insert into ${sql.table(table)} (${sql.join(names)}) select ${sql.join(selected)} from unnest(${values}) ${onConflict}`.execute(
		trx,
	);
}

/** `column = excluded.column, …`: the `do update set` of an upsert that takes the new row's values. */
export function setExcluded(columns: readonly string[]): RawBuilder<unknown> {
	return sql.join(columns.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`));
}
