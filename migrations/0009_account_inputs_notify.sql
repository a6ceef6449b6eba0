-- Change notifications for the API's cache of account inputs (src/api/account-cache.ts).
--
-- Every statement that changes a table the entitlement inputs are read from (src/entitlements/inputs.ts,
-- src/entitlements/read.ts) sends, on channel `account_inputs`, the accounts it changed. pg_notify
-- is transactional: the notifications are delivered to the listeners when the writing transaction
-- commits, after every notification of the transactions that committed before it, and never when
-- it rolls back. The triggers sit on the tables, not in the writers, so every writer is covered
-- (the indexer's batches, rollbacks and reconciliations, the resource ledger, the credit feed, the
-- queue's recomputes, a migration or a hand-made fix).
--
-- Payloads: `a|<address>,<address>,…` (at most 150 addresses per notification), `*` (evict every
-- account: more than 1000 accounts in one statement, a truncate, a chain added or removed, the
-- credit ledger's backfill state changed), `c|<chain>|<indexed block>` (a chain's cursor moved:
-- the block the unchanged accounts are now known at).

CREATE FUNCTION notify_account_inputs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	column_name text := TG_ARGV[0];
	addresses text[];
	n integer;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		PERFORM pg_notify('account_inputs', '*');
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		EXECUTE format('SELECT array_agg(DISTINCT %I) FROM new_rows', column_name) INTO addresses;
	ELSIF TG_OP = 'DELETE' THEN
		EXECUTE format('SELECT array_agg(DISTINCT %I) FROM old_rows', column_name) INTO addresses;
	ELSE
		EXECUTE format('SELECT array_agg(DISTINCT a) FROM (SELECT %1$I AS a FROM new_rows UNION ALL SELECT %1$I FROM old_rows) t', column_name)
			INTO addresses;
	END IF;
	n := coalesce(array_length(addresses, 1), 0);
	IF n = 0 THEN
		RETURN NULL;
	ELSIF n > 1000 THEN
		PERFORM pg_notify('account_inputs', '*');
	ELSE
		FOR i IN 0 .. (n - 1) / 150 LOOP
			PERFORM pg_notify('account_inputs', 'a|' || array_to_string(addresses[i * 150 + 1 : i * 150 + 150], ','));
		END LOOP;
	END IF;
	RETURN NULL;
END $$;

-- One trigger per event: a transition table of a trigger on several events is not allowed with
-- both OLD TABLE and NEW TABLE on every version we run (PGlite included).
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT * FROM (VALUES
		('balances', 'address'),
		('stream_accounts', 'address'),
		('stream_reconciliations', 'address'),
		('agreement_flags', 'address'),
		('flows', 'sender'),
		('resources', 'owner'),
		('credit_lots', 'address'),
		('entitlements', 'address')
	) AS v(tbl, col) LOOP
		EXECUTE format('CREATE TRIGGER %1$s_notify_insert AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows
			FOR EACH STATEMENT EXECUTE FUNCTION notify_account_inputs(%2$L)', t.tbl, t.col);
		EXECUTE format('CREATE TRIGGER %1$s_notify_update AFTER UPDATE ON %1$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
			FOR EACH STATEMENT EXECUTE FUNCTION notify_account_inputs(%2$L)', t.tbl, t.col);
		EXECUTE format('CREATE TRIGGER %1$s_notify_delete AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows
			FOR EACH STATEMENT EXECUTE FUNCTION notify_account_inputs(%2$L)', t.tbl, t.col);
		EXECUTE format('CREATE TRIGGER %1$s_notify_truncate AFTER TRUNCATE ON %1$I
			FOR EACH STATEMENT EXECUTE FUNCTION notify_account_inputs(%2$L)', t.tbl, t.col);
	END LOOP;
END $$;

-- The cursors (each account's `chains[].block`) and the set of chains.
CREATE FUNCTION notify_chain_cursor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF new.chain = old.chain AND new.indexed_block IS DISTINCT FROM old.indexed_block THEN
			PERFORM pg_notify('account_inputs', 'c|' || new.chain || '|' || new.indexed_block::text);
		ELSIF new.chain <> old.chain THEN
			PERFORM pg_notify('account_inputs', '*');
		END IF;
	ELSE
		PERFORM pg_notify('account_inputs', '*');
	END IF;
	RETURN NULL;
END $$;

-- Deferred to the commit, so a cursor comes after the account notifications of its transaction (the
-- indexer moves the cursor first): a process never takes the new block for an account still cached
-- at the old state.
CREATE CONSTRAINT TRIGGER chains_notify AFTER INSERT OR UPDATE OR DELETE ON chains DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION notify_chain_cursor();
CREATE TRIGGER chains_notify_truncate AFTER TRUNCATE ON chains FOR EACH STATEMENT EXECUTE FUNCTION notify_chain_cursor();

-- Whether the credit ledger is backfilled (`exists (… synced_at is not null)`), read with every account.
CREATE FUNCTION notify_credit_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		PERFORM pg_notify('account_inputs', '*');
	ELSIF TG_OP = 'INSERT' THEN
		IF new.synced_at IS NOT NULL THEN PERFORM pg_notify('account_inputs', '*'); END IF;
	ELSIF TG_OP = 'DELETE' THEN
		IF old.synced_at IS NOT NULL THEN PERFORM pg_notify('account_inputs', '*'); END IF;
	ELSIF (old.synced_at IS NULL) <> (new.synced_at IS NULL) THEN
		PERFORM pg_notify('account_inputs', '*');
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER feed_sources_notify AFTER INSERT OR UPDATE OR DELETE ON feed_sources FOR EACH ROW EXECUTE FUNCTION notify_credit_sync();
CREATE TRIGGER feed_sources_notify_truncate AFTER TRUNCATE ON feed_sources FOR EACH STATEMENT EXECUTE FUNCTION notify_credit_sync();
