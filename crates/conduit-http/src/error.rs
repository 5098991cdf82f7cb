//! One opaque error for the whole HTTP layer.
//!
//! Callers ask questions (`is_timeout()`, `status()`, `retry_after()`) instead of
//! matching on a public enum, so new failure kinds never break them. The PHP binding
//! maps each kind to one class of the `Conduit\` exception tree.

use std::fmt;
use std::time::Duration;

use crate::response::Response;

/// What went wrong, at the granularity the exception tree needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bad option or argument; nothing was sent.
    Config,
    /// The API answered with a non-2xx status (after retries, if any).
    Status,
    /// 429, or a Retry-After longer than the caller's budget.
    RateLimited,
    /// No HTTP answer: connect, DNS, TLS, reset, body read failure.
    Transport,
    /// Connect or total timeout.
    Timeout,
    /// The circuit breaker is open; nothing was sent.
    CircuitOpen,
}

pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    message: String,
    response: Option<Response>,
    retry_after: Option<Duration>,
    attempts: u32,
}

impl Error {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner { kind, message: message.into(), response: None, retry_after: None, attempts: 0 }),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(Kind::Config, message)
    }

    pub(crate) fn from_status(response: Response) -> Self {
        let message = format!("HTTP {} from {} {}", response.status, response.method, response.url);
        let mut e = Self::new(Kind::Status, message);
        e.inner.attempts = response.attempts;
        e.inner.response = Some(response);
        e
    }

    pub(crate) fn rate_limited(response: Response, retry_after: Option<Duration>, why: &str) -> Self {
        let message = format!("HTTP {} from {} {}: {why}", response.status, response.method, response.url);
        let mut e = Self::new(Kind::RateLimited, message);
        e.inner.attempts = response.attempts;
        e.inner.retry_after = retry_after;
        e.inner.response = Some(response);
        e
    }

    pub(crate) fn transport(message: impl Into<String>) -> Self {
        Self::new(Kind::Transport, message)
    }

    pub(crate) fn timeout(message: impl Into<String>) -> Self {
        Self::new(Kind::Timeout, message)
    }

    pub(crate) fn circuit_open(target: &str, retry_after: Duration) -> Self {
        let mut e = Self::new(
            Kind::CircuitOpen,
            format!("circuit breaker for {target} is open; retry in {:.1} s", retry_after.as_secs_f64()),
        );
        e.inner.retry_after = Some(retry_after);
        e
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        if let Some(r) = self.inner.response.as_mut() {
            r.attempts = attempts;
        }
        self
    }

    pub fn is_config(&self) -> bool {
        self.inner.kind == Kind::Config
    }
    /// The API answered with an error status (including 429).
    pub fn is_status(&self) -> bool {
        matches!(self.inner.kind, Kind::Status | Kind::RateLimited)
    }
    pub fn is_rate_limited(&self) -> bool {
        self.inner.kind == Kind::RateLimited
    }
    /// No HTTP answer arrived (timeouts included).
    pub fn is_transport(&self) -> bool {
        matches!(self.inner.kind, Kind::Transport | Kind::Timeout)
    }
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == Kind::Timeout
    }
    pub fn is_circuit_open(&self) -> bool {
        self.inner.kind == Kind::CircuitOpen
    }
    /// The failure kind, for [`crate::failure_policy::decide`] and the binding's
    /// exception mapping. A transport error reports `Transport` even when it
    /// happened before sending: the client has already repeated it as the policy says.
    pub fn kind(&self) -> crate::failure_policy::ErrorKind {
        use crate::failure_policy::ErrorKind;
        match self.inner.kind {
            Kind::Config => ErrorKind::Config,
            Kind::Status => ErrorKind::Status,
            Kind::RateLimited => ErrorKind::RateLimited,
            Kind::Transport => ErrorKind::Transport,
            Kind::Timeout => ErrorKind::Timeout,
            Kind::CircuitOpen => ErrorKind::CircuitOpen,
        }
    }
    pub fn status(&self) -> Option<u16> {
        self.inner.response.as_ref().map(|r| r.status)
    }
    /// The error response, when the API answered.
    pub fn response(&self) -> Option<&Response> {
        self.inner.response.as_ref()
    }
    /// How long the server (or the open circuit) asks the caller to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
    /// Attempts made before giving up (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    /// The exception class name stored in the request log's `error_class` column
    /// (the binding throws by [`Error::kind`], not by this name).
    pub fn php_class(&self) -> &'static str {
        match self.inner.kind {
            Kind::Config => "ConfigException",
            Kind::Status => "ApiException",
            Kind::RateLimited => "RateLimitException",
            Kind::Transport => "TransportException",
            Kind::Timeout => "TimeoutException",
            Kind::CircuitOpen => "CircuitOpenException",
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("message", &self.inner.message)
            .field("status", &self.status())
            .field("attempts", &self.inner.attempts)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::error::Error for Error {}

/// Describes a reqwest error by walking its source chain; reqwest's own Display
/// says only "error sending request", which helps nobody at 3 a.m.
pub(crate) fn describe_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer_and_thread_safe() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Error>();
    }
}
