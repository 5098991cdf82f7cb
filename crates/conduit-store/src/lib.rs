//! Conduit's durable storage: the job queue and the request log, on embedded SQLite
//! or on MariaDB/MySQL, behind one [`Store`]. No PHP types: the extension binds it.
//!
//! Modules in layers, bottom to top (docs/architecture.md draws them; the test
//! tests/layers.rs keeps every `crate::` path pointing down):
//! - [`error`], [`clock`], [`options`], [`redact`]: the one error type, time, closed
//!   option arrays, secrets out of diagnostics;
//! - [`dsn`]: which database, with which options;
//! - [`model`]: jobs, filters, stats, request-log rows, delivery payloads — plain
//!   types and pure helpers, no SQL;
//! - [`migrations`]: the versioned schema;
//! - `backend`: every SQL statement (one module per engine);
//! - [`request_log::writer`] (and its spool): the background log writer;
//!   [`process`]: fork-safe per-process connections and writers;
//! - [`store`]: the connection handle (DSN, options, prefix);
//! - [`queue`] (`Conduit\SyncQueue`, with its retry policy [`queue::backoff`]),
//!   [`request_log`] (`Conduit\RequestLog`), [`shared_limits`]: the facades.
//!
//! The HTTP side (delivery runner, attempt sink, shared-limit adapter) is crate
//! conduit-delivery: this crate does not depend on conduit-http.

pub(crate) mod backend;
pub mod clock;
pub mod dsn;
pub mod error;
pub mod migrations;
pub mod model;
pub mod options;
pub mod process;
pub mod queue;
pub mod redact;
pub mod request_log;
pub mod shared_limits;
pub mod store;

pub use error::{Error, Result};
pub use model::delivery::{DeliverySpec, DELIVERY_JOB_TYPE};
pub use model::job::{FailOutcome, Job, JobStatus, Pushed};
pub use model::log::{LogEntry, LogRow, LogStats};
pub use model::stats::QueueStats;
pub use queue::{FailDefaults, PushItem, Queue, QueueOptions};
pub use request_log::writer::{LogWriter, WriterOptions, WriterStats};
pub use request_log::RequestLog;
pub use store::{Store, StoreOptions};
