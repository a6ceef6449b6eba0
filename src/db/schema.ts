import type { Generated } from "kysely";

/**
 * The typed view of the schema in `migrations/`. Numeric and int8 columns are `bigint` (both
 * drivers are set to parse them so); addresses and hashes are lowercase hex strings.
 */
export type Tables = {
	chains: ChainsTable;
	blocks: BlocksTable;
	transfers: TransfersTable;
	balances: BalancesTable;
	flow_updates: FlowUpdatesTable;
	flows: FlowsTable;
	stream_accounts: StreamAccountsTable;
	stream_account_undo: StreamAccountUndoTable;
	liquidations: LiquidationsTable;
	agreement_flags: AgreementFlagsTable;
	stream_reconciliations: StreamReconciliationsTable;
	outbox: OutboxTable;
	resources: ResourcesTable;
	entitlements: EntitlementsTable;
	alerts: AlertsTable;
	webhooks: WebhooksTable;
	webhook_deliveries: WebhookDeliveriesTable;
	service_state: ServiceStateTable;
	feed_sources: FeedSourcesTable;
	feed_watermarks: FeedWatermarksTable;
	feed_messages: FeedMessagesTable;
	feed_rejections: FeedRejectionsTable;
	aggregate_elements: AggregateElementsTable;
	credit_posts: CreditPostsTable;
	credit_history: CreditHistoryTable;
	credit_lots: CreditLotsTable;
	credit_ledger: CreditLedgerTable;
	resource_messages: ResourceMessagesTable;
	file_sizes: FileSizesTable;
	forgotten_messages: ForgottenMessagesTable;
	forget_targets: ForgetTargetsTable;
};

export type ChainsTable = {
	chain: string;
	chain_id: bigint;
	token: string;
	cfa: string | null;
	start_block: bigint;
	indexed_block: bigint;
	indexed_hash: string | null;
	indexed_timestamp: bigint | null;
	head_block: bigint | null;
	finalized_block: bigint | null;
	updated_at: Generated<Date>;
	/** Last successful read of the head block (the database's clock); null before the first. */
	head_read_at: Generated<Date | null>;
	progress: WatcherProgress | null;
};

/** What a watcher reports about its work, stored as JSON. */
export type WatcherProgress = {
	phase: "backfill" | "live";
	blocksPerSecond: number;
	logsPerSecond: number;
	/** Seconds until the backfill reaches the head at the current rate; null when unknown or live. */
	etaSeconds: number | null;
};

export type BlocksTable = {
	chain: string;
	number: bigint;
	hash: string;
	parent_hash: string;
	timestamp: bigint;
};

export type TransfersTable = {
	chain: string;
	block_number: bigint;
	log_index: number;
	tx_hash: string | null;
	block_timestamp: bigint | null;
	from_address: string;
	to_address: string;
	value: bigint;
};

export type BalancesTable = {
	chain: string;
	address: string;
	amount: bigint;
};

export type FlowUpdatesTable = {
	chain: string;
	block_number: bigint;
	log_index: number;
	tx_hash: string;
	block_timestamp: bigint;
	sender: string;
	receiver: string;
	flow_operator: string;
	flow_rate: bigint;
	previous_flow_rate: bigint;
	deposit: bigint;
	opened_at: bigint | null;
	total_sender_flow_rate: bigint;
	total_receiver_flow_rate: bigint;
};

export type FlowsTable = {
	chain: string;
	sender: string;
	receiver: string;
	flow_rate: bigint;
	deposit: bigint;
	owed_deposit: bigint;
	opened_at: bigint;
	updated_at: bigint;
	updated_block: bigint;
};

export type StreamAccountsTable = {
	chain: string;
	address: string;
	streamed: bigint;
	net_flow_rate: bigint;
	deposit: bigint;
	owed_deposit: bigint;
	updated_at: bigint;
	updated_block: bigint;
};

/** An image of a `stream_accounts` row before `block_number` changed it (`existed` false: there was none). */
export type StreamAccountUndoTable = StreamAccountsTable & { block_number: bigint; existed: boolean };

export type LiquidationsTable = {
	chain: string;
	block_number: bigint;
	log_index: number;
	tx_hash: string;
	block_timestamp: bigint | null;
	agreement_class: string;
	liquidator: string;
	target: string;
	reward_receiver: string;
	reward_amount: bigint;
	target_balance_delta: bigint;
};

export type AgreementFlagsTable = {
	chain: string;
	address: string;
	block_number: bigint;
	log_index: number;
	agreement_class: string;
};

export type StreamReconciliationsTable = {
	chain: string;
	address: string;
	block_number: bigint;
	timestamp: bigint;
	available: bigint;
	deposit: bigint;
	owed_deposit: bigint;
	net_flow_rate: bigint;
};

export type OutboxTable = {
	id: Generated<bigint>;
	address: string;
	chain: string | null;
	created_at: Generated<Date>;
};

export type ResourcesTable = {
	item_hash: string;
	owner: string;
	message_type: string;
	payment_type: string;
	chain: string | null;
	receiver: string | null;
	/** wei of ALEPH to hold */
	cost_hold: bigint;
	/** wei of ALEPH per second */
	cost_stream: bigint;
	/** 10^-18 credit per second */
	cost_credit: bigint;
	cost_rows: unknown;
	message: unknown;
	/** envelope time, unix seconds */
	message_time: number;
	accepted_at: Date;
	created_at: Generated<Date>;
	/** 'registered' (PUT /v1/resources) or 'network' (the feed) */
	source: Generated<ResourceSource>;
	/** STORE item hashes a VM references */
	refs: Generated<string[]>;
	/** refs whose size is unknown: their rows are missing */
	missing_sizes: Generated<string[]>;
	/** the pricing element in force at the message's time; null: the file or the default */
	pricing_ref: string | null;
	/** 'removing' as a CCN lists it; null: processed */
	ccn_status: string | null;
};

export type ResourceSource = "registered" | "network";

export type ResourceMessagesTable = {
	item_hash: string;
	message: unknown;
	time_micros: bigint;
	accepted_at: Date;
};

export type FileSizesTable = {
	message_hash: string;
	file_hash: string;
	size: bigint;
	source: string;
	trusted: Generated<boolean>;
	fetched_at: Generated<Date>;
};

export type ForgetTargetsTable = { forget_hash: string; target_hash: string };

export type ForgottenMessagesTable = {
	item_hash: string;
	forgotten_by: string;
	forgotten_at_micros: bigint;
	type: string | null;
	owner: string | null;
	payment_type: string | null;
};

export type EntitlementsTable = {
	address: string;
	status: string;
	balance: bigint;
	locked_hold: bigint;
	critical_at: bigint | null;
	inputs: unknown;
	as_of: Record<string, string>;
	computed_at: Date;
	snapshot: string | null;
	recomputes: Generated<bigint>;
};

export type AlertsTable = {
	id: Generated<bigint>;
	address: string;
	kind: string;
	subject: string;
	status: "open" | "resolved";
	detail: unknown;
	opened_at: Generated<Date>;
	resolved_at: Date | null;
};

export type WebhooksTable = {
	id: string;
	url: string;
	events: string[];
	secret: string;
	created_at: Generated<Date>;
};

export type WebhookDeliveriesTable = {
	id: Generated<bigint>;
	webhook_id: string;
	event: string;
	body: string;
	status: "pending" | "delivered" | "failed";
	attempts: Generated<number>;
	last_status_code: number | null;
	last_error: string | null;
	created_at: Generated<Date>;
	delivered_at: Date | null;
	next_attempt_at: Date | null;
};

export type ServiceStateTable = {
	key: string;
	value: string;
	updated_at: Generated<Date>;
};

/** What the feed follower reports about a CCN's backfill, stored as JSON. */
export type FeedProgress = {
	phase: "backfill" | "live";
	messages: number;
	messagesPerSecond: number;
	/** The envelope time the scan has reached, ISO 8601; null before the first page. */
	reachedTime: string | null;
	/** Seconds until the scan reaches the CCN's present at the current pace; null when unknown or live. */
	etaSeconds: number | null;
};

export type FeedSourcesTable = {
	url: string;
	mode: "cursor" | "page" | null;
	reception_wm: number | null;
	synced_at: Date | null;
	deep_scan_at: Date | null;
	seen: Generated<bigint>;
	applied: Generated<bigint>;
	ignored: Generated<bigint>;
	unauthorized: Generated<bigint>;
	invalid: Generated<bigint>;
	last_success_at: Date | null;
	last_error: string | null;
	last_error_at: Date | null;
	progress: FeedProgress | null;
	updated_at: Generated<Date>;
};

export type FeedWatermarksTable = {
	url: string;
	scan: string;
	time_micros: bigint;
	item_hash: string;
};

export type FeedMessageStatus = "applied" | "ignored" | "unauthorized" | "invalid" | "forgotten";

export type FeedMessagesTable = {
	item_hash: string;
	type: string;
	chain: string;
	sender: string;
	owner: string;
	channel: string | null;
	post_type: string | null;
	aggregate_key: string | null;
	time_micros: bigint;
	status: FeedMessageStatus;
	reason: string | null;
	source: string;
	fingerprint: string;
	received_at: Generated<Date>;
};

export type FeedRejectionsTable = {
	item_hash: string;
	fingerprint: string;
	reason: string;
	detail: string;
	source: string;
	created_at: Generated<Date>;
};

export type AggregateElementsTable = {
	item_hash: string;
	owner: string;
	key: string;
	sender: string;
	chain: string;
	channel: string | null;
	time_micros: bigint;
	content: unknown;
	authorized: boolean;
};

export type CreditPostsTable = {
	item_hash: string;
	time_micros: bigint;
	kind: "distribution" | "expense" | "transfer";
	owner: string;
	minted: boolean;
	post: unknown;
	in_ledger: boolean;
};

/** `price` and `expense_size_mib` are numeric with a scale: read them as text (`::text`). */
export type CreditHistoryTable = {
	credit_ref: string;
	credit_index: number;
	address: string;
	amount: bigint;
	price: string | null;
	bonus_amount: bigint | null;
	tx_hash: string | null;
	token: string | null;
	chain: string | null;
	provider: string | null;
	origin: string | null;
	origin_ref: string | null;
	payment_method: string | null;
	expense_count: bigint | null;
	expense_size_mib: string | null;
	expiration_micros: bigint | null;
	message_time_micros: bigint;
	last_update: Generated<Date>;
};

export type CreditLotsTable = {
	address: string;
	credit_ref: string;
	credit_index: number;
	remaining: bigint;
	expiration_micros: bigint | null;
	granted_at_micros: bigint;
};

export type CreditLedgerTable = {
	id: Generated<boolean>;
	time_micros: bigint | null;
	item_hash: string | null;
};
