/**
 * The error taxonomy: a failure is either worth retrying (an RPC hiccup, a lost
 * connection) or not (bad configuration, a chain that contradicts itself).
 * Watchers and jobs branch on these two classes only.
 */
export class BaseError extends Error {
	override name = "BaseError";
	readonly details: string[];
	constructor(message: string, options: { cause?: unknown; details?: string[] } = {}) {
		super(message, { cause: options.cause });
		this.details = options.details ?? [];
	}
}

/** A failure that may go away if the same operation is tried again later. */
export class RetryableError extends BaseError {
	override name = "RetryableError";
}

/** A failure that will not go away by retrying: stop and report. */
export class PermanentError extends BaseError {
	override name = "PermanentError";
}

/** One or more environment variables are invalid; each issue names its variable. */
export class ConfigError extends PermanentError {
	override name = "ConfigError";
	readonly issues: { variable: string; message: string }[];
	constructor(issues: { variable: string; message: string }[]) {
		super(issues.map((i) => `${i.variable}: ${i.message}`).join("\n"));
		this.issues = issues;
	}
}

/** Returns a short, secret-free description of any thrown value. */
export function describeError(error: unknown): string {
	if (error instanceof Error) return `${error.name}: ${error.message}`;
	return String(error);
}
