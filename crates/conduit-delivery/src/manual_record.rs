//! Records that PHP code writes itself (`RequestLog::record()`), for HTTP calls made
//! without `Conduit\ApiClient` (a legacy cURL call, another SDK). They get the same
//! redaction as the client's records: secret headers, secret JSON/form/query fields
//! at any depth, and the literal values of the given secrets; bodies are truncated.

use conduit_http::config::DEFAULT_LOG_BODY_BYTES;
use conduit_http::redact::{Redactor, DEFAULT_REDACT_FIELDS};
use conduit_http::AttemptRecord;
use conduit_store::options::{quote, OptionReader};
use conduit_store::{Error, LogRow, Result};
use serde_json::Value;

use crate::log::row_from_attempt;

/// Keys of the `$entry` array.
pub const RECORD_ENTRY_KEYS: &[&str] = &[
    "method",
    "url",
    "endpoint",
    "status",
    "duration_ms",
    "attempt",
    "correlation_id",
    "job_id",
    "error_class",
    "error_message",
    "request_headers",
    "request_body",
    "response_headers",
    "response_body",
    "created_at",
];

/// Keys of the `$options` array.
pub const RECORD_OPTION_KEYS: &[&str] = &["redact_headers", "redact_fields", "secrets", "body_bytes"];

const WHAT: &str = "RequestLog::record()";

fn headers(value: Option<&Value>, key: &str) -> Result<Vec<(String, String)>> {
    let bad = |v: &Value| {
        Error::config(format!(
            "{WHAT}: \"{key}\" must be ['Name' => 'value' or ['v1', 'v2']] or [['Name', 'value'], …], got {}",
            quote(v)
        ))
    };
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1".into() } else { "0".into() }),
        _ => None,
    };
    let mut out = Vec::new();
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, v) in map {
                match v {
                    Value::Array(values) => {
                        for item in values {
                            out.push((name.clone(), scalar(item).ok_or_else(|| bad(v))?));
                        }
                    }
                    other => out.push((name.clone(), scalar(other).ok_or_else(|| bad(other))?)),
                }
            }
        }
        Some(Value::Array(pairs)) => {
            for pair in pairs {
                match pair.as_array().map(Vec::as_slice) {
                    Some([Value::String(n), v]) => out.push((n.clone(), scalar(v).ok_or_else(|| bad(pair))?)),
                    _ => return Err(bad(pair)),
                }
            }
        }
        Some(other) => return Err(bad(other)),
    }
    Ok(out)
}

/// Builds a redacted row. Bodies arrive as bytes (PHP strings are binary).
///
/// # Errors
/// `Config` for unknown keys, a missing method/URL or values of the wrong type.
pub fn row_from_entry(
    entry: &Value,
    request_body: Option<&[u8]>,
    response_body: Option<&[u8]>,
    options: Option<&Value>,
) -> Result<LogRow> {
    let o = OptionReader::new(WHAT, options, RECORD_OPTION_KEYS)?;
    let mut fields: Vec<String> = DEFAULT_REDACT_FIELDS.iter().map(|f| f.to_string()).collect();
    fields.extend(o.string_list("redact_fields", 256)?.unwrap_or_default());
    let redactor = Redactor::new(
        &o.string_list("redact_headers", 256)?.unwrap_or_default(),
        &fields,
        o.string_list("secrets", 65_536)?.unwrap_or_default(),
    );
    let body_bytes = o.integer("body_bytes", 0, 16 * 1024 * 1024, "an integer from 0 to 16777216")?
        .map_or(DEFAULT_LOG_BODY_BYTES, |n| n as usize);

    let e = OptionReader::new(WHAT, Some(entry), RECORD_ENTRY_KEYS)?;
    let method = e
        .string("method", 16)?
        .ok_or_else(|| Error::config(format!("{WHAT}: \"method\" is required")))?
        .to_ascii_uppercase();
    let url = e.string("url", 65_536)?.ok_or_else(|| Error::config(format!("{WHAT}: \"url\" is required")))?;
    let endpoint = match e.string("endpoint", 4096)? {
        Some(ep) => ep,
        None => url::Url::parse(&url).map(|u| u.path().to_string()).unwrap_or_else(|_| url.clone()),
    };
    let created_at = e.number("created_at", 0.0, 32_503_680_000.0, "a Unix timestamp in seconds")?;
    let started_at = match created_at {
        Some(s) => std::time::UNIX_EPOCH + std::time::Duration::from_secs_f64(s),
        None => std::time::SystemTime::now(),
    };
    let record = AttemptRecord {
        started_at,
        method,
        url: redactor.url(&url),
        endpoint: redactor.scrub_literals(&endpoint),
        request_headers: redactor.headers(&headers(e.raw("request_headers"), "request_headers")?),
        request_body: redactor.body(request_body.unwrap_or_default(), body_bytes),
        status: e.integer("status", 100, 599, "an HTTP status code or null")?.map(|s| s as u16),
        response_headers: redactor.headers(&headers(e.raw("response_headers"), "response_headers")?),
        response_body: redactor.body(response_body.unwrap_or_default(), body_bytes),
        duration_ms: e.number("duration_ms", 0.0, 1.0e12, "a number of milliseconds >= 0")?.unwrap_or(0.0),
        attempt: e.integer("attempt", 1, 1_000_000, "an integer >= 1")?.unwrap_or(1) as u32,
        error_class: e.string("error_class", 256)?,
        error_message: e.string("error_message", 65_536)?.map(|m| redactor.scrub_literals(&m)),
        correlation_id: e.string("correlation_id", 64)?.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()),
        job_id: e.integer("job_id", 1, i64::MAX, "a job id")?,
    };
    Ok(row_from_attempt(record))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_like_the_client() {
        let row = row_from_entry(
            &json!({
                "method": "post",
                "url": "https://u:pw@api.example.com/v1/orders?token=abc&page=2",
                "status": 201,
                "request_headers": {"Authorization": "Bearer s3cr3t-token", "X-Api-Key": "k-123456", "Accept": ["a", "b"]},
                "error_message": "echo s3cr3t-token",
            }),
            Some(br#"{"order": {"password": "hunter2", "note": "key k-123456"}}"#),
            Some(b"client_secret=zzz&x=1"),
            Some(&json!({"redact_headers": ["X-Api-Key"], "secrets": ["s3cr3t-token", "k-123456"]})),
        )
        .unwrap();
        let all = format!("{row:?}");
        for secret in ["s3cr3t-token", "k-123456", "hunter2", "zzz", ":pw@", "abc"] {
            assert!(!all.contains(secret), "{secret} leaked: {all}");
        }
        assert_eq!(row.method, "POST");
        assert_eq!(row.endpoint, "/v1/orders");
        assert_eq!(row.status, Some(201));
        assert!(row.request_headers.contains(r#"["Accept","a"],["Accept","b"]"#), "{}", row.request_headers);
        assert_eq!(row.correlation_id.len(), 32);
    }

    #[test]
    fn rejects_unknown_keys_and_missing_fields() {
        let err = row_from_entry(&json!({"method": "GET"}), None, None, None).unwrap_err();
        assert!(err.message().contains("\"url\" is required"), "{err}");
        let err = row_from_entry(&json!({"method": "GET", "url": "x", "stauts": 200}), None, None, None).unwrap_err();
        assert!(err.message().contains("unknown option \"stauts\""), "{err}");
    }
}
