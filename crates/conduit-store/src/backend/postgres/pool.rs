//! A small connection pool for the synchronous `postgres` client.
//!
//! Why not r2d2 / deadpool: r2d2 runs a reaper thread and deadpool needs an async
//! runtime, and a thread that a fork does not copy is exactly what
//! [`crate::process`] keeps out of the store. This pool is a mutex-guarded list of
//! idle connections and a count: no thread, nothing that a forked child could trip
//! over (the child leaks the parent's pool with the rest of the registry and opens
//! its own connections).
//!
//! Each connection keeps its own prepared-statement cache, so a hot statement is
//! parsed once per connection and then costs one round trip (Bind/Execute).
//! A connection idle for a while is validated (one empty query) before it is
//! handed out, so one the server closed (restart, idle timeout) is replaced
//! before a caller's statement is lost on it — the MariaDB pool's check_health.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use postgres::{Client, Statement};

use super::tls::Connector;

/// Idle time after which a connection is validated before use.
const VALIDATE_AFTER: Duration = Duration::from_secs(2);
/// How long that validation may take.
const VALIDATE_TIMEOUT: Duration = Duration::from_secs(2);
/// Prepared statements kept per connection; past this the cache starts over
/// (statements with inlined values would otherwise grow it without bound).
const STATEMENT_CACHE: usize = 256;

/// One server connection and its prepared statements.
pub(crate) struct PgConn {
    pub client: Client,
    pub statements: StatementCache,
    last_used: Instant,
}

#[derive(Default)]
pub(crate) struct StatementCache {
    by_sql: HashMap<String, Statement>,
}

impl StatementCache {
    pub fn get(&self, sql: &str) -> Option<Statement> {
        self.by_sql.get(sql).cloned()
    }

    pub fn insert(&mut self, sql: &str, statement: Statement) {
        if self.by_sql.len() >= STATEMENT_CACHE {
            self.by_sql.clear();
        }
        self.by_sql.insert(sql.to_string(), statement);
    }
}

struct State {
    idle: Vec<PgConn>,
    /// Connections that exist: idle ones plus those lent out.
    open: usize,
}

pub(crate) struct Pool {
    config: postgres::Config,
    connector: Connector,
    max: usize,
    wait: Duration,
    state: Mutex<State>,
    freed: Condvar,
}

/// Why no connection could be had.
pub(crate) enum PoolError {
    Connect(postgres::Error),
    Exhausted { max: usize, waited: Duration },
}

impl Pool {
    pub fn new(config: postgres::Config, connector: Connector, max: usize, wait: Duration) -> Self {
        Self { config, connector, max: max.max(1), wait, state: Mutex::new(State { idle: Vec::new(), open: 0 }), freed: Condvar::new() }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Only list pushes/pops and a counter happen under the lock: a panic there
        // leaves nothing inconsistent, so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn forget_one(&self) {
        let mut state = self.lock();
        state.open = state.open.saturating_sub(1);
        drop(state);
        self.freed.notify_one();
    }

    /// An idle connection (validated if it sat for a while), a new one while fewer
    /// than `max` exist, or — all lent out — the first one given back within `wait`.
    pub fn get(&self) -> Result<Lease<'_>, PoolError> {
        let deadline = Instant::now() + self.wait;
        let mut state = self.lock();
        loop {
            if let Some(mut conn) = state.idle.pop() {
                drop(state);
                let stale = conn.last_used.elapsed() >= VALIDATE_AFTER;
                if conn.client.is_closed() || (stale && conn.client.is_valid(VALIDATE_TIMEOUT).is_err()) {
                    drop(conn);
                    self.forget_one();
                    state = self.lock();
                    continue;
                }
                return Ok(Lease { pool: self, conn: Some(conn) });
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return match self.connector.connect(&self.config) {
                    Ok(client) => Ok(Lease {
                        pool: self,
                        conn: Some(PgConn { client, statements: StatementCache::default(), last_used: Instant::now() }),
                    }),
                    Err(e) => {
                        self.forget_one();
                        Err(PoolError::Connect(e))
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(PoolError::Exhausted { max: self.max, waited: self.wait });
            }
            state = self.freed.wait_timeout(state, deadline - now).unwrap_or_else(|p| p.into_inner()).0;
        }
    }
}

/// A connection lent out; given back (or, when broken, forgotten) on drop.
pub(crate) struct Lease<'p> {
    pool: &'p Pool,
    conn: Option<PgConn>,
}

impl Lease<'_> {
    pub fn conn(&mut self) -> &mut PgConn {
        match self.conn.as_mut() {
            Some(c) => c,
            // `conn` is only taken in drop.
            None => unreachable_lease(),
        }
    }
}

#[cold]
fn unreachable_lease() -> ! {
    std::process::abort()
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else { return };
        if conn.client.is_closed() {
            drop(conn);
            self.pool.forget_one();
            return;
        }
        conn.last_used = Instant::now();
        self.pool.lock().idle.push(conn);
        self.pool.freed.notify_one();
    }
}
