import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { Destination } from "./destination.ts";

/** The largest answer header block read, bytes; the body is never read. */
export const MAX_ANSWER_HEADER_BYTES = 8 * 1024;

/** What one POST got: the answer's status, or why there was none. */
export type PostOutcome = { statusCode: number } | { failure: "timeout" | "headers_too_large" | "connection" };

/**
 * POSTs `body` to `url` over a connection to `destination` (the address that was checked; the
 * Host header and TLS server name stay the URL's). Redirects are not followed, only the status
 * line and headers are read, and `signal` ends the attempt wherever it is (connecting, sending,
 * waiting for headers).
 */
export function postTo(
	url: URL,
	destination: Destination,
	request: { headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<PostOutcome> {
	// Pinned: the connection goes to the checked address, whatever a resolver would say now.
	const lookup: LookupFunction = (_hostname, options, callback) => {
		if (options.all) callback(null, [destination]);
		else callback(null, destination.address, destination.family);
	};
	const send = url.protocol === "https:" ? httpsRequest : httpRequest;
	return new Promise((resolve) => {
		const req = send(url, {
			method: "POST",
			headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
			agent: false,
			lookup,
			maxHeaderSize: MAX_ANSWER_HEADER_BYTES,
			signal: request.signal,
		});
		req.on("response", (res) => {
			resolve({ statusCode: res.statusCode ?? 0 });
			res.destroy();
			req.destroy();
		});
		req.on("error", (error: NodeJS.ErrnoException) => {
			if (request.signal.aborted) resolve({ failure: "timeout" });
			else if (error.code === "HPE_HEADER_OVERFLOW") resolve({ failure: "headers_too_large" });
			else resolve({ failure: "connection" });
		});
		req.end(request.body);
	});
}
