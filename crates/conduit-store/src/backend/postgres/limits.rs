//! PostgreSQL side of [`LimitStore`]: single `INSERT … ON CONFLICT DO UPDATE …
//! RETURNING` statements (the conflicting row is locked for the update, so
//! concurrent nodes never lose a booking), one round trip per booking, on an
//! UNLOGGED table (no WAL flush per booking; see migration 4).

use super::PostgresBackend;
use crate::backend::limits::LimitStore;
use crate::error::Result;

impl LimitStore for PostgresBackend {
    fn limit_book(&self, key: &str, emission_ns: i64, now_ns: i64) -> Result<i64> {
        let sql = format!(
            "INSERT INTO {t} AS l (limit_key, tat, open_until) VALUES ($1, $2::bigint + $3::bigint, 0) \
             ON CONFLICT (limit_key) DO UPDATE SET tat = GREATEST(l.tat, $2::bigint) + $3::bigint RETURNING tat",
            t = self.limits
        );
        self.with_conn("book a shared rate-limit slot", |db| {
            let row = db.query_opt(&sql, &[&key, &now_ns, &emission_ns])?;
            Ok(match row {
                Some(row) => super::take(&row, 0)?,
                None => i64::MAX,
            })
        })
    }

    fn limit_open_until(&self, key: &str) -> Result<i64> {
        let sql = format!("SELECT open_until FROM {} WHERE limit_key = $1", self.limits);
        self.with_conn("read a shared circuit breaker", |db| match db.query_opt(&sql, &[&key])? {
            Some(row) => super::take(&row, 0),
            None => Ok(0),
        })
    }

    fn limit_compare_set(&self, key: &str, expected: i64, new: i64) -> Result<bool> {
        let sql = format!("UPDATE {} SET open_until = $1 WHERE limit_key = $2 AND open_until = $3", self.limits);
        self.with_conn("claim a shared circuit-breaker probe", |db| Ok(db.execute(&sql, &[&new, &key, &expected])? == 1))
    }

    fn limit_set_open_until(&self, key: &str, open_until: i64) -> Result<()> {
        let sql = format!(
            "INSERT INTO {} (limit_key, tat, open_until) VALUES ($1, 0, $2) \
             ON CONFLICT (limit_key) DO UPDATE SET open_until = EXCLUDED.open_until",
            self.limits
        );
        self.with_conn("set a shared circuit breaker", |db| {
            db.execute(&sql, &[&key, &open_until])?;
            Ok(())
        })
    }
}
