//! Storage backends: every SQL statement of the crate lives under this module.
//!
//! One trait, [`Backend`], covers the job table, the request log and the schema; one
//! module per engine implements it:
//! - [`sqlite`] — claims inside a `BEGIN IMMEDIATE` transaction (one writer at a time
//!   across processes, so the group check is exact);
//! - [`mariadb`] — claims with `SELECT … FOR UPDATE SKIP LOCKED` at READ COMMITTED,
//!   plus a per-group lock row for ordered groups;
//! - [`postgres`] — the same claim design as MariaDB (`FOR UPDATE SKIP LOCKED`, group
//!   lock rows), with `ON CONFLICT` and savepoints where MariaDB catches duplicate keys.
//!
//! Why synchronous drivers (rusqlite with bundled SQLite, the `mysql` crate and the
//! `postgres` crate):
//! every PHP call is synchronous, so an async driver would only add a runtime hop per
//! statement; no driver spawns long-lived threads (`postgres` runs a current-thread
//! runtime inside each call), which keeps the fork story simple (a
//! child rebuilds its connections, see [`crate::process`]); bundled SQLite pins a
//! version with `RETURNING`, WAL and `BEGIN IMMEDIATE` everywhere.
//!
//! Shared here (still SQL, still only in this module): the WHERE clauses built from
//! filters, the column list, and the diagnosis of a refused state transition.

pub(crate) mod limits;
pub(crate) mod mariadb;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::error::{Error, Result};
use crate::model::filter::{JobColumn, JobFilter, Order};
use crate::model::job::{FailOutcome, Job, JobStatus, NewJob, Pushed};
use crate::model::log::{LogColumn, LogEntry, LogFilter, LogRow, LogSample, StatusClass};
use crate::model::retry::RetrySchedule;
use crate::model::stats::QueueStats;

/// What a claim asks for.
#[derive(Debug, Clone)]
pub(crate) struct ClaimRequest {
    pub limit: u32,
    pub lease_ms: i64,
    /// Empty: any type.
    pub types: Vec<String>,
    /// Fencing token written on every claimed row; ack/fail/release must present it.
    pub token: i64,
    /// Decides the fate of expired leases the claim recovers (the queue's policy).
    pub schedule: &'static dyn RetrySchedule,
}

/// A failed attempt as reported by the worker.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub error: String,
    pub retryable: bool,
    pub retry_after_ms: Option<i64>,
    /// Decides retry or dead letter from the row's counters (the queue's policy).
    pub schedule: &'static dyn RetrySchedule,
}

/// The job table.
pub(crate) trait JobStore: Send + Sync {
    /// Inserts jobs in one transaction; a live dedupe key answers with the existing id.
    fn push(&self, jobs: &[NewJob], now: i64) -> Result<Vec<Pushed>>;
    /// Recovers expired leases, then leases up to `limit` due jobs (group heads only).
    fn claim(&self, claim: &ClaimRequest, now: i64) -> Result<Vec<Job>>;
    /// `running → done`, keeping `result` (JSON text).
    fn ack(&self, id: i64, token: Option<i64>, result: Option<&str>, now: i64) -> Result<()>;
    /// Acks many running jobs in one transaction; returns the ids it refused (not
    /// running, gone, or leased under another token).
    fn ack_many(&self, acks: &[(i64, Option<i64>)], now: i64) -> Result<Vec<i64>>;
    /// `running → pending` (retry with backoff) or `running → failed` (dead letter).
    fn fail(&self, id: i64, token: Option<i64>, failure: &Failure, now: i64) -> Result<FailOutcome>;
    /// `running → pending` after `delay_ms`, not counting the attempt.
    fn release(&self, id: i64, token: Option<i64>, delay_ms: i64, now: i64) -> Result<()>;
    /// Moves the lease end to `now + lease_ms`; returns the new end.
    fn extend_lease(&self, id: i64, token: Option<i64>, lease_ms: i64, now: i64) -> Result<i64>;
    /// One job by id.
    fn get(&self, id: i64) -> Result<Option<Job>>;
    /// A page of jobs.
    fn list(&self, filter: &JobFilter, order: Order<JobColumn>, limit: i64, offset: i64) -> Result<Vec<Job>>;
    /// How many jobs match.
    fn count(&self, filter: &JobFilter) -> Result<u64>;
    /// `failed → pending` with attempts reset.
    fn retry(&self, id: i64, now: i64) -> Result<()>;
    /// Retries every failed job matching `filter`; returns how many.
    fn retry_failed(&self, filter: &JobFilter, now: i64) -> Result<u64>;
    /// Deletes one job whatever its status; false if it did not exist.
    fn delete(&self, id: i64) -> Result<bool>;
    /// Deletes jobs in `statuses` (done/failed) finished before `cutoff`; returns how many.
    fn purge(&self, statuses: &[JobStatus], cutoff: i64) -> Result<u64>;
    /// Counts and timings for `stats()`.
    fn stats(&self, now: i64) -> Result<QueueStats>;
}

/// The request-log table.
pub(crate) trait LogStore: Send + Sync {
    /// Inserts a batch in one transaction.
    fn insert_log_batch(&self, rows: &[LogRow]) -> Result<()>;
    fn list_log(&self, filter: &LogFilter, order: Order<LogColumn>, limit: i64, offset: i64) -> Result<Vec<LogEntry>>;
    fn count_log(&self, filter: &LogFilter) -> Result<u64>;
    fn get_log(&self, id: i64) -> Result<Option<LogEntry>>;
    /// Deletes records created before `cutoff`; returns how many.
    fn purge_log(&self, cutoff: i64) -> Result<u64>;
    /// Endpoint, duration and outcome of every record since `since`, for percentiles.
    fn log_samples(&self, since: i64) -> Result<Vec<LogSample>>;
    /// A cheap round trip, to tell "database down" from "row rejected".
    fn ping(&self) -> Result<()>;
}

/// The schema.
pub(crate) trait Migrator: Send + Sync {
    /// Applies pending migrations up to `target` (all when `None`); returns the version.
    fn migrate(&self, target: Option<u32>) -> Result<u32>;
    /// The highest applied migration; 0 on an empty database.
    fn schema_version(&self) -> Result<u32>;
}

/// Everything a store does.
pub(crate) trait Backend: JobStore + LogStore + Migrator + limits::LimitStore {}
impl<T: JobStore + LogStore + Migrator + limits::LimitStore> Backend for T {}

// ---------------------------------------------------------------------------
// Shared SQL text
// ---------------------------------------------------------------------------

/// Columns read into a [`Job`], in [`JobRow`] order.
pub(crate) const JOB_COLUMNS: &str = "id, type, payload, status, priority, attempts, max_attempts, run_at, \
    created_at, updated_at, lease_until, dedupe_key, group_key, backoff_base_ms, backoff_max_ms, last_error, \
    result, started_at, finished_at, processing_ms, lease_token";

/// Columns read into a [`LogEntry`].
pub(crate) const LOG_COLUMNS: &str = "id, created_at, method, url, endpoint, status, duration_ms, attempt, \
    correlation_id, job_id, error_class, error_message, request_headers, request_body, response_headers, \
    response_body";

/// Columns written from a [`LogRow`] (all but id), in bind order.
pub(crate) const LOG_INSERT_COLUMNS: &str = "created_at, method, url, endpoint, status, duration_ms, attempt, \
    correlation_id, job_id, error_class, error_message, request_headers, request_body, response_headers, \
    response_body";

/// A bind parameter both drivers understand.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
}

/// A WHERE clause (without the keyword; `1=1` when empty) and its parameters.
pub(crate) struct Where {
    pub sql: String,
    pub params: Vec<Param>,
}

impl Where {
    fn new() -> Self {
        Self { sql: String::from("1=1"), params: Vec::new() }
    }

    fn and(&mut self, clause: &str, params: impl IntoIterator<Item = Param>) {
        self.sql.push_str(" AND ");
        self.sql.push_str(clause);
        self.params.extend(params);
    }

    fn and_in(&mut self, column: &str, values: impl IntoIterator<Item = Param>) {
        let values: Vec<Param> = values.into_iter().collect();
        if values.is_empty() {
            return;
        }
        let marks = placeholders(values.len());
        self.and(&format!("{column} IN ({marks})"), values);
    }
}

/// `?, ?, ?`
pub(crate) fn placeholders(n: usize) -> String {
    let mut s = String::with_capacity(n * 3);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('?');
    }
    s
}

/// A LIKE pattern matching `needle` anywhere, escaped with `!` (the same `ESCAPE '!'`
/// literal reads identically on SQLite and MariaDB, unlike a backslash).
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '!' | '%' | '_') {
            p.push('!');
        }
        p.push(c);
    }
    p.push('%');
    p
}

pub(crate) fn job_where(filter: &JobFilter) -> Where {
    let mut w = Where::new();
    w.and_in("status", filter.statuses.iter().map(|s| Param::Text(s.as_str().into())));
    w.and_in("type", filter.types.iter().map(|t| Param::Text(t.clone())));
    if let Some(k) = &filter.dedupe_key {
        w.and("dedupe_key = ?", [Param::Text(k.clone())]);
    }
    if let Some(k) = &filter.group_key {
        w.and("group_key = ?", [Param::Text(k.clone())]);
    }
    if let Some(t) = filter.created_from {
        w.and("created_at >= ?", [Param::Int(t)]);
    }
    if let Some(t) = filter.created_to {
        w.and("created_at <= ?", [Param::Int(t)]);
    }
    if let Some(t) = filter.updated_from {
        w.and("updated_at >= ?", [Param::Int(t)]);
    }
    if let Some(t) = filter.updated_to {
        w.and("updated_at <= ?", [Param::Int(t)]);
    }
    if let Some(e) = &filter.error_contains {
        // Exact (case- and accent-sensitive) on both engines: SQLite's INSTR is
        // binary, and MariaDB's column collation is utf8mb4_nopad_bin (migration 3).
        w.and("INSTR(last_error, ?) > 0", [Param::Text(e.clone())]);
    }
    w
}

pub(crate) fn log_where(filter: &LogFilter) -> Where {
    let mut w = Where::new();
    match filter.status_class {
        None => {}
        Some(StatusClass::Error) => w.and("status IS NULL", []),
        Some(class) => {
            let low = class.low();
            w.and("status >= ? AND status < ?", [Param::Int(low), Param::Int(low + 100)]);
        }
    }
    if let Some(s) = filter.status {
        w.and("status = ?", [Param::Int(s)]);
    }
    if let Some(e) = &filter.endpoint_contains {
        w.and("endpoint LIKE ? ESCAPE '!'", [Param::Text(contains_pattern(e))]);
    }
    w.and_in("method", filter.methods.iter().map(|m| Param::Text(m.clone())));
    if let Some(t) = filter.from {
        w.and("created_at >= ?", [Param::Int(t)]);
    }
    if let Some(t) = filter.to {
        w.and("created_at <= ?", [Param::Int(t)]);
    }
    if let Some(c) = &filter.correlation_id {
        w.and("correlation_id = ?", [Param::Text(c.clone())]);
    }
    if let Some(j) = filter.job_id {
        w.and("job_id = ?", [Param::Int(j)]);
    }
    if let Some(e) = &filter.error_contains {
        w.and("error_message LIKE ? ESCAPE '!'", [Param::Text(contains_pattern(e))]);
    }
    w
}

pub(crate) fn job_order_sql(order: Order<JobColumn>) -> String {
    let dir = if order.descending { "DESC" } else { "ASC" };
    if order.column == JobColumn::Id {
        format!("id {dir}")
    } else {
        format!("{} {dir}, id {dir}", order.column.sql())
    }
}

pub(crate) fn log_order_sql(order: Order<LogColumn>) -> String {
    let dir = if order.descending { "DESC" } else { "ASC" };
    if order.column == LogColumn::Id {
        format!("id {dir}")
    } else {
        format!("{} {dir}, id {dir}", order.column.sql())
    }
}

/// The status and token of a job whose transition was refused, to explain why.
pub(crate) struct JobState {
    pub status: JobStatus,
    pub lease_token: Option<i64>,
}

/// Explains a refused transition: gone, not running, or leased by someone else.
pub(crate) fn refused(op: &str, id: i64, state: Option<JobState>, token: Option<i64>, expected: JobStatus) -> Error {
    match state {
        None => Error::not_found(format!("cannot {op} job {id}: no such job (it was deleted or purged)")),
        Some(state) if state.status != expected => Error::conflict(format!(
            "cannot {op} job {id}: it is {}, not {}{}",
            state.status,
            expected,
            if state.status == JobStatus::Pending && expected == JobStatus::Running {
                " (it was already failed or released, or its lease expired)"
            } else {
                ""
            }
        )),
        Some(state) if token.is_some() && state.lease_token != token => Error::conflict(format!(
            "cannot {op} job {id}: its lease expired and another worker claimed it again; that worker now owns it"
        )),
        Some(_) => Error::conflict(format!("cannot {op} job {id}: it changed while the operation ran, try again")),
    }
}

/// A job row in [`JOB_COLUMNS`] order, as both drivers decode it.
pub(crate) struct JobRow {
    pub id: i64,
    pub job_type: String,
    pub payload: String,
    pub status: String,
    pub priority: i64,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub lease_until: Option<i64>,
    pub dedupe_key: Option<String>,
    pub group_key: Option<String>,
    pub backoff_base_ms: i64,
    pub backoff_max_ms: i64,
    pub last_error: Option<String>,
    pub result: Option<String>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub processing_ms: Option<i64>,
    pub lease_token: Option<i64>,
}

impl JobRow {
    pub(crate) fn into_job(self) -> Result<Job> {
        Ok(Job {
            id: self.id,
            job_type: self.job_type,
            payload: self.payload,
            status: JobStatus::from_db(&self.status)?,
            priority: self.priority.clamp(i32::MIN.into(), i32::MAX.into()) as i32,
            attempts: self.attempts.clamp(0, u32::MAX.into()) as u32,
            max_attempts: self.max_attempts.clamp(0, u32::MAX.into()) as u32,
            run_at: self.run_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            lease_until: self.lease_until,
            dedupe_key: self.dedupe_key,
            group_key: self.group_key,
            backoff_base_ms: self.backoff_base_ms,
            backoff_max_ms: self.backoff_max_ms,
            last_error: self.last_error,
            result: self.result,
            started_at: self.started_at,
            finished_at: self.finished_at,
            processing_ms: self.processing_ms,
            lease_token: self.lease_token,
        })
    }
}

/// Of the running jobs found (`id`, `lease_token`), those whose token matches what
/// the caller holds (or who holds none): (accepted, refused).
pub(crate) fn split_acks(acks: &[(i64, Option<i64>)], running: &[(i64, Option<i64>)]) -> (Vec<i64>, Vec<i64>) {
    let mut accepted = Vec::with_capacity(acks.len());
    let mut refused = Vec::new();
    for (id, token) in acks {
        let held = running.iter().any(|(rid, rtoken)| rid == id && (token.is_none() || rtoken == token));
        if held && !accepted.contains(id) {
            accepted.push(*id);
        } else if !held {
            refused.push(*id);
        }
    }
    (accepted, refused)
}

/// `1, 2, 3` — ids are integers, so they are inlined (no per-count statement to prepare).
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// The latest `done` job with a dedupe key (`?`) finished at or after `?`, for
/// `dedupe_window_s`; `{jobs}` is the table. The `(dedupe_key, finished_at)` index
/// serves it. `failed` jobs do not count: a dead-lettered job may be pushed again.
pub(crate) const RECENT_DONE_SQL: &str =
    "SELECT id FROM {jobs} WHERE dedupe_key = ? AND finished_at >= ? AND status = 'done' ORDER BY finished_at DESC";

/// Error text kept on a job whose worker vanished.
pub(crate) const LEASE_EXPIRED: &str = "lease expired";

/// Leases recovered per claim at most (the rest go next time).
pub(crate) const RECOVER_BATCH: usize = 100;

/// How often one process looks for expired leases, at most.
pub(crate) const RECOVER_EVERY_MS: i64 = 1_000;

/// Rows deleted per statement by purges, so no statement holds locks for long.
pub(crate) const PURGE_CHUNK: i64 = 5_000;

/// Truncates an error text to what the column holds (TEXT: 64 KiB), on a char boundary.
pub(crate) fn clip_error(error: &str) -> &str {
    const MAX: usize = 60_000;
    if error.len() <= MAX {
        return error;
    }
    let mut end = MAX;
    while !error.is_char_boundary(end) {
        end -= 1;
    }
    &error[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_are_split_by_lease_token() {
        // (id, token held by the caller) vs (id, token in the row) of running jobs
        let acks = [(1, Some(7)), (2, Some(7)), (3, None), (4, Some(7)), (1, Some(7))];
        let running = [(1, Some(7)), (2, Some(8)), (3, Some(9))];
        assert_eq!(split_acks(&acks, &running), (vec![1, 3], vec![2, 4]));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("50%_off!"), "%50!%!_off!!%");
    }

    #[test]
    fn filters_become_parameterised_sql() {
        let filter = JobFilter {
            statuses: vec![JobStatus::Failed],
            types: vec!["a".into(), "b".into()],
            error_contains: Some("x".into()),
            ..JobFilter::default()
        };
        let w = job_where(&filter);
        assert_eq!(w.sql, "1=1 AND status IN (?) AND type IN (?, ?) AND INSTR(last_error, ?) > 0");
        assert_eq!(w.params.len(), 4);
    }
}
