//! Circuit breaker: stop calling a target that is failing, probe it, recover.
//!
//! Written by hand because the crates we looked at (failsafe, recloser) trip on
//! consecutive failures or an EWMA; the contract here is the one administrators
//! can reason about: "open when at least `min_calls` calls in the last `window`
//! saw a failure ratio of at least `failure_ratio`".
//!
//! States: Closed → (ratio reached) → Open for `open_duration` → HalfOpen, which lets
//! exactly one probe through: success closes the circuit, failure opens it again.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::shared::{BackendHandle, Scope};

/// Default is ratio 0.5 over 60 s with at least 20 calls, open for 30 s.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerConfig {
    pub failure_ratio: f64,
    pub min_calls: u32,
    pub window: Duration,
    pub open_duration: Duration,
    /// `circuit_breaker.scope`: with `Host`/`Store` the open state (and the probe
    /// after `open_s`) is shared; the failure ratio is still counted per process.
    pub scope: Scope,
    /// `circuit_breaker.key`, appended to the target.
    pub key: Option<String>,
    /// The `Conduit\Store` backend for `Scope::Store` (set by the binding).
    pub backend: Option<BackendHandle>,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failure_ratio: 0.5,
            min_calls: 20,
            window: Duration::from_secs(60),
            open_duration: Duration::from_secs(30),
            scope: Scope::Process,
            key: None,
            backend: None,
        }
    }
}

/// The shared half of a `host`/`store` breaker: one `open_until` per key.
///
/// `0` = closed. `now < open_until` = open for everyone. `open_until <= now` = the
/// next caller claims the probe by CAS-ing `open_until` to `now + open_s` (so a
/// probe that dies frees the claim after `open_s`); its success stores 0 (closed
/// for all), its failure `now + open_s` again.
struct SharedState {
    backend: BackendHandle,
    key: String,
    warned: std::sync::atomic::AtomicBool,
}

impl SharedState {
    fn warn(&self, e: &str) {
        if !self.warned.swap(true, std::sync::atomic::Ordering::Relaxed) {
            tracing::warn!(
                shared_state = %crate::redact::mask_userinfo_passwords(&self.backend.0.describe()),
                error = %crate::redact::mask_userinfo_passwords(e),
                "circuit_breaker: shared state failed, using the per-process breaker"
            );
        }
    }
}

impl std::fmt::Debug for SharedState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedState({})", self.key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    Closed,
    Open,
    HalfOpen,
}

impl BreakerState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::HalfOpen => "half_open",
        }
    }
}

#[derive(Debug)]
struct Inner {
    state: BreakerState,
    /// (when, failed) for calls inside the window, oldest first.
    calls: VecDeque<(Instant, bool)>,
    opened_at: Option<Instant>,
    probe_in_flight: bool,
}

#[derive(Debug)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    inner: Mutex<Inner>,
    shared: Option<SharedState>,
}

/// Permission to make one call; hand it back through [`CircuitBreaker::record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permit {
    is_probe: bool,
    /// A probe claimed in the shared state (its outcome decides for everyone).
    shared_probe: bool,
}

fn duration_ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl CircuitBreaker {
    /// # Errors
    /// A message naming the bad setting.
    pub fn new(config: BreakerConfig) -> Result<Self, String> {
        if !(config.failure_ratio > 0.0 && config.failure_ratio <= 1.0) {
            return Err(format!("circuit_breaker.failure_ratio must be in (0, 1]: {} given", config.failure_ratio));
        }
        if config.min_calls == 0 {
            return Err("circuit_breaker.min_calls must be at least 1".into());
        }
        if config.window.is_zero() {
            return Err("circuit_breaker.window_s must be positive".into());
        }
        Ok(Self {
            config,
            inner: Mutex::new(Inner { state: BreakerState::Closed, calls: VecDeque::new(), opened_at: None, probe_in_flight: false }),
            shared: None,
        })
    }

    /// The breaker for `target` (an origin): its open state shared when the scope says so.
    ///
    /// # Errors
    /// A message naming the bad setting, or a host file that cannot be mapped.
    pub fn for_target(config: BreakerConfig, target: &str) -> Result<Self, String> {
        let backend = match (config.scope, &config.backend) {
            (Scope::Process, _) => return Self::new(config),
            (Scope::Host, _) => BackendHandle(crate::shared_mmap::MmapBackend::default_shared()?),
            (Scope::Store, Some(b)) => b.clone(),
            (Scope::Store, None) => {
                return Err("Option \"circuit_breaker.store\" is required with scope \"store\".".into())
            }
        };
        let key = crate::shared::limiter_key("cb", target, config.key.as_deref());
        let mut breaker = Self::new(config)?;
        breaker.shared = Some(SharedState { backend, key, warned: std::sync::atomic::AtomicBool::new(false) });
        Ok(breaker)
    }

    /// The shared decision, or `None` to use the local state machine (closed, or
    /// the backend failed).
    fn shared_try_acquire(&self, shared: &SharedState) -> Option<Result<Permit, Duration>> {
        let now = crate::shared::now_ns();
        let open_until = match shared.backend.0.breaker_get(&shared.key) {
            Ok(v) => v,
            Err(e) => {
                shared.warn(&e);
                return None;
            }
        };
        if open_until == 0 {
            return None;
        }
        if now < open_until {
            return Some(Err(Duration::from_nanos(open_until - now)));
        }
        let lease = now.saturating_add(duration_ns(self.config.open_duration));
        match shared.backend.0.breaker_compare_set(&shared.key, open_until, lease) {
            Ok(true) => {
                let mut inner = self.lock();
                inner.state = BreakerState::HalfOpen;
                inner.probe_in_flight = true;
                Some(Ok(Permit { is_probe: true, shared_probe: true }))
            }
            // Another process claimed the probe.
            Ok(false) => Some(Err(Duration::from_millis(100).min(self.config.open_duration))),
            Err(e) => {
                shared.warn(&e);
                None
            }
        }
    }

    /// Publishes "open for `open_s` from now" to every process.
    fn shared_open(&self, shared: &SharedState) {
        let until = crate::shared::now_ns().saturating_add(duration_ns(self.config.open_duration));
        if let Err(e) = shared.backend.0.breaker_set(&shared.key, until) {
            shared.warn(&e);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock cannot leave the state inconsistent
        // in a harmful way, so recover from poisoning instead of propagating it.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Asks to make a call at `now`. `Err(wait)` means the circuit is open for `wait` more.
    pub fn try_acquire_at(&self, now: Instant) -> Result<Permit, Duration> {
        if let Some(shared) = &self.shared {
            if let Some(decision) = self.shared_try_acquire(shared) {
                return decision;
            }
        }
        let mut inner = self.lock();
        match inner.state {
            BreakerState::Closed => Ok(Permit { is_probe: false, shared_probe: false }),
            BreakerState::Open => {
                let opened_at = inner.opened_at.unwrap_or(now);
                let reopen = opened_at + self.config.open_duration;
                if now >= reopen {
                    inner.state = BreakerState::HalfOpen;
                    inner.probe_in_flight = true;
                    Ok(Permit { is_probe: true, shared_probe: false })
                } else {
                    Err(reopen - now)
                }
            }
            BreakerState::HalfOpen => {
                if inner.probe_in_flight {
                    // Another caller is probing; report a short wait.
                    Err(Duration::from_millis(100).min(self.config.open_duration))
                } else {
                    inner.probe_in_flight = true;
                    Ok(Permit { is_probe: true, shared_probe: false })
                }
            }
        }
    }

    pub fn try_acquire(&self) -> Result<Permit, Duration> {
        self.try_acquire_at(Instant::now())
    }

    /// Reports the outcome of a permitted call.
    pub fn record_at(&self, permit: Permit, failed: bool, now: Instant) {
        let mut inner = self.lock();
        if permit.shared_probe {
            // The shared state decides; locally we go back to counting.
            inner.probe_in_flight = false;
            inner.calls.clear();
            inner.state = BreakerState::Closed;
            inner.opened_at = None;
            drop(inner);
            if let Some(shared) = &self.shared {
                if failed {
                    self.shared_open(shared);
                } else if let Err(e) = shared.backend.0.breaker_set(&shared.key, 0) {
                    shared.warn(&e);
                }
            }
            return;
        }
        if permit.is_probe {
            inner.probe_in_flight = false;
            inner.calls.clear();
            if failed {
                inner.state = BreakerState::Open;
                inner.opened_at = Some(now);
            } else {
                inner.state = BreakerState::Closed;
                inner.opened_at = None;
            }
            return;
        }
        if inner.state != BreakerState::Closed {
            // A call that started before the circuit opened: it no longer counts.
            return;
        }
        inner.calls.push_back((now, failed));
        let horizon = now.checked_sub(self.config.window);
        while let (Some(h), Some((t, _))) = (horizon, inner.calls.front()) {
            if *t < h {
                inner.calls.pop_front();
            } else {
                break;
            }
        }
        let total = inner.calls.len();
        let failures = inner.calls.iter().filter(|(_, f)| *f).count();
        if total >= self.config.min_calls as usize && failures as f64 / total as f64 >= self.config.failure_ratio {
            inner.state = BreakerState::Open;
            inner.opened_at = Some(now);
            inner.calls.clear();
            if let Some(shared) = &self.shared {
                // Shared scope: the open state lives in the backend, for everyone.
                inner.state = BreakerState::Closed;
                inner.opened_at = None;
                drop(inner);
                self.shared_open(shared);
            }
        }
    }

    pub fn record(&self, permit: Permit, failed: bool) {
        self.record_at(permit, failed, Instant::now());
    }

    pub fn state(&self) -> BreakerState {
        if let Some(shared) = &self.shared {
            let local = self.lock().state;
            match shared.backend.0.breaker_get(&shared.key) {
                Ok(0) => return local,
                // This process holds the shared probe.
                Ok(_) if local == BreakerState::HalfOpen => return local,
                Ok(until) if crate::shared::now_ns() < until => return BreakerState::Open,
                Ok(_) => return BreakerState::HalfOpen,
                Err(e) => shared.warn(&e),
            }
        }
        self.lock().state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(ratio: f64, min_calls: u32, open_ms: u64) -> CircuitBreaker {
        CircuitBreaker::new(BreakerConfig {
            failure_ratio: ratio,
            min_calls,
            window: Duration::from_secs(10),
            open_duration: Duration::from_millis(open_ms),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn opens_only_after_min_calls_at_the_ratio() {
        let b = breaker(0.5, 4, 1000);
        let t = Instant::now();
        for _ in 0..3 {
            let p = b.try_acquire_at(t).unwrap();
            b.record_at(p, true, t);
        }
        assert_eq!(b.state(), BreakerState::Closed, "3 calls < min_calls");
        let p = b.try_acquire_at(t).unwrap();
        b.record_at(p, false, t);
        assert_eq!(b.state(), BreakerState::Open, "3/4 failures >= 0.5");
        let wait = b.try_acquire_at(t + Duration::from_millis(400)).unwrap_err();
        assert_eq!(wait, Duration::from_millis(600));
    }

    #[test]
    fn stays_closed_below_the_ratio() {
        let b = breaker(0.5, 4, 1000);
        let t = Instant::now();
        for failed in [true, false, false, false, true, false, false, false] {
            let p = b.try_acquire_at(t).unwrap();
            b.record_at(p, failed, t);
        }
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn old_calls_leave_the_window() {
        let b = breaker(0.5, 2, 1000);
        let t = Instant::now();
        let p = b.try_acquire_at(t).unwrap();
        b.record_at(p, true, t);
        let later = t + Duration::from_secs(11);
        let p = b.try_acquire_at(later).unwrap();
        b.record_at(p, false, later);
        assert_eq!(b.state(), BreakerState::Closed, "the old failure expired");
    }

    #[test]
    fn half_open_lets_one_probe_and_recovers_or_reopens() {
        let b = breaker(1.0, 1, 100);
        let t = Instant::now();
        let p = b.try_acquire_at(t).unwrap();
        b.record_at(p, true, t);
        assert_eq!(b.state(), BreakerState::Open);
        let t2 = t + Duration::from_millis(150);
        let probe = b.try_acquire_at(t2).unwrap();
        assert_eq!(b.state(), BreakerState::HalfOpen);
        assert!(b.try_acquire_at(t2).is_err(), "only one probe at a time");
        b.record_at(probe, true, t2);
        assert_eq!(b.state(), BreakerState::Open, "failed probe reopens");
        let t3 = t2 + Duration::from_millis(150);
        let probe = b.try_acquire_at(t3).unwrap();
        b.record_at(probe, false, t3);
        assert_eq!(b.state(), BreakerState::Closed, "successful probe closes");
        assert!(b.try_acquire_at(t3).is_ok());
    }

    #[test]
    fn shared_breakers_open_together_and_probe_once() {
        let path = std::env::temp_dir().join(format!("conduit-cb-test-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let backend = BackendHandle(std::sync::Arc::new(crate::shared_mmap::MmapBackend::open(&path).unwrap()));
        let config = BreakerConfig {
            failure_ratio: 1.0,
            min_calls: 1,
            open_duration: Duration::from_millis(100),
            scope: Scope::Store,
            backend: Some(backend),
            ..Default::default()
        };
        let a = CircuitBreaker::for_target(config.clone(), "http://t").unwrap();
        let b = CircuitBreaker::for_target(config, "http://t").unwrap();
        let t = Instant::now();
        let p = a.try_acquire_at(t).unwrap();
        a.record_at(p, true, t);
        assert_eq!(b.state(), BreakerState::Open, "b sees a's outage");
        assert!(b.try_acquire_at(t).is_err());
        std::thread::sleep(Duration::from_millis(120));
        let probe = b.try_acquire_at(Instant::now()).unwrap();
        assert!(a.try_acquire_at(Instant::now()).is_err(), "one probe for both");
        b.record_at(probe, false, Instant::now());
        assert_eq!(a.state(), BreakerState::Closed, "b's probe closed it for a");
        assert!(a.try_acquire_at(Instant::now()).is_ok());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn rejects_bad_config() {
        for ratio in [0.0, -1.0, 1.5, f64::NAN] {
            assert!(CircuitBreaker::new(BreakerConfig { failure_ratio: ratio, ..Default::default() }).is_err());
        }
        assert!(CircuitBreaker::new(BreakerConfig { min_calls: 0, ..Default::default() }).is_err());
    }
}
