//! The crate that joins conduit-http and conduit-store, so that neither depends on
//! the other:
//! - [`spec`]: HTTP delivery jobs (`SyncQueue::pushRequest()`): the request options
//!   validated with the HTTP client's own parser, and a stored
//!   [`conduit_store::DeliverySpec`] turned back into a request;
//! - [`runner`]: `SyncQueue::runDeliveries()`, claiming jobs from a
//!   [`conduit_store::Queue`] and sending them through a [`conduit_http::ApiClient`].

pub mod runner;
pub mod spec;

pub use runner::{fail_defaults, run_deliveries, DeliverySummary, RunOptions, RUN_OPTION_KEYS};
pub use spec::{push_request, spec_from_options, to_request};
