//! MariaDB/MySQL backend — claims with `SELECT … FOR UPDATE SKIP LOCKED`.
//!
//! Every session runs at READ COMMITTED: a claim locks only the rows it takes and
//! skips rows other workers hold, so N workers (on N hosts) take disjoint jobs
//! without waiting on each other. The claim query walks the `claim` index in order
//! (status, claim_order, run_at, id) and stops at `LIMIT`, so it never locks the
//! whole backlog.
//!
//! Groups: the SQL pre-filter ("no running or earlier pending job in my group") is a
//! non-locking read, which two concurrent claims could both pass. So before starting
//! a grouped job, the claim also locks the group's row in `{prefix}job_groups` with
//! `SKIP LOCKED` and re-checks under that lock; a group held by another claim is
//! simply skipped this round. Other operations never take group locks.
//!
//! Deadlocks (1213) are retried up to three times, as InnoDB asks; every other
//! driver error becomes a `Database` error carrying the server's message.

mod limits;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use mysql::consts::CapabilityFlags;
use mysql::prelude::Queryable;
use mysql::{OptsBuilder, Params, Pool, PoolConstraints, PoolOpts, PooledConn, Row, Transaction, TxOpts, Value};

use super::{
    clip_error, id_list, job_order_sql, split_acks, job_where, log_order_sql, log_where, placeholders, refused, ClaimRequest, Failure,
    JobRow, JobState, JobStore, LogStore, Migrator, Param, JOB_COLUMNS, LEASE_EXPIRED, LOG_COLUMNS,
    LOG_INSERT_COLUMNS, PURGE_CHUNK, RECOVER_BATCH, RECOVER_EVERY_MS,
};
use crate::dsn::MariaDbDsn;
use crate::error::{Error, Result};
use crate::migrations::{latest_version, migrations, Dialect};
use crate::model::filter::{JobColumn, JobFilter, Order};
use crate::model::job::{FailOutcome, Job, JobStatus, NewJob, Pushed};
use crate::model::log::{LogColumn, LogEntry, LogFilter, LogRow, LogSample};
use crate::model::retry::{FailureDecision, RetrySchedule};
use crate::model::stats::{quantile_offset, QueueStats, RawQueueStats, HOUR_MS};

/// Connection settings of a MariaDB store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MariaDbSettings {
    pub pool_max: usize,
    pub connect_timeout_ms: u64,
    /// Read/write timeout of one statement's network I/O.
    pub io_timeout_ms: u64,
}

pub(crate) struct MariaDbBackend {
    pool: Pool,
    jobs: String,
    groups: String,
    log: String,
    versions: String,
    prefix: String,
    database: String,
    last_recover: AtomicI64,
}

const ER_DUP_ENTRY: u16 = 1062;
const ER_LOCK_DEADLOCK: u16 = 1213;
const DEADLOCK_RETRIES: usize = 3;

enum Abort {
    Db(mysql::Error),
    Refused(Error),
}

impl From<mysql::Error> for Abort {
    fn from(e: mysql::Error) -> Self {
        Abort::Db(e)
    }
}

type Q<T> = std::result::Result<T, Abort>;

fn server_code(e: &mysql::Error) -> Option<u16> {
    match e {
        mysql::Error::MySqlError(err) => Some(err.code),
        _ => None,
    }
}

/// Lock wait timeout, deadlock, "server has gone away", "lost connection".
const TRANSIENT_CODES: &[u16] = &[1205, 1213, 2006, 2013];

fn db_error(context: &str, e: mysql::Error) -> Error {
    let transient = e.is_connectivity_error() || server_code(&e).is_some_and(|c| TRANSIENT_CODES.contains(&c));
    let err = Error::database(context, e);
    if transient {
        err.transient()
    } else {
        err
    }
}

fn value(p: &Param) -> Value {
    match p {
        Param::Int(i) => Value::Int(*i),
        Param::Text(s) => Value::Bytes(s.as_bytes().to_vec()),
    }
}

fn positional(params: &[Param]) -> Params {
    if params.is_empty() {
        Params::Empty
    } else {
        Params::Positional(params.iter().map(value).collect())
    }
}

fn opt_int(v: Option<i64>) -> Value {
    v.map_or(Value::NULL, Value::Int)
}

fn opt_text(v: Option<&str>) -> Value {
    v.map_or(Value::NULL, |s| Value::Bytes(s.as_bytes().to_vec()))
}

fn text(s: &str) -> Value {
    Value::Bytes(s.as_bytes().to_vec())
}

/// Takes column `i` of a row as `T`; a NULL or mistyped cell is a corrupt row.
fn take<T: mysql::prelude::FromValue>(row: &mut Row, i: usize) -> Q<T> {
    match row.take_opt::<T, usize>(i) {
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(Abort::Refused(Error::corrupt(format!("unexpected value in column {i}: {e}")))),
        None => Err(Abort::Refused(Error::corrupt(format!("column {i} missing from the result")))),
    }
}

/// [`JOB_COLUMNS`] qualified with a table alias.
fn job_columns_of(alias: &str) -> String {
    JOB_COLUMNS.split(", ").map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

fn read_job(mut row: Row) -> Q<JobRow> {
    let r = &mut row;
    Ok(JobRow {
        id: take(r, 0)?,
        job_type: take(r, 1)?,
        payload: take(r, 2)?,
        status: take(r, 3)?,
        priority: take(r, 4)?,
        attempts: take(r, 5)?,
        max_attempts: take(r, 6)?,
        run_at: take(r, 7)?,
        created_at: take(r, 8)?,
        updated_at: take(r, 9)?,
        lease_until: take(r, 10)?,
        dedupe_key: take(r, 11)?,
        group_key: take(r, 12)?,
        backoff_base_ms: take(r, 13)?,
        backoff_max_ms: take(r, 14)?,
        last_error: take(r, 15)?,
        result: take(r, 16)?,
        started_at: take(r, 17)?,
        finished_at: take(r, 18)?,
        processing_ms: take(r, 19)?,
        lease_token: take(r, 20)?,
    })
}

fn read_log(mut row: Row) -> Q<LogEntry> {
    let r = &mut row;
    Ok(LogEntry {
        id: take(r, 0)?,
        row: LogRow {
            created_at: take(r, 1)?,
            method: take(r, 2)?,
            url: take(r, 3)?,
            endpoint: take(r, 4)?,
            status: take(r, 5)?,
            duration_ms: take(r, 6)?,
            attempt: take(r, 7)?,
            correlation_id: take(r, 8)?,
            job_id: take(r, 9)?,
            error_class: take(r, 10)?,
            error_message: take(r, 11)?,
            request_headers: take(r, 12)?,
            request_body: take(r, 13)?,
            response_headers: take(r, 14)?,
            response_body: take(r, 15)?,
        },
    })
}

impl MariaDbBackend {
    /// Builds the pool; no connection is made until the first statement.
    ///
    /// # Errors
    /// `Config` when the driver rejects the connection options.
    pub(crate) fn open(dsn: &MariaDbDsn, prefix: &str, settings: &MariaDbSettings) -> Result<Self> {
        let constraints = PoolConstraints::new(0, settings.pool_max.max(1))
            .ok_or_else(|| Error::config(format!("invalid pool size {}", settings.pool_max)))?;
        // A pooled connection is pinged when taken out (check_health), so one that the
        // server closed while idle is replaced before a statement is lost on it.
        let pool_opts = PoolOpts::default().with_constraints(constraints).with_reset_connection(false);
        let host = if dsn.host.contains(':') { format!("[{}]", dsn.host) } else { dsn.host.clone() };
        let io_timeout = Some(Duration::from_millis(settings.io_timeout_ms));
        let mut opts = OptsBuilder::new()
            .ip_or_hostname(Some(host))
            .tcp_port(dsn.port)
            .user(Some(dsn.user.clone()))
            .pass(Some(dsn.password.clone()))
            .db_name(Some(dsn.database.clone()))
            .tcp_connect_timeout(Some(Duration::from_millis(settings.connect_timeout_ms)))
            .read_timeout(io_timeout)
            .write_timeout(io_timeout)
            .tcp_nodelay(true)
            .prefer_socket(false)
            .stmt_cache_size(Some(64))
            // "Rows matched", not "rows changed": a guarded UPDATE that sets the same
            // values must still count as done.
            .additional_capabilities(CapabilityFlags::CLIENT_FOUND_ROWS)
            .init(vec!["SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"])
            .pool_opts(pool_opts);
        if let Some(socket) = &dsn.socket {
            opts = opts.socket(Some(socket.clone()));
        }
        let pool = Pool::new(opts).map_err(|e| Error::database("set up the MariaDB connection pool", e))?;
        Ok(Self {
            pool,
            jobs: format!("{prefix}jobs"),
            groups: format!("{prefix}job_groups"),
            log: format!("{prefix}request_log"),
            versions: format!("{prefix}schema_version"),
            prefix: prefix.to_string(),
            database: dsn.database.clone(),
            last_recover: AtomicI64::new(0),
        })
    }

    fn conn(&self, context: &str) -> Result<PooledConn> {
        self.pool.get_conn().map_err(|e| db_error(context, e))
    }

    /// One statement outside a transaction (autocommit).
    fn with_conn<T>(&self, context: &str, f: impl FnOnce(&mut PooledConn) -> Q<T>) -> Result<T> {
        let mut conn = self.conn(context)?;
        match f(&mut conn) {
            Ok(v) => Ok(v),
            Err(Abort::Db(e)) => Err(db_error(context, e)),
            Err(Abort::Refused(e)) => Err(e),
        }
    }

    /// Runs `f` in a transaction; a deadlock victim is rolled back and run again.
    fn tx<T>(&self, context: &str, mut f: impl FnMut(&mut Transaction<'_>) -> Q<T>) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut conn = self.conn(context)?;
            let outcome = (|| -> Q<T> {
                let mut tx = conn.start_transaction(TxOpts::default())?;
                let value = f(&mut tx)?;
                tx.commit()?;
                Ok(value)
            })();
            match outcome {
                Ok(v) => return Ok(v),
                Err(Abort::Db(e)) if server_code(&e) == Some(ER_LOCK_DEADLOCK) && attempt < DEADLOCK_RETRIES => continue,
                Err(Abort::Db(e)) => return Err(db_error(context, e)),
                Err(Abort::Refused(e)) => return Err(e),
            }
        }
    }

    fn state<C: Queryable>(&self, conn: &mut C, id: i64) -> Q<Option<JobState>> {
        let row: Option<(String, Option<i64>)> =
            conn.exec_first(format!("SELECT status, lease_token FROM {} WHERE id = ?", self.jobs), (id,))?;
        match row {
            None => Ok(None),
            Some((status, lease_token)) => {
                Ok(Some(JobState { status: JobStatus::from_db(&status).map_err(Abort::Refused)?, lease_token }))
            }
        }
    }

    /// A single-row UPDATE guarded by `status = 'running'` and the lease token; when
    /// it matches nothing, explains why.
    fn update_running(&self, conn: &mut PooledConn, op: &str, id: i64, token: Option<i64>, set: &str, mut params: Vec<Value>) -> Q<()> {
        let sql = format!("UPDATE {} SET {set} WHERE id = ? AND status = 'running' AND (? IS NULL OR lease_token = ?)", self.jobs);
        params.extend([Value::Int(id), opt_int(token), opt_int(token)]);
        conn.exec_drop(sql, Params::Positional(params))?;
        if conn.affected_rows() == 0 {
            let state = self.state(conn, id)?;
            return Err(Abort::Refused(refused(op, id, state, token, JobStatus::Running)));
        }
        Ok(())
    }

    fn select_jobs<C: Queryable>(&self, conn: &mut C, where_sql: &str, params: &[Param]) -> Q<Vec<Job>> {
        let rows: Vec<Row> = conn.exec(format!("SELECT {JOB_COLUMNS} FROM {} WHERE {where_sql}", self.jobs), positional(params))?;
        rows.into_iter().map(|r| read_job(r)?.into_job().map_err(Abort::Refused)).collect()
    }

    fn apply_failure(&self, tx: &mut Transaction<'_>, id: i64, decision: FailureDecision, error: &str, now: i64) -> Q<FailOutcome> {
        match decision {
            FailureDecision::Retry { delay_ms } => {
                let run_at = now.saturating_add(delay_ms);
                tx.exec_drop(
                    format!(
                        "UPDATE {} SET status = 'pending', run_at = ?, lease_until = NULL, lease_token = NULL, \
                         last_error = ?, updated_at = ? WHERE id = ?",
                        self.jobs
                    ),
                    (run_at, clip_error(error), now, id),
                )?;
                Ok(FailOutcome::Retrying { run_at })
            }
            FailureDecision::DeadLetter => {
                tx.exec_drop(
                    format!(
                        "UPDATE {} SET status = 'failed', dedupe_active = NULL, lease_until = NULL, lease_token = NULL, \
                         last_error = ?, finished_at = ?, processing_ms = ? - COALESCE(started_at, ?), updated_at = ? \
                         WHERE id = ?",
                        self.jobs
                    ),
                    (clip_error(error), now, now, now, now, id),
                )?;
                Ok(FailOutcome::Failed)
            }
        }
    }

    /// Gives expired leases back (or dead-letters them on their last attempt);
    /// rows another claim is recovering right now are skipped, not waited for.
    fn recover_expired(&self, tx: &mut Transaction<'_>, schedule: &dyn RetrySchedule, now: i64) -> Q<()> {
        let last = self.last_recover.load(Ordering::Relaxed);
        if now >= last && now - last < RECOVER_EVERY_MS {
            return Ok(());
        }
        self.last_recover.store(now, Ordering::Relaxed);
        let expired: Vec<(i64, i64, i64, i64, i64)> = tx.exec(
            format!(
                "SELECT id, attempts, max_attempts, backoff_base_ms, backoff_max_ms FROM {} \
                 WHERE status = 'running' AND lease_until < ? ORDER BY lease_until LIMIT {RECOVER_BATCH} \
                 FOR UPDATE SKIP LOCKED",
                self.jobs
            ),
            (now,),
        )?;
        for (id, attempts, max_attempts, base, max) in expired {
            let decision = schedule.decide(attempts as u32, max_attempts as u32, true, None, base, max);
            self.apply_failure(tx, id, decision, LEASE_EXPIRED, now)?;
        }
        Ok(())
    }

    /// Of the candidates (in claim order), keeps ungrouped ones and, per group, the
    /// head — but only if this claim could lock the group's row.
    fn admit_grouped(&self, tx: &mut Transaction<'_>, candidates: Vec<(i64, Option<String>)>) -> Q<Vec<i64>> {
        let mut keys: Vec<String> = candidates.iter().filter_map(|(_, g)| g.clone()).collect();
        if keys.is_empty() {
            return Ok(candidates.into_iter().map(|(id, _)| id).collect());
        }
        keys.sort();
        keys.dedup();
        let key_params: Vec<Param> = keys.iter().map(|k| Param::Text(k.clone())).collect();
        let marks = placeholders(keys.len());
        let locked: Vec<String> = tx.exec(
            format!("SELECT group_key FROM {} WHERE group_key IN ({marks}) FOR UPDATE SKIP LOCKED", self.groups),
            positional(&key_params),
        )?;
        if locked.len() < keys.len() {
            // A group row can be missing (purged while a push was in flight): recreate
            // it so the next claim can lock it. Groups locked by others are just skipped.
            let existing: Vec<String> =
                tx.exec(format!("SELECT group_key FROM {} WHERE group_key IN ({marks})", self.groups), positional(&key_params))?;
            for key in keys.iter().filter(|k| !existing.contains(k)) {
                tx.exec_drop(format!("INSERT IGNORE INTO {} (group_key) VALUES (?)", self.groups), (key,))?;
            }
        }
        let mut admitted = Vec::with_capacity(candidates.len());
        let mut started_groups: Vec<String> = Vec::new();
        for (id, group) in candidates {
            let Some(group) = group else {
                admitted.push(id);
                continue;
            };
            if !locked.contains(&group) || started_groups.contains(&group) {
                continue;
            }
            // Under the group lock, a fresh (READ COMMITTED) read is authoritative.
            let blockers: Option<i64> = tx.exec_first(
                format!(
                    "SELECT COUNT(*) FROM {} WHERE group_key = ? AND id <> ? \
                     AND (status = 'running' OR (status = 'pending' AND id < ?))",
                    self.jobs
                ),
                (&group, id, id),
            )?;
            if blockers == Some(0) {
                admitted.push(id);
                started_groups.push(group);
            }
        }
        Ok(admitted)
    }

    fn retry_one(&self, tx: &mut Transaction<'_>, id: i64, now: i64) -> Q<bool> {
        let sql = format!(
            "UPDATE {} SET status = 'pending', attempts = 0, run_at = ?, lease_until = NULL, lease_token = NULL, \
             finished_at = NULL, processing_ms = NULL, dedupe_active = dedupe_key, updated_at = ? \
             WHERE id = ? AND status = 'failed'",
            self.jobs
        );
        match tx.exec_drop(sql, (now, now, id)) {
            Ok(()) => Ok(tx.affected_rows() > 0),
            Err(e) if server_code(&e) == Some(ER_DUP_ENTRY) => {
                let other: Option<(i64, String)> = tx.exec_first(
                    format!(
                        "SELECT o.id, o.dedupe_key FROM {t} AS o JOIN {t} AS j ON o.dedupe_active = j.dedupe_key WHERE j.id = ?",
                        t = self.jobs
                    ),
                    (id,),
                )?;
                let (other_id, key) = other.unwrap_or((0, String::new()));
                Err(Abort::Refused(Error::conflict(format!(
                    "cannot retry job {id}: job {other_id} with the same dedupe key \"{key}\" is already pending or running"
                ))))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn chunked_delete(&self, context: &str, sql: &str, params: &[Param]) -> Result<u64> {
        let mut total = 0u64;
        loop {
            let n = self.with_conn(context, |conn| {
                conn.exec_drop(sql, positional(params))?;
                Ok(conn.affected_rows())
            })?;
            total += n;
            if (n as i64) < PURGE_CHUNK {
                return Ok(total);
            }
        }
    }
}

impl JobStore for MariaDbBackend {
    fn push(&self, jobs: &[NewJob], now: i64) -> Result<Vec<Pushed>> {
        let insert = format!(
            "INSERT INTO {} (type, payload, status, priority, claim_order, attempts, max_attempts, run_at, created_at, \
             updated_at, dedupe_key, dedupe_active, group_key, backoff_base_ms, backoff_max_ms) \
             VALUES (?, ?, 'pending', ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.jobs
        );
        self.tx("push jobs", |tx| {
            let mut out = Vec::with_capacity(jobs.len());
            let recent = format!("{} LIMIT 1", super::RECENT_DONE_SQL.replace("{jobs}", &self.jobs));
            for job in jobs {
                if let Some(group) = &job.group_key {
                    tx.exec_drop(format!("INSERT IGNORE INTO {} (group_key) VALUES (?)", self.groups), (group,))?;
                }
                let params = Params::Positional(vec![
                    text(&job.job_type),
                    text(&job.payload),
                    Value::Int(job.priority.into()),
                    Value::Int((-job.priority).into()),
                    Value::Int(job.max_attempts.into()),
                    Value::Int(job.run_at),
                    Value::Int(now),
                    Value::Int(now),
                    opt_text(job.dedupe_key.as_deref()),
                    opt_text(job.dedupe_key.as_deref()),
                    opt_text(job.group_key.as_deref()),
                    Value::Int(job.backoff_base_ms),
                    Value::Int(job.backoff_max_ms),
                ]);
                // A dedupe hit whose holder finishes between our INSERT and our SELECT
                // leaves nothing to return: insert again (bounded).
                let mut tries = 0;
                loop {
                    tries += 1;
                    match tx.exec_drop(&insert, params.clone()) {
                        Ok(()) => {
                            let id = tx.last_insert_id().unwrap_or(0) as i64;
                            // The window look-up runs after the insert: a holder acked
                            // between a look-up and the insert would otherwise slip
                            // through (at READ COMMITTED), while after it the insert
                            // either met the holder's key or its ack is visible here.
                            if let (Some(key), true) = (&job.dedupe_key, job.dedupe_window_ms > 0) {
                                let since = now.saturating_sub(job.dedupe_window_ms);
                                let found: Option<i64> = tx.exec_first(&recent, (key, since))?;
                                if let Some(done) = found {
                                    tx.exec_drop(format!("DELETE FROM {} WHERE id = ?", self.jobs), (id,))?;
                                    out.push(Pushed { id: done, deduplicated: true });
                                    break;
                                }
                            }
                            out.push(Pushed { id, deduplicated: false });
                            break;
                        }
                        Err(e) if server_code(&e) == Some(ER_DUP_ENTRY) && job.dedupe_key.is_some() => {
                            let id: Option<i64> = tx.exec_first(
                                format!("SELECT id FROM {} WHERE dedupe_active = ?", self.jobs),
                                (job.dedupe_key.as_deref(),),
                            )?;
                            if let Some(id) = id {
                                out.push(Pushed { id, deduplicated: true });
                                break;
                            }
                            if tries >= 3 {
                                return Err(e.into());
                            }
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            Ok(out)
        })
    }

    fn claim(&self, claim: &ClaimRequest, now: i64) -> Result<Vec<Job>> {
        // The whole rows are read by the locking SELECT, so no second read is needed
        // after the UPDATE: the changed fields are set here exactly as the UPDATE sets them.
        let mut sql = format!("SELECT {} FROM {} AS j WHERE j.status = 'pending' AND j.run_at <= ?", job_columns_of("j"), self.jobs);
        let mut params = vec![Param::Int(now)];
        if !claim.types.is_empty() {
            sql.push_str(&format!(" AND j.type IN ({})", placeholders(claim.types.len())));
            params.extend(claim.types.iter().map(|t| Param::Text(t.clone())));
        }
        sql.push_str(&format!(
            " AND (j.group_key IS NULL OR NOT EXISTS (SELECT 1 FROM {} AS g WHERE g.group_key = j.group_key \
             AND g.id <> j.id AND (g.status = 'running' OR (g.status = 'pending' AND g.id < j.id)))) \
             ORDER BY j.claim_order, j.run_at, j.id LIMIT {} FOR UPDATE SKIP LOCKED",
            self.jobs, claim.limit
        ));
        let lease_until = now.saturating_add(claim.lease_ms);
        self.tx("claim jobs", |tx| {
            self.recover_expired(tx, claim.schedule, now)?;
            let rows: Vec<Row> = tx.exec(&sql, positional(&params))?;
            let mut candidates = rows.into_iter().map(read_job).collect::<Q<Vec<JobRow>>>()?;
            if candidates.is_empty() {
                return Ok(Vec::new());
            }
            let ids = self.admit_grouped(tx, candidates.iter().map(|r| (r.id, r.group_key.clone())).collect())?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            tx.exec_drop(
                format!(
                    "UPDATE {} SET status = 'running', attempts = attempts + 1, lease_until = ?, lease_token = ?, \
                     started_at = ?, updated_at = ? WHERE id IN ({})",
                    self.jobs,
                    id_list(&ids)
                ),
                (lease_until, claim.token, now, now),
            )?;
            candidates.retain(|r| ids.contains(&r.id));
            candidates
                .into_iter()
                .map(|mut r| {
                    r.status = JobStatus::Running.as_str().to_string();
                    r.attempts += 1;
                    r.lease_until = Some(lease_until);
                    r.lease_token = Some(claim.token);
                    r.started_at = Some(now);
                    r.updated_at = now;
                    r.into_job().map_err(Abort::Refused)
                })
                .collect()
        })
    }

    fn ack(&self, id: i64, token: Option<i64>, result: Option<&str>, now: i64) -> Result<()> {
        self.with_conn("ack job", |conn| {
            self.update_running(
                conn,
                "ack",
                id,
                token,
                "status = 'done', result = ?, lease_until = NULL, lease_token = NULL, dedupe_active = NULL, \
                 finished_at = ?, processing_ms = ? - COALESCE(started_at, ?), updated_at = ?",
                vec![opt_text(result), Value::Int(now), Value::Int(now), Value::Int(now), Value::Int(now)],
            )
        })
    }

    fn ack_many(&self, acks: &[(i64, Option<i64>)], now: i64) -> Result<Vec<i64>> {
        let ids: Vec<i64> = acks.iter().map(|(id, _)| *id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = id_list(&ids);
        self.tx("ack jobs", |tx| {
            let running: Vec<(i64, Option<i64>)> = tx.query(format!(
                "SELECT id, lease_token FROM {} WHERE id IN ({list}) AND status = 'running' FOR UPDATE",
                self.jobs
            ))?;
            let (accepted, refused) = split_acks(acks, &running);
            if !accepted.is_empty() {
                tx.exec_drop(
                    format!(
                        "UPDATE {} SET status = 'done', result = NULL, lease_until = NULL, lease_token = NULL, \
                         dedupe_active = NULL, finished_at = ?, processing_ms = ? - COALESCE(started_at, ?), updated_at = ? \
                         WHERE id IN ({})",
                        self.jobs,
                        id_list(&accepted)
                    ),
                    (now, now, now, now),
                )?;
            }
            Ok(refused)
        })
    }

    fn fail(&self, id: i64, token: Option<i64>, failure: &Failure, now: i64) -> Result<FailOutcome> {
        self.tx("fail job", |tx| {
            let row: Option<(String, Option<i64>, i64, i64, i64, i64)> = tx.exec_first(
                format!(
                    "SELECT status, lease_token, attempts, max_attempts, backoff_base_ms, backoff_max_ms FROM {} \
                     WHERE id = ? FOR UPDATE",
                    self.jobs
                ),
                (id,),
            )?;
            let Some((status, lease_token, attempts, max_attempts, base, max)) = row else {
                return Err(Abort::Refused(refused("fail", id, None, token, JobStatus::Running)));
            };
            let status = JobStatus::from_db(&status).map_err(Abort::Refused)?;
            if status != JobStatus::Running || (token.is_some() && lease_token != token) {
                return Err(Abort::Refused(refused("fail", id, Some(JobState { status, lease_token }), token, JobStatus::Running)));
            }
            let decision = failure.schedule.decide(
                attempts as u32,
                max_attempts as u32,
                failure.retryable,
                failure.retry_after_ms,
                base,
                max,
            );
            self.apply_failure(tx, id, decision, &failure.error, now)
        })
    }

    fn release(&self, id: i64, token: Option<i64>, delay_ms: i64, now: i64) -> Result<()> {
        self.with_conn("release job", |conn| {
            self.update_running(
                conn,
                "release",
                id,
                token,
                "status = 'pending', attempts = GREATEST(attempts - 1, 0), run_at = ?, lease_until = NULL, \
                 lease_token = NULL, updated_at = ?",
                vec![Value::Int(now.saturating_add(delay_ms)), Value::Int(now)],
            )
        })
    }

    fn extend_lease(&self, id: i64, token: Option<i64>, lease_ms: i64, now: i64) -> Result<i64> {
        let until = now.saturating_add(lease_ms);
        self.with_conn("extend the lease", |conn| {
            self.update_running(conn, "extend the lease of", id, token, "lease_until = ?, updated_at = ?", vec![Value::Int(until), Value::Int(now)])?;
            Ok(until)
        })
    }

    fn get(&self, id: i64) -> Result<Option<Job>> {
        self.with_conn("read job", |conn| Ok(self.select_jobs(conn, "id = ?", &[Param::Int(id)])?.pop()))
    }

    fn list(&self, filter: &JobFilter, order: Order<JobColumn>, limit: i64, offset: i64) -> Result<Vec<Job>> {
        let w = job_where(filter);
        let where_sql = format!("{} ORDER BY {} LIMIT {limit} OFFSET {offset}", w.sql, job_order_sql(order));
        self.with_conn("list jobs", |conn| self.select_jobs(conn, &where_sql, &w.params))
    }

    fn count(&self, filter: &JobFilter) -> Result<u64> {
        let w = job_where(filter);
        self.with_conn("count jobs", |conn| {
            let n: Option<u64> = conn.exec_first(format!("SELECT COUNT(*) FROM {} WHERE {}", self.jobs, w.sql), positional(&w.params))?;
            Ok(n.unwrap_or(0))
        })
    }

    fn retry(&self, id: i64, now: i64) -> Result<()> {
        self.tx("retry job", |tx| {
            if self.retry_one(tx, id, now)? {
                return Ok(());
            }
            let state = self.state(tx, id)?;
            Err(Abort::Refused(refused("retry", id, state, None, JobStatus::Failed)))
        })
    }

    fn retry_failed(&self, filter: &JobFilter, now: i64) -> Result<u64> {
        let w = job_where(filter);
        self.tx("retry failed jobs", |tx| {
            let ids: Vec<i64> = tx.exec(
                format!("SELECT id FROM {} WHERE {} AND status = 'failed' ORDER BY id FOR UPDATE", self.jobs, w.sql),
                positional(&w.params),
            )?;
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
            conn.exec_drop(format!("DELETE FROM {} WHERE id = ?", self.jobs), (id,))?;
            Ok(conn.affected_rows() > 0)
        })
    }

    fn purge(&self, statuses: &[JobStatus], cutoff: i64) -> Result<u64> {
        let mut params: Vec<Param> = statuses.iter().map(|s| Param::Text(s.as_str().into())).collect();
        params.push(Param::Int(cutoff));
        let sql = format!(
            "DELETE FROM {} WHERE status IN ({}) AND finished_at < ? LIMIT {PURGE_CHUNK}",
            self.jobs,
            placeholders(statuses.len())
        );
        let total = self.chunked_delete("purge jobs", &sql, &params)?;
        // Group rows of groups with no job left; a push racing with this recreates its
        // row, and a claim recreates any row that went missing anyway.
        self.with_conn("purge job groups", |conn| {
            conn.query_drop(format!(
                "DELETE FROM {g} WHERE NOT EXISTS (SELECT 1 FROM {j} WHERE {j}.group_key = {g}.group_key)",
                g = self.groups,
                j = self.jobs
            ))?;
            Ok(())
        })?;
        Ok(total)
    }

    fn stats(&self, now: i64) -> Result<QueueStats> {
        let since = now - HOUR_MS;
        let raw = self.with_conn("read queue stats", |conn| {
            let counts: Vec<(String, String, u64)> =
                conn.query(format!("SELECT status, type, COUNT(*) FROM {} GROUP BY status, type", self.jobs))?;
            let oldest_due_run_at: Option<Option<i64>> =
                conn.exec_first(format!("SELECT MIN(run_at) FROM {} WHERE status = 'pending' AND run_at <= ?", self.jobs), (now,))?;
            let finished_last_hour: Vec<(String, u64)> = conn.exec(
                format!(
                    "SELECT status, COUNT(*) FROM {} WHERE status IN ('done', 'failed') AND finished_at >= ? GROUP BY status",
                    self.jobs
                ),
                (since,),
            )?;
            let processing: Option<(u64, Option<f64>)> = conn.exec_first(
                format!(
                    "SELECT COUNT(processing_ms), AVG(processing_ms) FROM {} WHERE status = 'done' AND finished_at >= ?",
                    self.jobs
                ),
                (since,),
            )?;
            let (processing_count, processing_avg) = processing.unwrap_or((0, None));
            let processing_p95: Option<i64> = if processing_count > 0 {
                conn.exec_first(
                    format!(
                        "SELECT processing_ms FROM {} WHERE status = 'done' AND finished_at >= ? AND processing_ms IS NOT NULL \
                         ORDER BY processing_ms LIMIT 1 OFFSET {}",
                        self.jobs,
                        quantile_offset(processing_count, 0.95)
                    ),
                    (since,),
                )?
            } else {
                None
            };
            Ok(RawQueueStats {
                counts,
                oldest_due_run_at: oldest_due_run_at.flatten(),
                finished_last_hour,
                processing_count,
                processing_avg,
                processing_p95: processing_p95.map(|v| v as f64),
            })
        })?;
        QueueStats::assemble(raw, now)
    }
}

impl LogStore for MariaDbBackend {
    fn insert_log_batch(&self, rows: &[LogRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let one = format!("({})", placeholders(15));
        let values = vec![one.as_str(); rows.len()].join(", ");
        let sql = format!("INSERT INTO {} ({LOG_INSERT_COLUMNS}) VALUES {values}", self.log);
        let mut params = Vec::with_capacity(rows.len() * 15);
        for r in rows {
            params.extend([
                Value::Int(r.created_at),
                text(&r.method),
                text(&r.url),
                text(&r.endpoint),
                opt_int(r.status),
                Value::Double(r.duration_ms),
                Value::Int(r.attempt),
                text(&r.correlation_id),
                opt_int(r.job_id),
                opt_text(r.error_class.as_deref()),
                opt_text(r.error_message.as_deref()),
                text(&r.request_headers),
                text(&r.request_body),
                text(&r.response_headers),
                text(&r.response_body),
            ]);
        }
        // One multi-row INSERT is atomic on its own: no explicit transaction needed.
        self.with_conn("write the request log", |conn| Ok(conn.exec_drop(sql, Params::Positional(params))?))
    }

    fn list_log(&self, filter: &LogFilter, order: Order<LogColumn>, limit: i64, offset: i64) -> Result<Vec<LogEntry>> {
        let w = log_where(filter);
        let sql = format!(
            "SELECT {LOG_COLUMNS} FROM {} WHERE {} ORDER BY {} LIMIT {limit} OFFSET {offset}",
            self.log,
            w.sql,
            log_order_sql(order)
        );
        self.with_conn("list the request log", |conn| {
            let rows: Vec<Row> = conn.exec(sql, positional(&w.params))?;
            rows.into_iter().map(read_log).collect()
        })
    }

    fn count_log(&self, filter: &LogFilter) -> Result<u64> {
        let w = log_where(filter);
        self.with_conn("count the request log", |conn| {
            let n: Option<u64> = conn.exec_first(format!("SELECT COUNT(*) FROM {} WHERE {}", self.log, w.sql), positional(&w.params))?;
            Ok(n.unwrap_or(0))
        })
    }

    fn get_log(&self, id: i64) -> Result<Option<LogEntry>> {
        self.with_conn("read the request log", |conn| {
            let row: Option<Row> = conn.exec_first(format!("SELECT {LOG_COLUMNS} FROM {} WHERE id = ?", self.log), (id,))?;
            row.map(read_log).transpose()
        })
    }

    fn purge_log(&self, cutoff: i64) -> Result<u64> {
        let sql = format!("DELETE FROM {} WHERE created_at < ? LIMIT {PURGE_CHUNK}", self.log);
        self.chunked_delete("purge the request log", &sql, &[Param::Int(cutoff)])
    }

    fn log_samples(&self, since: i64) -> Result<Vec<LogSample>> {
        self.with_conn("read request log stats", |conn| {
            let rows: Vec<(String, f64, Option<i64>)> =
                conn.exec(format!("SELECT endpoint, duration_ms, status FROM {} WHERE created_at >= ?", self.log), (since,))?;
            Ok(rows.into_iter().map(|(endpoint, duration_ms, status)| LogSample { endpoint, duration_ms, status }).collect())
        })
    }

    fn ping(&self) -> Result<()> {
        self.with_conn("reach the database", |conn| Ok(conn.query_drop("SELECT 1")?))
    }
}

impl Migrator for MariaDbBackend {
    fn migrate(&self, target: Option<u32>) -> Result<u32> {
        let target = target.unwrap_or_else(latest_version);
        let lock_name = format!("{}.{}migrate", self.database, self.prefix);
        self.with_conn("migrate the schema", |conn| {
            // DDL commits implicitly, so concurrent migrate() calls are serialised by a
            // named lock instead of a transaction.
            let locked: Option<Option<i64>> = conn.exec_first("SELECT GET_LOCK(?, 60)", (&lock_name,))?;
            if locked.flatten() != Some(1) {
                return Err(Abort::Refused(Error::database_msg(
                    "cannot migrate the schema: another process held the migration lock for 60 s",
                )));
            }
            let outcome = (|| -> Q<u32> {
                conn.query_drop(format!(
                    "CREATE TABLE IF NOT EXISTS `{}` (`version` INT NOT NULL PRIMARY KEY, `name` VARCHAR(191) NOT NULL, \
                     `applied_at` BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                    self.versions
                ))?;
                let current: Option<Option<u32>> = conn.query_first(format!("SELECT MAX(version) FROM `{}`", self.versions))?;
                let mut current = current.flatten().unwrap_or(0);
                let applied = current;
                for m in migrations().iter().filter(|m| m.version > applied && m.version <= target) {
                    for statement in m.statements(Dialect::MariaDb, &self.prefix) {
                        conn.query_drop(statement)?;
                    }
                    conn.exec_drop(
                        format!("INSERT INTO `{}` (version, name, applied_at) VALUES (?, ?, ?)", self.versions),
                        (m.version, m.name, crate::clock::now_ms()),
                    )?;
                    current = m.version;
                }
                Ok(current)
            })();
            let _ = conn.exec_drop("DO RELEASE_LOCK(?)", (&lock_name,));
            outcome
        })
    }

    fn schema_version(&self) -> Result<u32> {
        self.with_conn("read the schema version", |conn| {
            let exists: Option<u64> = conn.exec_first(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
                (&self.versions,),
            )?;
            if exists.unwrap_or(0) == 0 {
                return Ok(0);
            }
            let v: Option<Option<u32>> = conn.query_first(format!("SELECT MAX(version) FROM `{}`", self.versions))?;
            Ok(v.flatten().unwrap_or(0))
        })
    }
}
