//! `Store`: one database (SQLite file, MariaDB schema or PostgreSQL database) plus a
//! table prefix.
//!
//! Constructing a store only validates the DSN and options; the first operation
//! of a process connects (see [`crate::process`] for why, and for fork safety).
//! Every queue, request log and attempt sink built from a store shares this
//! process's connection to it.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::backend::mariadb::{MariaDbBackend, MariaDbSettings};
use crate::backend::postgres::{PostgresBackend, PostgresSettings};
use crate::backend::sqlite::{SqliteBackend, SqliteSettings};
use crate::backend::Backend;
use crate::dsn::Dsn;
use crate::error::{Error, Result};
use crate::options::{quote, secs_to_ms, OptionReader};
use crate::process;
use crate::request_log::writer::{LogWriter, WriterOptions, WriterStats};

/// Option keys of `new Store($dsn, $options)`.
pub const STORE_OPTION_KEYS: &[&str] = &[
    "table_prefix",
    "busy_timeout_s",
    "synchronous",
    "pool_size",
    "connect_timeout_s",
    "io_timeout_s",
    "log_batch_size",
    "log_flush_interval_s",
    "log_capacity",
    "log_drop_grace_s",
    "log_flush_timeout_s",
];

/// Validated store settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Prefix of every table. Default is `conduit_` (the Bitrix module uses `b_conduit_`).
    pub table_prefix: String,
    /// SQLite: how long a writer waits for the write lock. Default is 5 s.
    pub busy_timeout_ms: u64,
    /// SQLite: fsync on every commit (`full`) or only at checkpoints (`normal`,
    /// which can lose the last commits on power loss, never on a process crash).
    /// Default is `full`.
    pub synchronous_full: bool,
    /// MariaDB/PostgreSQL: connections per process. Default is 4.
    pub pool_size: usize,
    /// MariaDB/PostgreSQL: TCP connect timeout. Default is 5 s.
    pub connect_timeout_ms: u64,
    /// MariaDB: network read/write timeout of one statement; PostgreSQL: how long sent
    /// data may go unacknowledged (TCP_USER_TIMEOUT) and the keep-alive idle time.
    /// Default is 30 s.
    pub io_timeout_ms: u64,
    /// The request-log writer.
    pub log: WriterOptions,
}

/// Default table prefix.
pub const DEFAULT_TABLE_PREFIX: &str = "conduit_";

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            table_prefix: DEFAULT_TABLE_PREFIX.into(),
            busy_timeout_ms: 5_000,
            synchronous_full: true,
            pool_size: 4,
            connect_timeout_ms: 5_000,
            io_timeout_ms: 30_000,
            log: WriterOptions::default(),
        }
    }
}

/// The one rule for table prefixes, the same on both engines: empty, or a letter or
/// `_` followed by letters, digits or `_`, at most 32 bytes in all. A leading digit
/// is refused because SQLite reads an unquoted `1xjobs` as a number (and MariaDB
/// accepts it), so such a prefix would only fail later, in `migrate()`.
///
/// # Errors
/// `Config` naming the option and quoting the value.
pub fn check_table_prefix(prefix: &str) -> Result<()> {
    let mut chars = prefix.chars();
    let first_ok = chars.next().is_none_or(|c| c.is_ascii_alphabetic() || c == '_');
    if prefix.len() > 32 || !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::config(format!(
            "Store::__construct(): option \"table_prefix\" must be empty or start with a letter or underscore \
             followed by letters, digits or underscores, at most 32 in all; got {}",
            quote(&Value::String(prefix.to_string()))
        )));
    }
    Ok(())
}

impl StoreOptions {
    /// Reads the PHP options array.
    ///
    /// # Errors
    /// `Config` for unknown keys or bad values, quoting them.
    pub fn from_value(options: Option<&Value>) -> Result<Self> {
        let r = OptionReader::new("Store::__construct()", options, STORE_OPTION_KEYS)?;
        let mut o = StoreOptions::default();
        if let Some(prefix) = r.string("table_prefix", 64)? {
            check_table_prefix(&prefix)?;
            o.table_prefix = prefix;
        }
        if let Some(s) = r.number("busy_timeout_s", 0.0, 3600.0, "a number of seconds from 0 to 3600")? {
            o.busy_timeout_ms = secs_to_ms(s) as u64;
        }
        if let Some(mode) = r.string("synchronous", 16)? {
            o.synchronous_full = match mode.to_ascii_lowercase().as_str() {
                "full" => true,
                "normal" => false,
                _ => {
                    return Err(Error::config(format!(
                        "Store::__construct(): option \"synchronous\" must be \"full\" or \"normal\", got \"{mode}\""
                    )))
                }
            };
        }
        if let Some(n) = r.integer("pool_size", 1, 64, "an integer from 1 to 64")? {
            o.pool_size = n as usize;
        }
        if let Some(s) = r.number("connect_timeout_s", 0.1, 300.0, "a number of seconds from 0.1 to 300")? {
            o.connect_timeout_ms = secs_to_ms(s) as u64;
        }
        if let Some(s) = r.number("io_timeout_s", 0.1, 3600.0, "a number of seconds from 0.1 to 3600")? {
            o.io_timeout_ms = secs_to_ms(s) as u64;
        }
        if let Some(n) = r.integer("log_batch_size", 1, 1000, "an integer from 1 to 1000")? {
            o.log.batch_size = n as usize;
        }
        if let Some(s) = r.number("log_flush_interval_s", 0.001, 60.0, "a number of seconds from 0.001 to 60")? {
            o.log.flush_interval = Duration::from_millis(secs_to_ms(s) as u64);
        }
        if let Some(n) = r.integer("log_capacity", 1, 1_000_000, "an integer from 1 to 1000000")? {
            o.log.capacity = n as usize;
        }
        if let Some(s) = r.number("log_drop_grace_s", 0.0, 86_400.0, "a number of seconds from 0 to 86400")? {
            o.log.drop_grace = Duration::from_millis(secs_to_ms(s) as u64);
        }
        if let Some(s) = r.number("log_flush_timeout_s", 0.0, 300.0, "a number of seconds from 0 to 300")? {
            o.log.flush_timeout = Duration::from_millis(secs_to_ms(s) as u64);
        }
        Ok(o)
    }
}

struct Inner {
    dsn: Dsn,
    options: StoreOptions,
    /// Identifies this database + settings in the per-process registry (holds the
    /// password; never shown).
    key: String,
}

/// A handle to one store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dsn", &self.inner.dsn).field("table_prefix", &self.inner.options.table_prefix).finish()
    }
}

impl Store {
    /// Validates the DSN and options; connects on first use.
    ///
    /// # Errors
    /// `Config` for a bad DSN.
    pub fn open(dsn: &str, options: StoreOptions) -> Result<Self> {
        let parsed = Dsn::parse(dsn)?;
        check_table_prefix(&options.table_prefix)?;
        let key = format!("{}\u{0}{:?}", dsn.trim(), options);
        Ok(Self { inner: Arc::new(Inner { dsn: parsed, options, key }) })
    }

    /// `"sqlite"`, `"mysql"` or `"pgsql"`.
    pub fn driver(&self) -> &'static str {
        self.inner.dsn.driver()
    }

    /// The DSN with the password masked.
    pub fn display_dsn(&self) -> String {
        self.inner.dsn.to_string()
    }

    pub fn options(&self) -> &StoreOptions {
        &self.inner.options
    }

    /// Opens a new backend (a connection of its own).
    fn open_backend(&self, pool_size: usize) -> Result<Arc<dyn Backend>> {
        let o = &self.inner.options;
        Ok(match &self.inner.dsn {
            Dsn::Sqlite { path } => Arc::new(SqliteBackend::open(
                path,
                &o.table_prefix,
                &SqliteSettings { busy_timeout_ms: o.busy_timeout_ms, synchronous_full: o.synchronous_full },
            )?),
            Dsn::MariaDb(m) => Arc::new(MariaDbBackend::open(
                m,
                &o.table_prefix,
                &MariaDbSettings { pool_max: pool_size, connect_timeout_ms: o.connect_timeout_ms, io_timeout_ms: o.io_timeout_ms },
            )?),
            Dsn::Postgres(p) => Arc::new(PostgresBackend::open(
                p,
                &o.table_prefix,
                &PostgresSettings { pool_max: pool_size, connect_timeout_ms: o.connect_timeout_ms, io_timeout_ms: o.io_timeout_ms },
            )?),
        })
    }

    /// This process's backend for this store.
    pub(crate) fn backend(&self) -> Result<Arc<dyn Backend>> {
        process::backend(&self.inner.key, || self.open_backend(self.inner.options.pool_size))
    }

    /// Applies every pending migration; returns the schema version.
    ///
    /// # Errors
    /// `Database` when the database is unreachable or refuses a statement.
    pub fn migrate(&self) -> Result<u32> {
        self.backend()?.migrate(None)
    }

    /// Applies pending migrations up to `version` only (tests of upgrades).
    ///
    /// # Errors
    /// As [`Store::migrate`].
    pub fn migrate_to(&self, version: u32) -> Result<u32> {
        self.backend()?.migrate(Some(version))
    }

    /// The applied schema version; 0 before the first `migrate()`.
    ///
    /// # Errors
    /// `Database` when the database is unreachable.
    pub fn schema_version(&self) -> Result<u32> {
        self.backend()?.schema_version()
    }

    /// One round trip to the database.
    ///
    /// # Errors
    /// `Database` with the driver's reason.
    pub fn ping(&self) -> Result<()> {
        self.backend()?.ping()
    }

    /// This process's request-log writer for this store, started on first use.
    ///
    /// # Errors
    /// `Database` when the writer's connection cannot be set up.
    pub fn log_writer(&self) -> Result<Arc<LogWriter>> {
        process::writer(&self.inner.key, || {
            let backend = self.open_backend(1)?;
            LogWriter::start_spooled(backend, self.inner.options.log, self.display_dsn(), &self.inner.key)
        })
    }

    /// Waits until this process's queued log records are written.
    ///
    /// # Errors
    /// `Database` when that does not happen within `log_flush_timeout_s`.
    pub fn flush_log(&self) -> Result<()> {
        match process::existing_writer(&self.inner.key) {
            Some(w) => w.flush(self.inner.options.log.flush_timeout),
            None => Ok(()),
        }
    }

    /// The writer's counters in this process (zeros if it never started).
    pub fn writer_stats(&self) -> WriterStats {
        process::existing_writer(&self.inner.key).map(|w| w.stats()).unwrap_or_default()
    }
}
