//! The `{prefix}shared_limits` table (migration 4) as plain operations: a GCRA
//! booking per rate-limit key and a breaker's open-until instant per key. The
//! adapter that makes them conduit-http's `SharedLimitBackend` (rate_limit.scope /
//! circuit_breaker.scope `"store"`, so every web node shares one budget and one
//! breaker) is conduit-delivery's; this crate knows no HTTP.
//!
//! Keys are the caller's, at most [`MAX_KEY_CHARS`] long (the column is
//! VARCHAR(191)); longer ones are the caller's to hash.

use crate::error::Result;
use crate::store::Store;

/// The longest key stored as it is.
pub const MAX_KEY_CHARS: usize = 180;

impl Store {
    /// Books one emission of `emission` ns on `key`'s GCRA at `now` (ns): returns the
    /// new theoretical arrival time (ns).
    ///
    /// # Errors
    /// `Database` when the statement fails (or migration 4 is missing).
    pub fn limit_book(&self, key: &str, emission_ns: i64, now_ns: i64) -> Result<i64> {
        self.backend()?.limit_book(key, emission_ns, now_ns)
    }

    /// The instant (ns) until which `key`'s breaker is open; 0 when it is closed.
    ///
    /// # Errors
    /// `Database` when the statement fails.
    pub fn limit_open_until(&self, key: &str) -> Result<i64> {
        self.backend()?.limit_open_until(key)
    }

    /// Sets `key`'s open-until to `new` if it is still `expected`; says whether it was.
    ///
    /// # Errors
    /// `Database` when the statement fails.
    pub fn limit_compare_set(&self, key: &str, expected: i64, new: i64) -> Result<bool> {
        self.backend()?.limit_compare_set(key, expected, new)
    }

    /// Sets `key`'s open-until.
    ///
    /// # Errors
    /// `Database` when the statement fails.
    pub fn limit_set_open_until(&self, key: &str, open_until: i64) -> Result<()> {
        self.backend()?.limit_set_open_until(key, open_until)
    }
}
