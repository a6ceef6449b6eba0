import { pino } from "pino";

export type Logger = pino.Logger;

/**
 * Properties of database errors that carry the values of a query: its parameters (PGlite's
 * `params`), the failing row (`detail: "Failing row contains (…)"`) and the parameter context
 * (`where`). An insert that fails would otherwise write a new webhook's secret to the log.
 */
const QUERY_VALUES = ["params", "parameters", "detail", "where"];

function dropQueryValues(value: unknown, depth: number): void {
	if (depth > 8 || value === null || typeof value !== "object") return;
	const record = value as Record<string, unknown>;
	for (const key of QUERY_VALUES) delete record[key];
	for (const child of Object.values(record)) dropQueryValues(child, depth + 1);
}

/** pino's error serializer, minus {@link QUERY_VALUES} at any depth (causes, aggregated errors). */
function serializeError(error: Error): unknown {
	const serialized = pino.stdSerializers.err(error);
	dropQueryValues(serialized, 0);
	return serialized;
}

/** Creates the process logger: JSON lines on stdout, or on `destination` (tests). */
export function createLogger(level = "info", bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
	const options: pino.LoggerOptions = {
		level,
		base: bindings,
		// Every error is logged under `err`: this is where query values are kept out of the logs.
		serializers: { err: serializeError },
		redact: {
			paths: ["authorization", "*.authorization", "apiKey", "*.apiKey", "secret", "*.secret"],
			censor: "[redacted]",
		},
	};
	return destination ? pino(options, destination) : pino(options);
}
