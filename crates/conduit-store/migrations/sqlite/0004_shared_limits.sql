-- Shared rate limits and circuit breakers (ApiClient rate_limit.scope / circuit_breaker.scope
-- = "store"): one row per limiter key. tat = the GCRA theoretical arrival time, open_until =
-- the breaker's open-until instant (0 = closed); both nanoseconds since the Unix epoch.
CREATE TABLE IF NOT EXISTS {prefix}shared_limits (
    limit_key TEXT NOT NULL PRIMARY KEY,
    tat INTEGER NOT NULL DEFAULT 0,
    open_until INTEGER NOT NULL DEFAULT 0
);
