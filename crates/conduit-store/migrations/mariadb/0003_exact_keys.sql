-- Keys compare exactly, byte for byte. utf8mb4_bin (version 1) is a PAD SPACE
-- collation: it ignores trailing spaces, so 'order:1 ' matched the dedupe key
-- 'order:1' (a lost push) and a job of group 'solo' waited behind one of 'solo '
-- (a stuck job). utf8mb4_nopad_bin compares code points with no padding, as
-- SQLite's BINARY collation does.
-- last_error moves from the table's utf8mb4_unicode_ci (case- and accent-blind)
-- to the same collation, so the `error` filter is an exact substring match on
-- both engines.
-- dedupe_window serves push()'s dedupe_window_s look-up: the latest finished job
-- with a key.
-- Each MODIFY sets the column to its final definition: re-running is a no-op.
ALTER TABLE `{prefix}jobs`
    MODIFY `type` VARCHAR(191) COLLATE utf8mb4_nopad_bin NOT NULL,
    MODIFY `dedupe_key` VARCHAR(191) COLLATE utf8mb4_nopad_bin NULL,
    MODIFY `dedupe_active` VARCHAR(191) COLLATE utf8mb4_nopad_bin NULL,
    MODIFY `group_key` VARCHAR(191) COLLATE utf8mb4_nopad_bin NULL,
    MODIFY `last_error` TEXT COLLATE utf8mb4_nopad_bin NULL,
    ADD INDEX IF NOT EXISTS `dedupe_window` (`dedupe_key`, `finished_at`);
ALTER TABLE `{prefix}job_groups`
    MODIFY `group_key` VARCHAR(191) COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE `{prefix}request_log`
    MODIFY `correlation_id` VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL;
