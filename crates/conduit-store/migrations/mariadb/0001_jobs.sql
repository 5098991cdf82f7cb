-- The job table. Times are milliseconds since the Unix epoch (BIGINT), so the two
-- engines and PHP agree without time-zone conversions.
-- claim_order is -priority: one ascending index then serves the claim query
-- (MariaDB 10.6 ignores DESC in index definitions).
-- Few indexes contain status, because every claim and ack rewrites the entries
-- of each one that does: lease_until is only set while running and finished_at
-- only once done/failed, so indexes on them alone serve lease recovery, stats
-- and purge.
-- dedupe_active equals dedupe_key while the job is pending or running and is NULL
-- afterwards; its unique index is what makes push() deduplicate atomically.
-- Key columns use a binary collation: "Order:1" and "order:1" are different keys.
CREATE TABLE IF NOT EXISTS `{prefix}jobs` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `type` VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
    `payload` LONGTEXT NOT NULL,
    `status` VARCHAR(16) COLLATE utf8mb4_bin NOT NULL,
    `priority` INT NOT NULL DEFAULT 0,
    `claim_order` INT NOT NULL DEFAULT 0,
    `attempts` INT NOT NULL DEFAULT 0,
    `max_attempts` INT NOT NULL,
    `run_at` BIGINT NOT NULL,
    `created_at` BIGINT NOT NULL,
    `updated_at` BIGINT NOT NULL,
    `lease_until` BIGINT NULL,
    `lease_token` BIGINT NULL,
    `dedupe_key` VARCHAR(191) COLLATE utf8mb4_bin NULL,
    `dedupe_active` VARCHAR(191) COLLATE utf8mb4_bin NULL,
    `group_key` VARCHAR(191) COLLATE utf8mb4_bin NULL,
    `backoff_base_ms` BIGINT NOT NULL,
    `backoff_max_ms` BIGINT NOT NULL,
    `last_error` TEXT NULL,
    `result` LONGTEXT NULL,
    `started_at` BIGINT NULL,
    `finished_at` BIGINT NULL,
    `processing_ms` BIGINT NULL,
    PRIMARY KEY (`id`),
    UNIQUE KEY `dedupe` (`dedupe_active`),
    KEY `claim` (`status`, `claim_order`, `run_at`, `id`),
    KEY `lease` (`lease_until`),
    KEY `group_order` (`group_key`, `id`),
    KEY `type` (`type`),
    KEY `finished` (`finished_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- One row per group key: a claim locks it (SKIP LOCKED) before starting a grouped
-- job, so two workers can never start two jobs of one group at once.
CREATE TABLE IF NOT EXISTS `{prefix}job_groups` (
    `group_key` VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (`group_key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
