import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

/** A listening API server. */
export type ApiServer = {
	/** `http://host:port` it listens on (the real port when 0 was asked). */
	url: string;
	/** Stops accepting connections, lets in-flight requests finish, closes idle keep-alive sockets. */
	close(): Promise<void>;
};

/** Serves `app` with @hono/node-server on `host:port` (port 0 picks a free one). */
export function startServer(app: Pick<Hono, "fetch">, options: { host: string; port: number }): Promise<ApiServer> {
	return new Promise((resolve, reject) => {
		const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info: AddressInfo) => {
			server.off("error", reject);
			const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
			resolve({
				url: `http://${host}:${info.port}`,
				close: () =>
					new Promise<void>((done, fail) => {
						server.close((error) => (error ? fail(error) : done()));
						if ("closeIdleConnections" in server) server.closeIdleConnections();
					}),
			});
		});
		server.once("error", reject);
	});
}
