//! `Conduit\SyncQueue` and `Conduit\Job`: argument conversion and error mapping over
//! `conduit_store::Queue`; all behaviour lives in the core crate.

use std::collections::BTreeMap;

use conduit_http::ErrorKind;
use conduit_delivery::fail_defaults;
use conduit_store::{FailDefaults, FailOutcome, Job, JobStatus, PushItem, Queue};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use ext_php_rs::zend::ce;
use serde_json::Value;

use crate::convert::{json_to_zval, zval_to_json};
use crate::exceptions::{config_error, ExceptionClass};
use crate::php_options::entries;
use crate::php_options::Bytes;
use crate::store::{array_to_json, array_to_options, ms_to_secs, store_error, utf8_arg, PhpStore};

/// A job as PHP sees it: public properties, payload and result decoded.
#[php_class]
#[php(name = "Conduit\\Job")]
pub struct PhpJob {
    #[php(prop)]
    pub id: i64,
    #[php(prop, name = "type")]
    pub job_type: String,
    /// pending, running, done or failed.
    #[php(prop)]
    pub status: String,
    /// The number of the current attempt while running; attempts made otherwise.
    #[php(prop)]
    pub attempts: i64,
    #[php(prop)]
    pub max_attempts: i64,
    #[php(prop)]
    pub priority: i64,
    /// Unix timestamps (float seconds).
    #[php(prop)]
    pub created_at: f64,
    #[php(prop)]
    pub updated_at: f64,
    #[php(prop)]
    pub run_at: f64,
    #[php(prop)]
    pub lease_until: Option<f64>,
    #[php(prop)]
    pub finished_at: Option<f64>,
    #[php(prop)]
    pub dedupe_key: Option<String>,
    #[php(prop)]
    pub group_key: Option<String>,
    #[php(prop)]
    pub last_error: Option<String>,
    payload: Value,
    result: Option<Value>,
}

impl PhpJob {
    fn from_job(job: Job) -> PhpResult<Self> {
        let payload = job.payload_value().map_err(store_error)?;
        let result = job
            .result
            .as_ref()
            .map(|text| serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())));
        Ok(Self {
            id: job.id,
            job_type: job.job_type,
            status: job.status.as_str().to_string(),
            attempts: i64::from(job.attempts),
            max_attempts: i64::from(job.max_attempts),
            priority: i64::from(job.priority),
            created_at: ms_to_secs(job.created_at),
            updated_at: ms_to_secs(job.updated_at),
            run_at: ms_to_secs(job.run_at),
            lease_until: job.lease_until.map(ms_to_secs),
            finished_at: job.finished_at.map(ms_to_secs),
            dedupe_key: job.dedupe_key,
            group_key: job.group_key,
            last_error: job.last_error,
            payload,
            result,
        })
    }
}

#[php_impl]
impl PhpJob {
    /// The payload as pushed (decoded like json_decode($json, true)).
    #[php(getter)]
    pub fn get_payload(&self) -> Zval {
        json_to_zval(&self.payload)
    }

    /// What ack() was given, or null.
    #[php(getter)]
    pub fn get_result(&self) -> Zval {
        match &self.result {
            Some(v) => json_to_zval(v),
            None => Zval::new(),
        }
    }
}

fn jobs_to_php(jobs: Vec<Job>) -> PhpResult<Vec<PhpJob>> {
    jobs.into_iter().map(PhpJob::from_job).collect()
}

/// The body of `SyncQueue::runDeliveries(ApiClient $client, array $options = [])`.
pub(crate) fn run_deliveries(
    queue: &PhpSyncQueue,
    client: &mut conduit_http::ApiClient,
    options: Option<&ZendHashTable>,
) -> PhpResult<ZBox<ZendHashTable>> {
    use conduit_delivery::{run_deliveries as run, RunOptions};
    let options = array_to_options(options, &[])?;
    let options = RunOptions::from_value(options.as_ref()).map_err(store_error)?;
    client.rebind_after_fork().map_err(|e| PhpException::from(crate::api_client::http_error(&e)))?;
    let s = run(&queue.queue, client, &options).map_err(store_error)?;
    let mut ht = ZendHashTable::new();
    ht.insert("delivered", s.delivered as i64)?;
    ht.insert("retried", s.retried as i64)?;
    ht.insert("failed", s.failed as i64)?;
    ht.insert("skipped", s.skipped as i64)?;
    ht.insert("queue_errors", s.queue_errors as i64)?;
    ht.insert("last_queue_error", s.last_queue_error)?;
    ht.insert("duration_s", s.duration.as_secs_f64())?;
    Ok(ht)
}

#[php_class]
#[php(name = "Conduit\\SyncQueue")]
pub struct PhpSyncQueue {
    queue: Queue,
}

/// What `fail()` learns from its `$error`: the text to keep and the defaults.
fn describe_failure(error: &Zval) -> PhpResult<(String, FailDefaults)> {
    if let Some(text) = error.zend_str() {
        return Ok((String::from_utf8_lossy(text.as_bytes()).into_owned(), FailDefaults::default()));
    }
    let Some(object) = error.object() else {
        return Err(config_error("SyncQueue::fail(): $error must be a string or a Throwable."));
    };
    if !object.instance_of(ce::throwable()) {
        return Err(config_error("SyncQueue::fail(): $error must be a string or a Throwable."));
    }
    let class = object.get_class_name().unwrap_or_else(|_| "Throwable".into());
    let message = object.try_call_method("getMessage", vec![]).ok().and_then(|m| m.string()).unwrap_or_default();
    // The exception class back to its kind; the decision is conduit-http's one policy.
    let is = |class: ExceptionClass| class.class_entry().is_some_and(|ce| object.instance_of(ce));
    let kind = [
        (ExceptionClass::RateLimit, ErrorKind::RateLimited),
        (ExceptionClass::Api, ErrorKind::Status),
        (ExceptionClass::Timeout, ErrorKind::Timeout),
        (ExceptionClass::Transport, ErrorKind::Transport),
        (ExceptionClass::CircuitOpen, ErrorKind::CircuitOpen),
        (ExceptionClass::Config, ErrorKind::Config),
    ]
    .into_iter()
    .find(|(class, _)| is(*class))
    .map_or(ErrorKind::Other, |(_, kind)| kind);
    let status = if kind == ErrorKind::Status {
        object
            .try_call_method("getStatusCode", vec![])
            .ok()
            .and_then(|v| v.long())
            .filter(|s| *s != 0)
            .or_else(|| object.try_call_method("getCode", vec![]).ok().and_then(|v| v.long()))
            .and_then(|s| u16::try_from(s).ok())
    } else {
        None
    };
    // The server (or the breaker) said when to come back: that wins over backoff.
    let retry_after = if matches!(kind, ErrorKind::RateLimited | ErrorKind::CircuitOpen) {
        object
            .try_call_method("getRetryAfter", vec![])
            .ok()
            .and_then(|v| v.double())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| std::time::Duration::from_millis((s * 1000.0).ceil().min(u64::MAX as f64) as u64))
    } else {
        None
    };
    // A queued job is redelivered by design (at-least-once): treated as repeatable.
    let defaults = fail_defaults(conduit_http::failure_policy::decide(kind, status, true, retry_after));
    Ok((format!("{class}: {message}"), defaults))
}

fn stats_to_array(stats: &conduit_store::QueueStats) -> PhpResult<ZBox<ZendHashTable>> {
    let counts = |map: &BTreeMap<JobStatus, u64>| -> PhpResult<ZBox<ZendHashTable>> {
        let mut ht = ZendHashTable::new();
        for status in JobStatus::ALL {
            ht.insert(status.as_str(), map.get(&status).copied().unwrap_or(0) as i64)?;
        }
        Ok(ht)
    };
    let mut ht = ZendHashTable::new();
    ht.insert("by_status", counts(&stats.by_status)?)?;
    let mut by_type = ZendHashTable::new();
    for (job_type, map) in &stats.by_type {
        by_type.insert(job_type.as_str(), counts(map)?)?;
    }
    ht.insert("by_type", by_type)?;
    ht.insert("oldest_pending_age_s", stats.oldest_pending_age_ms.map(ms_to_secs))?;
    ht.insert("done_last_hour", stats.done_last_hour as i64)?;
    ht.insert("failed_last_hour", stats.failed_last_hour as i64)?;
    ht.insert("avg_processing_ms", stats.avg_processing_ms)?;
    ht.insert("p95_processing_ms", stats.p95_processing_ms)?;
    Ok(ht)
}

/// `[type, payload, options?]` or `['type' => …, 'payload' => …, 'options' => […]]`.
fn push_item(entry: &Zval, index: usize) -> PhpResult<PushItem> {
    let bad = || {
        config_error(format!(
            "SyncQueue::pushMany(): job #{index} must be [type, payload, options?] or ['type' => …, 'payload' => …, 'options' => […]]."
        ))
    };
    let ht = entry.array().ok_or_else(bad)?;
    let (job_type, payload, options) = if crate::convert::is_list(ht) {
        (ht.get_index(0), ht.get_index(1), ht.get_index(2))
    } else {
        for (key, _) in entries(ht) {
            if !matches!(key.to_utf8().as_deref(), Some("type" | "payload" | "options")) {
                return Err(bad());
            }
        }
        (ht.get("type"), ht.get("payload"), ht.get("options"))
    };
    let job_type = job_type.and_then(Zval::str).ok_or_else(bad)?.to_string();
    let payload = zval_to_json(payload.ok_or_else(bad)?, "payload")
        .map_err(|m| config_error(format!("SyncQueue::pushMany(): job #{index}: value {m}.")))?;
    let options = match options {
        None => None,
        Some(z) if z.is_null() => None,
        Some(z) => array_to_options(Some(z.array().ok_or_else(bad)?), &[])?,
    };
    Ok(PushItem { job_type, payload, options })
}

#[php_impl]
impl PhpSyncQueue {
    /// Default attempts per job.
    pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;
    /// Type of the jobs pushRequest() creates.
    pub const DELIVERY_TYPE: &'static str = "conduit.http";

    /// Options: max_attempts (5), lease_s (60), backoff_base_s (5), backoff_max_s (3600),
    /// dedupe_window_s (0).
    /// @throws ConfigException for unknown or invalid options.
    pub fn __construct(store: &PhpStore, options: Option<&ZendHashTable>) -> PhpResult<Self> {
        let options = array_to_options(options, &[])?;
        let queue = Queue::new(store.store.clone(), options.as_ref()).map_err(store_error)?;
        Ok(Self { queue })
    }

    /// Adds a job, committed before returning; returns its id (the existing job's id
    /// when a pending or running job holds the same dedupe_key, or a done one finished
    /// within dedupe_window_s).
    /// Options: delay_s | run_at, priority, max_attempts, dedupe_key, dedupe_window_s,
    /// group_key, backoff_base_s, backoff_max_s.
    /// @throws ConfigException|QueueException
    pub fn push(&self, r#type: Bytes<'_>, payload: &ZendHashTable, options: Option<&ZendHashTable>) -> PhpResult<i64> {
        let r#type = utf8_arg("SyncQueue::push(): $type", r#type)?;
        let payload = array_to_json(payload, "payload")?;
        let options = array_to_options(options, &[])?;
        self.queue.push(r#type, &payload, options.as_ref()).map(|p| p.id).map_err(store_error)
    }

    /// Like push(), and says which it did: `['id' => int, 'deduplicated' => bool]`,
    /// `deduplicated` true when an existing job's id came back and nothing was added
    /// (a webhook endpoint answers a replay with it — no clock comparison can race).
    /// @throws ConfigException|QueueException
    pub fn push_or_find(&self, r#type: Bytes<'_>, payload: &ZendHashTable, options: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
        let r#type = utf8_arg("SyncQueue::pushOrFind(): $type", r#type)?;
        let payload = array_to_json(payload, "payload")?;
        let options = array_to_options(options, &[])?;
        let pushed = self.queue.push(r#type, &payload, options.as_ref()).map_err(store_error)?;
        let mut out = ZendHashTable::new();
        out.insert("id", pushed.id).map_err(|e| config_error(format!("SyncQueue::pushOrFind(): {e}")))?;
        out.insert("deduplicated", pushed.deduplicated).map_err(|e| config_error(format!("SyncQueue::pushOrFind(): {e}")))?;
        Ok(out)
    }

    /// Adds several jobs in one transaction (all or none); returns their ids in order.
    /// @throws ConfigException|QueueException
    pub fn push_many(&self, jobs: &ZendHashTable) -> PhpResult<Vec<i64>> {
        let mut items = Vec::with_capacity(jobs.len());
        for (index, (_, entry)) in entries(jobs).into_iter().enumerate() {
            items.push(push_item(entry, index)?);
        }
        self.queue.push_many(&items).map(|p| p.into_iter().map(|p| p.id).collect()).map_err(store_error)
    }

    /// Adds an HTTP delivery job for runDeliveries(). Options: query, headers, json,
    /// form, body, timeout, idempotency_key (generated when absent) plus push() options.
    /// @throws ConfigException|QueueException
    pub fn push_request(&self, method: Bytes<'_>, path: Bytes<'_>, options: Option<&ZendHashTable>) -> PhpResult<i64> {
        let method = utf8_arg("SyncQueue::pushRequest(): $method", method)?;
        let path = utf8_arg("SyncQueue::pushRequest(): $path", path)?;
        let json = array_to_options(options, &["body"])?;
        let raw_body = match options.and_then(|o| o.get("body")) {
            None => None,
            Some(zv) if zv.is_null() => None,
            Some(zv) => match zv.zend_str() {
                Some(s) => Some(s.as_bytes().to_vec()),
                None => return Err(config_error("SyncQueue::pushRequest(): option \"body\" must be a string (use \"json\" for arrays).")),
            },
        };
        conduit_delivery::push_request(&self.queue, method, path, json.as_ref(), raw_body).map(|(p, _)| p.id).map_err(store_error)
    }

    /// Leases up to $limit due jobs. Options: lease_s, types.
    /// @return Job[]
    /// @throws ConfigException|QueueException
    pub fn claim(&self, limit: i64, options: Option<&ZendHashTable>) -> PhpResult<Vec<PhpJob>> {
        let options = array_to_options(options, &[])?;
        jobs_to_php(self.queue.claim(limit, options.as_ref()).map_err(store_error)?)
    }

    /// Marks a running job done, keeping $result (JSON-encodable).
    /// @throws QueueException when the job is gone, not running, or its lease was lost.
    pub fn ack(&self, id: i64, result: Option<&Zval>) -> PhpResult<()> {
        let result = match result {
            None => None,
            Some(z) if z.is_null() => None,
            Some(z) => Some(zval_to_json(z, "result").map_err(|m| config_error(format!("SyncQueue::ack(): value {m}.")))?),
        };
        self.queue.ack(id, result.as_ref()).map_err(store_error)
    }

    /// Claims HTTP delivery jobs (pushRequest) and sends them concurrently through
    /// $client (its retries, rate limit and breaker apply); acks, reschedules or
    /// dead-letters each. Options: limit, concurrency, time_budget_s, types.
    /// Returns delivered, retried, failed, skipped, queue_errors, last_queue_error, duration_s.
    /// @throws ConfigException|QueueException
    pub fn run_deliveries(&self, client: &mut crate::api_client::PhpApiClient, options: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
        run_deliveries(self, client.core_mut(), options)
    }

    /// Acks several running jobs in one transaction (one commit instead of one per
    /// job). Returns the ids that could not be acked — gone, not running, or taken over
    /// by another worker after their lease expired; empty when all were acked.
    /// @param int[] $ids
    /// @return int[]
    /// @throws ConfigException|QueueException
    pub fn ack_many(&self, ids: Vec<i64>) -> PhpResult<Vec<i64>> {
        self.queue.ack_many(&ids).map_err(store_error)
    }

    /// Records a failed attempt; returns the job's new status ("pending" when it will
    /// be retried, "failed" when dead-lettered). $error is a string or a Throwable
    /// (a RateLimitException's retry-after is honoured, other 4xx ApiExceptions are
    /// not retried). Options: retry (bool), retry_after_s.
    /// @throws ConfigException|QueueException
    pub fn fail(&self, id: i64, error: &Zval, options: Option<&ZendHashTable>) -> PhpResult<&'static str> {
        let (text, defaults) = describe_failure(error)?;
        let options = array_to_options(options, &[])?;
        match self.queue.fail(id, &text, defaults, options.as_ref()).map_err(store_error)? {
            FailOutcome::Retrying { .. } => Ok("pending"),
            FailOutcome::Failed => Ok("failed"),
        }
    }

    /// Gives a running job back without counting the attempt.
    /// @throws QueueException
    #[php(defaults(delay = 0.0))]
    pub fn release(&self, id: i64, delay: f64) -> PhpResult<()> {
        self.queue.release(id, delay).map_err(store_error)
    }

    /// Extends a running job's lease to $seconds from now; returns the new lease end.
    /// @throws QueueException
    pub fn extend_lease(&self, id: i64, seconds: f64) -> PhpResult<f64> {
        self.queue.extend_lease(id, seconds).map(ms_to_secs).map_err(store_error)
    }

    /// @throws QueueException
    pub fn get(&self, id: i64) -> PhpResult<Option<PhpJob>> {
        self.queue.get(id).map_err(store_error)?.map(PhpJob::from_job).transpose()
    }

    /// Filters: status, type, dedupe_key, group_key, created_from/to, updated_from/to,
    /// error. Order: "id desc" (default), "created_at", "-updated_at", …
    /// @return Job[]
    /// @throws ConfigException|QueueException
    #[php(defaults(limit = 50, offset = 0))]
    pub fn list(&self, filter: Option<&ZendHashTable>, order: Option<Bytes<'_>>, limit: i64, offset: i64) -> PhpResult<Vec<PhpJob>> {
        let filter = array_to_options(filter, &[])?;
        let order = order.map(|o| utf8_arg("SyncQueue::list(): $order", o)).transpose()?;
        jobs_to_php(self.queue.list(filter.as_ref(), order, limit, offset).map_err(store_error)?)
    }

    /// @throws ConfigException|QueueException
    pub fn count(&self, filter: Option<&ZendHashTable>) -> PhpResult<i64> {
        let filter = array_to_options(filter, &[])?;
        self.queue.count(filter.as_ref()).map(|n| n as i64).map_err(store_error)
    }

    /// Puts a failed job back to pending with its attempts reset.
    /// @throws QueueException
    pub fn retry(&self, id: i64) -> PhpResult<()> {
        self.queue.retry(id).map_err(store_error)
    }

    /// Retries every failed job matching $filter; returns how many.
    /// @throws ConfigException|QueueException
    pub fn retry_failed(&self, filter: Option<&ZendHashTable>) -> PhpResult<i64> {
        let filter = array_to_options(filter, &[])?;
        self.queue.retry_failed(filter.as_ref()).map(|n| n as i64).map_err(store_error)
    }

    /// Deletes a job whatever its status; false when it did not exist.
    /// @throws QueueException
    pub fn delete(&self, id: i64) -> PhpResult<bool> {
        self.queue.delete(id).map_err(store_error)
    }

    /// Deletes finished jobs. Options: status ("done" by default, or "failed", or
    /// both), older_than_s (default 0). Returns how many.
    /// @throws ConfigException|QueueException
    pub fn purge(&self, options: Option<&ZendHashTable>) -> PhpResult<i64> {
        let options = array_to_options(options, &[])?;
        self.queue.purge(options.as_ref()).map(|n| n as i64).map_err(store_error)
    }

    /// Counts per status and type, oldest due pending age, done/failed in the last
    /// hour, average and p95 processing time.
    /// @throws QueueException
    pub fn stats(&self) -> PhpResult<ZBox<ZendHashTable>> {
        stats_to_array(&self.queue.stats().map_err(store_error)?)
    }
}
