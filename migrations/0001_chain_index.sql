-- Chain index: transfers, balances, stream state, and the cursor that produced them.
-- Every uint256/int256 value is numeric(78,0); addresses and hashes are lowercase 0x-hex text
-- in the "C" collation (byte order: index maintenance is several times cheaper than with a locale).

-- One row per watched chain: the cursor. indexed_block is the last block whose logs are fully
-- applied; indexed_hash its hash (null before the first block).
CREATE TABLE chains (
	chain text COLLATE "C" PRIMARY KEY,
	chain_id bigint NOT NULL,
	token text COLLATE "C" NOT NULL,
	cfa text COLLATE "C",
	start_block bigint NOT NULL,
	indexed_block bigint NOT NULL,
	indexed_hash text COLLATE "C",
	indexed_timestamp bigint,
	head_block bigint,
	finalized_block bigint,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- Blocks above finality that the watcher applied, for reorg detection (pruned below finality).
CREATE TABLE blocks (
	chain text COLLATE "C" NOT NULL,
	number bigint NOT NULL,
	hash text COLLATE "C" NOT NULL,
	parent_hash text COLLATE "C" NOT NULL,
	timestamp bigint NOT NULL,
	PRIMARY KEY (chain, number)
);

-- Token Transfer logs. Genesis credits (balances set without an event) are rows with a
-- negative log_index at start_block - 1 and a null tx_hash.
CREATE TABLE transfers (
	chain text COLLATE "C" NOT NULL,
	block_number bigint NOT NULL,
	log_index integer NOT NULL,
	tx_hash text COLLATE "C",
	block_timestamp bigint,
	from_address text COLLATE "C" NOT NULL,
	to_address text COLLATE "C" NOT NULL,
	value numeric(78,0) NOT NULL,
	PRIMARY KEY (chain, block_number, log_index)
);
CREATE INDEX transfers_from ON transfers (from_address, chain, block_number);
CREATE INDEX transfers_to ON transfers (to_address, chain, block_number);

-- Sum of Transfer values in minus out (plus genesis) per account. On a Super Token this is only
-- the transfer part of the settled balance; the stream part lives in stream_accounts.
CREATE TABLE balances (
	chain text COLLATE "C" NOT NULL,
	address text COLLATE "C" NOT NULL,
	amount numeric(78,0) NOT NULL,
	PRIMARY KEY (chain, address)
);
CREATE INDEX balances_address ON balances (address);

-- Superfluid CFAv1 FlowUpdated logs of the token, each paired with its FlowUpdatedExtension.
CREATE TABLE flow_updates (
	chain text COLLATE "C" NOT NULL,
	block_number bigint NOT NULL,
	log_index integer NOT NULL,
	tx_hash text COLLATE "C" NOT NULL,
	block_timestamp bigint NOT NULL,
	sender text COLLATE "C" NOT NULL,
	receiver text COLLATE "C" NOT NULL,
	flow_operator text COLLATE "C" NOT NULL,
	flow_rate numeric(78,0) NOT NULL,
	previous_flow_rate numeric(78,0) NOT NULL,
	deposit numeric(78,0) NOT NULL,
	-- the block timestamp since which this flow has been open without interruption; null once closed
	opened_at bigint,
	total_sender_flow_rate numeric(78,0) NOT NULL,
	total_receiver_flow_rate numeric(78,0) NOT NULL,
	PRIMARY KEY (chain, block_number, log_index)
);
CREATE INDEX flow_updates_pair ON flow_updates (chain, sender, receiver, block_number);
CREATE INDEX flow_updates_receiver ON flow_updates (chain, receiver, block_number);

-- Open flows (rate > 0), the latest flow_updates row of each pair.
CREATE TABLE flows (
	chain text COLLATE "C" NOT NULL,
	sender text COLLATE "C" NOT NULL,
	receiver text COLLATE "C" NOT NULL,
	flow_rate numeric(78,0) NOT NULL,
	deposit numeric(78,0) NOT NULL,
	owed_deposit numeric(78,0) NOT NULL,
	opened_at bigint NOT NULL,
	updated_at bigint NOT NULL,
	updated_block bigint NOT NULL,
	PRIMARY KEY (chain, sender, receiver)
);
CREATE INDEX flows_receiver ON flows (chain, receiver);

-- CFA state per account: streamed = what streams moved in minus out up to updated_at;
-- net_flow_rate wei/s; deposit = sum of the deposits of its outgoing flows.
CREATE TABLE stream_accounts (
	chain text COLLATE "C" NOT NULL,
	address text COLLATE "C" NOT NULL,
	streamed numeric(78,0) NOT NULL,
	net_flow_rate numeric(78,0) NOT NULL,
	deposit numeric(78,0) NOT NULL,
	owed_deposit numeric(78,0) NOT NULL,
	updated_at bigint NOT NULL,
	updated_block bigint NOT NULL,
	PRIMARY KEY (chain, address)
);

CREATE INDEX stream_accounts_address ON stream_accounts (address);

-- Undo log of stream_accounts for blocks above finality (only they can be reorged): the row of
-- an account as it was before the block that changed it (existed = false: there was none).
-- A rollback restores, per account, the image of the earliest rolled-back block. Backfilled
-- (finalized) blocks write none; images below finality are pruned.
CREATE TABLE stream_account_undo (
	chain text COLLATE "C" NOT NULL,
	address text COLLATE "C" NOT NULL,
	block_number bigint NOT NULL,
	existed boolean NOT NULL,
	streamed numeric(78,0) NOT NULL,
	net_flow_rate numeric(78,0) NOT NULL,
	deposit numeric(78,0) NOT NULL,
	owed_deposit numeric(78,0) NOT NULL,
	updated_at bigint NOT NULL,
	updated_block bigint NOT NULL,
	PRIMARY KEY (chain, block_number, address)
);

-- AgreementLiquidatedV2 logs of the token.
CREATE TABLE liquidations (
	chain text COLLATE "C" NOT NULL,
	block_number bigint NOT NULL,
	log_index integer NOT NULL,
	tx_hash text COLLATE "C" NOT NULL,
	block_timestamp bigint,
	agreement_class text COLLATE "C" NOT NULL,
	liquidator text COLLATE "C" NOT NULL,
	target text COLLATE "C" NOT NULL,
	reward_receiver text COLLATE "C" NOT NULL,
	reward_amount numeric(78,0) NOT NULL,
	target_balance_delta numeric(78,0) NOT NULL,
	PRIMARY KEY (chain, block_number, log_index)
);
CREATE INDEX liquidations_target ON liquidations (target, chain);

-- Accounts whose balance another agreement than the CFA changed (GDA pools, IDA): their
-- balance cannot be derived from events and is read with realtimeBalanceOf instead.
CREATE TABLE agreement_flags (
	chain text COLLATE "C" NOT NULL,
	address text COLLATE "C" NOT NULL,
	block_number bigint NOT NULL,
	log_index integer NOT NULL,
	agreement_class text COLLATE "C" NOT NULL,
	PRIMARY KEY (chain, block_number, log_index)
);
CREATE INDEX agreement_flags_address ON agreement_flags (chain, address);

-- realtimeBalanceOf read for flagged accounts, at a block the watcher had applied.
CREATE TABLE stream_reconciliations (
	chain text COLLATE "C" NOT NULL,
	address text COLLATE "C" NOT NULL,
	block_number bigint NOT NULL,
	timestamp bigint NOT NULL,
	available numeric(78,0) NOT NULL,
	deposit numeric(78,0) NOT NULL,
	owed_deposit numeric(78,0) NOT NULL,
	net_flow_rate numeric(78,0) NOT NULL,
	PRIMARY KEY (chain, address, block_number)
);

-- Accounts whose inputs changed, written in the same transaction as the change; drained into
-- the entitlement queue after commit (at least once).
CREATE TABLE outbox (
	id bigserial PRIMARY KEY,
	address text COLLATE "C" NOT NULL,
	chain text COLLATE "C",
	created_at timestamptz NOT NULL DEFAULT now()
);

-- Backfill progress of the active watcher of each chain (blocks/s, logs/s, ETA), for /v1/status.
ALTER TABLE chains ADD COLUMN progress jsonb;
