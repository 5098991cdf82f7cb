-- Shared rate limits and circuit breakers (ApiClient rate_limit.scope / circuit_breaker.scope
-- = "store"): one row per limiter key. tat = the GCRA theoretical arrival time, open_until =
-- the breaker's open-until instant (0 = closed); both nanoseconds since the Unix epoch.
CREATE TABLE IF NOT EXISTS `{prefix}shared_limits` (
    `limit_key` VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
    `tat` BIGINT NOT NULL DEFAULT 0,
    `open_until` BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (`limit_key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
