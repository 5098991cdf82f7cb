-- Shared rate limits and circuit breakers (ApiClient rate_limit.scope / circuit_breaker.scope
-- = "store"): one row per limiter key. tat = the GCRA theoretical arrival time, open_until =
-- the breaker's open-until instant (0 = closed); both nanoseconds since the Unix epoch.
-- UNLOGGED, PostgreSQL's counterpart of MariaDB's ENGINE=MEMORY: a booking is on every
-- API call, and a logged commit waits for a WAL flush; this state is worth nothing after
-- a crash (an unlogged table comes back empty: at most one extra burst). Unlogged tables
-- are not replicated: point every web node at the primary (what a Store DSN does anyway).
CREATE UNLOGGED TABLE IF NOT EXISTS {prefix}shared_limits (
    limit_key VARCHAR(191) COLLATE "C" NOT NULL PRIMARY KEY,
    tat BIGINT NOT NULL DEFAULT 0,
    open_until BIGINT NOT NULL DEFAULT 0
);
