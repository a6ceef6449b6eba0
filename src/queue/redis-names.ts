/** Names of the Redis side of the job system, without loading BullMQ (`bull.ts` is loaded only when Redis is configured). */

/**
 * The BullMQ key prefix of one installation: every key of its queues (jobs, deduplication, the
 * sweep's scheduler, the epoch, retained completed and failed jobs) lives under it, so databases
 * sharing a Redis never see each other's job ids.
 */
export function queuePrefix(installationId: string): string {
	return `aleph-oracle:${installationId}`;
}

/** `host:port/db` of a Redis URL, without its credentials (for messages). */
export function redisAddress(redisUrl: string): string {
	const url = new URL(redisUrl);
	return `${url.hostname}:${url.port || 6379}${url.pathname.length > 1 ? url.pathname : ""}`;
}
