-- PostgreSQL's key columns use the "C" collation from version 1 (byte-wise, no
-- padding or case folding), so its keys were exact already; this version only adds
-- the index push()'s dedupe_window_s look-up uses: the latest finished job with a key.
CREATE INDEX IF NOT EXISTS {prefix}jobs_dedupe_window ON {prefix}jobs (dedupe_key, finished_at);
