//! `SyncQueue::runDeliveries()`: the delivery runner.

use std::time::{Duration, Instant};

use conduit_http::{ApiClient, RequestSpec};
use conduit_store::options::{secs_to_ms, OptionReader};
use conduit_store::{DeliverySpec, Error, FailDefaults, FailOutcome, Job, Queue, Result, DELIVERY_JOB_TYPE};
use serde_json::Value;

use crate::spec::to_request;

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
/// The SQL (claim, ack, fail, release) runs on a database thread of this call, fed
/// by a channel, while the HTTP runtime thread keeps polling the requests in flight:
/// a slow or locked database delays only the bookkeeping, never the network I/O, so
/// no request times out because of the database. The thread is scoped to the call
/// (created after any fork, joined before returning) and calls the queue one
/// statement at a time, in the order the runner issued them. The run returns only
/// when every call has answered, so every job is accounted for.
///
/// # Errors
/// `Database` only when the very first claim fails (nothing was sent); later queue
/// errors are counted in the summary, their jobs are redelivered after the lease.
pub fn run_deliveries(queue: &Queue, client: &ApiClient, options: &RunOptions) -> Result<DeliverySummary> {
    let mailbox = Mailbox::default();
    let (calls, incoming) = crossbeam_channel::unbounded::<DbCall>();
    std::thread::scope(|scope| {
        let db_thread = std::thread::Builder::new()
            .name("conduit-delivery-db".into())
            .spawn_scoped(scope, || serve_db_calls(queue, options, &incoming, &mailbox))
            .map_err(|e| Error::database("start the delivery runner's database thread", e))?;
        let outcome = client.block_on(drive(client, options, DbLink { calls, mailbox: &mailbox, outstanding: 0 }));
        // `drive` dropped its sender: the thread has seen the last call and ends.
        let _ = db_thread.join();
        outcome
    })
}

/// One database call of the runner.
enum DbCall {
    Claim { want: u32 },
    Fail { id: i64, error: String, defaults: FailDefaults },
    AckMany(Vec<i64>),
    Release { id: i64, delay_s: f64 },
}

/// Its answer, with what the runner needs to account for it.
enum DbReply {
    Claimed(Result<Vec<Job>>),
    Failed(Result<FailOutcome>),
    Acked { count: usize, refused: Result<Vec<i64>> },
    Released(Result<()>),
}

impl DbCall {
    fn run(self, queue: &Queue, options: &RunOptions) -> DbReply {
        match self {
            DbCall::Claim { want } => DbReply::Claimed(queue.claim_with(want, options.lease_ms, options.types.clone())),
            DbCall::Fail { id, error, defaults } => DbReply::Failed(queue.fail(id, &error, defaults, None)),
            DbCall::AckMany(ids) => DbReply::Acked { count: ids.len(), refused: queue.ack_many(&ids) },
            DbCall::Release { id, delay_s } => DbReply::Released(queue.release(id, delay_s)),
        }
    }

    /// The reply when the call could not run (the thread caught a panic).
    fn broken(kind: CallKind, message: &str) -> DbReply {
        let e = || Error::database_msg(format!("the delivery runner's database call failed: {message}"));
        match kind {
            CallKind::Claim => DbReply::Claimed(Err(e())),
            CallKind::Fail => DbReply::Failed(Err(e())),
            CallKind::AckMany(count) => DbReply::Acked { count, refused: Err(e()) },
            CallKind::Release => DbReply::Released(Err(e())),
        }
    }

    fn kind(&self) -> CallKind {
        match self {
            DbCall::Claim { .. } => CallKind::Claim,
            DbCall::Fail { .. } => CallKind::Fail,
            DbCall::AckMany(ids) => CallKind::AckMany(ids.len()),
            DbCall::Release { .. } => CallKind::Release,
        }
    }
}

#[derive(Clone, Copy)]
enum CallKind {
    Claim,
    Fail,
    AckMany(usize),
    Release,
}

/// The database thread's body: one call at a time, every call answered (a panic in
/// a call becomes an error reply, so the runner never waits for an answer that
/// cannot come).
fn serve_db_calls(queue: &Queue, options: &RunOptions, incoming: &crossbeam_channel::Receiver<DbCall>, mailbox: &Mailbox) {
    for call in incoming.iter() {
        let kind = call.kind();
        let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call.run(queue, options))).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            DbCall::broken(kind, &message)
        });
        mailbox.post(reply);
    }
}

/// Replies from the database thread to the runtime thread: a queue and the waker of
/// the task waiting for it.
#[derive(Default)]
struct Mailbox {
    replies: std::sync::Mutex<std::collections::VecDeque<DbReply>>,
    waker: futures_util::task::AtomicWaker,
}

impl Mailbox {
    fn post(&self, reply: DbReply) {
        self.replies.lock().unwrap_or_else(|p| p.into_inner()).push_back(reply);
        self.waker.wake();
    }

    fn poll_take(&self, cx: &mut std::task::Context<'_>) -> Option<DbReply> {
        // Register first: a reply posted after the check below still wakes us.
        self.waker.register(cx.waker());
        self.replies.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
    }
}

/// The runner's end of the database thread.
struct DbLink<'a> {
    calls: crossbeam_channel::Sender<DbCall>,
    mailbox: &'a Mailbox,
    /// Calls sent and not yet answered.
    outstanding: usize,
}

impl DbLink<'_> {
    fn send(&mut self, call: DbCall) {
        let kind = call.kind();
        match self.calls.send(call) {
            Ok(()) => {}
            // The thread is gone (cannot happen while `drive` holds the sender and the
            // thread loops until it is dropped); answer locally so nothing is lost.
            Err(_) => self.mailbox.post(DbCall::broken(kind, "the database thread stopped")),
        }
        self.outstanding += 1;
    }
}

/// What the runner waits for next.
enum Event {
    Http(i64, std::result::Result<conduit_http::Response, conduit_http::Error>),
    Db(DbReply),
}

async fn drive(client: &ApiClient, options: &RunOptions, mut db: DbLink<'_>) -> Result<DeliverySummary> {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    use std::collections::VecDeque;
    use std::task::Poll;

    const ACK_BATCH: usize = 50;
    let started = Instant::now();
    let concurrency = options.concurrency.max(1);
    let batch = (options.concurrency * 4).clamp(1, 1_000) as u64;
    let mut summary = DeliverySummary::default();
    let mut taken: u64 = 0;
    let mut first_claim = true;
    let mut claiming = false;
    let mut no_more_jobs = false;
    // Some(delay) once a request met an open circuit: jobs not sent go back with it.
    let mut circuit_open: Option<f64> = None;
    let mut ready: VecDeque<(i64, RequestSpec)> = VecDeque::new();
    let mut in_flight = FuturesUnordered::new();
    let mut acks: Vec<i64> = Vec::new();
    loop {
        while in_flight.len() < concurrency && circuit_open.is_none() {
            if ready.is_empty()
                && !claiming
                && !no_more_jobs
                && taken < u64::from(options.limit)
                && started.elapsed() < options.time_budget
            {
                let want = batch.min(u64::from(options.limit) - taken) as u32;
                db.send(DbCall::Claim { want });
                claiming = true;
            }
            let Some((id, request)) = ready.pop_front() else { break };
            in_flight.push(async move { (id, client.execute(&request, None).await) });
        }
        if !acks.is_empty() && (acks.len() >= ACK_BATCH || (in_flight.is_empty() && ready.is_empty() && !claiming)) {
            db.send(DbCall::AckMany(std::mem::take(&mut acks)));
        }
        if in_flight.is_empty() && db.outstanding == 0 {
            break;
        }
        let event = std::future::poll_fn(|cx| {
            if let Some(reply) = db.mailbox.poll_take(cx) {
                return Poll::Ready(Event::Db(reply));
            }
            match in_flight.poll_next_unpin(cx) {
                Poll::Ready(Some((id, result))) => Poll::Ready(Event::Http(id, result)),
                // Empty: only database replies are awaited (the waker is registered).
                Poll::Ready(None) | Poll::Pending => Poll::Pending,
            }
        })
        .await;
        match event {
            Event::Db(reply) => {
                db.outstanding -= 1;
                match reply {
                    DbReply::Claimed(claimed) => {
                        claiming = false;
                        match claimed {
                            Ok(jobs) if jobs.is_empty() => no_more_jobs = true,
                            Ok(jobs) => {
                                taken += jobs.len() as u64;
                                for job in jobs {
                                    if let Some(delay_s) = circuit_open {
                                        // Claimed while the circuit opened: back untouched.
                                        db.send(DbCall::Release { id: job.id, delay_s });
                                        continue;
                                    }
                                    match DeliverySpec::from_payload(&job.payload).and_then(|spec| to_request(&spec, job.id)) {
                                        Ok(request) => ready.push_back((job.id, request)),
                                        Err(e) => db.send(DbCall::Fail {
                                            id: job.id,
                                            error: e.message().to_string(),
                                            defaults: FailDefaults { retryable: false, retry_after_ms: None },
                                        }),
                                    }
                                }
                            }
                            Err(e) if first_claim => {
                                // Nothing was sent and nothing else is outstanding.
                                return Err(e);
                            }
                            Err(e) => {
                                record(&mut summary, Err(e));
                                no_more_jobs = true;
                            }
                        }
                        first_claim = false;
                    }
                    DbReply::Failed(outcome) => {
                        if matches!(outcome, Ok(FailOutcome::Retrying { .. })) {
                            // A rescheduled job may already be due again (short backoff):
                            // look for work once more instead of ending the run.
                            no_more_jobs = false;
                        }
                        record(
                            &mut summary,
                            outcome.map(|o| match o {
                                FailOutcome::Retrying { .. } => Outcome::Retried,
                                FailOutcome::Failed => Outcome::Failed,
                            }),
                        );
                    }
                    DbReply::Acked { count, refused } => match refused {
                        Ok(refused) => summary.delivered += count.saturating_sub(refused.len()) as u64,
                        Err(e) => record(&mut summary, Err(e)),
                    },
                    DbReply::Released(outcome) => record(&mut summary, outcome.map(|()| Outcome::Skipped)),
                }
            }
            Event::Http(id, Ok(_)) => acks.push(id),
            Event::Http(id, Err(e)) if e.is_circuit_open() => {
                let delay_s = e.retry_after().map_or(0.0, |d| d.as_secs_f64()).min(2_592_000.0);
                if circuit_open.is_none() {
                    circuit_open = Some(delay_s);
                }
                db.send(DbCall::Release { id, delay_s });
                // Claimed but not sent: back to the queue, attempts untouched.
                for (id, _) in ready.drain(..) {
                    db.send(DbCall::Release { id, delay_s });
                }
            }
            Event::Http(id, Err(e)) => db.send(DbCall::Fail { id, error: error_text(&e), defaults: classify(&e) }),
        }
    }
    summary.duration = started.elapsed();
    Ok(summary)
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

