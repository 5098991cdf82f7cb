//! Client-side token bucket (`per_second` refill, `burst` capacity) built on
//! `governor`'s GCRA, which is the same bucket without a refill timer.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter as Gcra};

#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitConfig {
    /// Sustained requests per second; may be fractional (0.5 = one every 2 s).
    pub per_second: f64,
    /// Requests allowed back to back after an idle period. Default is 1.
    pub burst: u32,
}

pub struct RateLimiter {
    limiter: Gcra<NotKeyed, InMemoryState, DefaultClock>,
    clock: DefaultClock,
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
        Ok(Self { limiter: Gcra::direct(quota), clock: DefaultClock::default() })
    }

    /// Waits until one request may go.
    ///
    /// Sleeps on tokio's timer rather than governor's `until_ready`, whose
    /// `futures-timer` helper thread would be missing in a forked PHP-FPM worker.
    pub async fn acquire(&self) {
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
        let limiter = RateLimiter::new(&RateLimitConfig { per_second: 50.0, burst: 5 }).unwrap();
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
            assert!(RateLimiter::new(&RateLimitConfig { per_second, burst: 1 }).is_err());
        }
        assert!(RateLimiter::new(&RateLimitConfig { per_second: 1.0, burst: 0 }).is_err());
    }
}
