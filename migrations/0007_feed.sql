-- The network feed (CCN message lists the oracle verifies itself) and the credit ledger built
-- from it. Every table is written by the feed follower only, in the transaction that moves the
-- watermark of the page that produced the rows.

-- One row per followed CCN (ALEPH_API_URLS): its reception-clock watermark, when it was last
-- fully caught up, and what it delivered. Counters count messages this CCN was the first to list.
CREATE TABLE feed_sources (
	url text COLLATE "C" PRIMARY KEY,
	-- 'cursor' (pyaleph >= 0.10.1 answers next_cursor) or 'page', as last seen
	mode text,
	-- the CCN's own reception clock, epoch seconds, of the last hash the reception scan read
	reception_wm double precision,
	-- start of the last poll whose every scan reached the tail of the CCN's list
	synced_at timestamptz,
	deep_scan_at timestamptz,
	seen bigint NOT NULL DEFAULT 0,
	applied bigint NOT NULL DEFAULT 0,
	ignored bigint NOT NULL DEFAULT 0,
	unauthorized bigint NOT NULL DEFAULT 0,
	invalid bigint NOT NULL DEFAULT 0,
	last_success_at timestamptz,
	last_error text,
	last_error_at timestamptz,
	-- backfill rate and ETA of the follower, for /v1/status
	progress jsonb,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- Time-scan watermark per CCN and filter set ('credits', 'aggregates'): the (envelope time,
-- item_hash) of the last message of an ascending scan, in microseconds.
CREATE TABLE feed_watermarks (
	url text COLLATE "C" NOT NULL,
	scan text COLLATE "C" NOT NULL,
	time_micros bigint NOT NULL,
	item_hash text COLLATE "C" NOT NULL,
	PRIMARY KEY (url, scan)
);

-- Every message that passed verification (item_hash, signature, content shape), stored once,
-- first seen wins. status: applied (in the ledger or the aggregates), ignored (valid, no credit
-- effect), unauthorized (the sender may not publish for content.address: re-evaluated when the
-- owner's security aggregate changes), invalid (a credit post pyaleph rejects).
CREATE TABLE feed_messages (
	item_hash text COLLATE "C" PRIMARY KEY,
	type text NOT NULL,
	chain text COLLATE "C" NOT NULL,
	sender text COLLATE "C" NOT NULL,
	-- content.address exactly as signed (pyaleph looks security aggregates up by exact owner)
	owner text COLLATE "C" NOT NULL,
	channel text COLLATE "C",
	post_type text COLLATE "C",
	aggregate_key text COLLATE "C",
	-- content.time, microseconds
	time_micros bigint NOT NULL,
	status text NOT NULL,
	reason text,
	source text COLLATE "C" NOT NULL,
	-- of the listing stored (intake.ts fingerprintOf): another listing of the hash is checked apart
	fingerprint text COLLATE "C" NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feed_messages_owner ON feed_messages (owner, time_micros) WHERE sender <> owner;

-- Listed messages that failed verification, keyed by item_hash and a fingerprint of what was
-- listed (another CCN may list the genuine message under the same hash): checked once, logged
-- once, counted once.
CREATE TABLE feed_rejections (
	item_hash text COLLATE "C" NOT NULL,
	fingerprint text COLLATE "C" NOT NULL,
	reason text NOT NULL,
	detail text NOT NULL,
	source text COLLATE "C" NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (item_hash, fingerprint)
);

-- Elements of the followed aggregates (security of every followed owner; pricing and settings of
-- PRICING_OWNER). authorized: the signer could publish it when it was published (the owner, or
-- a delegate of the owner's security aggregate as merged from earlier elements).
CREATE TABLE aggregate_elements (
	item_hash text COLLATE "C" PRIMARY KEY,
	owner text COLLATE "C" NOT NULL,
	key text COLLATE "C" NOT NULL,
	sender text COLLATE "C" NOT NULL,
	chain text COLLATE "C" NOT NULL,
	channel text COLLATE "C",
	time_micros bigint NOT NULL,
	content jsonb NOT NULL,
	authorized boolean NOT NULL
);
CREATE INDEX aggregate_elements_owner_key ON aggregate_elements (owner, key, time_micros, item_hash);

-- Valid credit posts (spec aleph-network §5.1-5.3) as the domain parses them (CreditPost, bigints
-- as strings); in_ledger when authorized (their rows are in credit_history).
CREATE TABLE credit_posts (
	item_hash text COLLATE "C" PRIMARY KEY,
	time_micros bigint NOT NULL,
	kind text NOT NULL,
	owner text COLLATE "C" NOT NULL,
	minted boolean NOT NULL,
	post jsonb NOT NULL,
	in_ledger boolean NOT NULL
);
-- A late post re-derives the recipients of later transfers sent from the addresses it changes.
CREATE INDEX credit_posts_transfers ON credit_posts (time_micros, item_hash) WHERE kind = 'transfer' AND in_ledger AND NOT minted;

-- pyaleph's credit_history (§5.4): one row per entry (transfers: recipient rows then the sender
-- row), keyed (credit_ref, credit_index). Addresses are ledger keys (EVM addresses lowercase);
-- times are microseconds; price and expense_size_mib are numeric as pyaleph stores them.
CREATE TABLE credit_history (
	credit_ref text COLLATE "C" NOT NULL,
	credit_index integer NOT NULL,
	address text COLLATE "C" NOT NULL,
	amount bigint NOT NULL,
	price numeric,
	bonus_amount bigint,
	tx_hash text COLLATE "C",
	token text COLLATE "C",
	chain text COLLATE "C",
	provider text COLLATE "C",
	origin text COLLATE "C",
	origin_ref text COLLATE "C",
	payment_method text COLLATE "C",
	expense_count bigint,
	expense_size_mib numeric,
	expiration_micros bigint,
	message_time_micros bigint NOT NULL,
	last_update timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (credit_ref, credit_index)
);
CREATE INDEX credit_history_address ON credit_history (address, message_time_micros, credit_ref, credit_index);
CREATE INDEX credit_history_origin ON credit_history ((coalesce(nullif(origin, ''), origin_ref))) WHERE payment_method = 'credit_expense';

-- The lots with credits left (pyaleph's credit_balances after its repair), per address in
-- emission order (granted_at_micros, credit_ref, credit_index).
CREATE TABLE credit_lots (
	address text COLLATE "C" NOT NULL,
	credit_ref text COLLATE "C" NOT NULL,
	credit_index integer NOT NULL,
	remaining bigint NOT NULL,
	expiration_micros bigint,
	granted_at_micros bigint NOT NULL,
	PRIMARY KEY (address, credit_ref, credit_index)
);

-- The ledger's frontier: the last post of the ledger order, (content.time, item_hash).
CREATE TABLE credit_ledger (
	id boolean PRIMARY KEY DEFAULT true CHECK (id),
	time_micros bigint,
	item_hash text COLLATE "C"
);
INSERT INTO credit_ledger (id) VALUES (true);
