import { createServer } from "node:net";
import { ConfigError } from "../src/lib/errors.ts";

/** The configuration error of a listen address another process holds. */
export function portInUse(host: string, port: number): ConfigError {
	return new ConfigError([{ variable: "PORT", message: `${port} is already in use on ${host}: choose another one` }]);
}

/**
 * Fails fast, before the chains start, when the API's `host:port` is taken (port 0 always
 * passes). Another process may still take it before the service binds it: the caller maps that
 * `EADDRINUSE` too.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
	if (port === 0) return;
	await new Promise<void>((resolve, reject) => {
		const server = createServer();
		server.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? portInUse(host, port) : error));
		server.listen(port, host, () => server.close(() => resolve()));
	});
}
