-- Jobs of one status, newest first (the admin queue page's "waiting" / "failed" list and
-- its capped count): WHERE status = ? ORDER BY id DESC LIMIT n reads this index in order
-- instead of sorting every job of that status. The claim query keeps its own index
-- (status, claim_order, run_at, id), whose order it needs. The cost: a status change
-- (claim, ack, fail, retry) rewrites one more index entry.
CREATE INDEX IF NOT EXISTS {prefix}jobs_status_id ON {prefix}jobs (status, id);
