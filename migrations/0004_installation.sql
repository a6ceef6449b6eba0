-- The installation: an id created with the schema, that scopes this database's job queues in a
-- Redis shared with other databases (the BullMQ key prefix). A fresh database (or a restored
-- copy next to its original) gets its own, so job ids such as `delivery.1` never meet those of
-- another database in Redis.
INSERT INTO service_state (key, value) VALUES ('installation', gen_random_uuid()::text) ON CONFLICT (key) DO NOTHING;

-- When the watcher last read the chain's head block (the database's clock): a head read long ago
-- means an RPC gone quiet, and a lag that head_block no longer tells.
ALTER TABLE chains ADD COLUMN head_read_at timestamptz;
