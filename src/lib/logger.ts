import { pino } from "pino";

export type Logger = pino.Logger;

/** Creates the process logger: JSON lines on stdout, or on `destination` (tests). */
export function createLogger(level = "info", bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
	const options: pino.LoggerOptions = {
		level,
		base: bindings,
		serializers: { err: pino.stdSerializers.err },
		redact: {
			paths: ["authorization", "*.authorization", "apiKey", "*.apiKey", "secret", "*.secret"],
			censor: "[redacted]",
		},
	};
	return destination ? pino(options, destination) : pino(options);
}
