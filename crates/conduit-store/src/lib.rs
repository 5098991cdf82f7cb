//! Conduit's durable storage: the job queue and the request log, on embedded SQLite
//! or on MariaDB/MySQL, behind one [`Store`]. No PHP types: the extension binds it.
//!
//! Modules, one job each:
//! - [`dsn`], [`store`]: which database, with which options; [`process`]: fork-safe
//!   per-process connections and writer threads;
//! - [`backend`]: every SQL statement (one module per engine); [`migrations`]: the
//!   versioned schema;
//! - [`queue`]: jobs, leases, backoff, filters and stats (`Conduit\SyncQueue`);
//! - [`delivery`]: the payload of HTTP delivery jobs (`pushRequest`); the runner
//!   that sends them is crate conduit-delivery;
//! - [`request_log`]: the background writer and the read API (`Conduit\RequestLog`);
//! - [`error`]: the one error type.

pub(crate) mod backend;
pub mod clock;
pub mod delivery;
pub mod dsn;
pub mod error;
pub mod migrations;
pub mod options;
pub mod process;
pub mod queue;
pub mod redact;
pub mod request_log;
pub mod shared_limits;
pub mod store;

pub use delivery::{DeliverySpec, DELIVERY_JOB_TYPE};
pub use error::{Error, Result};
pub use queue::job::{FailOutcome, Job, JobStatus, Pushed};
pub use queue::stats::QueueStats;
pub use queue::{FailDefaults, PushItem, Queue, QueueOptions};
pub use request_log::writer::{LogWriter, WriterOptions, WriterStats};
pub use request_log::{LogEntry, LogRow, LogStats, RequestLog};
pub use store::{Store, StoreOptions};
