//! The schema, one versioned migration per file and dialect
//! (`migrations/{sqlite,mariadb,postgres}/NNNN_name.sql`), compiled into the library.
//!
//! Rules the runner (in each backend) follows: migrations run in version order,
//! each at most once (a `{prefix}schema_version` row records it); every statement is
//! `CREATE … IF NOT EXISTS`, an additive `ALTER … ADD … IF NOT EXISTS` or an
//! `ALTER … MODIFY` that sets a column to its final definition, so re-running a
//! half-applied migration (MariaDB DDL is not transactional; PostgreSQL's is, and its
//! runner applies each migration in one transaction) is safe; nothing is
//! ever dropped. An applied migration is never edited: a change is a new version.
//! [`migrations`] hands them out without running them.

/// The dialect a migration is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    MariaDb,
    Postgres,
}

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    sqlite: &'static str,
    mariadb: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "jobs",
        sqlite: include_str!("../migrations/sqlite/0001_jobs.sql"),
        mariadb: include_str!("../migrations/mariadb/0001_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0001_jobs.sql"),
    },
    Migration {
        version: 2,
        name: "request_log",
        sqlite: include_str!("../migrations/sqlite/0002_request_log.sql"),
        mariadb: include_str!("../migrations/mariadb/0002_request_log.sql"),
        postgres: include_str!("../migrations/postgres/0002_request_log.sql"),
    },
    Migration {
        version: 3,
        name: "exact_keys",
        sqlite: include_str!("../migrations/sqlite/0003_exact_keys.sql"),
        mariadb: include_str!("../migrations/mariadb/0003_exact_keys.sql"),
        postgres: include_str!("../migrations/postgres/0003_exact_keys.sql"),
    },
    Migration {
        version: 4,
        name: "shared_limits",
        sqlite: include_str!("../migrations/sqlite/0004_shared_limits.sql"),
        mariadb: include_str!("../migrations/mariadb/0004_shared_limits.sql"),
        postgres: include_str!("../migrations/postgres/0004_shared_limits.sql"),
    },
    Migration {
        version: 5,
        name: "status_list",
        sqlite: include_str!("../migrations/sqlite/0005_status_list.sql"),
        mariadb: include_str!("../migrations/mariadb/0005_status_list.sql"),
        postgres: include_str!("../migrations/postgres/0005_status_list.sql"),
    },
];

/// All migrations, in version order, unrun.
pub fn migrations() -> &'static [Migration] {
    MIGRATIONS
}

/// The version a fully migrated schema has.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

impl Migration {
    /// The statements of this migration for `dialect`, with `{prefix}` replaced.
    /// Comment lines are dropped; statements are split at a `;` ending a line.
    pub fn statements(&self, dialect: Dialect, prefix: &str) -> Vec<String> {
        let text = match dialect {
            Dialect::Sqlite => self.sqlite,
            Dialect::MariaDb => self.mariadb,
            Dialect::Postgres => self.postgres,
        };
        let mut statements = Vec::new();
        let mut current = String::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with("--") {
                continue;
            }
            current.push_str(line);
            current.push('\n');
            if trimmed.ends_with(';') {
                let statement = current.trim().trim_end_matches(';').replace("{prefix}", prefix);
                statements.push(statement);
                current.clear();
            }
        }
        if !current.trim().is_empty() {
            statements.push(current.trim().replace("{prefix}", prefix));
        }
        statements
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_and_both_dialects_exist() {
        for (i, m) in migrations().iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
            for dialect in [Dialect::Sqlite, Dialect::MariaDb, Dialect::Postgres] {
                let statements = m.statements(dialect, "t_");
                assert!(!statements.is_empty());
                for s in &statements {
                    assert!(!s.contains("{prefix}") && !s.contains("DROP"), "{s}");
                    // CREATE … IF NOT EXISTS, or an ALTER whose every ADD is guarded
                    // (MODIFY restates a final definition, so it is idempotent).
                    let adds = s.matches("ADD ").count();
                    let guarded = s.matches("ADD INDEX IF NOT EXISTS").count() + s.matches("ADD COLUMN IF NOT EXISTS").count();
                    let idempotent = (s.starts_with("CREATE") && s.contains("IF NOT EXISTS"))
                        || (s.starts_with("ALTER TABLE") && adds == guarded);
                    assert!(idempotent, "not idempotent: {s}");
                }
            }
        }
        assert_eq!(latest_version(), 5);
    }
}
