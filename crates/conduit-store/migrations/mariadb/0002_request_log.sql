-- One row per HTTP attempt, already redacted and truncated by the client.
-- Headers are JSON lists of [name, value] pairs; status is NULL when no HTTP answer
-- arrived (transport error, timeout, open circuit).
CREATE TABLE IF NOT EXISTS `{prefix}request_log` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `created_at` BIGINT NOT NULL,
    `method` VARCHAR(16) NOT NULL,
    `url` TEXT NOT NULL,
    `endpoint` VARCHAR(1024) NOT NULL,
    `status` SMALLINT NULL,
    `duration_ms` DOUBLE NOT NULL,
    `attempt` INT NOT NULL,
    `correlation_id` VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
    `job_id` BIGINT NULL,
    `error_class` VARCHAR(64) NULL,
    `error_message` TEXT NULL,
    `request_headers` MEDIUMTEXT NOT NULL,
    `request_body` MEDIUMTEXT NOT NULL,
    `response_headers` MEDIUMTEXT NOT NULL,
    `response_body` MEDIUMTEXT NOT NULL,
    PRIMARY KEY (`id`),
    KEY `created` (`created_at`),
    KEY `correlation` (`correlation_id`),
    KEY `job` (`job_id`),
    KEY `status_created` (`status`, `created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
