import type { PGlite } from "@electric-sql/pglite";
import {
	CompiledQuery,
	type DatabaseConnection,
	type Dialect,
	type Driver,
	PostgresAdapter,
	PostgresIntrospector,
	PostgresQueryCompiler,
	type QueryResult,
} from "kysely";
import { CopyIn } from "./copy.ts";

/**
 * A kysely dialect over one embedded PGlite instance. PGlite is a single session, so the
 * driver hands out one connection at a time: a transaction owns the session until it ends,
 * and concurrent callers queue instead of interleaving their statements inside it.
 */
export function createPgliteDialect(client: PGlite): Dialect {
	return {
		createAdapter: () => new PostgresAdapter(),
		createDriver: () => new PgliteDriver(client),
		createIntrospector: (db) => new PostgresIntrospector(db),
		createQueryCompiler: () => new PostgresQueryCompiler(),
	};
}

class PgliteDriver implements Driver {
	#queue: Promise<void> = Promise.resolve();
	#release: (() => void) | undefined;
	readonly #connection: PgliteConnection;

	constructor(client: PGlite) {
		this.#connection = new PgliteConnection(client);
	}

	async init(): Promise<void> {}

	acquireConnection(): Promise<DatabaseConnection> {
		const previous = this.#queue;
		let release!: () => void;
		this.#queue = new Promise<void>((resolve) => {
			release = resolve;
		});
		return previous.then(() => {
			this.#release = release;
			return this.#connection;
		});
	}

	async releaseConnection(): Promise<void> {
		const release = this.#release;
		this.#release = undefined;
		release?.();
	}

	async beginTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw("BEGIN"));
	}

	async commitTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw("COMMIT"));
	}

	async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
		await connection.executeQuery(CompiledQuery.raw("ROLLBACK"));
	}

	async destroy(): Promise<void> {}
}

class PgliteConnection implements DatabaseConnection {
	readonly #client: PGlite;

	constructor(client: PGlite) {
		this.#client = client;
	}

	async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
		const [copy] = compiledQuery.parameters;
		if (copy instanceof CopyIn && compiledQuery.parameters.length === 1) {
			const result = await this.#client.query(copy.statement("'/dev/blob'"), [], { blob: new Blob(copy.chunks as unknown as BlobPart[]) });
			return { rows: [], numAffectedRows: BigInt(result.affectedRows ?? copy.rows) };
		}
		// Note: statements without parameters go through the simple protocol, which also runs
		// multi-statement scripts such as migrations.
		if (compiledQuery.parameters.length === 0) {
			const results = await this.#client.exec(compiledQuery.sql);
			const last = results.at(-1);
			return {
				rows: (last?.rows ?? []) as R[],
				numAffectedRows: BigInt(last?.affectedRows ?? 0),
			};
		}
		const result = await this.#client.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
		return {
			rows: result.rows,
			numAffectedRows: BigInt(result.affectedRows ?? 0),
		};
	}

	// biome-ignore lint/correctness/useYield: PGlite cannot stream; the method must exist.
	async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
		throw new Error("PGlite does not support streaming queries");
	}
}
