//! HTTP delivery jobs: what `SyncQueue::pushRequest()` stores, and what the delivery
//! runner sends.
//!
//! The payload of a job of type [`DELIVERY_JOB_TYPE`] is a [`DeliverySpec`] as JSON.
//! It is validated at push time with the HTTP client's own request parser, so a job
//! that is accepted can always be sent, and the idempotency key is fixed at push time
//! so every attempt and every redelivery carries the same one.

use std::time::{Duration, Instant};

use base64::Engine as _;
use conduit_http::{ApiClient, Body, RequestSpec};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::options::{secs_to_ms, OptionReader};
use crate::queue::{FailDefaults, Queue};

/// The job type of HTTP deliveries.
pub const DELIVERY_JOB_TYPE: &str = "conduit.http";

/// Request keys `pushRequest()` accepts (the rest of its options are push options).
pub const DELIVERY_REQUEST_KEYS: &[&str] = &["query", "headers", "json", "form", "body", "timeout", "idempotency_key"];

/// One HTTP request to deliver, stored as the job payload.
///
/// JSON shape (fields with no value are omitted):
/// ```json
/// {"method": "POST", "path": "/orders", "query": [["page", "2"]],
///  "headers": [["X-Source", "bitrix"]], "json": {"id": 42},
///  "idempotency_key": "order-42", "timeout_s": 10.0}
/// ```
/// At most one of `json`, `form`, `body`, `body_base64` is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliverySpec {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path relative to the client's base URL (`/orders/42`), or an absolute URL.
    pub path: String,
    /// Query parameters in order, already flattened to strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Extra request headers in order. Don't put credentials here: they would be
    /// stored in the job table; configure them on the client instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// A JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// A form body (`application/x-www-form-urlencoded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Vec<(String, String)>>,
    /// A raw body that is valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// A raw binary body, base64 (standard alphabet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Sent as `Idempotency-Key` on every attempt and redelivery; generated (UUID v4)
    /// when the caller gave none.
    pub idempotency_key: String,
    /// Overrides the client's total timeout for this request, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_s: Option<f64>,
}

impl DeliverySpec {
    /// Builds a spec from `pushRequest()` arguments: `options` holds only request keys;
    /// `raw_body` is the `body` option's bytes when PHP passed a binary string.
    ///
    /// # Errors
    /// `Config` with the client's message for a bad method, header or option.
    pub fn from_options(method: &str, path: &str, options: &Value, raw_body: Option<Vec<u8>>) -> Result<Self> {
        if path.trim().is_empty() {
            return Err(Error::config("SyncQueue::pushRequest(): the path must not be empty"));
        }
        let request = RequestSpec::from_options(method, path, options, raw_body)
            .map_err(|e| Error::config(format!("SyncQueue::pushRequest(): {}", e.message())))?;
        let mut spec = Self {
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            json: None,
            form: None,
            body: None,
            body_base64: None,
            idempotency_key: request.idempotency_key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            timeout_s: request.timeout.map(|t| t.as_secs_f64()),
        };
        match request.body {
            Body::Empty => {}
            Body::Json(v) => spec.json = Some(v),
            Body::Form(pairs) => spec.form = Some(pairs),
            Body::Raw(bytes) => match String::from_utf8(bytes) {
                Ok(text) => spec.body = Some(text),
                Err(e) => spec.body_base64 = Some(base64::engine::general_purpose::STANDARD.encode(e.into_bytes())),
            },
        }
        Ok(spec)
    }

    /// Reads a spec back from a job payload.
    ///
    /// # Errors
    /// `Corrupt` when the payload is not a delivery spec.
    pub fn from_payload(payload: &str) -> Result<Self> {
        serde_json::from_str(payload).map_err(|e| Error::corrupt(format!("not an HTTP delivery payload: {e}")))
    }

    /// The payload JSON.
    pub fn to_payload(&self) -> String {
        // Serialising plain strings, pairs and a serde_json::Value cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// The request the client sends for job `job_id`.
    ///
    /// # Errors
    /// `Corrupt` when `body_base64` is not base64.
    pub fn to_request(&self, job_id: i64) -> Result<RequestSpec> {
        let mut request = RequestSpec::new(&self.method, &self.path);
        request.query = self.query.clone();
        request.headers = self.headers.clone();
        request.body = if let Some(json) = &self.json {
            Body::Json(json.clone())
        } else if let Some(form) = &self.form {
            Body::Form(form.clone())
        } else if let Some(text) = &self.body {
            Body::Raw(text.as_bytes().to_vec())
        } else if let Some(b64) = &self.body_base64 {
            Body::Raw(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| Error::corrupt(format!("job {job_id}: body_base64 is not base64: {e}")))?,
            )
        } else {
            Body::Empty
        };
        request.timeout = self.timeout_s.filter(|s| s.is_finite() && *s >= 0.0).map(|s| Duration::from_secs_f64(s.min(1e9)));
        request.idempotency_key = Some(self.idempotency_key.clone());
        request.job_id = Some(job_id);
        Ok(request)
    }
}

/// Option keys of `runDeliveries()`.
pub const RUN_OPTION_KEYS: &[&str] = &["limit", "concurrency", "time_budget_s", "types", "lease_s"];

/// Validated `runDeliveries()` options.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Most jobs to take in this run. Default is 1,000.
    pub limit: u32,
    /// Requests in flight at once. Default is 32.
    pub concurrency: usize,
    /// No new batch is claimed after this much time. Default is 60 s.
    pub time_budget: Duration,
    /// Job types to deliver. Default is `["conduit.http"]`.
    pub types: Vec<String>,
    /// Lease of each claimed batch. Default is 300 s.
    pub lease_ms: i64,
}

impl RunOptions {
    /// # Errors
    /// `Config` for unknown keys or bad values.
    pub fn from_value(options: Option<&Value>) -> Result<Self> {
        let r = OptionReader::new("SyncQueue::runDeliveries()", options, RUN_OPTION_KEYS)?;
        Ok(Self {
            limit: r.integer("limit", 1, 1_000_000, "an integer from 1 to 1000000")?.unwrap_or(1_000) as u32,
            concurrency: r.integer("concurrency", 1, 1_000, "an integer from 1 to 1000")?.unwrap_or(32) as usize,
            time_budget: Duration::from_secs_f64(
                r.number("time_budget_s", 0.001, 86_400.0, "a number of seconds from 0.001 to 86400")?.unwrap_or(60.0),
            ),
            types: r.string_list("types", 191)?.unwrap_or_else(|| vec![DELIVERY_JOB_TYPE.to_string()]),
            lease_ms: r.number("lease_s", 1.0, 86_400.0, "a number of seconds from 1 to 86400")?.map_or(300_000, secs_to_ms),
        })
    }
}

/// What one `runDeliveries()` call did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliverySummary {
    /// Answered 2xx/3xx and acked.
    pub delivered: u64,
    /// Failed this time, rescheduled (backoff, or the server's Retry-After).
    pub retried: u64,
    /// Dead-lettered: a 4xx business error, a bad payload, or out of attempts.
    pub failed: u64,
    /// Given back untouched (attempt not counted) because the circuit was open.
    pub skipped: u64,
    /// Queue operations that failed (the job stays leased and is redelivered after
    /// its lease): counted, with the last message.
    pub queue_errors: u64,
    pub last_queue_error: Option<String>,
    pub duration: Duration,
}

/// What to do with a job after its request: the one failure policy of conduit-http.
/// Every delivery carries an idempotency key, so it is always repeatable.
fn classify(e: &conduit_http::Error) -> FailDefaults {
    fail_defaults(conduit_http::failure_policy::decide(e.kind(), e.status(), true, e.retry_after()))
}

/// A policy decision as the queue's `fail()` defaults.
pub fn fail_defaults(decision: conduit_http::Decision) -> FailDefaults {
    match decision {
        conduit_http::Decision::RetryNow => FailDefaults { retryable: true, retry_after_ms: None },
        conduit_http::Decision::RescheduleAfter(wait) => {
            FailDefaults { retryable: true, retry_after_ms: Some(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)) }
        }
        conduit_http::Decision::DeadLetter => FailDefaults { retryable: false, retry_after_ms: None },
    }
}

fn error_text(e: &conduit_http::Error) -> String {
    format!("Conduit\\{}: {}", e.php_class(), e.message())
}

/// Claims HTTP delivery jobs and sends them through `client` (its retries, rate limit
/// and circuit breaker apply), keeping `concurrency` requests in flight: a slot freed by
/// a finished request is refilled at once — from the claimed jobs, or by claiming the
/// next batch — so one slow request (a `Retry-After` wait inside the client) never
/// stalls the others. Each job is acked (in small batches), rescheduled or
/// dead-lettered as soon as its request ends. An open circuit gives the jobs not yet
/// sent back without counting an attempt and ends the run. Every attempt record
/// carries the job id.
///
/// # Errors
/// `Database` only when the very first claim fails (nothing was sent); later queue
/// errors are counted in the summary, their jobs are redelivered after the lease.
pub fn run_deliveries(queue: &Queue, client: &ApiClient, options: &RunOptions) -> Result<DeliverySummary> {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    use std::collections::VecDeque;

    const ACK_BATCH: usize = 50;
    let started = Instant::now();
    let concurrency = options.concurrency.max(1);
    let batch = (options.concurrency * 4).clamp(1, 1_000) as u64;
    client.block_on(async {
        let mut summary = DeliverySummary::default();
        let mut taken: u64 = 0;
        let mut first_claim = true;
        let mut no_more_jobs = false;
        let mut circuit_open = false;
        let mut ready: VecDeque<(i64, RequestSpec)> = VecDeque::new();
        let mut in_flight = FuturesUnordered::new();
        let mut acks: Vec<i64> = Vec::new();
        loop {
            while in_flight.len() < concurrency && !circuit_open {
                if ready.is_empty()
                    && !no_more_jobs
                    && taken < u64::from(options.limit)
                    && started.elapsed() < options.time_budget
                {
                    let want = batch.min(u64::from(options.limit) - taken) as u32;
                    match queue.claim_with(want, options.lease_ms, options.types.clone()) {
                        Ok(jobs) if jobs.is_empty() => no_more_jobs = true,
                        Ok(jobs) => {
                            taken += jobs.len() as u64;
                            for job in jobs {
                                match DeliverySpec::from_payload(&job.payload).and_then(|spec| spec.to_request(job.id)) {
                                    Ok(request) => ready.push_back((job.id, request)),
                                    Err(e) => {
                                        let final_failure = FailDefaults { retryable: false, retry_after_ms: None };
                                        let outcome = queue.fail(job.id, e.message(), final_failure, None);
                                        record(&mut summary, outcome.map(|_| Outcome::Failed));
                                    }
                                }
                            }
                        }
                        Err(e) if first_claim => return Err(e),
                        Err(e) => {
                            record(&mut summary, Err(e));
                            no_more_jobs = true;
                        }
                    }
                    first_claim = false;
                }
                let Some((id, request)) = ready.pop_front() else { break };
                in_flight.push(async move { (id, client.execute(&request, None).await) });
            }
            let Some((id, result)) = in_flight.next().await else { break };
            match result {
                Ok(_) => {
                    acks.push(id);
                    if acks.len() >= ACK_BATCH {
                        flush_acks(queue, &mut acks, &mut summary);
                    }
                }
                Err(e) if e.is_circuit_open() => {
                    circuit_open = true;
                    let delay = e.retry_after().map_or(0.0, |d| d.as_secs_f64()).min(2_592_000.0);
                    record(&mut summary, queue.release(id, delay).map(|_| Outcome::Skipped));
                    // Claimed but not sent: back to the queue, attempts untouched.
                    for (id, _) in ready.drain(..) {
                        record(&mut summary, queue.release(id, delay).map(|_| Outcome::Skipped));
                    }
                }
                Err(e) => {
                    let outcome = queue.fail(id, &error_text(&e), classify(&e), None);
                    if matches!(outcome, Ok(crate::FailOutcome::Retrying { .. })) {
                        // A rescheduled job may already be due again (short backoff):
                        // look for work once more instead of ending the run.
                        no_more_jobs = false;
                    }
                    record(
                        &mut summary,
                        outcome.map(|o| match o {
                            crate::FailOutcome::Retrying { .. } => Outcome::Retried,
                            crate::FailOutcome::Failed => Outcome::Failed,
                        }),
                    );
                }
            }
        }
        flush_acks(queue, &mut acks, &mut summary);
        summary.duration = started.elapsed();
        Ok(summary)
    })
}

/// Acks finished jobs in one transaction (one commit for many jobs).
fn flush_acks(queue: &Queue, acks: &mut Vec<i64>, summary: &mut DeliverySummary) {
    if acks.is_empty() {
        return;
    }
    match queue.ack_many(acks) {
        Ok(refused) => summary.delivered += (acks.len() - refused.len()) as u64,
        Err(e) => record(summary, Err(e)),
    }
    acks.clear();
}

enum Outcome {
    Retried,
    Failed,
    Skipped,
}

fn record(summary: &mut DeliverySummary, outcome: Result<Outcome>) {
    match outcome {
        Ok(Outcome::Retried) => summary.retried += 1,
        Ok(Outcome::Failed) => summary.failed += 1,
        Ok(Outcome::Skipped) => summary.skipped += 1,
        Err(e) => {
            summary.queue_errors += 1;
            summary.last_queue_error = Some(e.message().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generates_a_key_and_round_trips() {
        let spec = DeliverySpec::from_options("post", "/orders", &json!({"json": {"id": 42}, "query": {"page": 2}}), None).unwrap();
        assert_eq!(spec.method, "POST");
        assert_eq!(spec.idempotency_key.len(), 36);
        let back = DeliverySpec::from_payload(&spec.to_payload()).unwrap();
        assert_eq!(back, spec);
        let request = back.to_request(7).unwrap();
        assert_eq!(request.idempotency_key.as_deref(), Some(spec.idempotency_key.as_str()));
        assert_eq!(request.job_id, Some(7));
        assert_eq!(request.body, Body::Json(json!({"id": 42})));
    }

    #[test]
    fn keeps_the_callers_key_and_binary_bodies() {
        let spec = DeliverySpec::from_options("PUT", "/blob", &json!({"idempotency_key": "k-1"}), Some(vec![0xff, 0x00])).unwrap();
        assert_eq!(spec.idempotency_key, "k-1");
        assert_eq!(spec.body_base64.as_deref(), Some("/wA="));
        assert_eq!(spec.to_request(1).unwrap().body, Body::Raw(vec![0xff, 0x00]));
    }

    #[test]
    fn rejects_what_the_client_would_reject() {
        let err = DeliverySpec::from_options("GE T", "/x", &json!({}), None).unwrap_err();
        assert!(err.is_config(), "{err}");
        let err = DeliverySpec::from_options("GET", "/x", &json!({"json": 1, "body": "x"}), None).unwrap_err();
        assert!(err.message().contains("exclusive"), "{err}");
    }
}
