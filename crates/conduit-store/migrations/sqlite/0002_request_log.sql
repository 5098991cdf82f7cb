-- One row per HTTP attempt, already redacted and truncated by the client.
-- Headers are JSON lists of [name, value] pairs; status is NULL when no HTTP answer
-- arrived (transport error, timeout, open circuit).
CREATE TABLE IF NOT EXISTS {prefix}request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    status INTEGER,
    duration_ms REAL NOT NULL,
    attempt INTEGER NOT NULL,
    correlation_id TEXT NOT NULL,
    job_id INTEGER,
    error_class TEXT,
    error_message TEXT,
    request_headers TEXT NOT NULL,
    request_body TEXT NOT NULL,
    response_headers TEXT NOT NULL,
    response_body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS {prefix}request_log_created ON {prefix}request_log (created_at);
CREATE INDEX IF NOT EXISTS {prefix}request_log_correlation ON {prefix}request_log (correlation_id);
CREATE INDEX IF NOT EXISTS {prefix}request_log_job ON {prefix}request_log (job_id);
CREATE INDEX IF NOT EXISTS {prefix}request_log_status ON {prefix}request_log (status, created_at);
