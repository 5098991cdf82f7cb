//! `Conduit\RequestLog`: argument conversion over `conduit_store::RequestLog`.

use conduit_delivery::manual_record::row_from_entry;
use conduit_store::{LogEntry, RequestLog, WriterStats};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use crate::convert::headers_to_array;
use crate::exceptions::config_error;
use crate::php_options::Bytes;
use crate::store::{array_to_options, ms_to_secs, store_error, utf8_arg, PhpStore};

#[php_class]
#[php(name = "Conduit\\RequestLog")]
pub struct PhpRequestLog {
    log: RequestLog,
}

fn stored_headers(json: &str) -> Vec<(String, String)> {
    serde_json::from_str::<Vec<(String, String)>>(json).unwrap_or_default()
}

fn entry_to_array(e: &LogEntry) -> PhpResult<ZBox<ZendHashTable>> {
    let r = &e.row;
    let mut ht = ZendHashTable::new();
    ht.insert("id", e.id)?;
    ht.insert("created_at", ms_to_secs(r.created_at))?;
    ht.insert("method", r.method.as_str())?;
    ht.insert("url", r.url.as_str())?;
    ht.insert("endpoint", r.endpoint.as_str())?;
    ht.insert("status", r.status)?;
    ht.insert("duration_ms", r.duration_ms)?;
    ht.insert("attempt", r.attempt)?;
    ht.insert("correlation_id", r.correlation_id.as_str())?;
    ht.insert("job_id", r.job_id)?;
    // The client records short names ("TransportException"); show them as PHP classes.
    let class = r.error_class.as_deref().map(|c| if c.contains('\\') { c.to_string() } else { format!("Conduit\\{c}") });
    ht.insert("error_class", class)?;
    ht.insert("error_message", r.error_message.clone())?;
    ht.insert("request_headers", headers_to_array(&stored_headers(&r.request_headers)))?;
    ht.insert("request_body", r.request_body.as_str())?;
    ht.insert("response_headers", headers_to_array(&stored_headers(&r.response_headers)))?;
    ht.insert("response_body", r.response_body.as_str())?;
    Ok(ht)
}

fn writer_to_array(w: &WriterStats) -> PhpResult<ZBox<ZendHashTable>> {
    let mut ht = ZendHashTable::new();
    ht.insert("accepted", w.accepted as i64)?;
    ht.insert("written", w.written as i64)?;
    ht.insert("dropped", w.dropped as i64)?;
    ht.insert("pending", w.pending as i64)?;
    ht.insert("batches", w.batches as i64)?;
    ht.insert("write_errors", w.write_errors as i64)?;
    ht.insert("unreachable_since", w.unreachable_since_ms.map(ms_to_secs))?;
    ht.insert("last_error", w.last_error.clone())?;
    ht.insert("spooled", w.spooled as i64)?;
    ht.insert("replayed", w.replayed as i64)?;
    ht.insert("spool_dropped", w.spool_dropped as i64)?;
    Ok(ht)
}

/// A body option of record(): a binary-safe string or null.
fn body_bytes<'a>(entry: &'a ZendHashTable, key: &str) -> PhpResult<Option<&'a [u8]>> {
    match entry.get(key) {
        None => Ok(None),
        Some(z) if z.is_null() => Ok(None),
        Some(z) => z
            .zend_str()
            .map(|s| Some(s.as_bytes()))
            .ok_or_else(|| config_error(format!("RequestLog::record(): \"{key}\" must be a string."))),
    }
}

#[php_impl]
impl PhpRequestLog {
    pub fn __construct(store: &PhpStore) -> Self {
        Self { log: RequestLog::new(store.store.clone()) }
    }

    /// Filters: status_class (2xx|3xx|4xx|5xx|error), status, endpoint (contains),
    /// method, from, to (Unix timestamps), correlation_id, job_id, error (contains).
    /// Order: "id desc" (default), "created_at", "duration_ms desc", "status".
    /// @return array<int, array<string, mixed>>
    /// @throws ConfigException|QueueException
    #[php(defaults(limit = 50, offset = 0))]
    pub fn list(&self, filter: Option<&ZendHashTable>, order: Option<Bytes<'_>>, limit: i64, offset: i64) -> PhpResult<Vec<ZBox<ZendHashTable>>> {
        let filter = array_to_options(filter, &[])?;
        let order = order.map(|o| utf8_arg("RequestLog::list(): $order", o)).transpose()?;
        let entries = self.log.list(filter.as_ref(), order, limit, offset).map_err(store_error)?;
        entries.iter().map(entry_to_array).collect()
    }

    /// @throws ConfigException|QueueException
    pub fn count(&self, filter: Option<&ZendHashTable>) -> PhpResult<i64> {
        let filter = array_to_options(filter, &[])?;
        self.log.count(filter.as_ref()).map(|n| n as i64).map_err(store_error)
    }

    /// One record, or null.
    /// @throws QueueException
    pub fn get(&self, id: i64) -> PhpResult<Option<ZBox<ZendHashTable>>> {
        self.log.get(id).map_err(store_error)?.as_ref().map(entry_to_array).transpose()
    }

    /// Deletes records older than older_than_s (required; 0 deletes all). Returns how many.
    /// @throws ConfigException|QueueException
    pub fn purge(&self, options: Option<&ZendHashTable>) -> PhpResult<i64> {
        let options = array_to_options(options, &[])?;
        self.log.purge(options.as_ref()).map(|n| n as i64).map_err(store_error)
    }

    /// Requests, errors (no answer or 5xx), error rate, counts per status class and
    /// p50/p95/p99 duration overall and per endpoint over the last $window seconds,
    /// plus this process's writer counters under "writer".
    /// @throws ConfigException|QueueException
    #[php(defaults(window = 3600.0))]
    pub fn stats(&self, window: f64) -> PhpResult<ZBox<ZendHashTable>> {
        let s = self.log.stats(window).map_err(store_error)?;
        let mut ht = ZendHashTable::new();
        ht.insert("window_s", s.window_s)?;
        ht.insert("requests", s.requests as i64)?;
        ht.insert("errors", s.errors as i64)?;
        ht.insert("error_rate", s.error_rate)?;
        let mut classes = ZendHashTable::new();
        for (class, n) in &s.by_class {
            classes.insert(*class, *n as i64)?;
        }
        ht.insert("by_class", classes)?;
        ht.insert("p50_ms", s.p50_ms)?;
        ht.insert("p95_ms", s.p95_ms)?;
        ht.insert("p99_ms", s.p99_ms)?;
        let mut endpoints = ZendHashTable::new();
        for e in &s.endpoints {
            let mut row = ZendHashTable::new();
            row.insert("endpoint", e.endpoint.as_str())?;
            row.insert("requests", e.requests as i64)?;
            row.insert("errors", e.errors as i64)?;
            row.insert("error_rate", e.error_rate)?;
            row.insert("avg_ms", e.avg_ms)?;
            row.insert("p50_ms", e.p50_ms)?;
            row.insert("p95_ms", e.p95_ms)?;
            row.insert("p99_ms", e.p99_ms)?;
            endpoints.push(row)?;
        }
        ht.insert("endpoints", endpoints)?;
        ht.insert("writer", writer_to_array(&self.log.writer_stats())?)?;
        Ok(ht)
    }

    /// Waits until every record this process queued is in the table. When the
    /// database is unreachable the records go to the local spool at once (written when
    /// it answers again) and flush() throws without waiting.
    /// @throws QueueException when records could not be written now (they are in the
    /// spool), or, without a spool, not within log_flush_timeout_s.
    pub fn flush(&self) -> PhpResult<()> {
        self.log.flush().map_err(store_error)
    }

    /// Queues one record of an HTTP call made without ApiClient, redacted like the
    /// client's (Authorization/Cookie headers, password/token/secret… fields, and the
    /// literal `secrets`). Entry: method, url (required), endpoint, status, duration_ms,
    /// attempt, correlation_id, job_id, error_class, error_message, request_headers,
    /// request_body, response_headers, response_body, created_at.
    /// Options: redact_headers, redact_fields, secrets, body_bytes.
    /// Returns false only when the record had to be dropped (database down past the grace).
    /// @throws ConfigException|QueueException
    pub fn record(&self, entry: &ZendHashTable, options: Option<&ZendHashTable>) -> PhpResult<bool> {
        let json = array_to_options(Some(entry), &["request_body", "response_body"])?.unwrap_or_default();
        let options = array_to_options(options, &[])?;
        let row = row_from_entry(&json, body_bytes(entry, "request_body")?, body_bytes(entry, "response_body")?, options.as_ref())
            .map_err(store_error)?;
        self.log.submit(row).map_err(store_error)
    }

    /// This process's writer counters: accepted, written, dropped, pending, batches,
    /// write_errors, unreachable_since, last_error, spooled (put in the local spool
    /// while the database was unreachable), replayed (inserted from spool files),
    /// spool_dropped (dropped because the spool was full; also in dropped).
    pub fn writer_stats(&self) -> PhpResult<ZBox<ZendHashTable>> {
        writer_to_array(&self.log.writer_stats())
    }
}
