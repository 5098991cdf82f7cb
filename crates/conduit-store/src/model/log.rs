//! Request-log rows as stored ([`LogRow`], [`LogEntry`]) and the column limits that
//! bound them, log filters and orders, and the statistics computed from duration
//! samples. Plain types and pure functions: the SQL is in the backends, the read API
//! in `request_log`.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::filter::{parse_order, timestamp_ms, Order};
use crate::model::stats::quantile;
use crate::options::OptionReader;

/// A record to insert (everything but the id). Headers are JSON text. Serialised
/// as one JSON object per line in the local spool (`request_log::spool`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogRow {
    pub created_at: i64,
    pub method: String,
    pub url: String,
    pub endpoint: String,
    pub status: Option<i64>,
    pub duration_ms: f64,
    pub attempt: i64,
    pub correlation_id: String,
    pub job_id: Option<i64>,
    pub error_class: Option<String>,
    pub error_message: Option<String>,
    pub request_headers: String,
    pub request_body: String,
    pub response_headers: String,
    pub response_body: String,
}

/// A stored record.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub id: i64,
    pub row: LogRow,
}

/// Column limits (characters) so a row always fits on both engines.
const MAX_METHOD: usize = 16;
const MAX_ENDPOINT: usize = 1024;
const MAX_URL: usize = 16_000;
const MAX_CORRELATION: usize = 64;
const MAX_ERROR_CLASS: usize = 64;
const MAX_ERROR_MESSAGE: usize = 16_000;
/// MEDIUMTEXT holds 16 MiB; bodies are already truncated by the client, this is a backstop.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

fn clip_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => s[..end].to_string(),
        None => s.to_string(),
    }
}

fn clip_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// The name of the entry that says headers were dropped.
pub const HEADERS_DROPPED_NOTE: &str = "Conduit-Headers-Dropped";

/// A header set as a JSON list of `[name, value]` pairs, at most [`MAX_BODY_BYTES`]:
/// always valid JSON. Whole entries that do not fit are dropped (never cut in the
/// middle, which would leave text that reads back as no headers at all), and a last
/// `[HEADERS_DROPPED_NOTE, "…"]` entry says how many.
pub fn headers_json(headers: &[(String, String)]) -> String {
    headers_json_within(headers, MAX_BODY_BYTES)
}

fn headers_json_within(headers: &[(String, String)], max: usize) -> String {
    // Room for the note: its text is under 200 bytes.
    let budget = max.saturating_sub(256);
    let mut out = String::from("[");
    let mut dropped = 0usize;
    for (name, value) in headers {
        let entry = serde_json::to_string(&[name.as_str(), value.as_str()]).unwrap_or_default();
        // 2: the comma before and the closing bracket.
        if entry.is_empty() || out.len() + entry.len() + 2 > budget {
            dropped += 1;
            continue;
        }
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&entry);
    }
    if dropped > 0 {
        let note = format!(
            "{dropped} of {} headers dropped: the header set is over the {max}-byte limit of a log record",
            headers.len()
        );
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(&[HEADERS_DROPPED_NOTE, note.as_str()]).unwrap_or_default());
    }
    out.push(']');
    out
}

pub fn ms_since_epoch(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl LogRow {
    /// The row cut to what its columns hold, whoever built it (the HTTP client's
    /// attempt records arrive through conduit-delivery). Header fields are expected
    /// from [`headers_json`], which already keeps them within their column.
    pub fn bounded(self) -> Self {
        Self {
            created_at: self.created_at,
            method: clip_chars(&self.method, MAX_METHOD),
            url: clip_chars(&self.url, MAX_URL),
            endpoint: clip_chars(&self.endpoint, MAX_ENDPOINT),
            status: self.status,
            duration_ms: if self.duration_ms.is_finite() { self.duration_ms.max(0.0) } else { 0.0 },
            attempt: self.attempt,
            correlation_id: clip_chars(&self.correlation_id, MAX_CORRELATION),
            job_id: self.job_id,
            error_class: self.error_class.map(|c| clip_chars(&c, MAX_ERROR_CLASS)),
            error_message: self.error_message.map(|m| clip_chars(&m, MAX_ERROR_MESSAGE)),
            request_headers: self.request_headers,
            request_body: clip_bytes(&self.request_body, MAX_BODY_BYTES),
            response_headers: self.response_headers,
            response_body: clip_bytes(&self.response_body, MAX_BODY_BYTES),
        }
    }
}

/// Status classes a log filter understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    S2xx,
    S3xx,
    S4xx,
    S5xx,
    /// No HTTP answer (transport error, timeout, open circuit).
    Error,
}

impl StatusClass {
    fn parse(text: &str) -> Result<Self> {
        match text.to_ascii_lowercase().as_str() {
            "2xx" => Ok(Self::S2xx),
            "3xx" => Ok(Self::S3xx),
            "4xx" => Ok(Self::S4xx),
            "5xx" => Ok(Self::S5xx),
            "error" => Ok(Self::Error),
            _ => Err(Error::config(format!(
                "RequestLog: unknown status_class \"{text}\"; use one of: 2xx, 3xx, 4xx, 5xx, error"
            ))),
        }
    }

    pub(crate) fn low(self) -> i64 {
        match self {
            Self::S2xx => 200,
            Self::S3xx => 300,
            Self::S4xx => 400,
            Self::S5xx => 500,
            Self::Error => 0,
        }
    }
}

/// Filter keys accepted by `RequestLog::list()`/`count()`.
pub const LOG_FILTER_KEYS: &[&str] =
    &["status_class", "status", "endpoint", "method", "from", "to", "correlation_id", "job_id", "error"];

/// A conjunction of conditions; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilter {
    pub status_class: Option<StatusClass>,
    pub status: Option<i64>,
    pub endpoint_contains: Option<String>,
    pub methods: Vec<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub correlation_id: Option<String>,
    pub job_id: Option<i64>,
    pub error_contains: Option<String>,
}

impl LogFilter {
    /// # Errors
    /// `Config` for unknown keys or values of the wrong type.
    pub fn from_value(what: &'static str, value: Option<&Value>) -> Result<Self> {
        let r = OptionReader::new(what, value, LOG_FILTER_KEYS)?;
        Ok(Self {
            status_class: r.string("status_class", 8)?.map(|s| StatusClass::parse(&s)).transpose()?,
            status: r.integer("status", 100, 599, "an HTTP status code")?,
            endpoint_contains: r.string("endpoint", MAX_ENDPOINT)?,
            methods: r
                .string_list("method", MAX_METHOD)?
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.to_ascii_uppercase())
                .collect(),
            from: timestamp_ms(&r, "from")?,
            to: timestamp_ms(&r, "to")?,
            correlation_id: r.string("correlation_id", MAX_CORRELATION)?,
            job_id: r.integer("job_id", 1, i64::MAX, "a job id")?,
            error_contains: r.string("error", 1000)?,
        })
    }
}

/// Columns a log list may be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogColumn {
    Id,
    CreatedAt,
    DurationMs,
    Status,
}

impl LogColumn {
    const NAMES: &'static [(&'static str, LogColumn)] = &[
        ("id", LogColumn::Id),
        ("created_at", LogColumn::CreatedAt),
        ("duration_ms", LogColumn::DurationMs),
        ("status", LogColumn::Status),
    ];

    pub(crate) fn sql(self) -> &'static str {
        match self {
            LogColumn::Id => "id",
            LogColumn::CreatedAt => "created_at",
            LogColumn::DurationMs => "duration_ms",
            LogColumn::Status => "status",
        }
    }
}

impl Order<LogColumn> {
    /// Newest first.
    pub const DEFAULT_LOG: Order<LogColumn> = Order { column: LogColumn::Id, descending: true };

    /// # Errors
    /// `Config` naming the sortable columns.
    pub fn parse_log(text: Option<&str>) -> Result<Self> {
        match text {
            None => Ok(Self::DEFAULT_LOG),
            Some(t) if t.trim().is_empty() => Ok(Self::DEFAULT_LOG),
            Some(t) => parse_order(t, LogColumn::NAMES, "RequestLog::list()"),
        }
    }
}

/// What stats need of one record.
#[derive(Debug, Clone, PartialEq)]
pub struct LogSample {
    pub endpoint: String,
    pub duration_ms: f64,
    pub status: Option<i64>,
}

/// Per-endpoint numbers in `stats()`.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointStats {
    pub endpoint: String,
    pub requests: u64,
    /// Attempts with no HTTP answer or a 5xx answer.
    pub errors: u64,
    pub error_rate: f64,
    pub avg_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// `RequestLog::stats($window_s)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogStats {
    pub window_s: f64,
    pub requests: u64,
    pub errors: u64,
    pub error_rate: f64,
    /// "2xx", "3xx", "4xx", "5xx", "error" → count.
    pub by_class: Vec<(&'static str, u64)>,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// Busiest endpoints first, at most [`MAX_STATS_ENDPOINTS`].
    pub endpoints: Vec<EndpointStats>,
}

/// How many endpoints `stats()` lists.
pub const MAX_STATS_ENDPOINTS: usize = 100;

fn is_error(status: Option<i64>) -> bool {
    status.is_none_or(|s| s >= 500)
}

pub(crate) fn compute_stats(window_s: f64, samples: Vec<LogSample>) -> LogStats {
    let mut by_class = [("2xx", 0u64), ("3xx", 0), ("4xx", 0), ("5xx", 0), ("error", 0)];
    let mut all: Vec<f64> = Vec::with_capacity(samples.len());
    let mut per_endpoint: HashMap<String, (Vec<f64>, u64)> = HashMap::new();
    let mut errors = 0u64;
    for s in samples {
        let class = match s.status {
            None => 4,
            Some(code) if (200..300).contains(&code) => 0,
            Some(code) if (300..400).contains(&code) => 1,
            Some(code) if (400..500).contains(&code) => 2,
            Some(code) if code >= 500 => 3,
            Some(_) => 0,
        };
        by_class[class].1 += 1;
        let error = is_error(s.status);
        errors += u64::from(error);
        all.push(s.duration_ms);
        let entry = per_endpoint.entry(s.endpoint).or_default();
        entry.0.push(s.duration_ms);
        entry.1 += u64::from(error);
    }
    let sort = |v: &mut Vec<f64>| v.sort_by(|a, b| a.total_cmp(b));
    sort(&mut all);
    let requests = all.len() as u64;
    let mut endpoints: Vec<EndpointStats> = per_endpoint
        .into_iter()
        .map(|(endpoint, (mut durations, errors))| {
            sort(&mut durations);
            let n = durations.len() as u64;
            EndpointStats {
                endpoint,
                requests: n,
                errors,
                error_rate: if n == 0 { 0.0 } else { errors as f64 / n as f64 },
                avg_ms: if n == 0 { 0.0 } else { durations.iter().sum::<f64>() / n as f64 },
                p50_ms: quantile(&durations, 0.50).unwrap_or(0.0),
                p95_ms: quantile(&durations, 0.95).unwrap_or(0.0),
                p99_ms: quantile(&durations, 0.99).unwrap_or(0.0),
            }
        })
        .collect();
    endpoints.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.endpoint.cmp(&b.endpoint)));
    endpoints.truncate(MAX_STATS_ENDPOINTS);
    LogStats {
        window_s,
        requests,
        errors,
        error_rate: if requests == 0 { 0.0 } else { errors as f64 / requests as f64 },
        by_class: by_class.to_vec(),
        p50_ms: quantile(&all, 0.50),
        p95_ms: quantile(&all, 0.95),
        p99_ms: quantile(&all, 0.99),
        endpoints,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(endpoint: &str, ms: f64, status: Option<i64>) -> LogSample {
        LogSample { endpoint: endpoint.into(), duration_ms: ms, status }
    }

    #[test]
    fn stats_count_classes_errors_and_percentiles() {
        let mut samples: Vec<LogSample> = (1..=100).map(|i| sample("/a", f64::from(i), Some(200))).collect();
        samples.push(sample("/b", 5.0, Some(503)));
        samples.push(sample("/b", 7.0, None));
        samples.push(sample("/b", 9.0, Some(404)));
        let s = compute_stats(3600.0, samples);
        assert_eq!(s.requests, 103);
        assert_eq!(s.errors, 2);
        assert_eq!(s.by_class, vec![("2xx", 100), ("3xx", 0), ("4xx", 1), ("5xx", 1), ("error", 1)]);
        assert_eq!(s.endpoints[0].endpoint, "/a");
        assert_eq!(s.endpoints[0].p95_ms, 95.0);
        assert_eq!(s.endpoints[0].p99_ms, 99.0);
        assert_eq!(s.endpoints[1].errors, 2);
        assert!((s.endpoints[1].error_rate - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn oversized_header_sets_drop_whole_entries_and_stay_valid_json() {
        // 4 MiB of headers (the reported case): 512 headers of 8 KiB, plus a huge one first.
        let mut headers = vec![("X-Huge".to_string(), "h".repeat(5 * 1024 * 1024))];
        headers.extend((0..512).map(|i| (format!("X-H{i}"), format!("\"{}\u{e9}", "v".repeat(8 * 1024)))));
        let json = headers_json(&headers);
        assert!(json.len() <= MAX_BODY_BYTES, "{}", json.len());
        let back: Vec<(String, String)> = serde_json::from_str(&json).expect("valid JSON");
        let (note_name, note) = back.last().unwrap();
        assert_eq!(note_name, HEADERS_DROPPED_NOTE);
        let kept = back.len() - 1;
        assert!(kept > 400, "most headers are kept: {kept}");
        assert!(note.starts_with(&format!("{} of 513 headers dropped", 513 - kept)), "{note}");
        // Every kept entry is whole.
        for (i, (name, value)) in back[..kept].iter().enumerate() {
            assert_eq!(name, &format!("X-H{i}"));
            assert_eq!(value.len(), 8 * 1024 + 3);
        }
        // Small sets are unchanged; a limit smaller than any entry keeps only the note.
        let small = vec![("A".to_string(), "1".to_string()), ("B".to_string(), "2".to_string())];
        assert_eq!(headers_json(&small), r#"[["A","1"],["B","2"]]"#);
        assert_eq!(headers_json(&[]), "[]");
        let only_note: Vec<(String, String)> = serde_json::from_str(&headers_json_within(&small, 260)).unwrap();
        assert_eq!(only_note.len(), 1);
        assert!(only_note[0].1.starts_with("2 of 2 headers dropped"));
    }

    #[test]
    fn rows_are_bounded_to_the_columns() {
        let raw = LogRow {
            created_at: ms_since_epoch(UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_123)),
            method: "POST".into(),
            url: "https://x/".into(),
            endpoint: "é".repeat(2000),
            status: None,
            duration_ms: f64::NAN,
            attempt: 2,
            correlation_id: "c".repeat(100),
            job_id: Some(7),
            error_class: Some("TransportException".into()),
            error_message: Some("connection reset".into()),
            request_headers: headers_json(&[("Accept".into(), "application/json".into())]),
            request_body: String::new(),
            response_headers: headers_json(&[]),
            response_body: String::new(),
        };
        let row = raw.bounded();
        assert_eq!(row.created_at, 1_700_000_000_123);
        assert_eq!(row.endpoint.chars().count(), MAX_ENDPOINT);
        assert_eq!(row.correlation_id.len(), MAX_CORRELATION);
        assert_eq!(row.duration_ms, 0.0);
        assert_eq!(row.request_headers, r#"[["Accept","application/json"]]"#);
    }
}
