import { createServer } from "node:net";

/**
 * Asks the kernel for a currently free TCP port by binding port 0 and releasing it.
 *
 * The port is free when this resolves but nothing reserves it: another process may take it
 * before the caller binds it, so callers must retry on `EADDRINUSE` (see `startAnvil`).
 *
 * @param host interface to bind (default `127.0.0.1`)
 * @returns a TCP port number
 */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once("error", reject);
		server.listen(0, host, () => {
			const address = server.address();
			const port = typeof address === "object" && address !== null ? address.port : 0;
			server.close((err) => {
				if (err) reject(err);
				else if (port === 0) reject(new Error("could not determine a free port"));
				else resolve(port);
			});
		});
	});
}
