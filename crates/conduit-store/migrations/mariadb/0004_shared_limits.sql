-- Shared rate limits and circuit breakers (ApiClient rate_limit.scope / circuit_breaker.scope
-- = "store"): one row per limiter key. tat = the GCRA theoretical arrival time, open_until =
-- the breaker's open-until instant (0 = closed); both nanoseconds since the Unix epoch.
-- ENGINE=MEMORY: a booking is on every API call, and an InnoDB commit with
-- innodb_flush_log_at_trx_commit=1 waits for an fsync (~100 µs, more than a round trip);
-- this state is worth nothing after a server restart (the table comes back empty: at
-- most one extra burst). MEMORY tables are not replicated by Galera: point every web
-- node at the same server (what a Store DSN does anyway).
CREATE TABLE IF NOT EXISTS `{prefix}shared_limits` (
    `limit_key` VARCHAR(191) COLLATE utf8mb4_bin NOT NULL,
    `tat` BIGINT NOT NULL DEFAULT 0,
    `open_until` BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (`limit_key`)
) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4;
