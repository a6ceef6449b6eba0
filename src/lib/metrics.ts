import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus metrics, one registry per process (tests create their own).
 * Names follow `aleph_oracle_<area>_<name>_<unit>`.
 */
export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
	const registry = new Registry();
	const registers = [registry];
	return {
		registry,
		indexedBlock: new Gauge({
			name: "aleph_oracle_watcher_indexed_block",
			help: "Last block applied, per chain",
			labelNames: ["chain"],
			registers,
		}),
		headBlock: new Gauge({
			name: "aleph_oracle_watcher_head_block",
			help: "Latest head seen, per chain",
			labelNames: ["chain"],
			registers,
		}),
		lagBlocks: new Gauge({
			name: "aleph_oracle_watcher_lag_blocks",
			help: "Head minus indexed block, per chain",
			labelNames: ["chain"],
			registers,
		}),
		logsIndexed: new Counter({
			name: "aleph_oracle_watcher_logs_total",
			help: "Logs fetched and applied, per chain",
			labelNames: ["chain"],
			registers,
		}),
		reorgs: new Counter({
			name: "aleph_oracle_watcher_reorgs_total",
			help: "Reorgs rolled back, per chain",
			labelNames: ["chain"],
			registers,
		}),
		watcherErrors: new Counter({
			name: "aleph_oracle_watcher_errors_total",
			help: "Watcher loop failures, per chain and kind",
			labelNames: ["chain", "kind"],
			registers,
		}),
		rpcRequests: new Counter({
			name: "aleph_oracle_rpc_requests_total",
			help: "JSON-RPC exchanges, per chain, method and outcome",
			labelNames: ["chain", "method", "outcome"],
			registers,
		}),
		rpcSeconds: new Histogram({
			name: "aleph_oracle_rpc_duration_seconds",
			help: "JSON-RPC exchange latency",
			labelNames: ["chain", "method"],
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
			registers,
		}),
		queueJobs: new Gauge({
			name: "aleph_oracle_queue_jobs",
			help: "Jobs per queue and state (waiting, delayed, active, failed), read at scrape time",
			labelNames: ["queue", "state"],
			registers,
		}),
		jobs: new Counter({
			name: "aleph_oracle_jobs_total",
			help: "Job attempts, per queue, name and outcome (completed; failed: retried; permanent: failed without retries)",
			labelNames: ["queue", "name", "outcome"],
			registers,
		}),
		jobSeconds: new Histogram({
			name: "aleph_oracle_job_duration_seconds",
			help: "Job processing time",
			labelNames: ["queue", "name"],
			buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
			registers,
		}),
		feedMessages: new Counter({
			name: "aleph_oracle_feed_messages_total",
			help: "Network feed messages seen for the first time, per CCN and outcome (applied, ignored, unauthorized, invalid)",
			labelNames: ["url", "outcome"],
			registers,
		}),
		feedRejections: new Counter({
			name: "aleph_oracle_feed_rejections_total",
			help: "Listed messages that failed verification, per reason (invalid_signature, invalid_item_hash, …), counted once",
			labelNames: ["reason"],
			registers,
		}),
		feedRequests: new Counter({
			name: "aleph_oracle_feed_requests_total",
			help: "HTTP requests to CCNs, per CCN, route and outcome",
			labelNames: ["url", "route", "outcome"],
			registers,
		}),
		feedLagSeconds: new Gauge({
			name: "aleph_oracle_feed_lag_seconds",
			help: "Seconds since the feed of a CCN was last caught up",
			labelNames: ["url"],
			registers,
		}),
		httpSeconds: new Histogram({
			name: "aleph_oracle_http_request_duration_seconds",
			help: "HTTP latency, per route, method and status",
			labelNames: ["route", "method", "status"],
			buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
			registers,
		}),
		accountCacheLookups: new Counter({
			name: "aleph_oracle_api_account_cache_lookups_total",
			help: "Account input lookups of the API's cache, per reader (live, stored) and result (hit, miss)",
			labelNames: ["reader", "result"],
			registers,
		}),
	};
}
