//! Which failures are retried, and how long to wait — the contract in DESIGN.md
//! "Retry semantics", shared by the client and the queue.
//!
//! | outcome                                   | retried                              |
//! |-------------------------------------------|--------------------------------------|
//! | error before the request was sent         | always (connect, DNS, TLS)           |
//! | 429, 502, 503, 504                        | always                               |
//! | 500, error after sending, timeout         | idempotent method or idempotency key |
//! | any other status ≥ 400                    | never (a business error)             |
//!
//! Delays are exponential with full jitter (AWS's "full jitter": uniform in
//! `[0, min(max_delay, base_delay · 2ⁿ)]`), computed by the `retry-policies` crate.
//! A server's `Retry-After` replaces the computed delay.

use std::time::{Duration, SystemTime};

use retry_policies::policies::ExponentialBackoff;
use retry_policies::{Jitter, RetryDecision, RetryPolicy as _};

/// How an attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The API answered with this status.
    Status(u16),
    /// Failed before the request left: connect refused, DNS, TLS handshake.
    NotSent,
    /// Failed after (part of) the request was sent: reset, broken body.
    SentButNoAnswer,
    /// Connect or total timeout.
    Timeout,
}

/// Methods whose repetition has no extra effect (RFC 9110 §9.2.2).
pub fn is_idempotent_method(method: &str) -> bool {
    matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "TRACE")
}

/// The retry decision table above, as [`crate::failure_policy::decide`] owns it.
/// `has_idempotency_key` makes any method safe to repeat.
pub fn is_retryable(method: &str, outcome: AttemptOutcome, has_idempotency_key: bool) -> bool {
    use crate::failure_policy::{decide, ErrorKind};
    let repeatable = has_idempotency_key || is_idempotent_method(method);
    let (kind, status) = match outcome {
        AttemptOutcome::NotSent => (ErrorKind::NotSent, None),
        AttemptOutcome::Status(status) => (ErrorKind::Status, Some(status)),
        AttemptOutcome::SentButNoAnswer => (ErrorKind::Transport, None),
        AttemptOutcome::Timeout => (ErrorKind::Timeout, None),
    };
    decide(kind, status, repeatable, None).is_retry()
}

/// Retry settings. Default is 3 attempts, 200 ms base delay, 30 s cap, no total budget.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    /// Total attempts including the first; 1 disables retries.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Upper bound on the whole call, waits included; `None` means only `max_delay` bounds a wait.
    pub budget: Option<Duration>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self { max_attempts: 3, base_delay: Duration::from_millis(200), max_delay: Duration::from_secs(30), budget: None }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NextStep {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Stop: not retryable, or attempts exhausted.
    GiveUp,
    /// The server asked for a wait longer than the caller allows: stop and report it.
    WaitExceedsBudget(Duration),
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    config: RetryConfig,
    backoff: ExponentialBackoff,
}

impl RetryPolicy {
    /// # Errors
    /// Returns a message when `base_delay > max_delay` or `max_attempts == 0`.
    pub fn new(config: RetryConfig) -> Result<Self, String> {
        if config.max_attempts == 0 {
            return Err("retry.max_attempts must be at least 1".into());
        }
        if config.base_delay > config.max_delay {
            return Err(format!(
                "retry.base_delay_ms ({}) must not exceed retry.max_delay_ms ({})",
                config.base_delay.as_millis(),
                config.max_delay.as_millis()
            ));
        }
        let backoff = ExponentialBackoff::builder()
            .retry_bounds(config.base_delay, config.max_delay)
            .jitter(Jitter::Full)
            .base(2)
            .build_with_max_retries(config.max_attempts.saturating_sub(1));
        Ok(Self { config, backoff })
    }

    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// The full-jitter delay before retry number `retry_index + 1` (0-based past retries).
    pub fn backoff_delay(&self, past_retries: u32) -> Duration {
        let now = SystemTime::now();
        match self.backoff.should_retry(now, past_retries) {
            RetryDecision::Retry { execute_after } => execute_after.duration_since(now).unwrap_or(Duration::ZERO),
            // Only past max retries; callers check attempts first, so be conservative.
            RetryDecision::DoNotRetry => self.config.max_delay,
        }
    }

    /// Decides the next step after attempt number `attempt` (1-based) ended with
    /// `outcome`. `elapsed` is the time since the first attempt started.
    pub fn next_step(
        &self,
        method: &str,
        outcome: AttemptOutcome,
        has_idempotency_key: bool,
        attempt: u32,
        retry_after: Option<Duration>,
        elapsed: Duration,
    ) -> NextStep {
        if !is_retryable(method, outcome, has_idempotency_key) {
            return NextStep::GiveUp;
        }
        let remaining_budget = self.config.budget.map(|b| b.saturating_sub(elapsed));
        if let Some(wait) = retry_after {
            // The server's word wins over our backoff, but we never sleep longer
            // than the caller allows: the queue reschedules instead.
            let allowed = remaining_budget.map_or(self.config.max_delay, |r| r.min(self.config.max_delay));
            if wait > allowed {
                return NextStep::WaitExceedsBudget(wait);
            }
            if attempt >= self.config.max_attempts {
                return NextStep::GiveUp;
            }
            return NextStep::RetryAfter(wait);
        }
        if attempt >= self.config.max_attempts {
            return NextStep::GiveUp;
        }
        let delay = self.backoff_delay(attempt - 1);
        match remaining_budget {
            Some(r) if delay >= r => NextStep::GiveUp,
            _ => NextStep::RetryAfter(delay),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AttemptOutcome::*;

    #[test]
    fn retry_decision_table() {
        // method, outcome, idempotency key, retried
        let table: &[(&str, AttemptOutcome, bool, bool)] = &[
            ("GET", NotSent, false, true),
            ("POST", NotSent, false, true),
            ("GET", Status(429), false, true),
            ("POST", Status(429), false, true),
            ("POST", Status(502), false, true),
            ("POST", Status(503), false, true),
            ("PATCH", Status(504), false, true),
            ("GET", Status(500), false, true),
            ("PUT", Status(500), false, true),
            ("DELETE", Status(500), false, true),
            ("HEAD", Status(500), false, true),
            ("OPTIONS", Status(500), false, true),
            ("POST", Status(500), false, false),
            ("POST", Status(500), true, true),
            ("PATCH", Status(500), false, false),
            ("PATCH", Status(500), true, true),
            ("GET", SentButNoAnswer, false, true),
            ("POST", SentButNoAnswer, false, false),
            ("POST", SentButNoAnswer, true, true),
            ("GET", Timeout, false, true),
            ("POST", Timeout, false, false),
            ("POST", Timeout, true, true),
            ("GET", Status(400), false, false),
            ("GET", Status(401), true, false),
            ("GET", Status(404), false, false),
            ("POST", Status(409), true, false),
            ("POST", Status(422), true, false),
            ("GET", Status(501), false, false),
            ("GET", Status(408), false, false),
            ("GET", Status(425), false, false),
            ("get", Status(500), false, true),
        ];
        for (method, outcome, key, expected) in table {
            assert_eq!(is_retryable(method, *outcome, *key), *expected, "{method} {outcome:?} key={key}");
        }
    }

    fn policy(max_attempts: u32, base_ms: u64, max_ms: u64, budget_ms: Option<u64>) -> RetryPolicy {
        RetryPolicy::new(RetryConfig {
            max_attempts,
            base_delay: Duration::from_millis(base_ms),
            max_delay: Duration::from_millis(max_ms),
            budget: budget_ms.map(Duration::from_millis),
        })
        .unwrap()
    }

    #[test]
    fn backoff_stays_within_full_jitter_bounds() {
        let p = policy(10, 100, 1_000, None);
        for past in 0..8u32 {
            let ceiling = Duration::from_millis((100u64 << past).min(1_000));
            let samples: Vec<Duration> = (0..500).map(|_| p.backoff_delay(past)).collect();
            assert!(samples.iter().all(|d| *d <= ceiling), "past={past}");
            // Full jitter spreads over the whole range, not just near the ceiling.
            assert!(samples.iter().any(|d| *d < ceiling / 2), "past={past}");
            assert!(samples.iter().any(|d| *d > ceiling / 2), "past={past}");
        }
    }

    #[test]
    fn gives_up_after_max_attempts() {
        let p = policy(3, 1, 10, None);
        let z = Duration::ZERO;
        assert!(matches!(p.next_step("GET", Status(503), false, 1, None, z), NextStep::RetryAfter(_)));
        assert!(matches!(p.next_step("GET", Status(503), false, 2, None, z), NextStep::RetryAfter(_)));
        assert_eq!(p.next_step("GET", Status(503), false, 3, None, z), NextStep::GiveUp);
        assert_eq!(p.next_step("GET", Status(404), false, 1, None, z), NextStep::GiveUp);
    }

    #[test]
    fn retry_after_wins_and_is_bounded_by_budget() {
        let p = policy(5, 100, 2_000, None);
        let z = Duration::ZERO;
        let s = Duration::from_secs;
        assert_eq!(p.next_step("GET", Status(429), false, 1, Some(s(1)), z), NextStep::RetryAfter(s(1)));
        assert_eq!(p.next_step("GET", Status(429), false, 1, Some(s(3)), z), NextStep::WaitExceedsBudget(s(3)));
        let budgeted = policy(5, 100, 10_000, Some(2_500));
        assert_eq!(budgeted.next_step("GET", Status(503), false, 1, Some(s(2)), s(1)), NextStep::WaitExceedsBudget(s(2)));
        assert_eq!(budgeted.next_step("GET", Status(503), false, 1, Some(s(1)), s(1)), NextStep::RetryAfter(s(1)));
        // A budget already spent stops computed backoff too.
        assert_eq!(budgeted.next_step("GET", Status(503), false, 1, None, s(3)), NextStep::GiveUp);
    }

    #[test]
    fn rejects_inconsistent_config() {
        assert!(RetryPolicy::new(RetryConfig { max_attempts: 0, ..Default::default() }).is_err());
        assert!(RetryPolicy::new(RetryConfig {
            base_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(1),
            ..Default::default()
        })
        .is_err());
    }
}
