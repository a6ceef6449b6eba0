-- Every resource on the network (spec aleph-network §6): INSTANCE, PROGRAM, STORE and V-PROGRAM
-- messages the feed follower verified and authorized become rows of `resources`, beside the ones
-- registered through PUT /v1/resources; FORGETs remove them and leave tombstones. Written by the
-- feed follower in the transaction that moves the watermark of the page that produced the rows.

-- Where a resource comes from: 'registered' (PUT /v1/resources) or 'network' (the feed).
ALTER TABLE resources ADD COLUMN source text NOT NULL DEFAULT 'registered';
-- The STORE item hashes a VM references (immutable volumes, code, runtime, data): a FORGET of one
-- of them is refused while it is used (ForgetNotAllowed).
ALTER TABLE resources ADD COLUMN refs text[] COLLATE "C" NOT NULL DEFAULT '{}';
-- Refs whose file size the oracle could not get from the CCN: their rows are missing (never guessed).
ALTER TABLE resources ADD COLUMN missing_sizes text[] COLLATE "C" NOT NULL DEFAULT '{}';
-- The pricing element in force at the message's time (item_hash); null: PRICING_FILE or the default.
ALTER TABLE resources ADD COLUMN pricing_ref text COLLATE "C";
-- What a CCN lists the message as: 'removing' (its removal cron found it unfunded; it is still
-- priced and billed, spec §6.5), null for processed. Node-local: the last CCN polled says.
ALTER TABLE resources ADD COLUMN ccn_status text;
CREATE INDEX resources_refs ON resources USING gin (refs) WHERE source = 'network';

-- Every verified resource message, authorized or not (it may become authorized when its owner's
-- security aggregate changes), in the form the cost engine reads ({type, sender, time, item_hash,
-- content}). time_micros: content.time, the time it is priced at.
CREATE TABLE resource_messages (
	item_hash text COLLATE "C" PRIMARY KEY,
	message jsonb NOT NULL,
	time_micros bigint NOT NULL,
	-- the envelope time as listed: the order pyaleph's cron funds resources in (oldest first)
	accepted_at timestamptz NOT NULL
);

-- File sizes from a CCN (spec §6.4): `GET /api/v0/storage/by-message-hash/{store_item_hash}`.
-- Trusted data: the CCN says it, the oracle cannot verify it (an IPFS size needs an IPFS node).
-- Fetched once per STORE message and kept.
CREATE TABLE file_sizes (
	message_hash text COLLATE "C" PRIMARY KEY,
	file_hash text COLLATE "C" NOT NULL,
	size bigint NOT NULL,
	-- the CCN that answered
	source text COLLATE "C" NOT NULL,
	trusted boolean NOT NULL DEFAULT true,
	fetched_at timestamptz NOT NULL DEFAULT now()
);

-- Tombstones of forgotten messages (pyaleph's forgotten_messages): a message listed after its
-- FORGET is not added again. store_size: a STORE's file size, kept for /api/v0/price.
CREATE TABLE forgotten_messages (
	item_hash text COLLATE "C" PRIMARY KEY,
	forgotten_by text COLLATE "C" NOT NULL,
	-- the FORGET's content.time, microseconds
	forgotten_at_micros bigint NOT NULL,
	type text,
	owner text COLLATE "C",
	payment_type text
);

-- The targets of every FORGET read (content.hashes and the aggregate elements it names): a FORGET
-- refused because its sender was not (yet) known to be allowed is judged again when a security
-- aggregate of a target's owner changes, and those owners' aggregates are followed.
CREATE TABLE forget_targets (
	forget_hash text COLLATE "C" NOT NULL,
	target_hash text COLLATE "C" NOT NULL,
	PRIMARY KEY (forget_hash, target_hash)
);
CREATE INDEX forget_targets_target ON forget_targets (target_hash);
