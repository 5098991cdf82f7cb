//! One logical request as the caller describes it; attempts are built from it.

use std::time::Duration;

use serde_json::Value;

use crate::error::Error;
use crate::options::OptionReader;

pub const REQUEST_OPTIONS: &[&str] = &["query", "headers", "json", "form", "body", "timeout", "idempotency_key"];

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Empty,
    Json(Value),
    Form(Vec<(String, String)>),
    Raw(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestSpec {
    pub method: String,
    /// Path relative to the base URL (`/orders/42`), or an absolute URL.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Overrides the client's total timeout for this request.
    pub timeout: Option<Duration>,
    pub idempotency_key: Option<String>,
    /// Set by the queue's delivery runner; travels into log records.
    pub job_id: Option<i64>,
}

impl RequestSpec {
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            timeout: None,
            idempotency_key: None,
            job_id: None,
        }
    }

    /// Builds a request from PHP-style options. `raw_body` carries the `body` option's
    /// bytes separately because PHP strings are binary and JSON strings are not.
    ///
    /// # Errors
    /// A config error naming the bad option.
    pub fn from_options(method: &str, path: &str, options: &Value, raw_body: Option<Vec<u8>>) -> Result<Self, Error> {
        let method = validate_method(method)?;
        let o = OptionReader::new(options, "", "a request", REQUEST_OPTIONS)?;
        let mut spec = Self::new(&method, path);
        spec.query = o.string_map("query")?.unwrap_or_default();
        spec.headers = o.string_map("headers")?.unwrap_or_default();
        for (name, value) in &spec.headers {
            reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("Option \"headers\" has an invalid header name: \"{name}\".")))?;
            reqwest::header::HeaderValue::from_str(value).map_err(|_| {
                Error::config(format!("Option \"headers.{name}\" has an invalid value (control characters?)."))
            })?;
        }
        let body_options = ["json", "form", "body"].iter().filter(|k| o.has(k)).count() + usize::from(raw_body.is_some() && !o.has("body"));
        if body_options > 1 {
            return Err(Error::config("Options \"json\", \"form\" and \"body\" are exclusive: give one."));
        }
        if let Some(json) = o.get("json") {
            spec.body = Body::Json(json.clone());
        } else if o.has("form") {
            spec.body = Body::Form(o.string_map("form")?.unwrap_or_default());
        } else if let Some(bytes) = raw_body {
            spec.body = Body::Raw(bytes);
        } else if let Some(text) = o.string("body")? {
            spec.body = Body::Raw(text.as_bytes().to_vec());
        }
        spec.timeout = o.non_negative_f64("timeout")?.map(|s| Duration::from_secs_f64(s.min(1e9)));
        spec.idempotency_key = o.non_empty_string("idempotency_key")?.map(str::to_owned);
        Ok(spec)
    }
}

fn validate_method(method: &str) -> Result<String, Error> {
    let upper = method.trim().to_ascii_uppercase();
    if upper.is_empty() || !upper.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_') {
        return Err(Error::config(format!("HTTP method must be a token like GET or POST: \"{method}\" given.")));
    }
    Ok(upper)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_from_options() {
        let spec = RequestSpec::from_options(
            "post",
            "/orders",
            &json!({"json": {"id": 1}, "query": {"a": 1}, "idempotency_key": "k1", "timeout": 2.5}),
            None,
        )
        .unwrap();
        assert_eq!(spec.method, "POST");
        assert_eq!(spec.body, Body::Json(json!({"id": 1})));
        assert_eq!(spec.idempotency_key.as_deref(), Some("k1"));
        assert_eq!(spec.timeout, Some(Duration::from_millis(2500)));
    }

    #[test]
    fn rejects_bad_requests() {
        let e = |m: &str, o: Value| RequestSpec::from_options(m, "/", &o, None).err().unwrap().message().to_owned();
        assert!(e("GE T", json!({})).contains("HTTP method"));
        assert!(e("GET", json!({"json": 1, "form": {"a": 1}})).contains("exclusive"));
        assert!(e("GET", json!({"headers": {"Bad Name": "x"}})).contains("header name"));
        assert!(e("GET", json!({"headers": {"X": "a\nb"}})).contains("invalid value"));
        assert!(e("GET", json!({"timeout": -2})).contains("timeout"));
        assert!(e("GET", json!({"jsn": 1})).contains("Unknown option \"jsn\""));
    }
}
