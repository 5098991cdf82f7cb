//! The crate that joins conduit-http and conduit-store, so that neither depends on
//! the other:
//! - [`spec`]: HTTP delivery jobs (`SyncQueue::pushRequest()`): the request options
//!   validated with the HTTP client's own parser, and a stored
//!   [`conduit_store::DeliverySpec`] turned back into a request;
//! - [`runner`]: `SyncQueue::runDeliveries()`, claiming jobs from a
//!   [`conduit_store::Queue`] and sending them through a [`conduit_http::ApiClient`];
//! - [`log`]: the client's attempt records into a store's request log (the
//!   `AttemptSink` of `ApiClient(['log' => $store])`);
//! - [`manual_record`]: `RequestLog::record()`, records PHP writes itself, redacted
//!   by the client's redactor;
//! - [`shared_limits`]: a store as the shared rate-limit/breaker backend.

pub mod log;
pub mod manual_record;
pub mod runner;
pub mod shared_limits;
pub mod spec;

pub use log::{attempt_sink, row_from_attempt};
pub use runner::{fail_defaults, run_deliveries, DeliverySummary, RunOptions, RUN_OPTION_KEYS};
pub use shared_limits::shared_limits;
pub use spec::{push_request, spec_from_options, to_request};
