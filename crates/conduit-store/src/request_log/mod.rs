//! The request log: one row per HTTP attempt, written by a background writer
//! ([`writer`]) and read back by admin pages through [`RequestLog`].
//!
//! Records reach the table already redacted and truncated by the HTTP client (the
//! adapter from its attempt records is conduit-delivery's `log`); the row type, its
//! column limits, filters and the percentile computation are the model's
//! ([`crate::model::log`]). Reads are plain SQL in the backends.

pub mod spool;
pub mod writer;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::filter::{check_page, Order};
use crate::model::log::{compute_stats, LogEntry, LogFilter, LogRow, LogStats};
use crate::options::OptionReader;
use crate::store::Store;

/// Keys accepted by `RequestLog::purge()`.
pub const LOG_PURGE_KEYS: &[&str] = &["older_than_s"];

/// Reads the request log of one store.
#[derive(Clone)]
pub struct RequestLog {
    store: Store,
}

impl RequestLog {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// A page of records, newest first by default.
    ///
    /// # Errors
    /// `Config` for a bad filter, order or page; `Database` when the store fails.
    pub fn list(&self, filter: Option<&Value>, order: Option<&str>, limit: i64, offset: i64) -> Result<Vec<LogEntry>> {
        let filter = LogFilter::from_value("RequestLog::list()", filter)?;
        let order = Order::parse_log(order)?;
        check_page("RequestLog::list()", limit, offset)?;
        self.store.backend()?.list_log(&filter, order, limit, offset)
    }

    /// # Errors
    /// As [`RequestLog::list`].
    pub fn count(&self, filter: Option<&Value>) -> Result<u64> {
        let filter = LogFilter::from_value("RequestLog::count()", filter)?;
        self.store.backend()?.count_log(&filter)
    }

    /// # Errors
    /// `Database` when the store fails.
    pub fn get(&self, id: i64) -> Result<Option<LogEntry>> {
        self.store.backend()?.get_log(id)
    }

    /// Deletes records older than `older_than_s` (required, > 0 … use 0 to empty).
    ///
    /// # Errors
    /// `Config` without `older_than_s`; `Database` when the store fails.
    pub fn purge(&self, options: Option<&Value>) -> Result<u64> {
        let r = OptionReader::new("RequestLog::purge()", options, LOG_PURGE_KEYS)?;
        let older_than = r
            .number("older_than_s", 0.0, 1.0e10, "a number of seconds >= 0")?
            .ok_or_else(|| Error::config("RequestLog::purge(): option \"older_than_s\" is required (0 deletes everything)"))?;
        let cutoff = crate::clock::now_ms() - (older_than * 1000.0) as i64;
        self.store.backend()?.purge_log(cutoff)
    }

    /// Requests, error rate and duration percentiles over the last `window_s` seconds.
    ///
    /// # Errors
    /// `Config` for a window outside 1 s … 400 days; `Database` when the store fails.
    pub fn stats(&self, window_s: f64) -> Result<LogStats> {
        if !window_s.is_finite() || !(1.0..=34_560_000.0).contains(&window_s) {
            return Err(Error::config(format!(
                "RequestLog::stats(): window must be from 1 to 34560000 seconds, got {window_s}"
            )));
        }
        let since = crate::clock::now_ms() - (window_s * 1000.0) as i64;
        let samples = self.store.backend()?.log_samples(since)?;
        Ok(compute_stats(window_s, samples))
    }

    /// Waits until every record handed to this process's writer is in the table.
    ///
    /// # Errors
    /// `Database` when the writer could not write within the flush timeout.
    pub fn flush(&self) -> Result<()> {
        self.store.flush_log()
    }

    /// Hands one record to the background writer (as the client's sink does).
    ///
    /// # Errors
    /// `Database` when the writer cannot be started.
    pub fn submit(&self, row: LogRow) -> Result<bool> {
        Ok(self.store.log_writer()?.submit(row))
    }

    /// The writer's counters in this process (zero when it never started).
    pub fn writer_stats(&self) -> writer::WriterStats {
        self.store.writer_stats()
    }
}
