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
    /// Path under the base URL (`/orders/42`, optionally with `?query`); never
    /// another host: see [`check_path`].
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
        check_path(path)?;
        let o = OptionReader::new(options, "", "a request", REQUEST_OPTIONS)?;
        let mut spec = Self::new(&method, path);
        spec.query = o.string_map("query")?.unwrap_or_default();
        spec.headers = o.string_map("headers")?.unwrap_or_default();
        for (name, value) in &spec.headers {
            crate::config::check_header("headers", name, value)?;
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
        let (min, max) = crate::config::TIMEOUT_RANGE;
        spec.timeout = o.seconds_or_zero("timeout", min, max)?.map(crate::config::secs);
        if o.non_empty_string("idempotency_key")?.is_some() {
            spec.idempotency_key = o.header_value("idempotency_key", false)?.map(str::to_owned);
        }
        Ok(spec)
    }
}

/// Refuses a request path that could leave the base URL, whatever the base is:
/// an absolute or scheme-relative URL, a backslash or control character, an encoded
/// dot segment (`%2e`, `%2e%2e`, `..%2f`), or `..` segments climbing above the
/// path's own root. The client also checks the joined URL against the base (see
/// `ApiClient`); this check runs first so `SyncQueue::pushRequest()` refuses such a
/// path at push time, without knowing the client that will deliver it.
///
/// # Errors
/// A config error naming the path (its query string is not quoted: it may hold a secret).
pub fn check_path(path: &str) -> Result<(), Error> {
    let path_only = path.split('?').next().unwrap_or("");
    let refuse = |why: &str| {
        Error::config(format!(
            "Path {} would leave the base URL: {why}. A request path is always resolved under the base URL.",
            crate::options::quote_str(path_only)
        ))
    };
    if path.bytes().any(|b| b.is_ascii_control()) {
        return Err(refuse("control characters are not allowed"));
    }
    if path_only.contains('\\') {
        return Err(refuse("backslashes are not allowed"));
    }
    if path_only.starts_with("//") {
        return Err(refuse("a scheme-relative URL (//host) is not a path"));
    }
    if let Some(colon) = path_only.find(':') {
        let scheme = &path_only[..colon];
        let is_scheme = !scheme.is_empty()
            && scheme.as_bytes()[0].is_ascii_alphabetic()
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if is_scheme
            && (path_only[colon + 1..].starts_with("//")
                || scheme.eq_ignore_ascii_case("http")
                || scheme.eq_ignore_ascii_case("https"))
        {
            return Err(refuse("an absolute URL is not a path; give the path under the base URL"));
        }
    }
    let mut depth: usize = 0;
    for segment in path_only.split('/') {
        let decoded;
        let segment = if segment.contains('%') {
            decoded = percent_decode(segment);
            if decoded.split(['/', '\\']).any(|s| s == "." || s == "..") {
                return Err(refuse("encoded dot segments (%2e) and encoded slashes next to them are not allowed"));
            }
            decoded.as_str()
        } else {
            segment
        };
        match segment {
            "" | "." => {}
            ".." => {
                depth = depth.checked_sub(1).ok_or_else(|| refuse("\"..\" climbs above the base path"))?;
            }
            _ => depth += 1,
        }
    }
    Ok(())
}

/// Percent-decodes `text` (invalid escapes kept as they are, invalid UTF-8 replaced).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
        assert!(e("GET", json!({"timeout": 1e-9})).contains("timeout"));
        assert!(e("GET", json!({"idempotency_key": "a\r\nX: 1"})).contains("idempotency_key"));
    }

    #[test]
    fn paths_that_leave_the_base_are_refused() {
        for bad in [
            "http://127.0.0.2/echo",
            "HTTPS://x/y",
            "http:/x",
            "//127.0.0.2/echo",
            "ftp://x/y",
            "../../echo",
            "/a/../../echo",
            "/%2e%2e/%2e%2e/echo",
            "/%2E%2e/echo",
            "/.%2e/echo",
            "/a/%2e/b",
            "/..%2f..%2fecho",
            "/..%5cecho",
            "\\\\host\\x",
            "/a\\..\\..\\x",
            "/a\r\nHost: x",
            "/a\u{0}b",
        ] {
            let err = check_path(bad).err().unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert!(err.is_config() && err.message().starts_with("Path \""), "{bad:?}: {err}");
        }
        for good in ["/orders/1", "orders", "", "/", "/a/../b", "/a/./b", "/v1/things:batchGet", "items:list", "/a%2Fb", "/x?next=http://y/../..", "/100%"] {
            assert!(check_path(good).is_ok(), "{good:?} refused");
        }
    }
}
