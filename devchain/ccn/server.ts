import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { type CcnFaults, type CcnStats, createFaultInjector } from "./faults.ts";
import { bare } from "./respond.ts";
import { type Route, registerMessageRoutes } from "./routes-messages.ts";
import { registerPublishRoutes } from "./routes-publish.ts";
import { registerStorageRoutes } from "./routes-storage.ts";
import { createMessageStore, type Envelope, type InsertOptions, type LiveStatus, type StatusEntry, type TerminalStatus } from "./store.ts";

export type LocalCcnOptions = {
	/** Default 0: a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Behave as a CCN older than 0.10.1: `cursor` is ignored, answers are page mode only. */
	legacy?: boolean;
	/** Seed of the fault draws (default 1). */
	seed?: number;
	/** The node's clock in epoch seconds (reception, forget and removal times). Default: wall clock. */
	now?: () => number;
};

/** A running stand-in for a CCN (pyaleph's public API), state in memory. */
export type LocalCcn = {
	/** `http://127.0.0.1:port`, no trailing slash. */
	url: string;
	/**
	 * Stores a message as given, with no check at all (bad signatures, wrong hashes, backdated
	 * times, late insertion: a lying CCN). Re-inserting a hash replaces it. For a storage-type
	 * message, add its file first: its content is read from storage at insertion.
	 */
	insert(message: Envelope, options?: InsertOptions): StatusEntry;
	/** Moves a processed or removing message to another status (forgotten / removed keep a skeleton). */
	setStatus(
		itemHash: string,
		status: LiveStatus | TerminalStatus,
		options?: Pick<InsertOptions, "forgottenBy" | "forgottenAt" | "removedAt">,
	): void;
	/**
	 * Adds a file to storage and returns its hash (sha256 of the bytes unless `hash` is given, e.g.
	 * an IPFS CID; `bytes: null` with a `size` records a file known by size only, like a pinned
	 * directory).
	 */
	addFile(bytes: Uint8Array | string | null, options?: { hash?: string; size?: number; type?: "file" | "directory" }): string;
	/** What the node knows about a message, any status. */
	message(itemHash: string): StatusEntry | undefined;
	/** Replaces the faults (an empty object ends them). */
	setFaults(faults: CcnFaults): void;
	/** Live counters: requests per route, faults injected. */
	stats: CcnStats;
	resetStats(): void;
	/** Stops listening, ends hanging requests and closes every connection. */
	stop(): Promise<void>;
};

/** Starts a local CCN on 127.0.0.1 (port 0 by default) that answers exactly as pyaleph's API does. */
export async function startLocalCcn(options: LocalCcnOptions = {}): Promise<LocalCcn> {
	const store = createMessageStore(options.now ? { now: options.now } : {});
	const faults = createFaultInjector(options.seed ?? 1);
	const app = new Hono();
	const route: Route = (method, path, handler) => {
		const wrapped = faults.wrap(`${method} ${path}`, handler);
		if (method === "GET") app.get(path, wrapped);
		else app.post(path, wrapped);
	};
	const context = { store, legacy: options.legacy ?? false };
	registerMessageRoutes(route, context);
	registerStorageRoutes(route, context);
	registerPublishRoutes(route, context);
	app.notFound((c) => bare(c, 404));
	app.onError((error, c) => {
		console.error("local CCN: unhandled error", error);
		return bare(c, 500);
	});

	const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
		const listening = serve({ fetch: app.fetch, hostname: options.host ?? "127.0.0.1", port: options.port ?? 0 }, () => resolve(listening));
		listening.once("error", reject);
	});
	const address = server.address() as AddressInfo;
	return {
		url: `http://${address.address}:${address.port}`,
		insert: (message, insertOptions) => store.insert(message, insertOptions),
		setStatus: (itemHash, status, statusOptions) => store.setStatus(itemHash, status, statusOptions),
		addFile: (bytes, fileOptions) => store.addFile(bytes, fileOptions),
		message: (itemHash) => store.get(itemHash),
		setFaults: (next) => faults.set(next),
		stats: faults.stats,
		resetStats: () => faults.resetStats(),
		stop: () =>
			new Promise<void>((resolve, reject) => {
				faults.release();
				server.close((error) => (error ? reject(error) : resolve()));
				if ("closeAllConnections" in server) server.closeAllConnections();
			}),
	};
}
