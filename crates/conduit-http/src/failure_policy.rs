//! The one failure policy: which failures are repeated, for the client's own attempt
//! loop, the queue's delivery runner and `SyncQueue::fail` alike. It is the README's
//! "Retry semantics" table:
//!
//! | outcome                                              | decision                                |
//! |------------------------------------------------------|-----------------------------------------|
//! | failed before the request was sent (connect, DNS, TLS)| always repeated                        |
//! | 429, 502, 503, 504                                   | always repeated                         |
//! | 500, a failure after sending, a timeout              | repeated when idempotent or keyed       |
//! | any other 4xx/5xx, a bad option                      | never: dead letter                      |
//!
//! A repeat happens at the server's `Retry-After` (or the open circuit's wait) when
//! one is known, otherwise after the caller's own backoff. How long a caller may wait,
//! and how many attempts it has, stay the caller's business (`RetryPolicy`, the
//! queue's `max_attempts`).

use std::time::Duration;

/// What kind of failure an error is. Crosses crates instead of exception class
/// names; only the PHP binding maps kinds to `Conduit\` exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A bad option or argument; nothing was sent.
    Config,
    /// The API answered with an error status (not a rate limit).
    Status,
    /// 429, or a `Retry-After` longer than the caller's budget.
    RateLimited,
    /// No HTTP answer, and the request never left: connect refused, DNS, TLS.
    NotSent,
    /// No HTTP answer after (part of) the request was sent: reset, broken body.
    Transport,
    /// Connect or total timeout.
    Timeout,
    /// The circuit breaker is open; nothing was sent.
    CircuitOpen,
    /// Not an HTTP failure at all (a queue job handler's own exception, a string).
    Other,
}

/// What to do after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Repeat after the caller's own backoff.
    RetryNow,
    /// Repeat, but not before this wait (the server's `Retry-After`, the breaker's).
    RescheduleAfter(Duration),
    /// Never repeat: the same request would fail the same way.
    DeadLetter,
}

impl Decision {
    pub fn is_retry(self) -> bool {
        !matches!(self, Decision::DeadLetter)
    }
}

/// Decides one failure. `status` is the HTTP status when the API answered;
/// `repeatable` is true for an idempotent method or a request with an idempotency
/// key (queued jobs are redelivered by design and pass true); `retry_after` is the
/// wait the server or the breaker asked for.
pub fn decide(kind: ErrorKind, status: Option<u16>, repeatable: bool, retry_after: Option<Duration>) -> Decision {
    let retry = match kind {
        ErrorKind::Config => false,
        ErrorKind::NotSent | ErrorKind::RateLimited | ErrorKind::CircuitOpen | ErrorKind::Other => true,
        ErrorKind::Transport | ErrorKind::Timeout => repeatable,
        ErrorKind::Status => match status {
            Some(429 | 502 | 503 | 504) => true,
            Some(500) => repeatable,
            _ => false,
        },
    };
    match (retry, retry_after) {
        (false, _) => Decision::DeadLetter,
        (true, Some(wait)) => Decision::RescheduleAfter(wait),
        (true, None) => Decision::RetryNow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ErrorKind::*;

    /// Every row of the README's "Retry semantics" table, with and without an
    /// idempotent method or key: `(kind, status, repeatable, retried)`.
    pub(crate) const TABLE: &[(ErrorKind, Option<u16>, bool, bool)] = &[
        (NotSent, None, false, true),
        (NotSent, None, true, true),
        (RateLimited, Some(429), false, true),
        (Status, Some(429), false, true),
        (Status, Some(502), false, true),
        (Status, Some(503), false, true),
        (Status, Some(504), false, true),
        (Status, Some(500), true, true),
        (Status, Some(500), false, false),
        (Transport, None, true, true),
        (Transport, None, false, false),
        (Timeout, None, true, true),
        (Timeout, None, false, false),
        (Status, Some(400), true, false),
        (Status, Some(404), true, false),
        (Status, Some(408), true, false),
        (Status, Some(422), true, false),
        (Status, Some(425), true, false),
        (Status, Some(501), true, false),
        (Status, Some(505), true, false),
        (Config, None, true, false),
    ];

    #[test]
    fn walks_the_readme_table() {
        for (kind, status, repeatable, retried) in TABLE {
            let d = decide(*kind, *status, *repeatable, None);
            assert_eq!(d.is_retry(), *retried, "{kind:?} {status:?} repeatable={repeatable}");
            if *retried {
                assert_eq!(d, Decision::RetryNow);
                let wait = Duration::from_secs(7);
                assert_eq!(decide(*kind, *status, *repeatable, Some(wait)), Decision::RescheduleAfter(wait));
            } else {
                assert_eq!(decide(*kind, *status, *repeatable, Some(Duration::from_secs(7))), Decision::DeadLetter);
            }
        }
    }

    #[test]
    fn the_client_loop_agrees_with_the_table() {
        use crate::retry::{is_retryable, AttemptOutcome};
        for (kind, status, repeatable, retried) in TABLE {
            let outcome = match kind {
                NotSent => AttemptOutcome::NotSent,
                Transport => AttemptOutcome::SentButNoAnswer,
                Timeout => AttemptOutcome::Timeout,
                Config => continue,
                _ => AttemptOutcome::Status(status.unwrap_or(0)),
            };
            let method = if *repeatable { "PUT" } else { "POST" };
            assert_eq!(is_retryable(method, outcome, false), *retried, "{kind:?} {status:?} {method}");
        }
    }

    #[test]
    fn others_and_open_circuits_are_retried_at_their_time() {
        assert_eq!(decide(Other, None, false, None), Decision::RetryNow);
        let wait = Duration::from_millis(1500);
        assert_eq!(decide(CircuitOpen, None, false, Some(wait)), Decision::RescheduleAfter(wait));
    }
}
