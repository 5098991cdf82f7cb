//! PostgreSQL backend — claims with `SELECT … FOR UPDATE SKIP LOCKED`, like MariaDB.
//!
//! Sessions run at PostgreSQL's default READ COMMITTED: a claim locks only the rows
//! it takes and skips rows other workers hold, so N workers take disjoint jobs
//! without waiting on each other; the claim walks the `jobs_claim` index
//! (status, claim_order, run_at, id) and stops at `LIMIT`.
//!
//! Groups: as on MariaDB, the "no running or earlier pending job in my group"
//! pre-filter is a non-locking read, so before starting a grouped job the claim
//! locks the group's row in `{prefix}job_groups` with `SKIP LOCKED` and re-checks
//! under that lock (each statement takes a fresh snapshot at READ COMMITTED, so the
//! re-check sees every committed claim); a group held by another claim is skipped.
//!
//! Where MariaDB relies on catching a duplicate-key error and carrying on inside the
//! transaction, PostgreSQL aborts the transaction on any error: push() uses
//! `INSERT … ON CONFLICT (dedupe_active) DO NOTHING RETURNING id`, and a retry that
//! may collide with a live dedupe key runs inside a savepoint.
//!
//! The driver is the synchronous `postgres` crate: each connection owns a
//! current-thread tokio runtime, which runs only inside the calling thread's
//! `block_on` — no worker thread exists (a host name is resolved on a short-lived
//! blocking-pool thread; an IP address or socket directory needs none). A forked
//! child never touches the parent's connections (see [`crate::process`]) and opens
//! its own. Connections come from [`pool::Pool`], which has no thread either.
//!
//! Deadlocks (40P01) are retried up to three times; every other driver error becomes
//! a `Database` error carrying the server's message.

mod limits;
mod pool;
mod tls;

use std::error::Error as StdError;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::types::{FromSql, ToSql};
use postgres::{GenericClient, Row, Transaction};

use super::{
    clip_error, job_order_sql, job_where, log_order_sql, log_where, refused, split_acks, ClaimRequest, Failure, JobRow,
    JobState, JobStore, LogStore, Migrator, Param, JOB_COLUMNS, LEASE_EXPIRED, LOG_COLUMNS, LOG_INSERT_COLUMNS,
    PURGE_CHUNK, RECOVER_BATCH, RECOVER_EVERY_MS,
};
use crate::dsn::PostgresDsn;
use crate::error::{Error, Result};
use crate::migrations::{latest_version, migrations, Dialect};
use crate::model::filter::{JobColumn, JobFilter, Order};
use crate::model::job::{FailOutcome, Job, JobStatus, NewJob, Pushed};
use crate::model::log::{LogColumn, LogEntry, LogFilter, LogRow, LogSample};
use crate::model::retry::{FailureDecision, RetrySchedule};
use crate::model::stats::{quantile_offset, QueueStats, RawQueueStats, HOUR_MS};
use pool::{Pool, PoolError, StatementCache};

/// Connection settings of a PostgreSQL store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PostgresSettings {
    pub pool_max: usize,
    pub connect_timeout_ms: u64,
    /// How long sent data may stay unacknowledged (TCP_USER_TIMEOUT), and the
    /// keep-alive idle time: a dead server is noticed within about this long.
    pub io_timeout_ms: u64,
}

pub(crate) struct PostgresBackend {
    pool: Pool,
    jobs: String,
    groups: String,
    log: String,
    versions: String,
    limits: String,
    prefix: String,
    last_recover: AtomicI64,
}

const DEADLOCK_RETRIES: usize = 3;

/// A driver error shown with its cause: the driver's own `Display` says only
/// "db error" or "error connecting to server".
#[derive(Debug)]
pub(crate) struct PgError(postgres::Error);

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(db) = self.0.as_db_error() {
            write!(f, "{} {}: {}", db.severity(), db.code().code(), db.message())?;
            if let Some(detail) = db.detail() {
                write!(f, " ({detail})")?;
            }
            return Ok(());
        }
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl StdError for PgError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.0)
    }
}

enum Abort {
    Db(postgres::Error),
    Refused(Error),
}

impl From<postgres::Error> for Abort {
    fn from(e: postgres::Error) -> Self {
        Abort::Db(e)
    }
}

type Q<T> = std::result::Result<T, Abort>;

fn code(e: &postgres::Error) -> Option<&SqlState> {
    e.code()
}

/// Connection lost or refused, server shutting down, deadlock, lock or statement
/// timeout: may pass by itself.
fn is_transient(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(c) => {
            let c = c.code();
            c.starts_with("08")
                || c.starts_with("57P")
                || c == SqlState::T_R_DEADLOCK_DETECTED.code()
                || c == SqlState::LOCK_NOT_AVAILABLE.code()
                || c == SqlState::T_R_SERIALIZATION_FAILURE.code()
        }
        // No server error: an I/O failure (refused, reset, timeout) or a TLS one.
        None => e.source().is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some()) || e.to_string().contains("timeout"),
    }
}

fn db_error(context: &str, e: postgres::Error) -> Error {
    let transient = is_transient(&e);
    let err = Error::database(context, PgError(e));
    if transient {
        err.transient()
    } else {
        err
    }
}

fn pool_error(context: &str, e: PoolError) -> Error {
    match e {
        PoolError::Connect(e) => db_error(context, e),
        PoolError::Exhausted { max, waited } => Error::database_msg(format!(
            "cannot {context}: all {max} PostgreSQL connections of this process stayed busy for {} ms (option pool_size)",
            waited.as_millis()
        ))
        .transient(),
    }
}

/// Runs `f` where the synchronous driver may block its thread. Each `postgres`
/// connection drives its I/O with `block_on` on a runtime of its own, which tokio
/// refuses inside another runtime — and the HTTP client books shared rate-limit
/// slots (`rate_limit.scope = "store"`) from async code on its current-thread
/// runtime. There the call runs on a scoped thread of its own, joined before this
/// returns (no thread outlives the call, so fork safety is unchanged); everywhere
/// else (every queue and log call from PHP) it runs here, with no thread.
fn off_runtime<T: Send>(context: &str, f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("conduit-pg-call".into())
            .spawn_scoped(scope, f)
            .map_err(|e| Error::database(context, e))?;
        match worker.join() {
            Ok(outcome) => outcome,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// `?` placeholders of the shared WHERE clauses numbered from `$first`, and the
/// one function SQLite and MariaDB spell differently (`INSTR(a, b)` is
/// `strpos(a, b)`, the same exact, case-sensitive substring test here because the
/// column's collation is "C").
fn numbered(sql: &str, first: usize) -> String {
    let sql = sql.replace("INSTR(", "strpos(");
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = first;
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                out.push('$');
                out.push_str(&n.to_string());
                n += 1;
            }
            _ => out.push(c),
        }
    }
    out
}

fn param_refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Param::Int(i) => i as &(dyn ToSql + Sync),
            Param::Text(s) => s as &(dyn ToSql + Sync),
        })
        .collect()
}

/// Takes column `i` of a row as `T`; a NULL or mistyped cell is a corrupt row.
fn take<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Q<T> {
    row.try_get(i).map_err(|e| Abort::Refused(Error::corrupt(format!("unexpected value in column {i}: {}", PgError(e)))))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// [`JOB_COLUMNS`] qualified with a table alias.
fn job_columns_of(alias: &str) -> String {
    JOB_COLUMNS.split(", ").map(|c| format!("{alias}.{}", c.trim())).collect::<Vec<_>>().join(", ")
}

fn read_job(r: &Row) -> Q<JobRow> {
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

fn read_log(r: &Row) -> Q<LogEntry> {
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

/// A client (connection or transaction) with its connection's statement cache:
/// `cached` statements are prepared once per connection, `once` ones (inlined
/// values, variable row counts) go through the unnamed statement.
struct Db<'a, C: GenericClient> {
    c: &'a mut C,
    statements: &'a mut StatementCache,
}

type Params<'p> = [&'p (dyn ToSql + Sync)];

impl<C: GenericClient> Db<'_, C> {
    fn statement(&mut self, sql: &str) -> std::result::Result<postgres::Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s);
        }
        let s = self.c.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    fn query(&mut self, sql: &str, params: &Params<'_>) -> Q<Vec<Row>> {
        let s = self.statement(sql)?;
        Ok(self.c.query(&s, params)?)
    }

    fn query_opt(&mut self, sql: &str, params: &Params<'_>) -> Q<Option<Row>> {
        let s = self.statement(sql)?;
        Ok(self.c.query_opt(&s, params)?)
    }

    fn execute(&mut self, sql: &str, params: &Params<'_>) -> Q<u64> {
        let s = self.statement(sql)?;
        Ok(self.c.execute(&s, params)?)
    }

    fn execute_once(&mut self, sql: &str, params: &Params<'_>) -> Q<u64> {
        Ok(self.c.execute(sql, params)?)
    }
}

impl PostgresBackend {
    /// Builds the pool; no connection is made until the first statement.
    ///
    /// # Errors
    /// `Config` when the TLS set-up the DSN asks for cannot be built.
    pub(crate) fn open(dsn: &PostgresDsn, prefix: &str, settings: &PostgresSettings) -> Result<Self> {
        let mut config = postgres::Config::new();
        config
            .user(&dsn.user)
            .dbname(&dsn.database)
            .port(dsn.port)
            .application_name("conduit")
            .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
            .keepalives(true)
            .keepalives_idle(Duration::from_millis(settings.io_timeout_ms.max(1_000)))
            .tcp_user_timeout(Duration::from_millis(settings.io_timeout_ms));
        if !dsn.password.is_empty() {
            config.password(&dsn.password);
        }
        match &dsn.socket_dir {
            Some(dir) => config.host_path(dir),
            None => config.host(&dsn.host),
        };
        let connector = tls::Connector::new(dsn.ssl_mode, dsn.ssl_root_cert.as_deref())?;
        // A caller waits for a busy pool as long as it would wait for a connect.
        let pool = Pool::new(config, connector, settings.pool_max, Duration::from_millis(settings.connect_timeout_ms.max(1_000)));
        Ok(Self {
            pool,
            jobs: format!("{prefix}jobs"),
            groups: format!("{prefix}job_groups"),
            log: format!("{prefix}request_log"),
            versions: format!("{prefix}schema_version"),
            limits: format!("{prefix}shared_limits"),
            prefix: prefix.to_string(),
            last_recover: AtomicI64::new(0),
        })
    }

    /// Statements outside a transaction (autocommit).
    fn with_conn<T: Send>(&self, context: &str, f: impl FnOnce(&mut Db<'_, postgres::Client>) -> Q<T> + Send) -> Result<T> {
        off_runtime(context, || {
            let mut lease = self.pool.get().map_err(|e| pool_error(context, e))?;
            let conn = lease.conn();
            let mut db = Db { c: &mut conn.client, statements: &mut conn.statements };
            match f(&mut db) {
                Ok(v) => Ok(v),
                Err(Abort::Db(e)) => Err(db_error(context, e)),
                Err(Abort::Refused(e)) => Err(e),
            }
        })
    }

    /// Runs `f` in a transaction; a deadlock victim is rolled back and run again.
    fn tx<T: Send>(&self, context: &str, f: impl FnMut(&mut Db<'_, Transaction<'_>>) -> Q<T> + Send) -> Result<T> {
        off_runtime(context, || self.tx_here(context, f))
    }

    fn tx_here<T>(&self, context: &str, mut f: impl FnMut(&mut Db<'_, Transaction<'_>>) -> Q<T>) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut lease = self.pool.get().map_err(|e| pool_error(context, e))?;
            let conn = lease.conn();
            let outcome = (|| -> Q<T> {
                let mut tx = conn.client.transaction()?;
                let value = {
                    let mut db = Db { c: &mut tx, statements: &mut conn.statements };
                    f(&mut db)?
                };
                tx.commit()?;
                Ok(value)
            })();
            match outcome {
                Ok(v) => return Ok(v),
                Err(Abort::Db(e)) if code(&e) == Some(&SqlState::T_R_DEADLOCK_DETECTED) && attempt < DEADLOCK_RETRIES => {
                    continue
                }
                Err(Abort::Db(e)) => return Err(db_error(context, e)),
                Err(Abort::Refused(e)) => return Err(e),
            }
        }
    }

    fn state<C: GenericClient>(&self, db: &mut Db<'_, C>, id: i64) -> Q<Option<JobState>> {
        let row = db.query_opt(&format!("SELECT status, lease_token FROM {} WHERE id = $1", self.jobs), &[&id])?;
        match row {
            None => Ok(None),
            Some(row) => {
                let status: String = take(&row, 0)?;
                Ok(Some(JobState { status: JobStatus::from_db(&status).map_err(Abort::Refused)?, lease_token: take(&row, 1)? }))
            }
        }
    }

    /// A single-row UPDATE guarded by `status = 'running'` and the lease token;
    /// `set` uses `$1…$n` for `params`. When it matches nothing, explains why.
    fn update_running<C: GenericClient>(
        &self,
        db: &mut Db<'_, C>,
        op: &str,
        id: i64,
        token: Option<i64>,
        set: &str,
        params: &Params<'_>,
    ) -> Q<()> {
        let n = params.len();
        let sql = format!(
            "UPDATE {} SET {set} WHERE id = ${} AND status = 'running' AND (${}::bigint IS NULL OR lease_token = ${})",
            self.jobs,
            n + 1,
            n + 2,
            n + 2
        );
        let mut all: Vec<&(dyn ToSql + Sync)> = params.to_vec();
        all.push(&id);
        all.push(&token);
        if db.execute(&sql, &all)? == 0 {
            let state = self.state(db, id)?;
            return Err(Abort::Refused(refused(op, id, state, token, JobStatus::Running)));
        }
        Ok(())
    }

    fn select_jobs<C: GenericClient>(&self, db: &mut Db<'_, C>, where_sql: &str, params: &[Param]) -> Q<Vec<Job>> {
        let rows = db.query(&format!("SELECT {JOB_COLUMNS} FROM {} WHERE {where_sql}", self.jobs), &param_refs(params))?;
        rows.iter().map(|r| read_job(r)?.into_job().map_err(Abort::Refused)).collect()
    }

    fn apply_failure<C: GenericClient>(&self, db: &mut Db<'_, C>, id: i64, decision: FailureDecision, error: &str, now: i64) -> Q<FailOutcome> {
        let error = clip_error(error);
        match decision {
            FailureDecision::Retry { delay_ms } => {
                let run_at = now.saturating_add(delay_ms);
                db.execute(
                    &format!(
                        "UPDATE {} SET status = 'pending', run_at = $1, lease_until = NULL, lease_token = NULL, \
                         last_error = $2, updated_at = $3 WHERE id = $4",
                        self.jobs
                    ),
                    &[&run_at, &error, &now, &id],
                )?;
                Ok(FailOutcome::Retrying { run_at })
            }
            FailureDecision::DeadLetter => {
                db.execute(
                    &format!(
                        "UPDATE {} SET status = 'failed', dedupe_active = NULL, lease_until = NULL, lease_token = NULL, \
                         last_error = $1, finished_at = $2, processing_ms = $2 - COALESCE(started_at, $2), updated_at = $2 \
                         WHERE id = $3",
                        self.jobs
                    ),
                    &[&error, &now, &id],
                )?;
                Ok(FailOutcome::Failed)
            }
        }
    }

    /// Gives expired leases back (or dead-letters them on their last attempt);
    /// rows another claim is recovering right now are skipped, not waited for.
    fn recover_expired(&self, db: &mut Db<'_, Transaction<'_>>, schedule: &dyn RetrySchedule, now: i64) -> Q<()> {
        let last = self.last_recover.load(Ordering::Relaxed);
        if now >= last && now - last < RECOVER_EVERY_MS {
            return Ok(());
        }
        self.last_recover.store(now, Ordering::Relaxed);
        let expired = db.query(
            &format!(
                "SELECT id, attempts, max_attempts, backoff_base_ms, backoff_max_ms FROM {} \
                 WHERE status = 'running' AND lease_until < $1 ORDER BY lease_until LIMIT {RECOVER_BATCH} \
                 FOR UPDATE SKIP LOCKED",
                self.jobs
            ),
            &[&now],
        )?;
        for row in expired {
            let (id, attempts, max_attempts, base, max): (i64, i64, i64, i64, i64) =
                (take(&row, 0)?, take(&row, 1)?, take(&row, 2)?, take(&row, 3)?, take(&row, 4)?);
            let decision = schedule.decide(
                attempts.clamp(0, u32::MAX.into()) as u32,
                max_attempts.clamp(0, u32::MAX.into()) as u32,
                true,
                None,
                base,
                max,
            );
            self.apply_failure(db, id, decision, LEASE_EXPIRED, now)?;
        }
        Ok(())
    }

    /// Of the candidates (in claim order), keeps ungrouped ones and, per group, the
    /// head — but only if this claim could lock the group's row.
    fn admit_grouped(&self, db: &mut Db<'_, Transaction<'_>>, candidates: Vec<(i64, Option<String>)>) -> Q<Vec<i64>> {
        let mut keys: Vec<String> = candidates.iter().filter_map(|(_, g)| g.clone()).collect();
        if keys.is_empty() {
            return Ok(candidates.into_iter().map(|(id, _)| id).collect());
        }
        keys.sort();
        keys.dedup();
        let locked: Vec<String> = db
            .query(&format!("SELECT group_key FROM {} WHERE group_key = ANY($1) FOR UPDATE SKIP LOCKED", self.groups), &[&keys])?
            .iter()
            .map(|r| take(r, 0))
            .collect::<Q<_>>()?;
        if locked.len() < keys.len() {
            // A group row can be missing (purged while a push was in flight): recreate
            // it so the next claim can lock it. Groups locked by others are just skipped.
            let existing: Vec<String> = db
                .query(&format!("SELECT group_key FROM {} WHERE group_key = ANY($1)", self.groups), &[&keys])?
                .iter()
                .map(|r| take(r, 0))
                .collect::<Q<_>>()?;
            for key in keys.iter().filter(|k| !existing.contains(k)) {
                db.execute(&format!("INSERT INTO {} (group_key) VALUES ($1) ON CONFLICT DO NOTHING", self.groups), &[key])?;
            }
        }
        let blockers_sql = format!(
            "SELECT COUNT(*) FROM {} WHERE group_key = $1 AND id <> $2 \
             AND (status = 'running' OR (status = 'pending' AND id < $2))",
            self.jobs
        );
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
            let blockers: i64 = match db.query_opt(&blockers_sql, &[&group, &id])? {
                Some(row) => take(&row, 0)?,
                None => 0,
            };
            if blockers == 0 {
                admitted.push(id);
                started_groups.push(group);
            }
        }
        Ok(admitted)
    }

    /// `failed → pending` inside a savepoint, so a dedupe-key collision leaves the
    /// surrounding transaction usable; `Ok(false)` when the job is not failed.
    fn retry_one(&self, db: &mut Db<'_, Transaction<'_>>, id: i64, now: i64) -> Q<bool> {
        let sql = format!(
            "UPDATE {} SET status = 'pending', attempts = 0, run_at = $1, lease_until = NULL, lease_token = NULL, \
             finished_at = NULL, processing_ms = NULL, dedupe_active = dedupe_key, updated_at = $1 \
             WHERE id = $2 AND status = 'failed'",
            self.jobs
        );
        let statement = db.statement(&sql)?;
        let mut savepoint = db.c.transaction()?;
        match savepoint.execute(&statement, &[&now, &id]) {
            Ok(n) => {
                savepoint.commit()?;
                Ok(n > 0)
            }
            Err(e) if code(&e) == Some(&SqlState::UNIQUE_VIOLATION) => {
                savepoint.rollback()?;
                let other = db.query_opt(
                    &format!(
                        "SELECT o.id, o.dedupe_key FROM {t} AS o JOIN {t} AS j ON o.dedupe_active = j.dedupe_key WHERE j.id = $1",
                        t = self.jobs
                    ),
                    &[&id],
                )?;
                let (other_id, key): (i64, String) = match other {
                    Some(row) => (take(&row, 0)?, take(&row, 1)?),
                    None => (0, String::new()),
                };
                Err(Abort::Refused(Error::conflict(format!(
                    "cannot retry job {id}: job {other_id} with the same dedupe key \"{key}\" is already pending or running"
                ))))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Runs a `DELETE … WHERE id IN (SELECT id … LIMIT chunk)` until it deletes
    /// less than a chunk, each chunk its own statement (no long-held locks).
    fn chunked_delete(&self, context: &str, sql: &str, params: &Params<'_>) -> Result<u64> {
        let mut total = 0u64;
        loop {
            let n = self.with_conn(context, |db| db.execute(sql, params))?;
            total += n;
            if n < PURGE_CHUNK as u64 {
                return Ok(total);
            }
        }
    }
}

impl JobStore for PostgresBackend {
    fn push(&self, jobs: &[NewJob], now: i64) -> Result<Vec<Pushed>> {
        let insert = format!(
            "INSERT INTO {} (type, payload, status, priority, claim_order, attempts, max_attempts, run_at, created_at, \
             updated_at, dedupe_key, dedupe_active, group_key, backoff_base_ms, backoff_max_ms) \
             VALUES ($1, $2, 'pending', $3, $4, 0, $5, $6, $7, $7, $8, $8, $9, $10, $11) \
             ON CONFLICT (dedupe_active) DO NOTHING RETURNING id",
            self.jobs
        );
        let holder = format!("SELECT id FROM {} WHERE dedupe_active = $1", self.jobs);
        let recent = format!("{} LIMIT 1", super::RECENT_DONE_SQL.replace("{jobs}", &self.jobs).replacen('?', "$1", 1).replacen('?', "$2", 1));
        let group_row = format!("INSERT INTO {} (group_key) VALUES ($1) ON CONFLICT DO NOTHING", self.groups);
        let delete = format!("DELETE FROM {} WHERE id = $1", self.jobs);
        self.tx("push jobs", |db| {
            let mut out = Vec::with_capacity(jobs.len());
            for job in jobs {
                if let Some(group) = &job.group_key {
                    db.execute(&group_row, &[group])?;
                }
                let priority = i64::from(job.priority);
                let claim_order = -priority;
                let max_attempts = i64::from(job.max_attempts);
                // A dedupe hit whose holder finishes between our INSERT and our SELECT
                // leaves nothing to return: insert again (bounded).
                let mut tries = 0;
                loop {
                    tries += 1;
                    let inserted = db.query_opt(
                        &insert,
                        &[
                            &job.job_type,
                            &job.payload,
                            &priority,
                            &claim_order,
                            &max_attempts,
                            &job.run_at,
                            &now,
                            &job.dedupe_key,
                            &job.group_key,
                            &job.backoff_base_ms,
                            &job.backoff_max_ms,
                        ],
                    )?;
                    if let Some(row) = inserted {
                        let id: i64 = take(&row, 0)?;
                        // The window look-up runs after the insert: a holder acked
                        // between a look-up and the insert would otherwise slip
                        // through (at READ COMMITTED), while after it the insert
                        // either met the holder's key or its ack is visible here.
                        if let (Some(key), true) = (&job.dedupe_key, job.dedupe_window_ms > 0) {
                            let since = now.saturating_sub(job.dedupe_window_ms);
                            if let Some(row) = db.query_opt(&recent, &[key, &since])? {
                                let done: i64 = take(&row, 0)?;
                                db.execute(&delete, &[&id])?;
                                out.push(Pushed { id: done, deduplicated: true });
                                break;
                            }
                        }
                        out.push(Pushed { id, deduplicated: false });
                        break;
                    }
                    // ON CONFLICT: a live job holds the key (the insert waited for
                    // its transaction if it was still open).
                    if let Some(row) = db.query_opt(&holder, &[&job.dedupe_key])? {
                        out.push(Pushed { id: take(&row, 0)?, deduplicated: true });
                        break;
                    }
                    if tries >= 3 {
                        return Err(Abort::Refused(
                            Error::database_msg(format!(
                                "cannot push jobs: the dedupe key {:?} kept changing hands, try again",
                                job.dedupe_key.as_deref().unwrap_or("")
                            ))
                            .transient(),
                        ));
                    }
                }
            }
            Ok(out)
        })
    }

    fn claim(&self, claim: &ClaimRequest, now: i64) -> Result<Vec<Job>> {
        // The whole rows are read by the locking SELECT, so no second read is needed
        // after the UPDATE: the changed fields are set here exactly as the UPDATE sets them.
        let type_filter = if claim.types.is_empty() { "" } else { " AND j.type = ANY($2)" };
        let sql = format!(
            "SELECT {} FROM {jobs} AS j WHERE j.status = 'pending' AND j.run_at <= $1{type_filter} \
             AND (j.group_key IS NULL OR NOT EXISTS (SELECT 1 FROM {jobs} AS g WHERE g.group_key = j.group_key \
             AND g.id <> j.id AND (g.status = 'running' OR (g.status = 'pending' AND g.id < j.id)))) \
             ORDER BY j.claim_order, j.run_at, j.id LIMIT {} FOR UPDATE OF j SKIP LOCKED",
            job_columns_of("j"),
            claim.limit,
            jobs = self.jobs,
        );
        let start = format!(
            "UPDATE {} SET status = 'running', attempts = attempts + 1, lease_until = $1, lease_token = $2, \
             started_at = $3, updated_at = $3 WHERE id = ANY($4)",
            self.jobs
        );
        let lease_until = now.saturating_add(claim.lease_ms);
        self.tx("claim jobs", |db| {
            self.recover_expired(db, claim.schedule, now)?;
            let rows = if claim.types.is_empty() { db.query(&sql, &[&now])? } else { db.query(&sql, &[&now, &claim.types])? };
            let mut candidates = rows.iter().map(read_job).collect::<Q<Vec<JobRow>>>()?;
            if candidates.is_empty() {
                return Ok(Vec::new());
            }
            let ids = self.admit_grouped(db, candidates.iter().map(|r| (r.id, r.group_key.clone())).collect())?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            db.execute(&start, &[&lease_until, &claim.token, &now, &ids])?;
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
        self.with_conn("ack job", |db| {
            self.update_running(
                db,
                "ack",
                id,
                token,
                "status = 'done', result = $1, lease_until = NULL, lease_token = NULL, dedupe_active = NULL, \
                 finished_at = $2, processing_ms = $2 - COALESCE(started_at, $2), updated_at = $2",
                &[&result, &now],
            )
        })
    }

    fn ack_many(&self, acks: &[(i64, Option<i64>)], now: i64) -> Result<Vec<i64>> {
        let ids: Vec<i64> = acks.iter().map(|(id, _)| *id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.tx("ack jobs", |db| {
            let running: Vec<(i64, Option<i64>)> = db
                .query(&format!("SELECT id, lease_token FROM {} WHERE id = ANY($1) AND status = 'running' FOR UPDATE", self.jobs), &[&ids])?
                .iter()
                .map(|r| Ok((take(r, 0)?, take(r, 1)?)))
                .collect::<Q<_>>()?;
            let (accepted, refused) = split_acks(acks, &running);
            if !accepted.is_empty() {
                db.execute(
                    &format!(
                        "UPDATE {} SET status = 'done', result = NULL, lease_until = NULL, lease_token = NULL, \
                         dedupe_active = NULL, finished_at = $1, processing_ms = $1 - COALESCE(started_at, $1), updated_at = $1 \
                         WHERE id = ANY($2)",
                        self.jobs
                    ),
                    &[&now, &accepted],
                )?;
            }
            Ok(refused)
        })
    }

    fn fail(&self, id: i64, token: Option<i64>, failure: &Failure, now: i64) -> Result<FailOutcome> {
        self.tx("fail job", |db| {
            let row = db.query_opt(
                &format!(
                    "SELECT status, lease_token, attempts, max_attempts, backoff_base_ms, backoff_max_ms FROM {} \
                     WHERE id = $1 FOR UPDATE",
                    self.jobs
                ),
                &[&id],
            )?;
            let Some(row) = row else {
                return Err(Abort::Refused(refused("fail", id, None, token, JobStatus::Running)));
            };
            let status: String = take(&row, 0)?;
            let lease_token: Option<i64> = take(&row, 1)?;
            let (attempts, max_attempts, base, max): (i64, i64, i64, i64) =
                (take(&row, 2)?, take(&row, 3)?, take(&row, 4)?, take(&row, 5)?);
            let status = JobStatus::from_db(&status).map_err(Abort::Refused)?;
            if status != JobStatus::Running || (token.is_some() && lease_token != token) {
                return Err(Abort::Refused(refused("fail", id, Some(JobState { status, lease_token }), token, JobStatus::Running)));
            }
            let decision = failure.schedule.decide(
                attempts.clamp(0, u32::MAX.into()) as u32,
                max_attempts.clamp(0, u32::MAX.into()) as u32,
                failure.retryable,
                failure.retry_after_ms,
                base,
                max,
            );
            self.apply_failure(db, id, decision, &failure.error, now)
        })
    }

    fn release(&self, id: i64, token: Option<i64>, delay_ms: i64, now: i64) -> Result<()> {
        let run_at = now.saturating_add(delay_ms);
        self.with_conn("release job", |db| {
            self.update_running(
                db,
                "release",
                id,
                token,
                "status = 'pending', attempts = GREATEST(attempts - 1, 0), run_at = $1, lease_until = NULL, \
                 lease_token = NULL, updated_at = $2",
                &[&run_at, &now],
            )
        })
    }

    fn extend_lease(&self, id: i64, token: Option<i64>, lease_ms: i64, now: i64) -> Result<i64> {
        let until = now.saturating_add(lease_ms);
        self.with_conn("extend the lease", |db| {
            self.update_running(db, "extend the lease of", id, token, "lease_until = $1, updated_at = $2", &[&until, &now])?;
            Ok(until)
        })
    }

    fn get(&self, id: i64) -> Result<Option<Job>> {
        self.with_conn("read job", |db| Ok(self.select_jobs(db, "id = $1", &[Param::Int(id)])?.pop()))
    }

    fn list(&self, filter: &JobFilter, order: Order<JobColumn>, limit: i64, offset: i64) -> Result<Vec<Job>> {
        let w = job_where(filter);
        let where_sql = format!("{} ORDER BY {} LIMIT {limit} OFFSET {offset}", numbered(&w.sql, 1), job_order_sql(order));
        self.with_conn("list jobs", |db| self.select_jobs(db, &where_sql, &w.params))
    }

    fn count(&self, filter: &JobFilter) -> Result<u64> {
        let w = job_where(filter);
        self.with_conn("count jobs", |db| {
            let sql = format!("SELECT COUNT(*) FROM {} WHERE {}", self.jobs, numbered(&w.sql, 1));
            match db.query_opt(&sql, &param_refs(&w.params))? {
                Some(row) => Ok(count(take(&row, 0)?)),
                None => Ok(0),
            }
        })
    }

    fn retry(&self, id: i64, now: i64) -> Result<()> {
        self.tx("retry job", |db| {
            if self.retry_one(db, id, now)? {
                return Ok(());
            }
            let state = self.state(db, id)?;
            Err(Abort::Refused(refused("retry", id, state, None, JobStatus::Failed)))
        })
    }

    fn retry_failed(&self, filter: &JobFilter, now: i64) -> Result<u64> {
        let w = job_where(filter);
        let sql = format!("SELECT id FROM {} WHERE {} AND status = 'failed' ORDER BY id FOR UPDATE", self.jobs, numbered(&w.sql, 1));
        self.tx("retry failed jobs", |db| {
            let ids: Vec<i64> = db.query(&sql, &param_refs(&w.params))?.iter().map(|r| take(r, 0)).collect::<Q<_>>()?;
            let mut retried = 0;
            for id in ids {
                match self.retry_one(db, id, now) {
                    Ok(true) => retried += 1,
                    Ok(false) | Err(Abort::Refused(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(retried)
        })
    }

    fn delete(&self, id: i64) -> Result<bool> {
        self.with_conn("delete job", |db| Ok(db.execute(&format!("DELETE FROM {} WHERE id = $1", self.jobs), &[&id])? > 0))
    }

    fn purge(&self, statuses: &[JobStatus], cutoff: i64) -> Result<u64> {
        let statuses: Vec<String> = statuses.iter().map(|s| s.as_str().to_string()).collect();
        let sql = format!(
            "DELETE FROM {j} WHERE id IN (SELECT id FROM {j} WHERE status = ANY($1) AND finished_at < $2 LIMIT {PURGE_CHUNK})",
            j = self.jobs
        );
        let total = self.chunked_delete("purge jobs", &sql, &[&statuses, &cutoff])?;
        // Group rows of groups with no job left; a push racing with this recreates its
        // row, and a claim recreates any row that went missing anyway.
        self.with_conn("purge job groups", |db| {
            db.execute(
                &format!(
                    "DELETE FROM {g} WHERE NOT EXISTS (SELECT 1 FROM {j} WHERE {j}.group_key = {g}.group_key)",
                    g = self.groups,
                    j = self.jobs
                ),
                &[],
            )?;
            Ok(())
        })?;
        Ok(total)
    }

    fn stats(&self, now: i64) -> Result<QueueStats> {
        let since = now - HOUR_MS;
        let raw = self.with_conn("read queue stats", |db| {
            let counts = db
                .query(&format!("SELECT status, type, COUNT(*) FROM {} GROUP BY status, type", self.jobs), &[])?
                .iter()
                .map(|r| Ok((take(r, 0)?, take(r, 1)?, count(take(r, 2)?))))
                .collect::<Q<Vec<(String, String, u64)>>>()?;
            let oldest_due_run_at: Option<i64> = match db
                .query_opt(&format!("SELECT MIN(run_at) FROM {} WHERE status = 'pending' AND run_at <= $1", self.jobs), &[&now])?
            {
                Some(row) => take(&row, 0)?,
                None => None,
            };
            let finished_last_hour = db
                .query(
                    &format!(
                        "SELECT status, COUNT(*) FROM {} WHERE status IN ('done', 'failed') AND finished_at >= $1 GROUP BY status",
                        self.jobs
                    ),
                    &[&since],
                )?
                .iter()
                .map(|r| Ok((take(r, 0)?, count(take(r, 1)?))))
                .collect::<Q<Vec<(String, u64)>>>()?;
            let (processing_count, processing_avg): (u64, Option<f64>) = match db.query_opt(
                &format!(
                    "SELECT COUNT(processing_ms), AVG(processing_ms)::float8 FROM {} WHERE status = 'done' AND finished_at >= $1",
                    self.jobs
                ),
                &[&since],
            )? {
                Some(row) => (count(take(&row, 0)?), take(&row, 1)?),
                None => (0, None),
            };
            let processing_p95: Option<i64> = if processing_count > 0 {
                let sql = format!(
                    "SELECT processing_ms FROM {} WHERE status = 'done' AND finished_at >= $1 AND processing_ms IS NOT NULL \
                     ORDER BY processing_ms LIMIT 1 OFFSET {}",
                    self.jobs,
                    quantile_offset(processing_count, 0.95)
                );
                match db.query_opt(&sql, &[&since])? {
                    Some(row) => take(&row, 0)?,
                    None => None,
                }
            } else {
                None
            };
            Ok(RawQueueStats {
                counts,
                oldest_due_run_at,
                finished_last_hour,
                processing_count,
                processing_avg,
                processing_p95: processing_p95.map(|v| v as f64),
            })
        })?;
        QueueStats::assemble(raw, now)
    }
}

impl LogStore for PostgresBackend {
    fn insert_log_batch(&self, rows: &[LogRow]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut values = String::with_capacity(rows.len() * 80);
        for i in 0..rows.len() {
            if i > 0 {
                values.push_str(", ");
            }
            values.push('(');
            for c in 0..15 {
                if c > 0 {
                    values.push_str(", ");
                }
                values.push('$');
                values.push_str(&(i * 15 + c + 1).to_string());
            }
            values.push(')');
        }
        let sql = format!("INSERT INTO {} ({LOG_INSERT_COLUMNS}) VALUES {values}", self.log);
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(rows.len() * 15);
        for r in rows {
            params.extend([
                &r.created_at as &(dyn ToSql + Sync),
                &r.method,
                &r.url,
                &r.endpoint,
                &r.status,
                &r.duration_ms,
                &r.attempt,
                &r.correlation_id,
                &r.job_id,
                &r.error_class,
                &r.error_message,
                &r.request_headers,
                &r.request_body,
                &r.response_headers,
                &r.response_body,
            ]);
        }
        // One multi-row INSERT is atomic on its own: no explicit transaction needed.
        // Batch sizes vary, so the statement is not kept prepared.
        self.with_conn("write the request log", |db| {
            db.execute_once(&sql, &params)?;
            Ok(())
        })
    }

    fn list_log(&self, filter: &LogFilter, order: Order<LogColumn>, limit: i64, offset: i64) -> Result<Vec<LogEntry>> {
        let w = log_where(filter);
        let sql = format!(
            "SELECT {LOG_COLUMNS} FROM {} WHERE {} ORDER BY {} LIMIT {limit} OFFSET {offset}",
            self.log,
            numbered(&w.sql, 1),
            log_order_sql(order)
        );
        self.with_conn("list the request log", |db| db.query(&sql, &param_refs(&w.params))?.iter().map(read_log).collect())
    }

    fn count_log(&self, filter: &LogFilter) -> Result<u64> {
        let w = log_where(filter);
        let sql = format!("SELECT COUNT(*) FROM {} WHERE {}", self.log, numbered(&w.sql, 1));
        self.with_conn("count the request log", |db| match db.query_opt(&sql, &param_refs(&w.params))? {
            Some(row) => Ok(count(take(&row, 0)?)),
            None => Ok(0),
        })
    }

    fn get_log(&self, id: i64) -> Result<Option<LogEntry>> {
        self.with_conn("read the request log", |db| {
            db.query_opt(&format!("SELECT {LOG_COLUMNS} FROM {} WHERE id = $1", self.log), &[&id])?.as_ref().map(read_log).transpose()
        })
    }

    fn purge_log(&self, cutoff: i64) -> Result<u64> {
        let sql = format!(
            "DELETE FROM {l} WHERE id IN (SELECT id FROM {l} WHERE created_at < $1 LIMIT {PURGE_CHUNK})",
            l = self.log
        );
        self.chunked_delete("purge the request log", &sql, &[&cutoff])
    }

    fn log_samples(&self, since: i64) -> Result<Vec<LogSample>> {
        self.with_conn("read request log stats", |db| {
            db.query(&format!("SELECT endpoint, duration_ms, status FROM {} WHERE created_at >= $1", self.log), &[&since])?
                .iter()
                .map(|r| Ok(LogSample { endpoint: take(r, 0)?, duration_ms: take(r, 1)?, status: take(r, 2)? }))
                .collect()
        })
    }

    fn ping(&self) -> Result<()> {
        self.with_conn("reach the database", |db| {
            db.execute("SELECT 1", &[])?;
            Ok(())
        })
    }
}

impl Migrator for PostgresBackend {
    fn migrate(&self, target: Option<u32>) -> Result<u32> {
        let target = target.unwrap_or_else(latest_version);
        let lock_key = format!("conduit.migrate.{}", self.prefix);
        // PostgreSQL's DDL is transactional: the whole run is one transaction, so a
        // failed migration leaves nothing half-applied, and concurrent migrate()
        // calls queue on a transaction-scoped advisory lock.
        self.tx("migrate the schema", |db| {
            db.c.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&lock_key])?;
            db.c.batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {} (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(191) NOT NULL, \
                 applied_at BIGINT NOT NULL)",
                self.versions
            ))?;
            let current: Option<i64> = take(&db.c.query_one(&format!("SELECT MAX(version) FROM {}", self.versions), &[])?, 0)?;
            let mut current = u32::try_from(current.unwrap_or(0)).unwrap_or(0);
            let applied = current;
            for m in migrations().iter().filter(|m| m.version > applied && m.version <= target) {
                for statement in m.statements(Dialect::Postgres, &self.prefix) {
                    db.c.batch_execute(&statement)?;
                }
                db.c.execute(
                    &format!("INSERT INTO {} (version, name, applied_at) VALUES ($1, $2, $3)", self.versions),
                    &[&i64::from(m.version), &m.name, &crate::clock::now_ms()],
                )?;
                current = m.version;
            }
            Ok(current)
        })
    }

    fn schema_version(&self) -> Result<u32> {
        self.with_conn("read the schema version", |db| {
            // to_regclass folds the unquoted name as the statements do.
            let exists: bool = take(&db.c.query_one("SELECT to_regclass($1) IS NOT NULL", &[&self.versions])?, 0)?;
            if !exists {
                return Ok(0);
            }
            let v: Option<i64> = take(&db.c.query_one(&format!("SELECT MAX(version) FROM {}", self.versions), &[])?, 0)?;
            Ok(u32::try_from(v.unwrap_or(0)).unwrap_or(0))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_where_clauses_get_numbered_placeholders() {
        assert_eq!(
            numbered("1=1 AND status IN (?, ?) AND INSTR(last_error, ?) > 0 AND endpoint LIKE ? ESCAPE '!'", 1),
            "1=1 AND status IN ($1, $2) AND strpos(last_error, $3) > 0 AND endpoint LIKE $4 ESCAPE '!'"
        );
        assert_eq!(numbered("a = ? AND b = '?'", 3), "a = $3 AND b = '?'");
    }
}
