//! One opaque error for the whole storage layer.
//!
//! Callers ask questions (`is_config()`, `is_database()`, `is_not_found()`,
//! `is_conflict()`) instead of matching a public enum, so new kinds never break them.
//! The PHP binding maps `Config` to `Conduit\ConfigException` and every other kind to
//! `Conduit\QueueException`; the message always carries the driver's own reason.

use std::error::Error as StdError;
use std::fmt;

/// What went wrong, at the granularity the exception tree and an admin need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bad DSN, option or argument; nothing touched the database.
    Config,
    /// The database refused or could not be reached; the driver's reason is kept.
    Database,
    /// The job or log record does not exist (any more).
    NotFound,
    /// The job exists but is not in a state that allows the operation
    /// (acking a job that is not running, a lease that was lost, …).
    Conflict,
    /// A stored value could not be decoded (a row written by something else).
    Corrupt,
}

/// The error of every fallible operation in this crate.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    /// A database error that may go away by itself (busy, locked, connection lost).
    transient: bool,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self { inner: Box::new(Inner { kind, transient: false, message: message.into(), source: None }) }
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::new(Kind::Config, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(Kind::Conflict, message)
    }

    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new(Kind::Corrupt, message)
    }

    /// A driver error; `context` says what we were doing ("claim jobs"), the driver's
    /// message follows it, and a missing table gets a hint to run `migrate()`.
    pub fn database(context: &str, source: impl StdError + Send + Sync + 'static) -> Self {
        let reason = source.to_string();
        let hint = if looks_like_missing_table(&reason) {
            " (the schema is missing or outdated: run $store->migrate())"
        } else {
            ""
        };
        Self {
            inner: Box::new(Inner {
                kind: Kind::Database,
                transient: false,
                message: format!("cannot {context}: {reason}{hint}"),
                source: Some(Box::new(source)),
            }),
        }
    }

    /// Marks a database error as one that may pass by itself (lock contention, lost
    /// connection), as opposed to a statement the database refuses.
    pub(crate) fn transient(mut self) -> Self {
        self.inner.transient = true;
        self
    }

    /// A database-side failure without a driver error object (a timeout we measured).
    pub fn database_msg(message: impl Into<String>) -> Self {
        Self::new(Kind::Database, message)
    }

    /// True for a bad DSN, option or argument (`Conduit\ConfigException`).
    pub fn is_config(&self) -> bool {
        self.inner.kind == Kind::Config
    }

    /// True when the database could not be reached or refused the statement.
    pub fn is_database(&self) -> bool {
        self.inner.kind == Kind::Database
    }

    /// True for database errors that may go away by themselves: busy/locked,
    /// lock wait timeout, deadlock, lost or refused connection.
    pub fn is_transient(&self) -> bool {
        self.inner.transient
    }

    /// True when the job or record does not exist.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == Kind::NotFound
    }

    /// True when the job exists but its state forbids the operation (e.g. a lost lease).
    pub fn is_conflict(&self) -> bool {
        self.inner.kind == Kind::Conflict
    }

    /// True when a stored row could not be decoded.
    pub fn is_corrupt(&self) -> bool {
        self.inner.kind == Kind::Corrupt
    }

    /// The message without the kind prefix, as PHP shows it.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

fn looks_like_missing_table(reason: &str) -> bool {
    // SQLite: "no such table: conduit_jobs"; MariaDB: error 1146 "Table 'db.t' doesn't exist";
    // PostgreSQL: SQLSTATE 42P01 (undefined table) and 42703 (undefined column),
    // which the backend puts in its message.
    reason.contains("no such table") || reason.contains("doesn't exist") || reason.contains("no such column")
        || reason.contains("Unknown column") || reason.contains("ERROR 42P01:") || reason.contains("ERROR 42703:")
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("conduit_store::Error")
            .field("kind", &self.inner.kind)
            .field("message", &self.inner.message)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner.source.as_ref().map(|s| &**s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer_and_thread_safe() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Error>();
    }

    #[test]
    fn missing_table_gets_a_migrate_hint() {
        let e = Error::database("claim jobs", std::io::Error::other("no such table: conduit_jobs"));
        assert!(e.is_database());
        assert!(e.message().contains("run $store->migrate()"), "{e}");
        assert!(e.message().starts_with("cannot claim jobs: no such table"), "{e}");
    }
}
