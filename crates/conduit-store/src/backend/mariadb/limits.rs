//! MariaDB side of [`LimitStore`]: single `INSERT … ON DUPLICATE KEY UPDATE`
//! statements (row-locked by InnoDB, so concurrent nodes never lose a booking);
//! the booked TAT comes back through `LAST_INSERT_ID(expr)` in the OK packet,
//! so a booking is one round trip.

use mysql::prelude::Queryable;

use super::MariaDbBackend;
use crate::backend::limits::LimitStore;
use crate::error::Result;

impl LimitStore for MariaDbBackend {
    fn limit_book(&self, key: &str, emission_ns: i64, now_ns: i64) -> Result<i64> {
        let table = format!("{}shared_limits", self.prefix);
        self.with_conn("book a shared rate-limit slot", |conn| {
            conn.exec_drop(
                format!(
                    "INSERT INTO `{table}` (`limit_key`, `tat`, `open_until`) VALUES (?, LAST_INSERT_ID(? + ?), 0) \
                     ON DUPLICATE KEY UPDATE `tat` = LAST_INSERT_ID(GREATEST(`tat`, ?) + ?)"
                ),
                (key, now_ns, emission_ns, now_ns, emission_ns),
            )?;
            Ok(i64::try_from(conn.last_insert_id()).unwrap_or(i64::MAX))
        })
    }

    fn limit_open_until(&self, key: &str) -> Result<i64> {
        let table = format!("{}shared_limits", self.prefix);
        self.with_conn("read a shared circuit breaker", |conn| {
            let v: Option<i64> =
                conn.exec_first(format!("SELECT `open_until` FROM `{table}` WHERE `limit_key` = ?"), (key,))?;
            Ok(v.unwrap_or(0))
        })
    }

    fn limit_compare_set(&self, key: &str, expected: i64, new: i64) -> Result<bool> {
        let table = format!("{}shared_limits", self.prefix);
        self.with_conn("claim a shared circuit-breaker probe", |conn| {
            conn.exec_drop(
                format!("UPDATE `{table}` SET `open_until` = ? WHERE `limit_key` = ? AND `open_until` = ?"),
                (new, key, expected),
            )?;
            Ok(conn.affected_rows() == 1)
        })
    }

    fn limit_set_open_until(&self, key: &str, open_until: i64) -> Result<()> {
        let table = format!("{}shared_limits", self.prefix);
        self.with_conn("set a shared circuit breaker", |conn| {
            conn.exec_drop(
                format!(
                    "INSERT INTO `{table}` (`limit_key`, `tat`, `open_until`) VALUES (?, 0, ?) \
                     ON DUPLICATE KEY UPDATE `open_until` = VALUES(`open_until`)"
                ),
                (key, open_until),
            )?;
            Ok(())
        })
    }
}
