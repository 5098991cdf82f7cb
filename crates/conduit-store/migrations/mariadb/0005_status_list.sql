-- Jobs of one status, newest first (the admin queue page's "waiting" / "failed" list and
-- its capped count): WHERE status = ? ORDER BY id DESC LIMIT n reads this index in order
-- instead of sorting every job of that status (18,000 waiting jobs of 200,000: 160 ms
-- before, a few ms with it). The claim query keeps its own index (status, claim_order,
-- run_at, id), whose order it needs. The cost: a status change (claim, ack, fail,
-- retry) rewrites one more index entry.
ALTER TABLE `{prefix}jobs`
    ADD INDEX IF NOT EXISTS `status_id` (`status`, `id`);
