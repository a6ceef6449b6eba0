-- Resources ledger, entitlements, alerts and webhooks.

-- Messages a node accepted (registered through PUT /v1/resources/{item_hash}), with the cost
-- rows computed at registration (frozen, as a CCN freezes them). Costs are integers scaled by
-- 10^18: hold in wei of ALEPH, stream in wei of ALEPH per second, credit in 10^-18 credit per second.
CREATE TABLE resources (
	item_hash text COLLATE "C" PRIMARY KEY,
	owner text COLLATE "C" NOT NULL,
	message_type text NOT NULL,
	payment_type text NOT NULL,
	chain text COLLATE "C",
	receiver text COLLATE "C",
	cost_hold numeric(78,0) NOT NULL,
	cost_stream numeric(78,0) NOT NULL,
	cost_credit numeric(78,0) NOT NULL,
	cost_rows jsonb NOT NULL,
	message jsonb NOT NULL,
	-- the message envelope time, seconds (cut-offs and the 80/20 split depend on it)
	message_time double precision NOT NULL,
	accepted_at timestamptz NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resources_owner ON resources (owner, accepted_at, item_hash);

-- What each account can pay for, as last computed by the entitlement queue: the inputs it read
-- (balances, stream state, flows, resources; JSON with integers as strings) and the outputs.
CREATE TABLE entitlements (
	address text COLLATE "C" PRIMARY KEY,
	status text NOT NULL,
	balance numeric(78,0) NOT NULL,
	locked_hold numeric(78,0) NOT NULL,
	critical_at bigint,
	inputs jsonb NOT NULL,
	as_of jsonb NOT NULL,
	computed_at timestamptz NOT NULL,
	-- xmax of the snapshot the inputs were read in: a recompute from an older snapshot never
	-- overwrites one from a newer snapshot (two recomputes of one account may race)
	snapshot_xmax bigint NOT NULL DEFAULT 0,
	recomputes bigint NOT NULL DEFAULT 1
);
CREATE INDEX entitlements_status ON entitlements (status) WHERE status <> 'ok';

-- Alerts opened and resolved by entitlement transitions; one open alert per key at a time.
CREATE TABLE alerts (
	id bigserial PRIMARY KEY,
	address text COLLATE "C" NOT NULL,
	kind text NOT NULL,
	-- identifies the condition within the kind, e.g. "AVAX" or "AVAX:0xreceiver"
	subject text NOT NULL DEFAULT '',
	status text NOT NULL,
	detail jsonb NOT NULL,
	opened_at timestamptz NOT NULL DEFAULT now(),
	resolved_at timestamptz
);
CREATE UNIQUE INDEX alerts_open ON alerts (address, kind, subject) WHERE status = 'open';
CREATE INDEX alerts_recent ON alerts (opened_at DESC);
CREATE INDEX alerts_address ON alerts (address, opened_at DESC);

CREATE TABLE webhooks (
	id text PRIMARY KEY,
	url text NOT NULL,
	events text[] NOT NULL,
	secret text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per event to deliver to one webhook; written with the alert transition that caused
-- it, delivered (at least once) by the webhook queue. attempts/last_error/status log each try.
CREATE TABLE webhook_deliveries (
	id bigserial PRIMARY KEY,
	webhook_id text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	event text NOT NULL,
	body text NOT NULL,
	status text NOT NULL DEFAULT 'pending',
	attempts integer NOT NULL DEFAULT 0,
	last_status_code integer,
	last_error text,
	created_at timestamptz NOT NULL DEFAULT now(),
	delivered_at timestamptz,
	next_attempt_at timestamptz
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (created_at) WHERE status = 'pending';

-- Fingerprint of the pricing and settings aggregates in force, to fan out a recompute of every
-- account when they change.
CREATE TABLE service_state (
	key text PRIMARY KEY,
	value text NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);
