//! `Conduit\Store` as the backend of `rate_limit.scope`/`circuit_breaker.scope`
//! `"store"`: conduit-http's [`SharedLimitBackend`] over the store's
//! `{prefix}shared_limits` table, so every web node shares one budget and one breaker.
//!
//! Failures are returned as messages; conduit-http then falls back to the
//! process-local limiter/breaker with one logged warning (fail-open: a database
//! outage must not take the site down — the API's own limit still applies).

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use conduit_http::shared::{key_hash, SharedLimitBackend};
use conduit_store::shared_limits::MAX_KEY_CHARS;
use conduit_store::Store;

/// Keys longer than the column holds are replaced by their hash.
fn column_key(key: &str) -> Cow<'_, str> {
    if key.len() <= MAX_KEY_CHARS {
        key.into()
    } else {
        format!("h:{:016x}", key_hash(key)).into()
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

struct StoreLimits {
    store: Store,
}

impl SharedLimitBackend for StoreLimits {
    fn gcra_acquire(&self, key: &str, emission_ns: u64, tolerance_ns: u64, now_ns: u64) -> Result<Duration, String> {
        let new_tat =
            self.store.limit_book(&column_key(key), to_i64(emission_ns), to_i64(now_ns)).map_err(|e| e.to_string())?;
        // The booked instant is new_tat - emission; it may go tolerance earlier.
        let booked = u64::try_from(new_tat).unwrap_or(0).saturating_sub(emission_ns);
        Ok(Duration::from_nanos(booked.saturating_sub(tolerance_ns).saturating_sub(now_ns)))
    }

    fn breaker_get(&self, key: &str) -> Result<u64, String> {
        let v = self.store.limit_open_until(&column_key(key)).map_err(|e| e.to_string())?;
        Ok(u64::try_from(v).unwrap_or(0))
    }

    fn breaker_compare_set(&self, key: &str, expected: u64, new: u64) -> Result<bool, String> {
        self.store.limit_compare_set(&column_key(key), to_i64(expected), to_i64(new)).map_err(|e| e.to_string())
    }

    fn breaker_set(&self, key: &str, open_until: u64) -> Result<(), String> {
        self.store.limit_set_open_until(&column_key(key), to_i64(open_until)).map_err(|e| e.to_string())
    }

    fn describe(&self) -> String {
        format!("store {}", self.store.display_dsn())
    }
}

/// `store` as the shared backend of an ApiClient's `rate_limit`/`circuit_breaker`
/// with scope `"store"` (needs migration 4: `migrate()`).
pub fn shared_limits(store: &Store) -> Arc<dyn SharedLimitBackend> {
    Arc::new(StoreLimits { store: store.clone() })
}
