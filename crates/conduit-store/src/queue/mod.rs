//! The durable job queue (`Conduit\SyncQueue`): options, validation and lease
//! bookkeeping; the SQL is in [`crate::backend`].
//!
//! Delivery is at-least-once: a job is only `done` once its worker acks it, and a
//! worker that dies (or overruns its lease) has its job handed to another worker.
//! Handlers must therefore be idempotent — HTTP deliveries carry a fixed
//! idempotency key for exactly that reason.
//!
//! Fencing: `claim()` writes a random token on the rows it leases and this object
//! remembers it, so `ack`/`fail`/`release`/`extendLease` from the claiming worker are
//! refused once the lease expired and another worker took the job over — the late
//! worker learns it lost the job instead of overwriting the new owner's outcome.

pub mod backoff;

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;

use crate::backend::{ClaimRequest, Failure};
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::model::delivery::{DeliverySpec, DELIVERY_JOB_TYPE, DELIVERY_REQUEST_KEYS};
use crate::model::filter::{check_page, JobFilter, Order};
use crate::model::job::{FailOutcome, Job, JobStatus, NewJob, Pushed};
use crate::model::stats::QueueStats;
use crate::options::{quote, secs_to_ms, OptionReader};
use crate::store::Store;
use backoff::{Backoff, JitteredBackoff, DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS};

/// Option keys of `new SyncQueue($store, $options)`.
pub const QUEUE_OPTION_KEYS: &[&str] = &["max_attempts", "lease_s", "backoff_base_s", "backoff_max_s", "dedupe_window_s"];
/// Option keys of `push()` / `pushMany()` items.
pub const PUSH_OPTION_KEYS: &[&str] = &[
    "delay_s",
    "run_at",
    "priority",
    "max_attempts",
    "dedupe_key",
    "dedupe_window_s",
    "group_key",
    "backoff_base_s",
    "backoff_max_s",
];
/// Option keys of `claim()`.
pub const CLAIM_OPTION_KEYS: &[&str] = &["lease_s", "types"];
/// Option keys of `fail()`.
pub const FAIL_OPTION_KEYS: &[&str] = &["retry", "retry_after_s"];
/// Option keys of `purge()`.
pub const PURGE_OPTION_KEYS: &[&str] = &["status", "older_than_s"];

/// Default attempts per job: 5.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// Default lease: 60 s.
pub const DEFAULT_LEASE_MS: i64 = 60_000;
/// Most jobs one claim returns.
pub const MAX_CLAIM: i64 = 1_000;
/// Largest payload accepted (JSON bytes).
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;
/// Priorities are clamped to ± this.
pub const MAX_PRIORITY: i64 = 1_000_000;
/// The longest lease or delay accepted: 30 days.
const MAX_SECONDS: f64 = 2_592_000.0;

/// Queue-wide defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueOptions {
    /// Attempts before a job is dead-lettered. Default is 5.
    pub max_attempts: u32,
    /// Lease of a claimed job. Default is 60 s.
    pub lease_ms: i64,
    /// Retry backoff. Default is base 5 s, cap 1 h.
    pub backoff: Backoff,
    /// How long a `done` job keeps suppressing pushes with its dedupe key, in ms
    /// (0: only pending/running jobs deduplicate). Default is 0.
    pub dedupe_window_ms: i64,
}

impl Default for QueueOptions {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            lease_ms: DEFAULT_LEASE_MS,
            backoff: Backoff::clamped(DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS),
            dedupe_window_ms: 0,
        }
    }
}

fn read_backoff(r: &OptionReader<'_>, default: (i64, i64)) -> Result<(i64, i64)> {
    let range = "a number of seconds from 0 to 2592000";
    let base = r.number("backoff_base_s", 0.0, MAX_SECONDS, range)?.map(secs_to_ms).unwrap_or(default.0);
    let max = r.number("backoff_max_s", 0.0, MAX_SECONDS, range)?.map(secs_to_ms).unwrap_or(default.1);
    Backoff::new(base, max).map_err(|e| Error::config(format!("{}: {}", r.what(), e.message())))?;
    Ok((base, max))
}

/// The longest dedupe window: 30 days.
const MAX_DEDUPE_WINDOW_S: f64 = 2_592_000.0;

fn read_dedupe_window(r: &OptionReader<'_>) -> Result<Option<i64>> {
    Ok(r
        .number("dedupe_window_s", 0.0, MAX_DEDUPE_WINDOW_S, "a number of seconds from 0 to 2592000")?
        .map(secs_to_ms))
}

impl QueueOptions {
    /// # Errors
    /// `Config` for unknown keys or bad values.
    pub fn from_value(options: Option<&Value>) -> Result<Self> {
        let r = OptionReader::new("SyncQueue::__construct()", options, QUEUE_OPTION_KEYS)?;
        let mut o = QueueOptions::default();
        if let Some(n) = r.integer("max_attempts", 1, 1000, "an integer from 1 to 1000")? {
            o.max_attempts = n as u32;
        }
        if let Some(s) = r.number("lease_s", 0.001, MAX_SECONDS, "a number of seconds from 0.001 to 2592000")? {
            o.lease_ms = secs_to_ms(s);
        }
        let (base, max) = read_backoff(&r, (DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS))?;
        o.backoff = Backoff::clamped(base, max);
        if let Some(ms) = read_dedupe_window(&r)? {
            o.dedupe_window_ms = ms;
        }
        Ok(o)
    }
}

/// One item of `pushMany()`.
#[derive(Debug, Clone, PartialEq)]
pub struct PushItem {
    pub job_type: String,
    pub payload: Value,
    pub options: Option<Value>,
}

/// Defaults `fail()` derives from the error object before options override them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailDefaults {
    pub retryable: bool,
    /// A `RateLimitException`'s retry-after, in ms.
    pub retry_after_ms: Option<i64>,
}

impl Default for FailDefaults {
    fn default() -> Self {
        Self { retryable: true, retry_after_ms: None }
    }
}

/// A queue over one store.
pub struct Queue {
    store: Store,
    options: QueueOptions,
    /// Job id → lease token of the jobs this object claimed and still holds.
    leases: Mutex<HashMap<i64, i64>>,
}

/// Past this many remembered leases (claims never finished), forget them all:
/// only fencing of those jobs is lost, never a job.
const MAX_REMEMBERED_LEASES: usize = 100_000;

fn check_id(id: i64) -> Result<()> {
    if id < 1 {
        return Err(Error::config(format!("job ids are positive integers, got {id}")));
    }
    Ok(())
}

fn check_type(job_type: &str) -> Result<()> {
    if job_type.is_empty() || job_type.len() > 191 {
        return Err(Error::config(format!(
            "SyncQueue::push(): the job type must be 1 to 191 bytes, got {}",
            quote(&Value::String(job_type.to_string()))
        )));
    }
    Ok(())
}

/// A store error's kind, for diagnostics (never its message: it may quote data).
fn error_kind(e: &Error) -> &'static str {
    if e.is_not_found() {
        "not_found"
    } else if e.is_conflict() {
        "conflict"
    } else if e.is_database() {
        "database"
    } else if e.is_config() {
        "config"
    } else {
        "other"
    }
}

impl Queue {
    /// # Errors
    /// `Config` for bad options.
    pub fn new(store: Store, options: Option<&Value>) -> Result<Self> {
        Ok(Self::with_options(store, QueueOptions::from_value(options)?))
    }

    pub fn with_options(store: Store, options: QueueOptions) -> Self {
        Self { store, options, leases: Mutex::new(HashMap::new()) }
    }

    pub fn options(&self) -> &QueueOptions {
        &self.options
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn resolve(&self, what: &'static str, job_type: &str, payload: String, options: Option<&Value>, now: i64) -> Result<NewJob> {
        check_type(job_type)?;
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(Error::config(format!(
                "{what}: the payload is {} bytes of JSON; the limit is {MAX_PAYLOAD_BYTES}",
                payload.len()
            )));
        }
        let r = OptionReader::new(what, options, PUSH_OPTION_KEYS)?;
        if r.has("delay_s") && r.has("run_at") {
            return Err(Error::config(format!("{what}: give either \"delay_s\" or \"run_at\", not both")));
        }
        let run_at = match (
            r.number("delay_s", 0.0, MAX_SECONDS, "a number of seconds from 0 to 2592000")?,
            crate::model::filter::timestamp_ms(&r, "run_at")?,
        ) {
            (Some(delay), _) => now + secs_to_ms(delay),
            (None, Some(at)) => at.max(now),
            (None, None) => now,
        };
        let priority = r
            .integer("priority", -MAX_PRIORITY, MAX_PRIORITY, "an integer from -1000000 to 1000000")?
            .unwrap_or(0) as i32;
        let max_attempts = r
            .integer("max_attempts", 1, 1000, "an integer from 1 to 1000")?
            .map_or(self.options.max_attempts, |n| n as u32);
        let default = (self.options.backoff.base_ms(), self.options.backoff.max_ms());
        let (backoff_base_ms, backoff_max_ms) = read_backoff(&r, default)?;
        let dedupe_key = r.string("dedupe_key", 191)?;
        let dedupe_window_ms = read_dedupe_window(&r)?.unwrap_or(self.options.dedupe_window_ms);
        if r.has("dedupe_window_s") && dedupe_key.is_none() {
            return Err(Error::config(format!("{what}: \"dedupe_window_s\" needs a \"dedupe_key\"")));
        }
        Ok(NewJob {
            job_type: job_type.to_string(),
            payload,
            priority,
            max_attempts,
            run_at,
            dedupe_key,
            dedupe_window_ms: if dedupe_window_ms > 0 { dedupe_window_ms } else { 0 },
            group_key: r.string("group_key", 191)?,
            backoff_base_ms,
            backoff_max_ms,
        })
    }

    fn encode(what: &str, payload: &Value) -> Result<String> {
        serde_json::to_string(payload).map_err(|e| Error::config(format!("{what}: the payload cannot be encoded as JSON: {e}")))
    }

    /// Adds a job; committed before it returns. With a `dedupe_key` that a pending or
    /// running job holds — or, with a `dedupe_window_s`, a job that finished `done`
    /// within that many seconds — returns that job's id and adds nothing.
    ///
    /// # Errors
    /// `Config` for bad arguments; `Database` when the store fails (nothing written).
    pub fn push(&self, job_type: &str, payload: &Value, options: Option<&Value>) -> Result<Pushed> {
        let now = now_ms();
        let job = self.resolve("SyncQueue::push()", job_type, Self::encode("SyncQueue::push()", payload)?, options, now)?;
        let mut pushed = self.store.backend()?.push(std::slice::from_ref(&job), now)?;
        pushed.pop().ok_or_else(|| Error::database_msg("cannot push job: the database returned no id"))
    }

    /// Adds several jobs in one transaction: all or none.
    ///
    /// # Errors
    /// As [`Queue::push`]; an invalid item rejects the whole batch, naming its index.
    pub fn push_many(&self, items: &[PushItem]) -> Result<Vec<Pushed>> {
        let now = now_ms();
        let mut jobs = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let job = Self::encode("SyncQueue::pushMany()", &item.payload)
                .and_then(|payload| self.resolve("SyncQueue::pushMany()", &item.job_type, payload, item.options.as_ref(), now))
                .map_err(|e| Error::config(format!("item {i}: {}", e.message())))?;
            jobs.push(job);
        }
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        self.store.backend()?.push(&jobs, now)
    }

    /// Adds an HTTP delivery job (type [`DELIVERY_JOB_TYPE`]). `options` mixes request
    /// keys (query, headers, json, form, body, timeout, idempotency_key) and push keys;
    /// `build_spec` turns the method, path, request keys and raw body into the payload
    /// (conduit-delivery passes the HTTP client's parser, so this crate needs no HTTP).
    ///
    /// # Errors
    /// `Config` for a bad request or option; `Database` when the store fails.
    pub fn push_request(
        &self,
        method: &str,
        path: &str,
        options: Option<&Value>,
        raw_body: Option<Vec<u8>>,
        build_spec: impl FnOnce(&str, &str, &Value, Option<Vec<u8>>) -> Result<DeliverySpec>,
    ) -> Result<(Pushed, DeliverySpec)> {
        let mut request = serde_json::Map::new();
        let mut push = serde_json::Map::new();
        match options {
            None | Some(Value::Null) => {}
            Some(Value::Array(a)) if a.is_empty() => {}
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    if DELIVERY_REQUEST_KEYS.contains(&k.as_str()) {
                        request.insert(k.clone(), v.clone());
                    } else if PUSH_OPTION_KEYS.contains(&k.as_str()) {
                        push.insert(k.clone(), v.clone());
                    } else {
                        let allowed: Vec<&str> = DELIVERY_REQUEST_KEYS.iter().chain(PUSH_OPTION_KEYS).copied().collect();
                        return Err(Error::config(format!(
                            "SyncQueue::pushRequest(): unknown option \"{k}\" (value {}); allowed options are: {}",
                            quote(v),
                            allowed.join(", ")
                        )));
                    }
                }
            }
            Some(other) => {
                return Err(Error::config(format!(
                    "SyncQueue::pushRequest(): options must be an array with string keys, got {}",
                    quote(other)
                )))
            }
        }
        let spec = build_spec(method, path, &Value::Object(request), raw_body)?;
        let now = now_ms();
        let push = Value::Object(push);
        let job = self.resolve("SyncQueue::pushRequest()", DELIVERY_JOB_TYPE, spec.to_payload(), Some(&push), now)?;
        let mut pushed = self.store.backend()?.push(std::slice::from_ref(&job), now)?;
        let pushed = pushed.pop().ok_or_else(|| Error::database_msg("cannot push job: the database returned no id"))?;
        Ok((pushed, spec))
    }

    /// Leases up to `limit` due jobs (highest priority, then oldest due, first).
    ///
    /// # Errors
    /// `Config` for bad arguments; `Database` when the store fails (nothing leased).
    pub fn claim(&self, limit: i64, options: Option<&Value>) -> Result<Vec<Job>> {
        if !(1..=MAX_CLAIM).contains(&limit) {
            return Err(Error::config(format!("SyncQueue::claim(): limit must be from 1 to {MAX_CLAIM}, got {limit}")));
        }
        let r = OptionReader::new("SyncQueue::claim()", options, CLAIM_OPTION_KEYS)?;
        let lease_ms = r
            .number("lease_s", 0.001, MAX_SECONDS, "a number of seconds from 0.001 to 2592000")?
            .map_or(self.options.lease_ms, secs_to_ms);
        let types = r.string_list("types", 191)?.unwrap_or_default();
        self.claim_with(limit as u32, lease_ms, types)
    }

    /// `claim()` with resolved arguments (the delivery runner's entry point).
    ///
    /// # Errors
    /// `Database` when the store fails.
    pub fn claim_with(&self, limit: u32, lease_ms: i64, types: Vec<String>) -> Result<Vec<Job>> {
        let token = loop {
            let t: i64 = rand::random();
            if t != 0 {
                break t;
            }
        };
        let jobs = self.store.backend()?.claim(&ClaimRequest { limit, lease_ms, types, token, schedule: &JitteredBackoff }, now_ms())?;
        let mut leases = self.leases.lock().unwrap_or_else(|p| p.into_inner());
        if leases.len() + jobs.len() > MAX_REMEMBERED_LEASES {
            leases.clear();
        }
        for job in &jobs {
            leases.insert(job.id, token);
        }
        tracing::debug!(
            claimed = jobs.len(),
            limit,
            lease_ms,
            job_ids = ?jobs.iter().map(|j| j.id).collect::<Vec<_>>(),
            "queue claim"
        );
        Ok(jobs)
    }

    fn token(&self, id: i64) -> Option<i64> {
        self.leases.lock().unwrap_or_else(|p| p.into_inner()).get(&id).copied()
    }

    fn forget(&self, id: i64) {
        self.leases.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
    }

    /// Marks a running job done, keeping `result` (JSON).
    ///
    /// # Errors
    /// `NotFound`/`Conflict` when the job is gone, not running, or was taken over after
    /// its lease expired; `Database` when the store fails.
    pub fn ack(&self, id: i64, result: Option<&Value>) -> Result<()> {
        check_id(id)?;
        let result = match result {
            None | Some(Value::Null) => None,
            Some(v) => Some(Self::encode("SyncQueue::ack()", v)?),
        };
        let outcome = self.store.backend()?.ack(id, self.token(id), result.as_deref(), now_ms());
        self.finish(id, &outcome);
        match &outcome {
            Ok(()) => tracing::debug!(job_id = id, "queue ack"),
            Err(e) => tracing::info!(job_id = id, error_kind = error_kind(e), "queue ack refused"),
        }
        outcome
    }

    /// Acks several running jobs in one transaction (no results kept). Returns the ids
    /// it could not ack — gone, not running, or taken over after their lease expired;
    /// empty when all were acked.
    ///
    /// # Errors
    /// `Config` for a bad id or more than 1,000 ids; `Database` when the store fails
    /// (then nothing was acked).
    pub fn ack_many(&self, ids: &[i64]) -> Result<Vec<i64>> {
        if ids.len() > MAX_CLAIM as usize {
            return Err(Error::config(format!("SyncQueue::ackMany(): at most {MAX_CLAIM} ids per call, got {}", ids.len())));
        }
        for id in ids {
            check_id(*id)?;
        }
        let acks: Vec<(i64, Option<i64>)> = ids.iter().map(|id| (*id, self.token(*id))).collect();
        let refused = self.store.backend()?.ack_many(&acks, now_ms())?;
        for id in ids {
            self.forget(*id);
        }
        tracing::debug!(acked = ids.len() - refused.len(), refused = ?refused, "queue ack_many");
        Ok(refused)
    }

    fn finish<T>(&self, id: i64, outcome: &Result<T>) {
        // Forget the lease unless the database was unreachable (the caller may retry).
        if outcome.as_ref().err().is_none_or(|e| !e.is_database()) {
            self.forget(id);
        }
    }

    /// Records a failed attempt: retried after backoff (or `retry_after_s`), or
    /// dead-lettered when attempts are exhausted or `retry` is false.
    ///
    /// # Errors
    /// As [`Queue::ack`], plus `Config` for bad options.
    pub fn fail(&self, id: i64, error: &str, defaults: FailDefaults, options: Option<&Value>) -> Result<FailOutcome> {
        check_id(id)?;
        let r = OptionReader::new("SyncQueue::fail()", options, FAIL_OPTION_KEYS)?;
        let retryable = r.boolean("retry")?.unwrap_or(defaults.retryable);
        let retry_after_ms = match r.number("retry_after_s", 0.0, MAX_SECONDS, "a number of seconds from 0 to 2592000")? {
            Some(s) => Some(secs_to_ms(s)),
            None => defaults.retry_after_ms,
        };
        let error = if error.trim().is_empty() { "failed (no reason given)" } else { error };
        let failure = Failure { error: error.to_string(), retryable, retry_after_ms, schedule: &JitteredBackoff };
        let outcome = self.store.backend()?.fail(id, self.token(id), &failure, now_ms());
        self.finish(id, &outcome);
        // The error text is the caller's: it is kept in the job, never in diagnostics.
        match &outcome {
            Ok(FailOutcome::Retrying { run_at }) => {
                tracing::debug!(job_id = id, retryable, retry_in_ms = (run_at - now_ms()).max(0), "queue fail: retrying")
            }
            Ok(FailOutcome::Failed) => tracing::info!(job_id = id, retryable, "queue fail: dead-lettered"),
            Err(e) => tracing::info!(job_id = id, error_kind = error_kind(e), "queue fail refused"),
        }
        outcome
    }

    /// Gives a running job back without counting the attempt, due after `delay_s`.
    ///
    /// # Errors
    /// As [`Queue::ack`].
    pub fn release(&self, id: i64, delay_s: f64) -> Result<()> {
        check_id(id)?;
        if !delay_s.is_finite() || !(0.0..=MAX_SECONDS).contains(&delay_s) {
            return Err(Error::config(format!("SyncQueue::release(): delay must be from 0 to 2592000 seconds, got {delay_s}")));
        }
        let outcome = self.store.backend()?.release(id, self.token(id), secs_to_ms(delay_s), now_ms());
        self.finish(id, &outcome);
        outcome
    }

    /// Extends the lease of a running job to `seconds` from now; returns the new lease
    /// end (ms since epoch).
    ///
    /// # Errors
    /// As [`Queue::ack`].
    pub fn extend_lease(&self, id: i64, seconds: f64) -> Result<i64> {
        check_id(id)?;
        if !seconds.is_finite() || !(0.001..=MAX_SECONDS).contains(&seconds) {
            return Err(Error::config(format!(
                "SyncQueue::extendLease(): seconds must be from 0.001 to 2592000, got {seconds}"
            )));
        }
        self.store.backend()?.extend_lease(id, self.token(id), secs_to_ms(seconds), now_ms())
    }

    /// # Errors
    /// `Database` when the store fails.
    pub fn get(&self, id: i64) -> Result<Option<Job>> {
        check_id(id)?;
        self.store.backend()?.get(id)
    }

    /// # Errors
    /// `Config` for a bad filter, order or page; `Database` when the store fails.
    pub fn list(&self, filter: Option<&Value>, order: Option<&str>, limit: i64, offset: i64) -> Result<Vec<Job>> {
        let filter = JobFilter::from_value("SyncQueue::list()", filter)?;
        let order = Order::parse_jobs(order)?;
        check_page("SyncQueue::list()", limit, offset)?;
        self.store.backend()?.list(&filter, order, limit, offset)
    }

    /// # Errors
    /// As [`Queue::list`].
    pub fn count(&self, filter: Option<&Value>) -> Result<u64> {
        let filter = JobFilter::from_value("SyncQueue::count()", filter)?;
        self.store.backend()?.count(&filter)
    }

    /// Puts a failed job back to pending with its attempts reset.
    ///
    /// # Errors
    /// `NotFound`, `Conflict` (not failed, or its dedupe key is held by a live job),
    /// `Database`.
    pub fn retry(&self, id: i64) -> Result<()> {
        check_id(id)?;
        self.store.backend()?.retry(id, now_ms())
    }

    /// Retries every failed job matching `filter` (its `status` key is ignored);
    /// returns how many. Jobs whose dedupe key a live job holds are skipped.
    ///
    /// # Errors
    /// `Config` for a bad filter; `Database`.
    pub fn retry_failed(&self, filter: Option<&Value>) -> Result<u64> {
        let mut filter = JobFilter::from_value("SyncQueue::retryFailed()", filter)?;
        filter.statuses = vec![JobStatus::Failed];
        self.store.backend()?.retry_failed(&filter, now_ms())
    }

    /// Deletes a job whatever its status; false when it did not exist.
    ///
    /// # Errors
    /// `Database`.
    pub fn delete(&self, id: i64) -> Result<bool> {
        check_id(id)?;
        self.forget(id);
        self.store.backend()?.delete(id)
    }

    /// Deletes finished jobs: `status` (`done` by default; `done` and/or `failed`)
    /// finished more than `older_than_s` ago (default 0: all of them).
    ///
    /// # Errors
    /// `Config` for pending/running statuses or bad values; `Database`.
    pub fn purge(&self, options: Option<&Value>) -> Result<u64> {
        let r = OptionReader::new("SyncQueue::purge()", options, PURGE_OPTION_KEYS)?;
        let statuses = match r.string_list("status", 16)? {
            Some(names) => names.iter().map(|n| JobStatus::parse(n)).collect::<Result<Vec<_>>>()?,
            None => vec![JobStatus::Done],
        };
        if statuses.is_empty() {
            return Ok(0);
        }
        if let Some(live) = statuses.iter().find(|s| matches!(s, JobStatus::Pending | JobStatus::Running)) {
            return Err(Error::config(format!(
                "SyncQueue::purge(): only done and failed jobs can be purged, not {live}; use delete() for single jobs"
            )));
        }
        let older_than = r.number("older_than_s", 0.0, 1.0e10, "a number of seconds >= 0")?.unwrap_or(0.0);
        let cutoff = now_ms() - secs_to_ms(older_than) + i64::from(older_than == 0.0);
        self.store.backend()?.purge(&statuses, cutoff)
    }

    /// # Errors
    /// `Database`.
    pub fn stats(&self) -> Result<QueueStats> {
        self.store.backend()?.stats(now_ms())
    }
}
