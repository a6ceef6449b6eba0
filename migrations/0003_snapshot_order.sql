-- Which of two recomputes of one account read the newer data. The xmax of a snapshot alone cannot
-- tell: a snapshot taken while a watcher's batch was still committing and one taken just after its
-- commit can have the same xmax, and the older one then overwrote the newer entitlement (and moved
-- its alerts back). A snapshot is at least as new as another when it sees every transaction the
-- other sees (snapshots taken later always do).
ALTER TABLE entitlements ADD COLUMN snapshot pg_snapshot;

CREATE FUNCTION snapshot_sees_all_of(newer pg_snapshot, older pg_snapshot) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT older IS NULL OR (
		pg_snapshot_xmax(older) <= pg_snapshot_xmax(newer)
		AND NOT EXISTS (
			SELECT 1 FROM pg_snapshot_xip(newer) AS t(xid)
			WHERE t.xid < pg_snapshot_xmax(older)
				AND NOT EXISTS (SELECT 1 FROM pg_snapshot_xip(older) AS o(xid) WHERE o.xid = t.xid)
		)
	)
$$;
ALTER TABLE entitlements DROP COLUMN snapshot_xmax;
