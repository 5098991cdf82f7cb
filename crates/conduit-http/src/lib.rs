//! Conduit's HTTP layer: `ApiClient` with retries (full-jitter backoff, Retry-After),
//! client-side rate limit, circuit breaker, redacted per-attempt records and a
//! per-process keep-alive pool. No PHP types: the extension binds it.
//!
//! Modules, one job each:
//! - [`config`]/[`options`]: PHP option arrays → validated settings;
//! - [`request`]/[`response`]: what goes out, what comes back;
//! - [`failure_policy`]: which failures are repeated (client, queue, `SyncQueue::fail`);
//! - [`retry`], [`retry_after`], [`rate_limit`], [`circuit_breaker`]: resilience policies;
//! - [`redact`], [`record`]: what the log may see;
//! - [`process`]: fork-safe per-process runtime and pools;
//! - [`client`]: the attempt loop tying them together.

pub mod circuit_breaker;
pub mod client;
pub mod config;
pub mod error;
pub mod failure_policy;
pub mod options;
pub mod process;
pub mod rate_limit;
pub mod record;
pub mod redact;
pub mod request;
pub mod response;
pub mod retry;
pub mod retry_after;
pub mod shared;
pub mod shared_mmap;
pub mod stream;

pub use client::{ApiClient, DEFAULT_CONCURRENCY};
pub use config::ClientConfig;
pub use error::Error;
pub use failure_policy::{Decision, ErrorKind};
pub use record::{AttemptRecord, AttemptSink};
pub use request::{Body, RequestSpec};
pub use response::Response;
