//! The background writer: one thread per store per process, fed by a bounded
//! crossbeam channel, inserting in batches.
//!
//! Flushes happen when a batch is full (`batch_size`), when the oldest queued record
//! has waited `flush_interval`, on [`LogWriter::flush`] (PHP's `RequestLog::flush()`
//! and request end) and on [`LogWriter::shutdown`] (process exit).
//!
//! While the database cannot take records (unreachable, or refusing connections)
//! the writer appends them to the local spool ([`super::spool`]) instead of waiting,
//! probes the database with a growing pause (50 ms … 2 s) and, once it answers,
//! inserts the spooled records — its own and those left by dead processes of the
//! same store — and deletes the files. So a flush (request end) never waits for a
//! dead database: it returns once every record is in the table *or the spool*.
//! Only a full spool drops records (counted in `spool_dropped` and `dropped`). When
//! no spool can be used (directory not writable) the writer falls back to keeping
//! records in memory and retrying, as follows.
//!
//! Back-pressure, not loss: when the channel is full, [`LogWriter::submit`] blocks
//! the caller until the writer catches up. Records are only dropped when the
//! database has been unreachable for longer than `drop_grace` (then a full channel
//! would block the site forever) or when shutdown times out with the database down;
//! every drop is counted and the last database error kept, for `stats()` and
//! phpinfo. A batch the database *rejects* while it is otherwise reachable (it
//! answers a ping) is retried row by row so one bad row cannot block the rest.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, SendTimeoutError, Sender, TrySendError};

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::model::log::LogRow;
use crate::request_log::spool::{Appended, Spool};

/// Tuning of a writer. Set through the Store's `log_*` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    /// Records per INSERT. Default is 100.
    pub batch_size: usize,
    /// Longest a record waits before its batch is written. Default is 200 ms.
    pub flush_interval: Duration,
    /// Records queued in memory before `submit` blocks. Default is 10,000.
    pub capacity: usize,
    /// How long the database may be unreachable before records are dropped.
    /// Default is 30 s.
    pub drop_grace: Duration,
    /// How long `flush()` waits. Default is 5 s.
    pub flush_timeout: Duration,
}

impl Default for WriterOptions {
    fn default() -> Self {
        Self {
            batch_size: 100,
            flush_interval: Duration::from_millis(200),
            capacity: 10_000,
            drop_grace: Duration::from_secs(30),
            flush_timeout: Duration::from_secs(5),
        }
    }
}

/// Counters of one writer in this process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Records accepted by `submit`.
    pub accepted: u64,
    /// Records in the table.
    pub written: u64,
    /// Records given up (database unreachable past the grace, or rejected rows).
    pub dropped: u64,
    /// Records accepted but not yet written or dropped.
    pub pending: u64,
    /// INSERT batches written.
    pub batches: u64,
    /// Failed write attempts.
    pub write_errors: u64,
    /// Since when (ms since epoch) the database has been unreachable; None when fine.
    pub unreachable_since_ms: Option<i64>,
    /// Records this process put in the local spool (database unreachable).
    pub spooled: u64,
    /// Records this process inserted from spool files (its own or a dead process's).
    pub replayed: u64,
    /// Records dropped because the spool was full (also counted in `dropped`).
    pub spool_dropped: u64,
    /// The last database error message.
    pub last_error: Option<String>,
}

enum Msg {
    Record(Box<LogRow>),
    /// Write everything queued before this message, then answer. With a spool: also
    /// insert this process's spooled records (probing the database now).
    Flush(Sender<std::result::Result<(), String>>),
    /// Like Flush, but with a spool never waits for the database: what it cannot
    /// take at once goes to the spool (request end).
    FlushQuick(Sender<std::result::Result<(), String>>),
    /// Like Flush, then stop the thread.
    Shutdown(Sender<std::result::Result<(), String>>),
}

#[derive(Default)]
struct Shared {
    accepted: AtomicU64,
    written: AtomicU64,
    dropped: AtomicU64,
    batches: AtomicU64,
    write_errors: AtomicU64,
    /// 0 when reachable, else ms since epoch of the first failure.
    unreachable_since: AtomicI64,
    spooled: AtomicU64,
    replayed: AtomicU64,
    spool_dropped: AtomicU64,
    /// This process put records in the spool that are not inserted yet.
    spool_backlog: AtomicBool,
    last_error: Mutex<Option<String>>,
}

impl Shared {
    fn set_error(&self, message: String) {
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(message);
    }

    fn unreachable_for(&self) -> Option<Duration> {
        match self.unreachable_since.load(Ordering::Acquire) {
            0 => None,
            since => Some(Duration::from_millis((crate::clock::now_ms() - since).max(0) as u64)),
        }
    }
}

/// A running writer. Cheap to share; all methods take `&self`.
pub struct LogWriter {
    sender: Sender<Msg>,
    shared: Arc<Shared>,
    options: WriterOptions,
    thread: Mutex<Option<JoinHandle<()>>>,
    label: String,
    /// The writer has a spool: a full queue only ever waits for it (never drops).
    spooled: bool,
}

/// How long a blocked `submit` sleeps between checks of the database state.
const SUBMIT_POLL: Duration = Duration::from_millis(50);
/// Retry pause while the database is unreachable (doubles up to the cap).
const RETRY_MIN: Duration = Duration::from_millis(50);
const RETRY_MAX: Duration = Duration::from_secs(2);

impl LogWriter {
    /// Starts the writer thread over `backend` (a connection of its own).
    ///
    /// # Errors
    /// `Database` if the OS refuses to start a thread.
    /// With the local spool of the store `store_key` (this process's spool settings,
    /// [`super::spool::config`]; none when `conduit.log_spool_max_mb` is 0).
    pub(crate) fn start_spooled(backend: Arc<dyn Backend>, options: WriterOptions, label: String, store_key: &str) -> Result<Arc<Self>> {
        let config = super::spool::config();
        let spool = (config.max_bytes > 0).then(|| Spool::new(store_key, &config));
        Self::start_with_spool(backend, options, label, spool)
    }

    fn start_with_spool(backend: Arc<dyn Backend>, options: WriterOptions, label: String, spool: Option<Spool>) -> Result<Arc<Self>> {
        let spooled = spool.is_some();
        let (sender, receiver) = bounded(options.capacity.max(1));
        let shared = Arc::new(Shared::default());
        let thread_shared = Arc::clone(&shared);
        // Every event of the thread names its store (enabled at any level but off); a
        // root span, not a child of whatever request happened to start the writer.
        let span = tracing::error_span!(parent: None, "request_log.writer", store = %label);
        let handle = std::thread::Builder::new()
            .name("conduit-log-writer".into())
            .spawn(move || span.in_scope(|| run(backend, receiver, options, thread_shared, spool)))
            .map_err(|e| Error::database("start the request-log writer thread", e))?;
        Ok(Arc::new(Self { sender, shared, options, thread: Mutex::new(Some(handle)), label, spooled }))
    }

    /// Queues a record. Blocks while the queue is full and the database is
    /// reachable (back-pressure); returns false when the record had to be dropped.
    pub fn submit(&self, row: LogRow) -> bool {
        let mut msg = Msg::Record(Box::new(row));
        loop {
            match self.sender.try_send(msg) {
                Ok(()) => {
                    self.shared.accepted.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
                Err(TrySendError::Disconnected(_)) => {
                    self.shared.dropped.fetch_add(1, Ordering::Relaxed);
                    self.shared.accepted.fetch_add(1, Ordering::Relaxed);
                    return false;
                }
                Err(TrySendError::Full(back)) => {
                    // With a spool the writer empties the queue into it within a batch
                    // write, so waiting is short; only without one does a long outage drop.
                    if !self.spooled && self.shared.unreachable_for().is_some_and(|d| d >= self.options.drop_grace) {
                        self.shared.accepted.fetch_add(1, Ordering::Relaxed);
                        let dropped = self.shared.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                        // At 1, 2, 4, 8… drops: an outage is visible without a line per record.
                        if dropped.is_power_of_two() {
                            tracing::warn!(
                                store = %self.label,
                                dropped_total = dropped,
                                "request log: record dropped, the database is unreachable beyond log_drop_grace_s"
                            );
                        }
                        return false;
                    }
                    match self.sender.send_timeout(back, SUBMIT_POLL) {
                        Ok(()) => {
                            self.shared.accepted.fetch_add(1, Ordering::Relaxed);
                            return true;
                        }
                        Err(SendTimeoutError::Timeout(back)) => msg = back,
                        Err(SendTimeoutError::Disconnected(_)) => {
                            self.shared.accepted.fetch_add(1, Ordering::Relaxed);
                            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
                            return false;
                        }
                    }
                }
            }
        }
    }

    /// Waits until everything submitted before this call is written.
    ///
    /// # Errors
    /// `Database` with the last driver error when that does not happen in `timeout`.
    pub fn flush(&self, timeout: Duration) -> Result<()> {
        if self.pending() == 0 && !self.shared.spool_backlog.load(Ordering::Acquire) {
            return Ok(());
        }
        self.request(timeout, Msg::Flush)
    }

    /// For request end: waits (at most `timeout`) until everything submitted before
    /// this call is in the table or, while the database is unreachable, in the local
    /// spool — never for a database that is known to be down. Not done in time is
    /// not a failure: the writer goes on in the background (a slow database).
    ///
    /// # Errors
    /// `Database` only when the writer thread is gone (its records are lost).
    pub fn flush_quick(&self, timeout: Duration) -> Result<()> {
        if self.pending() == 0 {
            return Ok(());
        }
        let deadline = Instant::now() + timeout;
        let (ack_tx, ack_rx) = bounded(1);
        match self.sender.send_deadline(Msg::FlushQuick(ack_tx), deadline) {
            Ok(()) => {}
            Err(crossbeam_channel::SendTimeoutError::Timeout(_)) => return Ok(()),
            Err(crossbeam_channel::SendTimeoutError::Disconnected(_)) => return Err(self.flush_error(timeout)),
        }
        match ack_rx.recv_deadline(deadline) {
            Ok(_) | Err(crossbeam_channel::RecvTimeoutError::Timeout) => Ok(()),
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => Err(self.flush_error(timeout)),
        }
    }

    fn request(&self, timeout: Duration, make: fn(Sender<std::result::Result<(), String>>) -> Msg) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let (ack_tx, ack_rx) = bounded(1);
        if self.sender.send_deadline(make(ack_tx), deadline).is_err() {
            return Err(self.flush_error(timeout));
        }
        match ack_rx.recv_deadline(deadline) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(Error::database_msg(format!("the request log ({}) could not be flushed: {message}", self.label))),
            Err(_) => Err(self.flush_error(timeout)),
        }
    }

    fn flush_error(&self, timeout: Duration) -> Error {
        let last = self.shared.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Error::database_msg(format!(
            "the request log ({}) could not be written within {:.1} s; {} records still queued{}",
            self.label,
            timeout.as_secs_f64(),
            self.pending(),
            last.map(|e| format!("; last database error: {e}")).unwrap_or_default()
        ))
    }

    /// Writes what is queued (waiting at most `timeout`), stops and joins the thread.
    /// What could not be written in time is counted as dropped.
    pub fn shutdown(&self, timeout: Duration) {
        let handle = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
        let Some(handle) = handle else { return };
        let deadline = Instant::now() + timeout;
        let (ack_tx, ack_rx) = bounded(1);
        if self.sender.send_deadline(Msg::Shutdown(ack_tx), deadline).is_ok() && ack_rx.recv_deadline(deadline).is_ok() {
            let _ = handle.join();
            return;
        }
        // The database stayed down: what is still queued is lost; say so in the counters.
        let lost = self.pending();
        self.shared.dropped.fetch_add(lost, Ordering::Relaxed);
        tracing::warn!(store = %self.label, dropped = lost, "request log: records dropped at shutdown, the database was unreachable");
        // The thread is left running; the process is exiting.
        std::mem::forget(handle);
    }

    fn pending(&self) -> u64 {
        let accepted = self.shared.accepted.load(Ordering::Acquire);
        let done = self.shared.written.load(Ordering::Acquire)
            + self.shared.dropped.load(Ordering::Acquire)
            + self.shared.spooled.load(Ordering::Acquire);
        accepted.saturating_sub(done)
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> WriterStats {
        let since = self.shared.unreachable_since.load(Ordering::Acquire);
        WriterStats {
            accepted: self.shared.accepted.load(Ordering::Acquire),
            written: self.shared.written.load(Ordering::Acquire),
            dropped: self.shared.dropped.load(Ordering::Acquire),
            pending: self.pending(),
            batches: self.shared.batches.load(Ordering::Acquire),
            write_errors: self.shared.write_errors.load(Ordering::Acquire),
            unreachable_since_ms: (since != 0).then_some(since),
            spooled: self.shared.spooled.load(Ordering::Acquire),
            replayed: self.shared.replayed.load(Ordering::Acquire),
            spool_dropped: self.shared.spool_dropped.load(Ordering::Acquire),
            last_error: self.shared.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        }
    }

    /// Which store this writer writes to (DSN without password).
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// The thread body: with a spool, [`run_spooled`]; without, records wait in memory.
fn run(backend: Arc<dyn Backend>, receiver: Receiver<Msg>, options: WriterOptions, shared: Arc<Shared>, spool: Option<Spool>) {
    match spool {
        Some(spool) => run_spooled(&*backend, &receiver, options, &shared, &spool),
        None => run_in_memory(backend, receiver, options, shared),
    }
}

/// Collect, write on size/interval/flush, stop on shutdown; while the database is
/// unreachable records wait in memory (the writer retries with a pause).
fn run_in_memory(backend: Arc<dyn Backend>, receiver: Receiver<Msg>, options: WriterOptions, shared: Arc<Shared>) {
    let mut batch: Vec<LogRow> = Vec::with_capacity(options.batch_size);
    let mut oldest: Option<Instant> = None;
    loop {
        let msg = match oldest {
            None => receiver.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(since) => receiver.recv_timeout(options.flush_interval.saturating_sub(since.elapsed())),
        };
        match msg {
            Ok(Msg::Record(row)) => {
                batch.push(*row);
                oldest.get_or_insert_with(Instant::now);
                if batch.len() >= options.batch_size {
                    write_batch(&*backend, &mut batch, &shared, None);
                    oldest = None;
                }
            }
            Ok(Msg::Flush(ack)) | Ok(Msg::FlushQuick(ack)) => {
                let outcome = drain_and_write(&*backend, &receiver, &mut batch, &shared, options);
                // Rows left after a timed-out flush (database down) are retried on the interval.
                oldest = (!batch.is_empty()).then(Instant::now);
                let _ = ack.send(outcome);
            }
            Ok(Msg::Shutdown(ack)) => {
                let outcome = drain_and_write(&*backend, &receiver, &mut batch, &shared, options);
                let _ = ack.send(outcome);
                return;
            }
            Err(RecvTimeoutError::Timeout) => {
                write_batch(&*backend, &mut batch, &shared, None);
                oldest = None;
            }
            Err(RecvTimeoutError::Disconnected) => {
                write_batch(&*backend, &mut batch, &shared, Some(Instant::now() + options.flush_timeout));
                return;
            }
        }
    }
}

/// Writes the current batch plus records already queued behind the flush request.
fn drain_and_write(
    backend: &dyn Backend,
    receiver: &Receiver<Msg>,
    batch: &mut Vec<LogRow>,
    shared: &Shared,
    options: WriterOptions,
) -> std::result::Result<(), String> {
    let deadline = Instant::now() + options.flush_timeout;
    // Records sent after the flush request are not owed to it, but writing the ones
    // already in the channel now saves a round trip; later messages stay queued.
    while batch.len() < options.batch_size * 10 {
        match receiver.try_recv() {
            Ok(Msg::Record(row)) => batch.push(*row),
            Ok(Msg::Flush(ack)) | Ok(Msg::FlushQuick(ack)) | Ok(Msg::Shutdown(ack)) => {
                // Answer nested requests after this write; simplest is to treat them
                // as satisfied by it.
                let outcome = write_all(backend, batch, shared, options, deadline);
                let _ = ack.send(outcome.clone());
                outcome?;
            }
            Err(_) => break,
        }
    }
    write_all(backend, batch, shared, options, deadline)
}

fn write_all(
    backend: &dyn Backend,
    batch: &mut Vec<LogRow>,
    shared: &Shared,
    options: WriterOptions,
    deadline: Instant,
) -> std::result::Result<(), String> {
    while !batch.is_empty() {
        let take = batch.len().min(options.batch_size);
        let mut chunk: Vec<LogRow> = batch.drain(..take).collect();
        write_batch(backend, &mut chunk, shared, Some(deadline));
        if !chunk.is_empty() {
            // Deadline passed with the database down: keep the rows for the next try.
            let rest = std::mem::take(batch);
            *batch = chunk;
            batch.extend(rest);
            let last = shared.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
            return Err(last.unwrap_or_else(|| "the database did not answer in time".into()));
        }
    }
    Ok(())
}

/// Writes `batch` (emptying it) — retrying while the database is unreachable, until
/// `deadline` if one is given (then the rows stay in `batch`).
fn write_batch(backend: &dyn Backend, batch: &mut Vec<LogRow>, shared: &Shared, deadline: Option<Instant>) {
    if batch.is_empty() {
        return;
    }
    let mut pause = RETRY_MIN;
    let mut rejected_rounds = 0;
    let started = Instant::now();
    loop {
        match backend.insert_log_batch(batch) {
            Ok(()) => {
                batch_written(shared, &shared.written, batch.len(), started);
                batch.clear();
                return;
            }
            Err(e) => {
                shared.write_errors.fetch_add(1, Ordering::Relaxed);
                shared.set_error(e.message().to_string());
                let error = crate::redact::mask_userinfo_passwords(e.message());
                if !e.is_transient() && backend.ping().is_ok() {
                    // Reachable but refused: after a second failure, write row by row and
                    // drop only the rows the database rejects.
                    rejected_rounds += 1;
                    tracing::info!(rows = batch.len(), %error, "request log batch rejected by the database");
                    if rejected_rounds >= 2 {
                        write_rows_one_by_one(backend, batch, shared);
                        return;
                    }
                } else {
                    if shared.unreachable_since.compare_exchange(0, crate::clock::now_ms(), Ordering::AcqRel, Ordering::Acquire).is_ok() {
                        tracing::info!(rows = batch.len(), %error, "request log: database unreachable, records wait");
                    }
                }
                if deadline.is_some_and(|d| Instant::now() + pause > d) {
                    return;
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(RETRY_MAX);
            }
        }
    }
}

fn write_rows_one_by_one(backend: &dyn Backend, batch: &mut Vec<LogRow>, shared: &Shared) {
    for row in batch.drain(..) {
        match backend.insert_log_batch(std::slice::from_ref(&row)) {
            Ok(()) => {
                shared.written.fetch_add(1, Ordering::Release);
            }
            Err(e) => {
                shared.dropped.fetch_add(1, Ordering::Release);
                shared.set_error(format!("record rejected and dropped: {}", e.message()));
                tracing::warn!(error = %crate::redact::mask_userinfo_passwords(e.message()), "request log record rejected by the database and dropped");
            }
        }
    }
    shared.batches.fetch_add(1, Ordering::Relaxed);
}

/// How often a writer with a reachable database looks for spool files of dead
/// processes of its store.
const ORPHAN_SCAN_EVERY: Duration = Duration::from_secs(10);

/// The spool side of a writer thread.
struct Spooler<'a> {
    backend: &'a dyn Backend,
    shared: &'a Shared,
    spool: &'a Spool,
    options: WriterOptions,
    /// Some((next probe, pause)) while the database is unreachable.
    down: Option<(Instant, Duration)>,
    next_scan: Instant,
}

impl Spooler<'_> {
    /// Writes `batch` to the table, or to the spool when the database cannot take it.
    /// Rows stay in `batch` only when the spool itself cannot be written.
    fn commit(&mut self, batch: &mut Vec<LogRow>) {
        if batch.is_empty() {
            return;
        }
        if self.down.is_none() {
            for chunk_start in (0..batch.len()).step_by(self.options.batch_size.max(1)) {
                let end = (chunk_start + self.options.batch_size.max(1)).min(batch.len());
                if !insert_rows(self.backend, &batch[chunk_start..end], self.shared, &self.shared.written) {
                    batch.drain(..chunk_start);
                    self.went_down();
                    self.put_in_spool(batch);
                    return;
                }
            }
            batch.clear();
        } else {
            self.put_in_spool(batch);
        }
    }

    fn went_down(&mut self) {
        if self.down.is_none() {
            self.down = Some((Instant::now() + RETRY_MIN, RETRY_MIN));
        }
    }

    fn put_in_spool(&mut self, batch: &mut Vec<LogRow>) {
        match self.spool.append(batch) {
            Ok(Appended::Stored) => {
                tracing::debug!(rows = batch.len(), "request log rows put in the local spool");
                self.shared.spooled.fetch_add(batch.len() as u64, Ordering::Release);
                self.shared.spool_backlog.store(true, Ordering::Release);
                batch.clear();
            }
            Ok(Appended::Full) => {
                let n = batch.len() as u64;
                tracing::warn!(dropped = n, spool = %self.spool.dir().display(), "request log: the local spool is full, records dropped");
                self.shared.spool_dropped.fetch_add(n, Ordering::Relaxed);
                self.shared.dropped.fetch_add(n, Ordering::Release);
                self.shared.set_error(format!(
                    "the request-log spool {} is full (conduit.log_spool_max_mb): {n} records dropped",
                    self.spool.dir().display()
                ));
                batch.clear();
            }
            Err(e) => {
                // No disk either: keep the rows in memory (bounded) for the next try.
                tracing::warn!(spool = %self.spool.dir().display(), error = %e, "request log: the local spool cannot be written, records wait in memory");
                self.shared.set_error(format!("the request-log spool {} cannot be written: {e}", self.spool.dir().display()));
                let cap = self.options.capacity.max(self.options.batch_size).max(1);
                if batch.len() > cap {
                    let excess = (batch.len() - cap) as u64;
                    batch.drain(..batch.len() - cap);
                    self.shared.dropped.fetch_add(excess, Ordering::Release);
                }
            }
        }
    }

    /// When the database is down and the pause is over: one ping; if it answers,
    /// replay the spool.
    fn probe_if_due(&mut self, batch: &mut Vec<LogRow>) {
        let Some((at, pause)) = self.down else { return };
        if Instant::now() < at {
            return;
        }
        if self.backend.ping().is_ok() {
            self.down = None;
            self.shared.unreachable_since.store(0, Ordering::Release);
            self.replay();
            if self.down.is_none() {
                self.commit(batch);
            }
        } else {
            let pause = (pause * 2).min(RETRY_MAX);
            self.down = Some((Instant::now() + pause, pause));
        }
    }

    /// Inserts every spool file this process may take; stops when the database goes
    /// away again (the rest stays on disk).
    fn replay(&mut self) {
        self.next_scan = Instant::now() + ORPHAN_SCAN_EVERY;
        if !self.spool.own_file().exists() {
            self.shared.spool_backlog.store(false, Ordering::Release);
        }
        for file in self.spool.replayable_files() {
            let (backend, shared) = (self.backend, self.shared);
            match self.spool.replay_file(&file, self.options.batch_size, |rows| insert_rows(backend, rows, shared, &shared.replayed)) {
                Ok((_, skipped, finished)) => {
                    if skipped > 0 {
                        self.shared.dropped.fetch_add(skipped, Ordering::Release);
                        self.shared.set_error(format!("{skipped} unreadable lines in the request-log spool file {} skipped", file.display()));
                    }
                    if !finished && self.shared.unreachable_since.load(Ordering::Acquire) != 0 {
                        self.went_down();
                        return;
                    }
                    if finished && file == self.spool.own_file() {
                        self.shared.spool_backlog.store(false, Ordering::Release);
                    }
                }
                Err(e) => self.shared.set_error(format!("the request-log spool file {} cannot be read: {e}", file.display())),
            }
        }
    }

    fn scan_if_due(&mut self) {
        if self.down.is_none() && Instant::now() >= self.next_scan {
            self.next_scan = Instant::now() + ORPHAN_SCAN_EVERY;
            if self.spool.has_replayable() {
                self.replay();
            }
        }
    }

    /// What a flush owes its caller: Ok when everything is in the table, else the
    /// message that says where the records went.
    fn flush_outcome(&self, spooled_before: u64, batch: &[LogRow]) -> std::result::Result<(), String> {
        let spooled = self.shared.spooled.load(Ordering::Acquire) - spooled_before;
        if spooled == 0 && batch.is_empty() {
            return Ok(());
        }
        let last = self.shared.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Err(format!(
            "the database is unreachable{}; {spooled} records were put in the local spool ({}) and are written when it answers again{}",
            last.map(|e| format!(" ({e})")).unwrap_or_default(),
            self.spool.dir().display(),
            if batch.is_empty() { String::new() } else { format!("; {} records wait in memory", batch.len()) }
        ))
    }
}

/// The bookkeeping of a batch the database took: `rows` counted in `counter`
/// (written, or replayed from the spool), one more batch, and the end of an
/// outage if one was on.
fn batch_written(shared: &Shared, counter: &AtomicU64, rows: usize, started: Instant) {
    counter.fetch_add(rows as u64, Ordering::Release);
    shared.batches.fetch_add(1, Ordering::Relaxed);
    let down_since = shared.unreachable_since.swap(0, Ordering::AcqRel);
    if down_since != 0 {
        tracing::info!(down_ms = (crate::clock::now_ms() - down_since).max(0), "request log: database reachable again");
    }
    tracing::debug!(rows, duration_ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0, "request log batch written");
}

/// One INSERT of `rows`, counted in `counter`. A batch the database refuses while it
/// is reachable is written row by row (rejected rows dropped). Returns false when
/// the database is unreachable (nothing written).
fn insert_rows(backend: &dyn Backend, rows: &[LogRow], shared: &Shared, counter: &AtomicU64) -> bool {
    if rows.is_empty() {
        return true;
    }
    let started = Instant::now();
    match backend.insert_log_batch(rows) {
        Ok(()) => {
            batch_written(shared, counter, rows.len(), started);
            true
        }
        Err(e) => {
            shared.write_errors.fetch_add(1, Ordering::Relaxed);
            shared.set_error(e.message().to_string());
            let error = crate::redact::mask_userinfo_passwords(e.message());
            if !e.is_transient() && backend.ping().is_ok() {
                tracing::info!(rows = rows.len(), %error, "request log batch rejected by the database: writing row by row");
                for row in rows {
                    match backend.insert_log_batch(std::slice::from_ref(row)) {
                        Ok(()) => {
                            counter.fetch_add(1, Ordering::Release);
                        }
                        Err(e) => {
                            shared.dropped.fetch_add(1, Ordering::Release);
                            shared.set_error(format!("record rejected and dropped: {}", e.message()));
                            tracing::warn!(
                                error = %crate::redact::mask_userinfo_passwords(e.message()),
                                "request log record rejected by the database and dropped"
                            );
                        }
                    }
                }
                shared.batches.fetch_add(1, Ordering::Relaxed);
                true
            } else {
                if shared.unreachable_since.compare_exchange(0, crate::clock::now_ms(), Ordering::AcqRel, Ordering::Acquire).is_ok() {
                    tracing::info!(rows = rows.len(), %error, "request log: database unreachable, records go to the local spool");
                }
                false
            }
        }
    }
}

/// The thread body with a spool: as [`run_in_memory`], but records the database
/// cannot take go to the spool at once, and flushes never wait for a dead database.
fn run_spooled(backend: &dyn Backend, receiver: &Receiver<Msg>, options: WriterOptions, shared: &Shared, spool: &Spool) {
    let mut s = Spooler { backend, shared, spool, options, down: None, next_scan: Instant::now() };
    let mut batch: Vec<LogRow> = Vec::with_capacity(options.batch_size);
    let mut oldest: Option<Instant> = None;
    loop {
        // Leftovers of this store (a dead process's, or this one's) go in first.
        s.scan_if_due();
        let mut wake = oldest.map(|t| t + options.flush_interval);
        if let Some((probe_at, _)) = s.down {
            wake = Some(wake.map_or(probe_at, |w| w.min(probe_at)));
        }
        let msg = match wake {
            None => receiver.recv_timeout(ORPHAN_SCAN_EVERY),
            Some(at) => receiver.recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        match msg {
            Ok(Msg::Record(row)) => {
                batch.push(*row);
                oldest.get_or_insert_with(Instant::now);
                if batch.len() >= options.batch_size {
                    s.commit(&mut batch);
                    oldest = (!batch.is_empty()).then(Instant::now);
                }
            }
            Ok(Msg::Flush(ack)) => {
                if flush_spooled(&mut s, receiver, &mut batch, ack, true) {
                    return;
                }
                oldest = (!batch.is_empty()).then(Instant::now);
            }
            Ok(Msg::FlushQuick(ack)) => {
                if flush_spooled(&mut s, receiver, &mut batch, ack, false) {
                    return;
                }
                oldest = (!batch.is_empty()).then(Instant::now);
            }
            Ok(Msg::Shutdown(ack)) => {
                flush_spooled(&mut s, receiver, &mut batch, ack, false);
                return;
            }
            Err(RecvTimeoutError::Timeout) => {
                if oldest.is_some_and(|t| t.elapsed() >= options.flush_interval) {
                    s.commit(&mut batch);
                    oldest = (!batch.is_empty()).then(Instant::now);
                }
                s.probe_if_due(&mut batch);
                if batch.is_empty() {
                    oldest = None;
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                s.commit(&mut batch);
                return;
            }
        }
    }
}

/// Answers a flush (or shutdown) request: takes the records already queued behind
/// it (bounded) and the requests among them, writes or spools, and answers them all
/// with the outcome. Returns true when one of them was a shutdown.
fn flush_spooled(
    s: &mut Spooler<'_>,
    receiver: &Receiver<Msg>,
    batch: &mut Vec<LogRow>,
    first: Sender<std::result::Result<(), String>>,
    replay: bool,
) -> bool {
    let mut acks = vec![first];
    let mut shutdown = false;
    while batch.len() < s.options.batch_size * 10 {
        match receiver.try_recv() {
            Ok(Msg::Record(row)) => batch.push(*row),
            Ok(Msg::Flush(ack)) | Ok(Msg::FlushQuick(ack)) => acks.push(ack),
            Ok(Msg::Shutdown(ack)) => {
                acks.push(ack);
                shutdown = true;
            }
            Err(_) => break,
        }
    }
    let spooled_before = s.shared.spooled.load(Ordering::Acquire);
    if replay && s.shared.spool_backlog.load(Ordering::Acquire) {
        // An explicit flush owes the table this process's spooled records too: probe
        // now instead of after the pause.
        match s.down {
            Some((_, pause)) => s.down = Some((Instant::now(), pause)),
            None => s.replay(),
        }
        s.probe_if_due(batch);
    }
    s.commit(batch);
    let mut outcome = s.flush_outcome(spooled_before, batch);
    if replay && outcome.is_ok() && s.shared.spool_backlog.load(Ordering::Acquire) {
        outcome = Err(format!(
            "the database is unreachable; records of this process wait in the local spool ({}) and are written when it answers again",
            s.spool.dir().display()
        ));
    }
    for ack in acks {
        let _ = ack.send(outcome.clone());
    }
    shutdown
}
