import { pino } from "pino";

export type Logger = pino.Logger;

/** Creates the process logger (JSON lines on stdout). */
export function createLogger(level = "info", bindings: Record<string, unknown> = {}): Logger {
	return pino({
		level,
		base: bindings,
		serializers: { err: pino.stdSerializers.err },
		redact: {
			paths: ["authorization", "*.authorization", "apiKey", "*.apiKey", "secret", "*.secret"],
			censor: "[redacted]",
		},
	});
}
