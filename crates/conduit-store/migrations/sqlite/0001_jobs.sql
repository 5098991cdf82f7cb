-- The job table. Times are milliseconds since the Unix epoch (INTEGER), so the two
-- engines and PHP agree without time-zone conversions.
-- claim_order is -priority: one ascending index then serves the claim query on
-- both engines (MariaDB 10.6 ignores DESC in index definitions).
-- Few indexes contain status, because every claim and ack rewrites the entries
-- of each one that does: lease_until is only set while running and finished_at
-- only once done/failed, so indexes on them alone serve lease recovery, stats
-- and purge.
-- dedupe_active equals dedupe_key while the job is pending or running and is NULL
-- afterwards; its unique index is what makes push() deduplicate atomically.
CREATE TABLE IF NOT EXISTS {prefix}jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    claim_order INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    lease_until INTEGER,
    lease_token INTEGER,
    dedupe_key TEXT,
    dedupe_active TEXT,
    group_key TEXT,
    backoff_base_ms INTEGER NOT NULL,
    backoff_max_ms INTEGER NOT NULL,
    last_error TEXT,
    result TEXT,
    started_at INTEGER,
    finished_at INTEGER,
    processing_ms INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS {prefix}jobs_dedupe ON {prefix}jobs (dedupe_active);
CREATE INDEX IF NOT EXISTS {prefix}jobs_claim ON {prefix}jobs (status, claim_order, run_at, id);
CREATE INDEX IF NOT EXISTS {prefix}jobs_lease ON {prefix}jobs (lease_until);
CREATE INDEX IF NOT EXISTS {prefix}jobs_group ON {prefix}jobs (group_key, id);
CREATE INDEX IF NOT EXISTS {prefix}jobs_type ON {prefix}jobs (type);
CREATE INDEX IF NOT EXISTS {prefix}jobs_finished ON {prefix}jobs (finished_at);
