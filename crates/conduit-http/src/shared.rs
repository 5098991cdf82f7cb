//! Limits shared by several processes (`scope => host`) or web nodes (`scope => store`).
//!
//! A [`SharedLimitBackend`] holds, per limiter key, one GCRA "theoretical arrival
//! time" (TAT) and one breaker `open_until` instant, both in nanoseconds since the
//! Unix epoch (wall clock: the only clock processes and hosts share — web nodes
//! need NTP, as a skew of `d` shifts their share of the budget by `d`).
//!
//! Backends: [`crate::shared_mmap`] (a memory-mapped file, one machine) and the
//! `Conduit\Store` one in conduit-store (one row per key, MariaDB or SQLite).
//! This crate never depends on conduit-store; the binding hands the Store's backend in.
//!
//! Every operation is a single atomic step (a CAS, or one SQL statement), so a
//! process that dies between two steps holds nothing: there are no locks to leak.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where a limiter's or breaker's state lives (`rate_limit.scope`, `circuit_breaker.scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Per PHP process (the default).
    #[default]
    Process,
    /// Shared by every process on this machine (memory-mapped file).
    Host,
    /// Shared by every web node through a `Conduit\Store`.
    Store,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "process" => Some(Self::Process),
            "host" => Some(Self::Host),
            "store" => Some(Self::Store),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Process => "process",
            Self::Host => "host",
            Self::Store => "store",
        }
    }
}

/// Shared state for limiter keys. Times are nanoseconds since the Unix epoch.
///
/// Errors are messages; callers fall back to the process-local limiter/breaker
/// with a logged warning (fail-open: a database outage must not stop the site).
pub trait SharedLimitBackend: Send + Sync {
    /// GCRA reservation for one request: books the next slot for `key` and returns
    /// how long the caller must wait before sending (zero: go now). One atomic step.
    /// `emission_ns` = 1/rate, `tolerance_ns` = emission × (burst − 1).
    fn gcra_acquire(&self, key: &str, emission_ns: u64, tolerance_ns: u64, now_ns: u64) -> Result<Duration, String>;

    /// The breaker's `open_until` for `key` (0 = closed).
    fn breaker_get(&self, key: &str) -> Result<u64, String>;

    /// Sets `open_until` to `new` if it is still `expected`; true when it was set
    /// (claims the single probe after `open_s`, for every process at once).
    fn breaker_compare_set(&self, key: &str, expected: u64, new: u64) -> Result<bool, String>;

    /// Sets `open_until` unconditionally (open after a tripped ratio or a failed
    /// probe; 0 closes after a successful probe).
    fn breaker_set(&self, key: &str, open_until: u64) -> Result<(), String>;

    /// A short name for messages and `Debug` ("host file /dev/shm/…", "store").
    fn describe(&self) -> String;
}

/// A backend handle in a config: compared and hashed by identity, so two clients
/// share process-side objects only when they share the backend.
#[derive(Clone)]
pub struct BackendHandle(pub Arc<dyn SharedLimitBackend>);

impl fmt::Debug for BackendHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Backend({}@{:p})", self.0.describe(), Arc::as_ptr(&self.0).cast::<u8>())
    }
}

impl PartialEq for BackendHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Now, in nanoseconds since the Unix epoch (0 before 1970, saturating in 2554).
pub fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Emission interval and tolerance (ns) for `per_second` and `burst`, as the
/// backends take them. `None` when the rate gives no representable interval.
pub fn gcra_params(per_second: f64, burst: u32) -> Option<(u64, u64)> {
    if !(per_second.is_finite() && per_second > 0.0) {
        return None;
    }
    let emission = 1e9 / per_second;
    if !(emission.is_finite() && (1.0..1e18).contains(&emission)) {
        return None;
    }
    let emission = emission as u64;
    let tolerance = emission.checked_mul(u64::from(burst.max(1)) - 1)?;
    Some((emission, tolerance))
}

/// One GCRA reservation step: from the stored TAT (0 = never used), returns the
/// new TAT to store and the wait before the booked request may go.
///
/// The request is booked at `max(tat, now)`; it may go once that instant minus
/// the tolerance has passed. Hence over any interval of length `t`, at most
/// `burst + t × per_second` requests go, however many processes book.
pub fn gcra_step(tat: u64, emission_ns: u64, tolerance_ns: u64, now_ns: u64) -> (u64, Duration) {
    let start = tat.max(now_ns);
    let new_tat = start.saturating_add(emission_ns);
    let allowed_at = start.saturating_sub(tolerance_ns);
    let wait = allowed_at.saturating_sub(now_ns);
    (new_tat, Duration::from_nanos(wait))
}

/// Stable 64-bit FNV-1a of a limiter key (never 0: 0 marks an empty slot).
pub fn key_hash(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    if h == 0 {
        1
    } else {
        h
    }
}

/// The limiter key: the target origin plus the optional `key` option.
pub fn limiter_key(kind: &str, target: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("{kind}|{target}|{k}"),
        None => format!("{kind}|{target}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_for_50_per_second_burst_5() {
        let (e, t) = gcra_params(50.0, 5).unwrap();
        assert_eq!(e, 20_000_000);
        assert_eq!(t, 80_000_000);
        assert_eq!(gcra_params(1.0, 1), Some((1_000_000_000, 0)));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-20, 1e12] {
            assert_eq!(gcra_params(bad, 1), None, "{bad}");
        }
    }

    #[test]
    fn burst_goes_at_once_then_one_per_interval() {
        let (e, t) = gcra_params(50.0, 5).unwrap();
        let now = 1_000_000_000_000;
        let mut tat = 0;
        for i in 0..5 {
            let (next, wait) = gcra_step(tat, e, t, now);
            assert_eq!(wait, Duration::ZERO, "request {i} of the burst");
            tat = next;
        }
        let (next, wait) = gcra_step(tat, e, t, now);
        assert_eq!(wait, Duration::from_millis(20), "the 6th waits one interval");
        let (_, wait) = gcra_step(next, e, t, now);
        assert_eq!(wait, Duration::from_millis(40));
    }

    #[test]
    fn idle_time_refills_at_most_the_burst() {
        let (e, t) = gcra_params(10.0, 3).unwrap();
        let mut tat = 0;
        let now = 5_000_000_000;
        for _ in 0..3 {
            tat = gcra_step(tat, e, t, now).0;
        }
        // An hour idle: still only 3 at once.
        let later = now + 3_600_000_000_000;
        for i in 0..4 {
            let (next, wait) = gcra_step(tat, e, t, later);
            assert_eq!(wait.is_zero(), i < 3, "request {i}");
            tat = next;
        }
    }

    #[test]
    fn never_more_than_burst_plus_rate_times_window() {
        // Many bookers at arbitrary instants: count requests whose send instant
        // falls in [0, window].
        let (e, t) = gcra_params(50.0, 5).unwrap();
        let window = 4_000_000_000u64;
        let mut tat = 0;
        let mut now = 0u64;
        let mut sent = 0u64;
        let mut step = 1u64;
        while now <= window {
            let (next, wait) = gcra_step(tat, e, t, now);
            tat = next;
            let send_at = now + u64::try_from(wait.as_nanos()).unwrap();
            if send_at <= window {
                sent += 1;
            }
            step = step.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            now += step % 3_000_000;
        }
        assert!(sent <= 5 + 200 + 1, "{sent}");
        assert!(sent >= 200, "{sent}");
    }

    #[test]
    fn hash_is_stable_and_never_zero() {
        assert_eq!(key_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(key_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(key_hash("rl|http://a"), key_hash("rl|http://b"));
    }

    #[test]
    fn scopes_parse() {
        for s in [Scope::Process, Scope::Host, Scope::Store] {
            assert_eq!(Scope::parse(s.as_str()), Some(s));
        }
        assert_eq!(Scope::parse("cluster"), None);
    }
}
