//! SQLite side of [`LimitStore`]: single upserts (SQLite ≥ 3.35 for RETURNING;
//! the bundled one is newer). A statement is atomic and writers are serialised by
//! the database lock, so concurrent processes never lose a booking.

use rusqlite::{params, OptionalExtension};

use super::SqliteBackend;
use crate::backend::limits::LimitStore;
use crate::error::Result;

impl LimitStore for SqliteBackend {
    fn limit_book(&self, key: &str, emission_ns: i64, now_ns: i64) -> Result<i64> {
        let table = format!("{}shared_limits", self.prefix);
        self.with_conn("book a shared rate-limit slot", |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "INSERT INTO {table} (limit_key, tat, open_until) VALUES (?1, ?2 + ?3, 0) \
                     ON CONFLICT(limit_key) DO UPDATE SET tat = MAX(tat, ?2) + ?3 RETURNING tat"
                ))?
                .query_row(params![key, now_ns, emission_ns], |r| r.get(0))?)
        })
    }

    fn limit_open_until(&self, key: &str) -> Result<i64> {
        let table = format!("{}shared_limits", self.prefix);
        self.with_conn("read a shared circuit breaker", |conn| {
            let v: Option<i64> = conn
                .prepare_cached(&format!("SELECT open_until FROM {table} WHERE limit_key = ?1"))?
                .query_row([key], |r| r.get(0))
                .optional()?;
            Ok(v.unwrap_or(0))
        })
    }

    fn limit_compare_set(&self, key: &str, expected: i64, new: i64) -> Result<bool> {
        let table = format!("{}shared_limits", self.prefix);
        self.with_conn("claim a shared circuit-breaker probe", |conn| {
            let n = conn
                .prepare_cached(&format!("UPDATE {table} SET open_until = ?1 WHERE limit_key = ?2 AND open_until = ?3"))?
                .execute(params![new, key, expected])?;
            Ok(n == 1)
        })
    }

    fn limit_set_open_until(&self, key: &str, open_until: i64) -> Result<()> {
        let table = format!("{}shared_limits", self.prefix);
        self.with_conn("set a shared circuit breaker", |conn| {
            conn.prepare_cached(&format!(
                "INSERT INTO {table} (limit_key, tat, open_until) VALUES (?1, 0, ?2) \
                 ON CONFLICT(limit_key) DO UPDATE SET open_until = ?2"
            ))?
            .execute(params![key, open_until])?;
            Ok(())
        })
    }
}
