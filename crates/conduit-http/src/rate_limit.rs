//! Client-side token bucket (`per_second` refill, `burst` capacity) built on
//! `governor`'s GCRA, which is the same bucket without a refill timer.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter as Gcra};

use crate::shared::{BackendHandle, Scope};

#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitConfig {
    /// Sustained requests per second; may be fractional (0.5 = one every 2 s).
    pub per_second: f64,
    /// Requests allowed back to back after an idle period. Default is 1.
    pub burst: u32,
    /// Where the bucket lives (`rate_limit.scope`); `Process` by default.
    pub scope: Scope,
    /// `rate_limit.key`: appended to the target, so clients may share one budget.
    pub key: Option<String>,
    /// The `Conduit\Store` backend for `Scope::Store` (set by the binding).
    pub backend: Option<BackendHandle>,
}

impl RateLimitConfig {
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self { per_second, burst, scope: Scope::Process, key: None, backend: None }
    }
}

/// The shared half of a `host`/`store` limiter.
struct SharedBucket {
    backend: BackendHandle,
    key: String,
    emission_ns: u64,
    tolerance_ns: u64,
    warned: std::sync::atomic::AtomicBool,
}

pub struct RateLimiter {
    limiter: Gcra<NotKeyed, InMemoryState, DefaultClock>,
    clock: DefaultClock,
    /// `None` for `scope => process`; otherwise the shared bucket, with the local
    /// one as the fail-open fallback when the backend fails.
    shared: Option<SharedBucket>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimiter")
    }
}

impl RateLimiter {
    /// # Errors
    /// A message naming the bad setting.
    pub fn new(config: &RateLimitConfig) -> Result<Self, String> {
        if !(config.per_second.is_finite() && config.per_second > 0.0) {
            return Err(format!("rate_limit.per_second must be a positive number: {} given", config.per_second));
        }
        let burst = NonZeroU32::new(config.burst).ok_or("rate_limit.burst must be at least 1")?;
        // Never `from_secs_f64`: 1e-20 per second is a period no Duration holds (a panic).
        let period = Duration::try_from_secs_f64(1.0 / config.per_second)
            .map_err(|_| format!("rate_limit.per_second is too small: {} given", config.per_second))?;
        let quota = Quota::with_period(period).ok_or("rate_limit.per_second is too large")?.allow_burst(burst);
        Ok(Self { limiter: Gcra::direct(quota), clock: DefaultClock::default(), shared: None })
    }

    /// The limiter for `target` (an origin): shared when the scope says so.
    ///
    /// # Errors
    /// A message naming the bad setting, or a host file that cannot be mapped.
    pub fn for_target(config: &RateLimitConfig, target: &str) -> Result<Self, String> {
        let mut limiter = Self::new(config)?;
        let backend = match (config.scope, &config.backend) {
            (Scope::Process, _) => return Ok(limiter),
            (Scope::Host, _) => BackendHandle(crate::shared_mmap::MmapBackend::default_shared()?),
            (Scope::Store, Some(b)) => b.clone(),
            (Scope::Store, None) => return Err("Option \"rate_limit.store\" is required with scope \"store\".".into()),
        };
        let (emission_ns, tolerance_ns) = crate::shared::gcra_params(config.per_second, config.burst)
            .ok_or_else(|| format!("rate_limit.per_second is out of range: {} given", config.per_second))?;
        limiter.shared = Some(SharedBucket {
            backend,
            key: crate::shared::limiter_key("rl", target, config.key.as_deref()),
            emission_ns,
            tolerance_ns,
            warned: std::sync::atomic::AtomicBool::new(false),
        });
        Ok(limiter)
    }

    /// Waits until one request may go.
    ///
    /// Sleeps on tokio's timer rather than governor's `until_ready`, whose
    /// `futures-timer` helper thread would be missing in a forked PHP-FPM worker.
    pub async fn acquire(&self) {
        if let Some(shared) = &self.shared {
            let now = crate::shared::now_ns();
            match shared.backend.0.gcra_acquire(&shared.key, shared.emission_ns, shared.tolerance_ns, now) {
                Ok(wait) => {
                    if !wait.is_zero() {
                        tokio::time::sleep(wait).await;
                    }
                    return;
                }
                // Fail-open to this process's own bucket: an outage of the shared
                // state must not stop the site (warned once per limiter).
                Err(e) => {
                    if !shared.warned.swap(true, std::sync::atomic::Ordering::Relaxed) {
                        tracing::warn!(
                            shared_state = %crate::redact::mask_userinfo_passwords(&shared.backend.0.describe()),
                            error = %crate::redact::mask_userinfo_passwords(&e.to_string()),
                            "rate_limit: shared state failed, using the per-process limit"
                        );
                    }
                }
            }
        }
        while let Err(not_until) = self.limiter.check() {
            tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn burst_then_steady_rate() {
        let limiter = RateLimiter::new(&RateLimitConfig::new(50.0, 5)).unwrap();
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(15), "burst passes at once");
        for _ in 0..10 {
            limiter.acquire().await;
        }
        // 10 more at 50/s need ~200 ms.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(180), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(400), "{elapsed:?}");
    }

    #[test]
    fn rejects_bad_config() {
        for per_second in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-20, 1e-300, 1e20] {
            assert!(RateLimiter::new(&RateLimitConfig::new(per_second, 1)).is_err());
        }
        assert!(RateLimiter::new(&RateLimitConfig::new(1.0, 0)).is_err());
    }
}
