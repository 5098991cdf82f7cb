//! Shared rate-limit and breaker rows (`{prefix}shared_limits`), one atomic
//! statement per operation; see conduit_http::shared for the semantics.
//! Times are nanoseconds since the Unix epoch, as i64 (good until 2262).

use crate::error::Result;

pub(crate) trait LimitStore: Send + Sync {
    /// Books the next GCRA slot for `key`: stores `max(tat, now) + emission` and
    /// returns the new TAT (one statement).
    fn limit_book(&self, key: &str, emission_ns: i64, now_ns: i64) -> Result<i64>;
    /// The breaker's open_until (0 when the row does not exist).
    fn limit_open_until(&self, key: &str) -> Result<i64>;
    /// Sets open_until to `new` where it is still `expected`; true when a row changed.
    fn limit_compare_set(&self, key: &str, expected: i64, new: i64) -> Result<bool>;
    /// Sets open_until (upsert).
    fn limit_set_open_until(&self, key: &str, open_until: i64) -> Result<()>;
}
