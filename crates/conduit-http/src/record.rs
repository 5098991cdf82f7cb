//! One record per HTTP attempt, handed to whoever observes the client (a PHP callable,
//! the request-log writer). Records are built already redacted and truncated, so no
//! secret ever leaves this crate inside one.

use std::time::SystemTime;

/// What happened on one attempt of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    /// When the attempt started.
    pub started_at: SystemTime,
    pub method: String,
    /// Full URL with redacted query parameters.
    pub url: String,
    /// The path as the caller gave it (`/orders/42`), without base URL or query.
    pub endpoint: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    /// `None` when no HTTP answer arrived (transport error, timeout, open circuit).
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    pub duration_ms: f64,
    /// 1-based attempt number.
    pub attempt: u32,
    /// Short PHP-facing class name of the failure (`TransportException`, `ApiException`…).
    pub error_class: Option<String>,
    pub error_message: Option<String>,
    /// Shared by every attempt of one logical request.
    pub correlation_id: String,
    /// Set when the request is a queued delivery job.
    pub job_id: Option<i64>,
}

/// Receives attempt records. Called on the thread that ran the attempt, so an
/// implementation must be cheap and must not block on I/O (queue it instead).
pub trait AttemptSink: Send + Sync {
    fn record(&self, record: AttemptRecord);
}
