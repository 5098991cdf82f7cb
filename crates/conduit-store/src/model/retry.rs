//! The retry decision as the backends see it. The policy (exponential backoff with
//! full jitter, Retry-After, attempt limits) is the queue's (`queue::backoff`); a
//! backend reads a failed job's counters inside its transaction, asks the
//! [`RetrySchedule`] it was handed with the claim or the failure, and applies the
//! answer — it never calls policy code itself.

use std::fmt;

/// What to do with a job after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureDecision {
    /// Pending again after `delay_ms`.
    Retry { delay_ms: i64 },
    /// Out of attempts, or the caller said the failure is permanent.
    DeadLetter,
}

/// Decides the fate of a job whose `attempts`-th attempt (1-based) just failed, from
/// the row's own counters and backoff bounds (ms) as stored.
pub trait RetrySchedule: Send + Sync + fmt::Debug {
    fn decide(
        &self,
        attempts: u32,
        max_attempts: u32,
        retryable: bool,
        retry_after_ms: Option<i64>,
        backoff_base_ms: i64,
        backoff_max_ms: i64,
    ) -> FailureDecision;
}
