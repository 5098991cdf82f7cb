//! SQLite backend — claims inside a `BEGIN IMMEDIATE` transaction.
//!
//! `BEGIN IMMEDIATE` takes SQLite's single write lock up front, so two processes
//! never interleave the read-then-update of a claim; the group check (`NOT EXISTS`
//! an earlier or running job of the group) is exact for the same reason. WAL mode
//! lets readers (admin pages, stats) run while a worker writes; `busy_timeout`
//! makes writers queue for the lock instead of failing at once.
//!
//! One connection per process per database (behind a mutex: PHP is single-threaded,
//! the delivery runner's threads take turns); the log writer opens its own.

mod limits;

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::types::ToSqlOutput;
use rusqlite::{params, params_from_iter, Connection, OpenFlags, OptionalExtension, Row, ToSql, TransactionBehavior};

use super::{
    clip_error, id_list, job_order_sql, split_acks, job_where, log_order_sql, log_where, placeholders, refused, ClaimRequest, Failure,
    JobRow, JobState, JobStore, LogStore, Migrator, Param, JOB_COLUMNS, LEASE_EXPIRED, LOG_COLUMNS,
    LOG_INSERT_COLUMNS, PURGE_CHUNK, RECOVER_BATCH, RECOVER_EVERY_MS,
};
use crate::error::{Error, Result};
use crate::migrations::{latest_version, migrations, Dialect};
use crate::model::filter::{JobColumn, JobFilter, Order};
use crate::model::job::{FailOutcome, Job, JobStatus, NewJob, Pushed};
use crate::model::log::{LogColumn, LogEntry, LogFilter, LogRow, LogSample};
use crate::model::retry::{FailureDecision, RetrySchedule};
use crate::model::stats::{quantile_offset, QueueStats, RawQueueStats, HOUR_MS};

/// Connection settings of an SQLite store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqliteSettings {
    pub busy_timeout_ms: u64,
    /// `synchronous = FULL` (fsync on every commit) rather than `NORMAL`.
    pub synchronous_full: bool,
}

pub(crate) struct SqliteBackend {
    conn: Mutex<Connection>,
    jobs: String,
    log: String,
    versions: String,
    prefix: String,
    last_recover: AtomicI64,
}

/// Either the driver failed, or we refused the operation (not found, lost lease…).
enum Abort {
    Db(rusqlite::Error),
    Refused(Error),
}

impl From<rusqlite::Error> for Abort {
    fn from(e: rusqlite::Error) -> Self {
        Abort::Db(e)
    }
}

type Q<T> = std::result::Result<T, Abort>;

impl ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Int(i) => ToSqlOutput::from(*i),
            Param::Text(s) => ToSqlOutput::from(s.as_str()),
        })
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    e.sqlite_error().is_some_and(|err| err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

fn db_error(context: &str, e: rusqlite::Error) -> Error {
    let busy = matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    );
    let err = Error::database(context, e);
    if busy {
        err.transient()
    } else {
        err
    }
}

fn read_job(row: &Row<'_>) -> rusqlite::Result<JobRow> {
    Ok(JobRow {
        id: row.get(0)?,
        job_type: row.get(1)?,
        payload: row.get(2)?,
        status: row.get(3)?,
        priority: row.get(4)?,
        attempts: row.get(5)?,
        max_attempts: row.get(6)?,
        run_at: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
        lease_until: row.get(10)?,
        dedupe_key: row.get(11)?,
        group_key: row.get(12)?,
        backoff_base_ms: row.get(13)?,
        backoff_max_ms: row.get(14)?,
        last_error: row.get(15)?,
        result: row.get(16)?,
        started_at: row.get(17)?,
        finished_at: row.get(18)?,
        processing_ms: row.get(19)?,
        lease_token: row.get(20)?,
    })
}

fn read_log(row: &Row<'_>) -> rusqlite::Result<LogEntry> {
    Ok(LogEntry {
        id: row.get(0)?,
        row: LogRow {
            created_at: row.get(1)?,
            method: row.get(2)?,
            url: row.get(3)?,
            endpoint: row.get(4)?,
            status: row.get(5)?,
            duration_ms: row.get(6)?,
            attempt: row.get(7)?,
            correlation_id: row.get(8)?,
            job_id: row.get(9)?,
            error_class: row.get(10)?,
            error_message: row.get(11)?,
            request_headers: row.get(12)?,
            request_body: row.get(13)?,
            response_headers: row.get(14)?,
            response_body: row.get(15)?,
        },
    })
}

/// The running-job state of one row, for transitions that check it in Rust.
struct Running {
    status: JobStatus,
    lease_token: Option<i64>,
    attempts: i64,
    max_attempts: i64,
    backoff_base_ms: i64,
    backoff_max_ms: i64,
}

impl SqliteBackend {
    /// Opens (creating if needed) the database file and applies the connection PRAGMAs.
    ///
    /// # Errors
    /// `Database` when the file cannot be opened or is not an SQLite database.
    pub(crate) fn open(path: &Path, prefix: &str, settings: &SqliteSettings) -> Result<Self> {
        let conn = open_connection(path, settings).map_err(|e| Error::database(&format!("open SQLite database {}", path.display()), e))?;
        Ok(Self {
            conn: Mutex::new(conn),
            jobs: format!("{prefix}jobs"),
            log: format!("{prefix}request_log"),
            versions: format!("{prefix}schema_version"),
            prefix: prefix.to_string(),
            last_recover: AtomicI64::new(0),
        })
    }

    fn with_conn<T>(&self, context: &str, f: impl FnOnce(&mut Connection) -> Q<T>) -> Result<T> {
        // A panic while holding the lock leaves no transaction open (rusqlite rolls back
        // on drop), so a poisoned mutex still guards a usable connection.
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match f(&mut conn) {
            Ok(v) => Ok(v),
            Err(Abort::Db(e)) => Err(db_error(context, e)),
            Err(Abort::Refused(e)) => Err(e),
        }
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction, committed when `f` succeeds.
    fn write_tx<T>(&self, context: &str, f: impl FnOnce(&Connection) -> Q<T>) -> Result<T> {
        self.with_conn(context, |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
    }

    fn state(&self, conn: &Connection, id: i64) -> Q<Option<JobState>> {
        let row: Option<(String, Option<i64>)> = conn
            .prepare_cached(&format!("SELECT status, lease_token FROM {} WHERE id = ?1", self.jobs))?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            None => Ok(None),
            Some((status, lease_token)) => {
                Ok(Some(JobState { status: JobStatus::from_db(&status).map_err(Abort::Refused)?, lease_token }))
            }
        }
    }

    /// Runs a single-row UPDATE guarded by `status = 'running'` and the lease token;
    /// when it changes nothing, explains why.
    fn update_running(&self, conn: &Connection, op: &str, id: i64, token: Option<i64>, set: &str, params: &[&dyn ToSql]) -> Q<()> {
        let n = params.len();
        let sql = format!(
            "UPDATE {} SET {set} WHERE id = ?{} AND status = 'running' AND (?{} IS NULL OR lease_token = ?{})",
            self.jobs,
            n + 1,
            n + 2,
            n + 2
        );
        let mut all: Vec<&dyn ToSql> = params.to_vec();
        all.push(&id);
        all.push(&token);
        let changed = conn.prepare_cached(&sql)?.execute(all.as_slice())?;
        if changed == 0 {
            let state = self.state(conn, id)?;
            return Err(Abort::Refused(refused(op, id, state, token, JobStatus::Running)));
        }
        Ok(())
    }

    fn read_running(&self, conn: &Connection, id: i64) -> Q<Option<Running>> {
        let row: Option<(String, Option<i64>, i64, i64, i64, i64)> = conn
            .prepare_cached(&format!(
                "SELECT status, lease_token, attempts, max_attempts, backoff_base_ms, backoff_max_ms FROM {} WHERE id = ?1",
                self.jobs
            ))?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .optional()?;
        match row {
            None => Ok(None),
            Some((status, lease_token, attempts, max_attempts, backoff_base_ms, backoff_max_ms)) => Ok(Some(Running {
                status: JobStatus::from_db(&status).map_err(Abort::Refused)?,
                lease_token,
                attempts,
                max_attempts,
                backoff_base_ms,
                backoff_max_ms,
            })),
        }
    }

    /// Gives expired leases back (or dead-letters them on their last attempt).
    /// Throttled per process: leases are seconds long, a claim storm needn't rescan.
    fn recover_expired(&self, conn: &Connection, schedule: &dyn RetrySchedule, now: i64) -> Q<()> {
        let last = self.last_recover.load(Ordering::Relaxed);
        if now >= last && now - last < RECOVER_EVERY_MS {
            return Ok(());
        }
        self.last_recover.store(now, Ordering::Relaxed);
        let expired: Vec<(i64, i64, i64, i64, i64)> = conn
            .prepare_cached(&format!(
                "SELECT id, attempts, max_attempts, backoff_base_ms, backoff_max_ms FROM {} \
                 WHERE status = 'running' AND lease_until < ?1 ORDER BY lease_until LIMIT {RECOVER_BATCH}",
                self.jobs
            ))?
            .query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, attempts, max_attempts, base, max) in expired {
            let decision = schedule.decide(attempts as u32, max_attempts as u32, true, None, base, max);
            self.apply_failure(conn, id, decision, LEASE_EXPIRED, now)?;
        }
        Ok(())
    }

    fn apply_failure(&self, conn: &Connection, id: i64, decision: FailureDecision, error: &str, now: i64) -> Q<FailOutcome> {
        match decision {
            FailureDecision::Retry { delay_ms } => {
                let run_at = now.saturating_add(delay_ms);
                conn.prepare_cached(&format!(
                    "UPDATE {} SET status = 'pending', run_at = ?1, lease_until = NULL, lease_token = NULL, \
                     last_error = ?2, updated_at = ?3 WHERE id = ?4",
                    self.jobs
                ))?
                .execute(params![run_at, clip_error(error), now, id])?;
                Ok(FailOutcome::Retrying { run_at })
            }
            FailureDecision::DeadLetter => {
                conn.prepare_cached(&format!(
                    "UPDATE {} SET status = 'failed', dedupe_active = NULL, lease_until = NULL, lease_token = NULL, \
                     last_error = ?1, finished_at = ?2, processing_ms = ?2 - COALESCE(started_at, ?2), updated_at = ?2 \
                     WHERE id = ?3",
                    self.jobs
                ))?
                .execute(params![clip_error(error), now, id])?;
                Ok(FailOutcome::Failed)
            }
        }
    }

    fn select_jobs(&self, conn: &Connection, where_sql: &str, params: &[Param]) -> Q<Vec<Job>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM {} WHERE {where_sql}", self.jobs);
        let rows: Vec<JobRow> =
            conn.prepare_cached(&sql)?.query_map(params_from_iter(params.iter()), read_job)?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|r| r.into_job().map_err(Abort::Refused)).collect()
    }

    /// Sets a failed job back to pending; a live job with its dedupe key blocks it.
    fn retry_one(&self, conn: &Connection, id: i64, now: i64) -> Q<bool> {
        let sql = format!(
            "UPDATE {} SET status = 'pending', attempts = 0, run_at = ?1, lease_until = NULL, lease_token = NULL, \
             finished_at = NULL, processing_ms = NULL, dedupe_active = dedupe_key, updated_at = ?1 \
             WHERE id = ?2 AND status = 'failed'",
            self.jobs
        );
        match conn.prepare_cached(&sql)?.execute(params![now, id]) {
            Ok(n) => Ok(n > 0),
            Err(e) if is_unique_violation(&e) => {
                let other: Option<(i64, String)> = conn
                    .prepare_cached(&format!(
                        "SELECT o.id, o.dedupe_key FROM {t} AS o JOIN {t} AS j ON o.dedupe_active = j.dedupe_key WHERE j.id = ?1",
                        t = self.jobs
                    ))?
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let (other_id, key) = other.unwrap_or((0, String::new()));
                Err(Abort::Refused(Error::conflict(format!(
                    "cannot retry job {id}: job {other_id} with the same dedupe key \"{key}\" is already pending or running"
                ))))
            }
            Err(e) => Err(e.into()),
        }
    }
}

fn open_connection(path: &Path, settings: &SqliteSettings) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_millis(settings.busy_timeout_ms))?;
    conn.set_prepared_statement_cache_capacity(64);
    // journal_mode answers with the mode it ended up in; WAL persists in the file.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch(if settings.synchronous_full { "PRAGMA synchronous = FULL" } else { "PRAGMA synchronous = NORMAL" })?;
    Ok(conn)
}

impl JobStore for SqliteBackend {
    fn push(&self, jobs: &[NewJob], now: i64) -> Result<Vec<Pushed>> {
        self.write_tx("push jobs", |tx| {
            let mut out = Vec::with_capacity(jobs.len());
            let mut insert = tx.prepare_cached(&format!(
                "INSERT INTO {} (type, payload, status, priority, claim_order, attempts, max_attempts, run_at, \
                 created_at, updated_at, dedupe_key, dedupe_active, group_key, backoff_base_ms, backoff_max_ms) \
                 VALUES (?1, ?2, 'pending', ?3, ?4, 0, ?5, ?6, ?7, ?7, ?8, ?8, ?9, ?10, ?11)",
                self.jobs
            ))?;
            let mut recent = tx.prepare_cached(&format!("{} LIMIT 1", super::RECENT_DONE_SQL.replace("{jobs}", &self.jobs)))?;
            for job in jobs {
                let inserted = insert.execute(params![
                    job.job_type,
                    job.payload,
                    job.priority,
                    -job.priority,
                    job.max_attempts,
                    job.run_at,
                    now,
                    job.dedupe_key,
                    job.group_key,
                    job.backoff_base_ms,
                    job.backoff_max_ms
                ]);
                match inserted {
                    Ok(_) => {
                        let id = tx.last_insert_rowid();
                        // As on MariaDB: a live job with the key wins (the insert met
                        // it), then a done one within the window (the new row goes).
                        if let (Some(key), true) = (&job.dedupe_key, job.dedupe_window_ms > 0) {
                            let since = now.saturating_sub(job.dedupe_window_ms);
                            let found: Option<i64> = recent.query_row(params![key, since], |r| r.get(0)).optional()?;
                            if let Some(done) = found {
                                tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", self.jobs))?.execute([id])?;
                                out.push(Pushed { id: done, deduplicated: true });
                                continue;
                            }
                        }
                        out.push(Pushed { id, deduplicated: false });
                    }
                    Err(e) if is_unique_violation(&e) && job.dedupe_key.is_some() => {
                        let id: i64 = tx
                            .prepare_cached(&format!("SELECT id FROM {} WHERE dedupe_active = ?1", self.jobs))?
                            .query_row([&job.dedupe_key], |r| r.get(0))?;
                        out.push(Pushed { id, deduplicated: true });
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(out)
        })
    }

    fn claim(&self, claim: &ClaimRequest, now: i64) -> Result<Vec<Job>> {
        self.write_tx("claim jobs", |tx| {
            self.recover_expired(tx, claim.schedule, now)?;
            let mut params = vec![Param::Int(now)];
            let mut sql = format!("SELECT j.id FROM {} AS j WHERE j.status = 'pending' AND j.run_at <= ?", self.jobs);
            if !claim.types.is_empty() {
                sql.push_str(&format!(" AND j.type IN ({})", placeholders(claim.types.len())));
                params.extend(claim.types.iter().map(|t| Param::Text(t.clone())));
            }
            // Only the head of a group: no running job and no earlier pending job in it.
            sql.push_str(&format!(
                " AND (j.group_key IS NULL OR NOT EXISTS (SELECT 1 FROM {} AS g WHERE g.group_key = j.group_key \
                 AND g.id <> j.id AND (g.status = 'running' OR (g.status = 'pending' AND g.id < j.id)))) \
                 ORDER BY j.claim_order, j.run_at, j.id LIMIT ?",
                self.jobs
            ));
            params.push(Param::Int(i64::from(claim.limit)));
            let ids: Vec<i64> = tx
                .prepare_cached(&sql)?
                .query_map(params_from_iter(params.iter()), |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let marks = placeholders(ids.len());
            let lease_until = now.saturating_add(claim.lease_ms);
            let mut update_params = vec![Param::Int(lease_until), Param::Int(claim.token), Param::Int(now)];
            update_params.extend(ids.iter().map(|id| Param::Int(*id)));
            tx.prepare_cached(&format!(
                "UPDATE {} SET status = 'running', attempts = attempts + 1, lease_until = ?, lease_token = ?, \
                 started_at = ?3, updated_at = ?3 WHERE id IN ({marks})",
                self.jobs
            ))?
            .execute(params_from_iter(update_params.iter()))?;
            let id_params: Vec<Param> = ids.iter().map(|id| Param::Int(*id)).collect();
            let mut jobs = self.select_jobs(tx, &format!("id IN ({marks})"), &id_params)?;
            jobs.sort_by_key(|job| ids.iter().position(|id| *id == job.id));
            Ok(jobs)
        })
    }

    fn ack(&self, id: i64, token: Option<i64>, result: Option<&str>, now: i64) -> Result<()> {
        self.with_conn("ack job", |conn| {
            self.update_running(
                conn,
                "ack",
                id,
                token,
                "status = 'done', result = ?1, lease_until = NULL, lease_token = NULL, dedupe_active = NULL, \
                 finished_at = ?2, processing_ms = ?2 - COALESCE(started_at, ?2), updated_at = ?2",
                &[&result, &now],
            )
        })
    }

    fn ack_many(&self, acks: &[(i64, Option<i64>)], now: i64) -> Result<Vec<i64>> {
        let ids: Vec<i64> = acks.iter().map(|(id, _)| *id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = id_list(&ids);
        self.write_tx("ack jobs", |tx| {
            let running: Vec<(i64, Option<i64>)> = tx
                .prepare(&format!("SELECT id, lease_token FROM {} WHERE id IN ({list}) AND status = 'running'", self.jobs))?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let (accepted, refused) = split_acks(acks, &running);
            if !accepted.is_empty() {
                tx.execute(
                    &format!(
                        "UPDATE {} SET status = 'done', result = NULL, lease_until = NULL, lease_token = NULL, \
                         dedupe_active = NULL, finished_at = ?1, processing_ms = ?1 - COALESCE(started_at, ?1), updated_at = ?1 \
                         WHERE id IN ({})",
                        self.jobs,
                        id_list(&accepted)
                    ),
                    [now],
                )?;
            }
            Ok(refused)
        })
    }

    fn fail(&self, id: i64, token: Option<i64>, failure: &Failure, now: i64) -> Result<FailOutcome> {
        self.write_tx("fail job", |tx| {
            let row = self.read_running(tx, id)?;
            let Some(row) = row.filter(|r| r.status == JobStatus::Running && (token.is_none() || r.lease_token == token)) else {
                let state = self.state(tx, id)?;
                return Err(Abort::Refused(refused("fail", id, state, token, JobStatus::Running)));
            };
            let decision = failure.schedule.decide(
                row.attempts as u32,
                row.max_attempts as u32,
                failure.retryable,
                failure.retry_after_ms,
                row.backoff_base_ms,
                row.backoff_max_ms,
            );
            self.apply_failure(tx, id, decision, &failure.error, now)
        })
    }

    fn release(&self, id: i64, token: Option<i64>, delay_ms: i64, now: i64) -> Result<()> {
        let run_at = now.saturating_add(delay_ms);
        self.with_conn("release job", |conn| {
            self.update_running(
                conn,
                "release",
                id,
                token,
                "status = 'pending', attempts = MAX(attempts - 1, 0), run_at = ?1, lease_until = NULL, \
                 lease_token = NULL, updated_at = ?2",
                &[&run_at, &now],
            )
        })
    }

    fn extend_lease(&self, id: i64, token: Option<i64>, lease_ms: i64, now: i64) -> Result<i64> {
        let until = now.saturating_add(lease_ms);
        self.with_conn("extend the lease", |conn| {
            self.update_running(conn, "extend the lease of", id, token, "lease_until = ?1, updated_at = ?2", &[&until, &now])?;
            Ok(until)
        })
    }

    fn get(&self, id: i64) -> Result<Option<Job>> {
        self.with_conn("read job", |conn| Ok(self.select_jobs(conn, "id = ?", &[Param::Int(id)])?.pop()))
    }

    fn list(&self, filter: &JobFilter, order: Order<JobColumn>, limit: i64, offset: i64) -> Result<Vec<Job>> {
        let w = job_where(filter);
        let mut params = w.params;
        params.push(Param::Int(limit));
        params.push(Param::Int(offset));
        let where_sql = format!("{} ORDER BY {} LIMIT ? OFFSET ?", w.sql, job_order_sql(order));
        self.with_conn("list jobs", |conn| self.select_jobs(conn, &where_sql, &params))
    }

    fn count(&self, filter: &JobFilter) -> Result<u64> {
        let w = job_where(filter);
        self.with_conn("count jobs", |conn| {
            let n: i64 = conn
                .prepare_cached(&format!("SELECT COUNT(*) FROM {} WHERE {}", self.jobs, w.sql))?
                .query_row(params_from_iter(w.params.iter()), |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    fn retry(&self, id: i64, now: i64) -> Result<()> {
        self.write_tx("retry job", |tx| {
            if self.retry_one(tx, id, now)? {
                return Ok(());
            }
            let state = self.state(tx, id)?;
            Err(Abort::Refused(refused("retry", id, state, None, JobStatus::Failed)))
        })
    }

    fn retry_failed(&self, filter: &JobFilter, now: i64) -> Result<u64> {
        let w = job_where(filter);
        self.write_tx("retry failed jobs", |tx| {
            let ids: Vec<i64> = tx
                .prepare_cached(&format!("SELECT id FROM {} WHERE {} AND status = 'failed' ORDER BY id", self.jobs, w.sql))?
                .query_map(params_from_iter(w.params.iter()), |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut retried = 0;
            for id in ids {
                match self.retry_one(tx, id, now) {
                    Ok(true) => retried += 1,
                    Ok(false) | Err(Abort::Refused(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(retried)
        })
    }

    fn delete(&self, id: i64) -> Result<bool> {
        self.with_conn("delete job", |conn| {
            Ok(conn.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", self.jobs))?.execute([id])? > 0)
        })
    }

    fn purge(&self, statuses: &[JobStatus], cutoff: i64) -> Result<u64> {
        let mut params: Vec<Param> = statuses.iter().map(|s| Param::Text(s.as_str().into())).collect();
        params.push(Param::Int(cutoff));
        let sql = format!(
            "DELETE FROM {t} WHERE id IN (SELECT id FROM {t} WHERE status IN ({}) AND finished_at < ? LIMIT {PURGE_CHUNK})",
            placeholders(statuses.len()),
            t = self.jobs
        );
        let mut total = 0u64;
        loop {
            let n = self.with_conn("purge jobs", |conn| Ok(conn.prepare_cached(&sql)?.execute(params_from_iter(params.iter()))?))?;
            total += n as u64;
            if (n as i64) < PURGE_CHUNK {
                return Ok(total);
            }
        }
    }

    fn stats(&self, now: i64) -> Result<QueueStats> {
        let since = now - HOUR_MS;
        let raw = self.with_conn("read queue stats", |conn| {
            let counts = conn
                .prepare_cached(&format!("SELECT status, type, COUNT(*) FROM {} GROUP BY status, type", self.jobs))?
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)? as u64)))?
                .collect::<rusqlite::Result<_>>()?;
            let oldest_due_run_at: Option<i64> = conn
                .prepare_cached(&format!("SELECT MIN(run_at) FROM {} WHERE status = 'pending' AND run_at <= ?1", self.jobs))?
                .query_row([now], |r| r.get(0))?;
            let finished_last_hour = conn
                .prepare_cached(&format!(
                    "SELECT status, COUNT(*) FROM {} WHERE status IN ('done', 'failed') AND finished_at >= ?1 GROUP BY status",
                    self.jobs
                ))?
                .query_map([since], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?
                .collect::<rusqlite::Result<_>>()?;
            let (processing_count, processing_avg): (i64, Option<f64>) = conn
                .prepare_cached(&format!(
                    "SELECT COUNT(processing_ms), AVG(processing_ms) FROM {} WHERE status = 'done' AND finished_at >= ?1",
                    self.jobs
                ))?
                .query_row([since], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let processing_p95: Option<f64> = if processing_count > 0 {
                conn.prepare_cached(&format!(
                    "SELECT processing_ms FROM {} WHERE status = 'done' AND finished_at >= ?1 AND processing_ms IS NOT NULL \
                     ORDER BY processing_ms LIMIT 1 OFFSET ?2",
                    self.jobs
                ))?
                .query_row(params![since, quantile_offset(processing_count as u64, 0.95) as i64], |r| r.get::<_, i64>(0))
                .optional()?
                .map(|v| v as f64)
            } else {
                None
            };
            Ok(RawQueueStats {
                counts,
                oldest_due_run_at,
                finished_last_hour,
                processing_count: processing_count as u64,
                processing_avg,
                processing_p95,
            })
        })?;
        QueueStats::assemble(raw, now)
    }
}

impl LogStore for SqliteBackend {
    fn insert_log_batch(&self, rows: &[LogRow]) -> Result<()> {
        self.write_tx("write the request log", |tx| {
            let mut insert = tx.prepare_cached(&format!(
                "INSERT INTO {} ({LOG_INSERT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                self.log
            ))?;
            for r in rows {
                insert.execute(params![
                    r.created_at,
                    r.method,
                    r.url,
                    r.endpoint,
                    r.status,
                    r.duration_ms,
                    r.attempt,
                    r.correlation_id,
                    r.job_id,
                    r.error_class,
                    r.error_message,
                    r.request_headers,
                    r.request_body,
                    r.response_headers,
                    r.response_body
                ])?;
            }
            Ok(())
        })
    }

    fn list_log(&self, filter: &LogFilter, order: Order<LogColumn>, limit: i64, offset: i64) -> Result<Vec<LogEntry>> {
        let w = log_where(filter);
        let mut params = w.params;
        params.push(Param::Int(limit));
        params.push(Param::Int(offset));
        let sql = format!(
            "SELECT {LOG_COLUMNS} FROM {} WHERE {} ORDER BY {} LIMIT ? OFFSET ?",
            self.log,
            w.sql,
            log_order_sql(order)
        );
        self.with_conn("list the request log", |conn| {
            Ok(conn.prepare_cached(&sql)?.query_map(params_from_iter(params.iter()), read_log)?.collect::<rusqlite::Result<_>>()?)
        })
    }

    fn count_log(&self, filter: &LogFilter) -> Result<u64> {
        let w = log_where(filter);
        self.with_conn("count the request log", |conn| {
            let n: i64 = conn
                .prepare_cached(&format!("SELECT COUNT(*) FROM {} WHERE {}", self.log, w.sql))?
                .query_row(params_from_iter(w.params.iter()), |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    fn get_log(&self, id: i64) -> Result<Option<LogEntry>> {
        self.with_conn("read the request log", |conn| {
            Ok(conn
                .prepare_cached(&format!("SELECT {LOG_COLUMNS} FROM {} WHERE id = ?1", self.log))?
                .query_row([id], read_log)
                .optional()?)
        })
    }

    fn purge_log(&self, cutoff: i64) -> Result<u64> {
        let sql = format!(
            "DELETE FROM {t} WHERE id IN (SELECT id FROM {t} WHERE created_at < ?1 LIMIT {PURGE_CHUNK})",
            t = self.log
        );
        let mut total = 0u64;
        loop {
            let n = self.with_conn("purge the request log", |conn| Ok(conn.prepare_cached(&sql)?.execute([cutoff])?))?;
            total += n as u64;
            if (n as i64) < PURGE_CHUNK {
                return Ok(total);
            }
        }
    }

    fn log_samples(&self, since: i64) -> Result<Vec<LogSample>> {
        self.with_conn("read request log stats", |conn| {
            Ok(conn
                .prepare_cached(&format!("SELECT endpoint, duration_ms, status FROM {} WHERE created_at >= ?1", self.log))?
                .query_map([since], |r| Ok(LogSample { endpoint: r.get(0)?, duration_ms: r.get(1)?, status: r.get(2)? }))?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn ping(&self) -> Result<()> {
        self.with_conn("reach the database", |conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(|_| ())?))
    }
}

impl Migrator for SqliteBackend {
    fn migrate(&self, target: Option<u32>) -> Result<u32> {
        let target = target.unwrap_or_else(latest_version);
        self.write_tx("migrate the schema", |tx| {
            tx.execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                self.versions
            ))?;
            let mut current: u32 =
                tx.query_row(&format!("SELECT COALESCE(MAX(version), 0) FROM {}", self.versions), [], |r| r.get(0))?;
            let applied = current;
                for m in migrations().iter().filter(|m| m.version > applied && m.version <= target) {
                for statement in m.statements(Dialect::Sqlite, &self.prefix) {
                    tx.execute_batch(&statement)?;
                }
                tx.execute(
                    &format!("INSERT INTO {} (version, name, applied_at) VALUES (?1, ?2, ?3)", self.versions),
                    params![m.version, m.name, crate::clock::now_ms()],
                )?;
                current = m.version;
            }
            Ok(current)
        })
    }

    fn schema_version(&self) -> Result<u32> {
        self.with_conn("read the schema version", |conn| {
            let exists: bool = conn
                .prepare_cached("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1")?
                .query_row([&self.versions], |r| r.get(0))?;
            if !exists {
                return Ok(0);
            }
            Ok(conn.query_row(&format!("SELECT COALESCE(MAX(version), 0) FROM {}", self.versions), [], |r| r.get(0))?)
        })
    }
}
