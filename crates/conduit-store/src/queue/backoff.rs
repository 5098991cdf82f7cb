//! When a failed job runs again: exponential backoff with full jitter, capped, from
//! the maintained `retry-policies` crate; a server's Retry-After wins over it.
//!
//! Worked example with the defaults (base 5 s, cap 1 h): after the 1st failed attempt
//! the job waits a uniformly random time in [0, 5 s], after the 2nd in [0, 10 s],
//! then [0, 20 s], [0, 40 s] … and never more than 1 h. Full jitter spreads a burst
//! of failures (an API outage) so the retries don't return as one burst.

use std::time::{Duration, SystemTime};

use retry_policies::policies::ExponentialBackoff;
use retry_policies::{Jitter, RetryDecision, RetryPolicy};

use crate::error::{Error, Result};
use crate::model::retry::{FailureDecision, RetrySchedule};

/// Per-job backoff bounds, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    base_ms: i64,
    max_ms: i64,
}

/// Default base delay: 5 s.
pub const DEFAULT_BACKOFF_BASE_MS: i64 = 5_000;
/// Default cap: 1 h.
pub const DEFAULT_BACKOFF_MAX_MS: i64 = 3_600_000;
/// The largest base or cap accepted: 30 days.
pub const BACKOFF_LIMIT_MS: i64 = 30 * 86_400_000;

impl Backoff {
    /// # Errors
    /// `Config` unless `0 <= base_ms <= max_ms <= 30 days`.
    pub fn new(base_ms: i64, max_ms: i64) -> Result<Self> {
        if !(0..=BACKOFF_LIMIT_MS).contains(&base_ms) || !(0..=BACKOFF_LIMIT_MS).contains(&max_ms) || base_ms > max_ms {
            return Err(Error::config(format!(
                "backoff must satisfy 0 <= backoff_base_s <= backoff_max_s <= 2592000, got base {} s and max {} s",
                base_ms as f64 / 1000.0,
                max_ms as f64 / 1000.0
            )));
        }
        Ok(Self { base_ms, max_ms })
    }

    /// Bounds read back from a stored row, clamped into range instead of rejected
    /// (the row may have been written by another tool).
    pub(crate) fn clamped(base_ms: i64, max_ms: i64) -> Self {
        let base_ms = base_ms.clamp(0, BACKOFF_LIMIT_MS);
        Self { base_ms, max_ms: max_ms.clamp(base_ms, BACKOFF_LIMIT_MS) }
    }

    /// Base delay (the bound after the first failure), in ms.
    pub fn base_ms(&self) -> i64 {
        self.base_ms
    }

    /// The cap, in ms.
    pub fn max_ms(&self) -> i64 {
        self.max_ms
    }

    /// The upper bound of the delay after `failed_attempts` failures (1-based):
    /// `min(max, base * 2^(failed_attempts - 1))`.
    pub fn bound_ms(&self, failed_attempts: u32) -> i64 {
        let exponent = failed_attempts.saturating_sub(1).min(62);
        let grown = self.base_ms.saturating_mul(1_i64.checked_shl(exponent).unwrap_or(i64::MAX));
        grown.min(self.max_ms)
    }

    /// A random delay in `[0, bound_ms(failed_attempts)]` (full jitter).
    pub fn delay_ms(&self, failed_attempts: u32) -> i64 {
        if self.base_ms == 0 || self.max_ms == 0 {
            return 0;
        }
        let policy = ExponentialBackoff::builder()
            .retry_bounds(Duration::from_millis(self.base_ms as u64), Duration::from_millis(self.max_ms as u64))
            .jitter(Jitter::Full)
            .base(2)
            .build_with_max_retries(u32::MAX);
        // retry-policies answers with an instant; turn it back into a delay.
        let now = SystemTime::now();
        match policy.should_retry(now, failed_attempts.saturating_sub(1).min(62)) {
            RetryDecision::Retry { execute_after } => {
                let delay = execute_after.duration_since(now).unwrap_or_default().as_millis() as i64;
                delay.clamp(0, self.bound_ms(failed_attempts))
            }
            RetryDecision::DoNotRetry => self.bound_ms(failed_attempts),
        }
    }
}

/// Decides the fate of a job whose `attempts`-th attempt (1-based) just failed.
/// `retry_after_ms` (a server's Retry-After) replaces the computed backoff.
pub fn decide_failure(
    attempts: u32,
    max_attempts: u32,
    retryable: bool,
    retry_after_ms: Option<i64>,
    backoff: &Backoff,
) -> FailureDecision {
    if !retryable || attempts >= max_attempts {
        return FailureDecision::DeadLetter;
    }
    let delay_ms = match retry_after_ms {
        Some(ms) => ms.max(0),
        None => backoff.delay_ms(attempts),
    };
    FailureDecision::Retry { delay_ms }
}

/// The queue's policy as the backends' [`RetrySchedule`]: [`decide_failure`] over the
/// row's stored bounds (clamped, as another tool may have written them).
#[derive(Debug, Clone, Copy)]
pub struct JitteredBackoff;

impl RetrySchedule for JitteredBackoff {
    fn decide(
        &self,
        attempts: u32,
        max_attempts: u32,
        retryable: bool,
        retry_after_ms: Option<i64>,
        backoff_base_ms: i64,
        backoff_max_ms: i64,
    ) -> FailureDecision {
        decide_failure(attempts, max_attempts, retryable, retry_after_ms, &Backoff::clamped(backoff_base_ms, backoff_max_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_doubles_and_is_capped() {
        // base ms, max ms, failed attempts, expected bound ms
        let cases = [
            (5_000, 3_600_000, 1, 5_000),
            (5_000, 3_600_000, 2, 10_000),
            (5_000, 3_600_000, 3, 20_000),
            (5_000, 3_600_000, 10, 2_560_000),
            (5_000, 3_600_000, 11, 3_600_000),
            (5_000, 3_600_000, 500, 3_600_000),
            (0, 0, 7, 0),
        ];
        for (base, max, n, expected) in cases {
            assert_eq!(Backoff::new(base, max).unwrap().bound_ms(n), expected, "{base} {max} {n}");
        }
    }

    #[test]
    fn jittered_delay_stays_within_bounds_and_spreads() {
        let backoff = Backoff::new(100, 1_000).unwrap();
        for n in 1..=8 {
            let samples: Vec<i64> = (0..300).map(|_| backoff.delay_ms(n)).collect();
            let bound = backoff.bound_ms(n);
            assert!(samples.iter().all(|d| (0..=bound).contains(d)), "attempt {n}: {samples:?}");
            // Full jitter: both halves of the range are used.
            assert!(samples.iter().any(|d| *d < bound / 2) && samples.iter().any(|d| *d > bound / 2), "attempt {n}");
        }
    }

    #[test]
    fn retry_after_wins_and_attempts_run_out() {
        let backoff = Backoff::new(1_000, 2_000).unwrap();
        assert_eq!(decide_failure(1, 5, true, Some(42_000), &backoff), FailureDecision::Retry { delay_ms: 42_000 });
        assert_eq!(decide_failure(5, 5, true, Some(1), &backoff), FailureDecision::DeadLetter);
        assert_eq!(decide_failure(1, 5, false, None, &backoff), FailureDecision::DeadLetter);
        assert!(matches!(decide_failure(2, 5, true, None, &backoff), FailureDecision::Retry { delay_ms } if (0..=2_000).contains(&delay_ms)));
    }

    #[test]
    fn invalid_bounds_are_config_errors() {
        assert!(Backoff::new(10, 5).unwrap_err().is_config());
        assert!(Backoff::new(-1, 5).unwrap_err().is_config());
    }
}
