//! Which jobs `list`, `count`, `retryFailed` and `purge` look at, and in what order.
//! Parsed from PHP arrays here; turned into SQL only by the backends.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::job::JobStatus;
use crate::options::{quote, OptionReader};

/// Filter keys accepted by `list()`/`count()`/`retryFailed()`.
pub const JOB_FILTER_KEYS: &[&str] = &[
    "status",
    "type",
    "dedupe_key",
    "group_key",
    "created_from",
    "created_to",
    "updated_from",
    "updated_to",
    "error",
];

/// A conjunction of conditions; empty fields match everything. Times in ms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobFilter {
    pub statuses: Vec<JobStatus>,
    pub types: Vec<String>,
    pub dedupe_key: Option<String>,
    pub group_key: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    pub updated_from: Option<i64>,
    pub updated_to: Option<i64>,
    /// Substring of the last error.
    pub error_contains: Option<String>,
}

/// A Unix timestamp in seconds (int or float) to ms.
pub(crate) fn timestamp_ms(reader: &OptionReader<'_>, key: &str) -> Result<Option<i64>> {
    Ok(reader
        .number(key, 0.0, 32_503_680_000.0, "a Unix timestamp in seconds")?
        .map(|s| (s * 1000.0).round() as i64))
}

impl JobFilter {
    /// # Errors
    /// `Config` for unknown keys, unknown statuses or values of the wrong type.
    pub fn from_value(what: &'static str, value: Option<&Value>) -> Result<Self> {
        let reader = OptionReader::new(what, value, JOB_FILTER_KEYS)?;
        let statuses = match reader.string_list("status", 16)? {
            Some(names) => names.iter().map(|n| JobStatus::parse(n)).collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            statuses,
            types: reader.string_list("type", 191)?.unwrap_or_default(),
            dedupe_key: reader.string("dedupe_key", 191)?,
            group_key: reader.string("group_key", 191)?,
            created_from: timestamp_ms(&reader, "created_from")?,
            created_to: timestamp_ms(&reader, "created_to")?,
            updated_from: timestamp_ms(&reader, "updated_from")?,
            updated_to: timestamp_ms(&reader, "updated_to")?,
            error_contains: reader.string("error", 1000)?,
        })
    }
}

/// Columns a job list may be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobColumn {
    Id,
    CreatedAt,
    UpdatedAt,
    RunAt,
    Priority,
    Attempts,
    Status,
    Type,
}

impl JobColumn {
    const NAMES: &'static [(&'static str, JobColumn)] = &[
        ("id", JobColumn::Id),
        ("created_at", JobColumn::CreatedAt),
        ("updated_at", JobColumn::UpdatedAt),
        ("run_at", JobColumn::RunAt),
        ("priority", JobColumn::Priority),
        ("attempts", JobColumn::Attempts),
        ("status", JobColumn::Status),
        ("type", JobColumn::Type),
    ];

    /// The SQL column (same name on both engines).
    pub(crate) fn sql(self) -> &'static str {
        match self {
            JobColumn::Id => "id",
            JobColumn::CreatedAt => "created_at",
            JobColumn::UpdatedAt => "updated_at",
            JobColumn::RunAt => "run_at",
            JobColumn::Priority => "priority",
            JobColumn::Attempts => "attempts",
            JobColumn::Status => "status",
            JobColumn::Type => "type",
        }
    }
}

/// `"id"`, `"created_at desc"`, `"-updated_at"`… Ties are broken by id in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order<C> {
    pub column: C,
    pub descending: bool,
}

/// Parses an order string against a column table.
pub(crate) fn parse_order<C: Copy>(text: &str, names: &[(&str, C)], what: &str) -> Result<Order<C>> {
    let text = text.trim();
    let (name, descending) = if let Some(rest) = text.strip_prefix('-') {
        (rest.trim(), true)
    } else {
        match text.split_once(char::is_whitespace) {
            Some((name, dir)) => match dir.trim().to_ascii_lowercase().as_str() {
                "asc" => (name, false),
                "desc" => (name, true),
                _ => return Err(order_error(text, names, what)),
            },
            None => (text, false),
        }
    };
    names
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, column)| Order { column: *column, descending })
        .ok_or_else(|| order_error(text, names, what))
}

fn order_error<C>(text: &str, names: &[(&str, C)], what: &str) -> Error {
    let columns: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
    Error::config(format!(
        "{what}: invalid order {}; use \"column\", \"column desc\" or \"-column\" with one of: {}",
        quote(&Value::String(text.to_string())),
        columns.join(", ")
    ))
}

impl Order<JobColumn> {
    /// Newest first, the admin list's default.
    pub const DEFAULT: Order<JobColumn> = Order { column: JobColumn::Id, descending: true };

    /// # Errors
    /// `Config` naming the sortable columns.
    pub fn parse_jobs(text: Option<&str>) -> Result<Self> {
        match text {
            None => Ok(Self::DEFAULT),
            Some(t) if t.trim().is_empty() => Ok(Self::DEFAULT),
            Some(t) => parse_order(t, JobColumn::NAMES, "SyncQueue::list()"),
        }
    }
}

/// Largest page a list call returns.
pub const MAX_PAGE: i64 = 1000;

/// Checks `limit`/`offset` of a list call.
///
/// # Errors
/// `Config` unless `1 <= limit <= 1000` and `offset >= 0`.
pub fn check_page(what: &str, limit: i64, offset: i64) -> Result<()> {
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::config(format!("{what}: limit must be from 1 to {MAX_PAGE}, got {limit}")));
    }
    if offset < 0 {
        return Err(Error::config(format!("{what}: offset must be >= 0, got {offset}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_filters() {
        let f = JobFilter::from_value(
            "SyncQueue::list()",
            Some(&json!({"status": ["failed", "done"], "type": "order.export", "created_from": 1700000000, "error": "timeout"})),
        )
        .unwrap();
        assert_eq!(f.statuses, vec![JobStatus::Failed, JobStatus::Done]);
        assert_eq!(f.types, vec!["order.export".to_string()]);
        assert_eq!(f.created_from, Some(1_700_000_000_000));
        assert_eq!(f.error_contains.as_deref(), Some("timeout"));
        let err = JobFilter::from_value("SyncQueue::list()", Some(&json!({"status": "lost"}))).unwrap_err();
        assert!(err.message().contains("unknown job status \"lost\""), "{err}");
    }

    #[test]
    fn parses_orders() {
        // text, column, descending
        let cases = [
            ("id", JobColumn::Id, false),
            ("created_at desc", JobColumn::CreatedAt, true),
            ("-updated_at", JobColumn::UpdatedAt, true),
            ("priority ASC", JobColumn::Priority, false),
        ];
        for (text, column, descending) in cases {
            assert_eq!(Order::parse_jobs(Some(text)).unwrap(), Order { column, descending }, "{text}");
        }
        let err = Order::parse_jobs(Some("payload; drop table")).unwrap_err();
        assert!(err.is_config() && err.message().contains("one of: id, created_at"), "{err}");
    }
}
