//! `ApiClient` settings: parsed from the PHP options array, validated once, at
//! construction. Every default is a named constant so the docs and code agree.

use std::time::Duration;

use serde_json::Value;

use crate::circuit_breaker::BreakerConfig;
use crate::error::Error;
use crate::options::OptionReader;
use crate::rate_limit::RateLimitConfig;
use crate::redact::{Redactor, DEFAULT_REDACT_FIELDS};
use crate::retry::RetryConfig;
use crate::shared::Scope;

/// `scope`, `key` and `store` of `rate_limit`/`circuit_breaker`. `store` itself is a
/// PHP object the binding takes out before the options reach here (it passes
/// `true` in its place): it is only allowed, and then required, with scope `store`.
fn shared_scope(o: &OptionReader<'_>, option: &str) -> Result<(Scope, Option<String>), Error> {
    let scope = match o.get("scope") {
        None | Some(Value::Null) => Scope::Process,
        Some(Value::String(s)) => Scope::parse(s).ok_or_else(|| {
            Error::config(format!(
                "Option \"{option}.scope\" must be \"process\", \"host\" or \"store\": {} given.",
                crate::options::quote(&Value::String(s.clone()))
            ))
        })?,
        Some(v) => {
            return Err(Error::config(format!(
                "Option \"{option}.scope\" must be \"process\", \"host\" or \"store\": {} given.",
                crate::options::quote(v)
            )))
        }
    };
    let key = match o.get("key") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 200 => Some(s.clone()),
        Some(v) => {
            return Err(Error::config(format!(
                "Option \"{option}.key\" must be a non-empty string of at most 200 bytes: {} given.",
                crate::options::quote(v)
            )))
        }
    };
    let has_store = matches!(o.get("store"), Some(v) if !v.is_null());
    match (scope, has_store) {
        (Scope::Store, false) => Err(Error::config(format!(
            "Option \"{option}.store\" (a Conduit\\Store) is required with {option}.scope \"store\"."
        ))),
        (Scope::Process | Scope::Host, true) => Err(Error::config(format!(
            "Option \"{option}.store\" is only used with {option}.scope \"store\"."
        ))),
        _ => Ok((scope, key)),
    }
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Like Bitrix's HttpClient, redirects are followed by default.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
pub const DEFAULT_LOG_BODY_BYTES: usize = 8 * 1024;
pub const DEFAULT_IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Below the keep-alive timeout of common servers (nginx 75 s, Node 5 s is the
/// outlier) so that a pooled connection is rarely closed under our feet.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 64;

pub fn user_agent() -> String {
    format!("Conduit/{}", env!("CARGO_PKG_VERSION"))
}

pub const CLIENT_OPTIONS: &[&str] = &[
    "timeout",
    "connect_timeout",
    "auth",
    "retry",
    "rate_limit",
    "circuit_breaker",
    "headers",
    "verify_tls",
    "ca_file",
    "proxy",
    "max_redirects",
    "redirects",
    "max_response_bytes",
    "user_agent",
    "idempotency_header",
    "log",
    "log_body_bytes",
    "redact_headers",
    "redact_fields",
    "pool_idle_timeout",
    "pool_max_idle_per_host",
];

#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    None,
    Bearer { token: String },
    Basic { username: String, password: String },
    Header { name: String, value: String },
    Query { name: String, value: String },
}

/// Which redirects the client follows (`redirects` option). Default is `SameOrigin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Redirects {
    /// Follow redirects within the base URL's origin (scheme, host, port); a redirect
    /// to another origin is not followed and the 3xx response is returned.
    SameOrigin,
    /// Follow any http(s) redirect; on leaving the base origin every credential and
    /// custom header is dropped, and a 307/308 that would re-send a body is not followed.
    Any,
    /// Follow none (`redirects => 0`): the 3xx response is returned.
    None,
}

/// Settings that shape the connection pool; clients with equal values share one
/// pool (and one rate limiter and breaker) within a process.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransportConfig {
    pub connect_timeout: Duration,
    pub verify_tls: bool,
    pub ca_file: Option<String>,
    pub proxy: Option<String>,
    pub user_agent: String,
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The base URL as given (credentials in its userinfo included).
    pub base_url: url::Url,
    /// The base URL's path without its trailing slash (`/api/v2`, or `` for the root):
    /// every request path resolves under it.
    pub base_path: String,
    pub redirects: Redirects,
    pub max_redirects: usize,
    pub timeout: Duration,
    pub transport: TransportConfig,
    pub auth: Auth,
    pub retry: RetryConfig,
    pub rate_limit: Option<RateLimitConfig>,
    pub circuit_breaker: Option<BreakerConfig>,
    pub default_headers: Vec<(String, String)>,
    pub max_response_bytes: u64,
    pub idempotency_header: String,
    pub log_body_bytes: usize,
    pub redactor: Redactor,
}

/// Seconds as a `Duration`; callers pass range-checked values, anything else is zero.
pub(crate) fn secs(n: f64) -> Duration {
    Duration::try_from_secs_f64(n).unwrap_or(Duration::ZERO)
}

/// Range of `timeout` (and the per-request `timeout`), `0` aside (no timeout): 1 ms to a day.
pub const TIMEOUT_RANGE: (f64, f64) = (0.001, 86_400.0);
pub const CONNECT_TIMEOUT_RANGE: (f64, f64) = (0.001, 3_600.0);
pub const PER_SECOND_RANGE: (f64, f64) = (0.001, 1_000_000.0);
pub const BREAKER_SECONDS_RANGE: (f64, f64) = (0.001, 86_400.0);
pub const POOL_IDLE_RANGE: (f64, f64) = (0.001, 86_400.0);
pub const MAX_RESPONSE_BYTES_MAX: u64 = 1 << 40;

impl ClientConfig {
    /// Parses and validates the options; the `log` key is the binding's business and
    /// is only checked for presence here.
    ///
    /// # Errors
    /// A config error naming the first bad option.
    pub fn from_options(base_url: &str, options: &Value) -> Result<Self, Error> {
        let base_url = parse_base_url(base_url)?;
        let o = OptionReader::new(options, "", "Conduit\\ApiClient", CLIENT_OPTIONS)?;

        let auth = match o.nested("auth", "auth", &["type", "token", "username", "password", "name", "value"])? {
            None => Auth::None,
            Some(a) => parse_auth(&a)?,
        };

        let mut retry = RetryConfig::default();
        if let Some(r) = o.nested("retry", "retry", &["max_attempts", "base_delay_ms", "max_delay_ms", "budget_ms"])? {
            if let Some(n) = r.int_in("max_attempts", 1, 100)? {
                retry.max_attempts = n as u32;
            }
            if let Some(ms) = r.int_in("base_delay_ms", 0, 3_600_000)? {
                retry.base_delay = Duration::from_millis(ms);
            }
            if let Some(ms) = r.int_in("max_delay_ms", 0, 86_400_000)? {
                retry.max_delay = Duration::from_millis(ms);
            }
            if let Some(ms) = r.int_in("budget_ms", 1, 86_400_000)? {
                retry.budget = Some(Duration::from_millis(ms));
            }
        }
        // Validate the combination now, not on the first failure.
        crate::retry::RetryPolicy::new(retry.clone()).map_err(Error::config)?;

        let rate_limit = match o.nested("rate_limit", "rate_limit", &["per_second", "burst", "scope", "key", "store"])? {
            None => None,
            Some(r) => {
                let per_second = r
                    .number_in("per_second", PER_SECOND_RANGE.0, PER_SECOND_RANGE.1)?
                    .ok_or_else(|| Error::config("Option \"rate_limit.per_second\" is required."))?;
                let burst = r.int_in("burst", 1, 1_000_000)?.unwrap_or(1) as u32;
                let (scope, key) = shared_scope(&r, "rate_limit")?;
                let config = RateLimitConfig { per_second, burst, scope, key, backend: None };
                crate::rate_limit::RateLimiter::new(&config).map_err(Error::config)?;
                Some(config)
            }
        };

        let circuit_breaker =
            match o.nested(
                "circuit_breaker",
                "circuit_breaker",
                &["failure_ratio", "min_calls", "window_s", "open_s", "scope", "key", "store"],
            )? {
                None => None,
                Some(b) => {
                    let mut config = BreakerConfig::default();
                    if let Some(v) = b.get("failure_ratio") {
                        match v.as_f64() {
                            Some(r) if r > 0.0 && r <= 1.0 => config.failure_ratio = r,
                            _ => {
                                return Err(Error::config(format!(
                                    "Option \"circuit_breaker.failure_ratio\" must be a number in (0, 1]: {} given.",
                                    crate::options::quote(v)
                                )))
                            }
                        }
                    }
                    if let Some(n) = b.int_in("min_calls", 1, 1_000_000)? {
                        config.min_calls = n as u32;
                    }
                    let (min, max) = BREAKER_SECONDS_RANGE;
                    if let Some(s) = b.number_in("window_s", min, max)? {
                        config.window = secs(s);
                    }
                    if let Some(s) = b.number_in("open_s", min, max)? {
                        config.open_duration = secs(s);
                    }
                    (config.scope, config.key) = shared_scope(&b, "circuit_breaker")?;
                    crate::circuit_breaker::CircuitBreaker::new(config.clone()).map_err(Error::config)?;
                    Some(config)
                }
            };

        let verify_tls = o.bool("verify_tls")?.unwrap_or(true);
        let ca_file = o.non_empty_string("ca_file")?.map(str::to_owned);
        if let Some(path) = &ca_file {
            if !std::path::Path::new(path).is_file() {
                return Err(Error::config(format!("Option \"ca_file\" must name a readable file: \"{path}\" given.")));
            }
        }
        let proxy = o.non_empty_string("proxy")?.map(str::to_owned);
        if let Some(p) = &proxy {
            url::Url::parse(p)
                .map_err(|e| Error::config(format!("Option \"proxy\" must be a URL ({e}): {} given.", shown_url(p))))?;
        }

        let user_agent = match o.header_value("user_agent", false)? {
            Some("") => return Err(Error::config("Option \"user_agent\" must not be empty.")),
            Some(ua) => ua.to_owned(),
            None => user_agent(),
        };
        let transport = TransportConfig {
            connect_timeout: o
                .number_in("connect_timeout", CONNECT_TIMEOUT_RANGE.0, CONNECT_TIMEOUT_RANGE.1)?
                .map_or(DEFAULT_CONNECT_TIMEOUT, secs),
            verify_tls,
            ca_file,
            proxy,
            user_agent,
            pool_idle_timeout: o
                .number_in("pool_idle_timeout", POOL_IDLE_RANGE.0, POOL_IDLE_RANGE.1)?
                .map_or(DEFAULT_POOL_IDLE_TIMEOUT, secs),
            pool_max_idle_per_host: o
                .int_in("pool_max_idle_per_host", 0, 10_000)?
                .map_or(DEFAULT_POOL_MAX_IDLE_PER_HOST, |n| n as usize),
        };

        let mut redact_headers = o.string_list("redact_headers")?.unwrap_or_default();
        let mut redact_fields: Vec<String> = DEFAULT_REDACT_FIELDS.iter().map(|s| s.to_string()).collect();
        redact_fields.extend(o.string_list("redact_fields")?.unwrap_or_default());
        let mut literals = Vec::new();
        // Credentials in the base URL's userinfo (reqwest sends them as Basic auth).
        if let Some(password) = base_url.password() {
            use base64::Engine as _;
            let decoded = |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
            let user = decoded(base_url.username()).unwrap_or_default();
            let plain = decoded(password).unwrap_or_default();
            literals.push(password.to_owned());
            literals.push(base64::engine::general_purpose::STANDARD.encode(format!("{user}:{plain}")));
            literals.push(plain);
        }
        if let Some(password) = transport.proxy.as_deref().and_then(|p| url::Url::parse(p).ok()).and_then(|u| u.password().map(str::to_owned)) {
            literals.push(password);
        }
        match &auth {
            Auth::None => {}
            Auth::Bearer { token } => literals.push(token.clone()),
            Auth::Basic { username, password } => {
                use base64::Engine as _;
                literals.push(password.clone());
                literals.push(base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}")));
            }
            Auth::Header { name, value } => {
                redact_headers.push(name.clone());
                literals.push(value.clone());
            }
            Auth::Query { name, value } => {
                redact_fields.push(name.clone());
                literals.push(value.clone());
                let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
                if encoded != *value {
                    literals.push(encoded);
                }
            }
        }

        let mut default_headers = o.string_map("headers")?.unwrap_or_default();
        default_headers.retain(|(n, _)| !n.is_empty());
        for (name, value) in &default_headers {
            check_header("headers", name, value)?;
        }
        let idempotency_header = o.header_name("idempotency_header")?.unwrap_or(DEFAULT_IDEMPOTENCY_HEADER).to_owned();
        let redirects = match o.get("redirects") {
            None => Redirects::SameOrigin,
            Some(Value::String(s)) if s == "same-origin" => Redirects::SameOrigin,
            Some(Value::String(s)) if s == "any" => Redirects::Any,
            Some(v) if v.as_u64() == Some(0) || v.as_bool() == Some(false) => Redirects::None,
            Some(v) => {
                return Err(Error::config(format!(
                    "Option \"redirects\" must be \"same-origin\", \"any\" or 0: {} given.",
                    crate::options::quote(v)
                )))
            }
        };
        let base_path = base_url.path().trim_end_matches('/').to_owned();

        Ok(Self {
            base_url,
            base_path,
            redirects,
            max_redirects: o.int_in("max_redirects", 0, 100)?.map_or(DEFAULT_MAX_REDIRECTS, |n| n as usize),
            timeout: o.seconds_or_zero("timeout", TIMEOUT_RANGE.0, TIMEOUT_RANGE.1)?.map_or(DEFAULT_TIMEOUT, secs),
            transport,
            auth,
            retry,
            rate_limit,
            circuit_breaker,
            default_headers,
            max_response_bytes: o
                .int_in("max_response_bytes", 1, MAX_RESPONSE_BYTES_MAX)?
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            idempotency_header,
            log_body_bytes: o.int_in("log_body_bytes", 0, 16 * 1024 * 1024)?.map_or(DEFAULT_LOG_BODY_BYTES, |n| n as usize),
            redactor: Redactor::new(&redact_headers, &redact_fields, literals),
        })
    }

    /// Whether a shared `store` backend must be attached (by the binding) before
    /// the client is built: `(rate_limit, circuit_breaker)`.
    pub fn needs_store(&self) -> (bool, bool) {
        (
            self.rate_limit.as_ref().is_some_and(|r| r.scope == Scope::Store),
            self.circuit_breaker.as_ref().is_some_and(|b| b.scope == Scope::Store),
        )
    }

    /// Identifies the target for the per-process pool, limiter and breaker.
    pub fn target_key(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }
}

/// Checks one `name => value` header of option `option`; a value is never quoted.
pub(crate) fn check_header(option: &str, name: &str, value: &str) -> Result<(), Error> {
    if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(Error::config(format!(
            "Option \"{option}\" has an invalid header name (a token: no spaces, CR, LF or other control characters): {}.",
            crate::options::quote_str(name)
        )));
    }
    if let Some(problem) = crate::options::header_value_problem(value) {
        return Err(Error::config(format!(
            "Option \"{option}.{name}\" has an invalid value ({problem}; the value is not quoted)."
        )));
    }
    Ok(())
}

/// A URL for a message: a userinfo password masked, the query and fragment elided
/// (either may hold a key), control characters escaped.
fn shown_url(raw: &str) -> String {
    let (head, elided) = match raw.find(['?', '#']) {
        Some(i) => (&raw[..i], "…"),
        None => (raw, ""),
    };
    let mut masked = crate::redact::mask_userinfo_passwords(head);
    if !masked.contains("://") {
        // Not even scheme://: whatever precedes an '@' may be a password.
        if let Some(at) = masked.rfind('@') {
            masked = format!("{}{}", crate::redact::REDACTED, &masked[at..]);
        }
    }
    let mut shown = crate::options::quote_str(&masked);
    if !elided.is_empty() {
        shown.insert_str(shown.len() - 1, elided);
    }
    shown
}

fn parse_base_url(raw: &str) -> Result<url::Url, Error> {
    let url = url::Url::parse(raw)
        .map_err(|e| Error::config(format!("baseUrl must be an absolute http(s) URL ({e}): {} given.", shown_url(raw))))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::config(format!("baseUrl must be an absolute http(s) URL: {} given.", shown_url(raw))));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!("baseUrl must not have a query or fragment: {} given.", shown_url(raw))));
    }
    Ok(url)
}

fn parse_auth(a: &OptionReader<'_>) -> Result<Auth, Error> {
    let kind = a.required_string("type")?;
    let only = |allowed: &[&str]| -> Result<(), Error> {
        for key in ["token", "username", "password", "name", "value"] {
            if a.has(key) && !allowed.contains(&key) {
                return Err(Error::config(format!("Option \"auth.{key}\" does not apply to auth type \"{kind}\".")));
            }
        }
        Ok(())
    };
    match kind {
        "bearer" => {
            only(&["token"])?;
            a.required_string("token")?;
            let token = a.header_value("token", true)?.unwrap_or_default();
            Ok(Auth::Bearer { token: token.to_owned() })
        }
        "basic" => {
            only(&["username", "password"])?;
            let username = a.required_string("username")?;
            if username.contains(':') || username.chars().any(char::is_control) {
                return Err(Error::config(
                    "Option \"auth.username\" must not contain \":\" or control characters (RFC 7617).",
                ));
            }
            Ok(Auth::Basic { username: username.to_owned(), password: a.string("password")?.unwrap_or("").to_owned() })
        }
        "header" => {
            only(&["name", "value"])?;
            a.required_string("name")?;
            let name = a.header_name("name")?.unwrap_or_default();
            a.required_string("value")?;
            let value = a.header_value("value", true)?.unwrap_or_default();
            Ok(Auth::Header { name: name.to_owned(), value: value.to_owned() })
        }
        "query" => {
            only(&["name", "value"])?;
            Ok(Auth::Query { name: a.required_string("name")?.to_owned(), value: a.required_string("value")?.to_owned() })
        }
        other => Err(Error::config(format!(
            "Option \"auth.type\" must be one of bearer, basic, header, query: \"{other}\" given."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(base: &str, options: Value) -> String {
        ClientConfig::from_options(base, &options).err().map(|e| e.message().to_owned()).unwrap_or_default()
    }

    #[test]
    fn defaults() {
        let c = ClientConfig::from_options("https://api.test/v2/", &json!([])).unwrap();
        assert_eq!(c.timeout, DEFAULT_TIMEOUT);
        assert_eq!(c.max_redirects, 5);
        assert_eq!(c.redirects, Redirects::SameOrigin);
        assert_eq!(c.base_path, "/v2");
        assert!(c.transport.verify_tls);
        assert_eq!(c.retry, RetryConfig::default());
        assert_eq!(c.idempotency_header, "Idempotency-Key");
        assert_eq!(c.transport.user_agent, format!("Conduit/{}", env!("CARGO_PKG_VERSION")));
        assert_eq!(c.target_key(), "https://api.test");
    }

    #[test]
    fn bad_options_are_named() {
        assert!(err("ftp://x", json!({})).contains("baseUrl"));
        assert!(err("not a url", json!({})).contains("baseUrl"));
        assert!(err("https://x", json!({"timeout": -1})).contains("\"timeout\""));
        assert!(err("https://x", json!({"retries": 3})).contains("Unknown option \"retries\""));
        assert!(err("https://x", json!({"auth": {"type": "magic"}})).contains("auth.type"));
        assert!(err("https://x", json!({"auth": {"type": "bearer"}})).contains("auth.token"));
        assert!(err("https://x", json!({"auth": {"type": "bearer", "token": "t", "username": "u"}})).contains("auth.username"));
        assert!(err("https://x", json!({"retry": {"base_delay_ms": 5000, "max_delay_ms": 10}})).contains("max_delay_ms"));
        assert!(err("https://x", json!({"rate_limit": {"burst": 3}})).contains("rate_limit.per_second"));
        assert!(err("https://x", json!({"circuit_breaker": {"failure_ratio": 2}})).contains("failure_ratio"));
        assert!(err("https://x", json!({"ca_file": "/nonexistent/ca.pem"})).contains("ca_file"));
        assert!(err("https://x", json!({"verify_tls": "no"})).contains("verify_tls"));
    }

    #[test]
    fn every_numeric_option_has_a_range() {
        // option path, bad values
        let bad = [-1.0, 1e-20, 1e300, -0.5];
        let options: &[&str] = &[
            "timeout",
            "connect_timeout",
            "retry.max_attempts",
            "retry.base_delay_ms",
            "retry.max_delay_ms",
            "retry.budget_ms",
            "rate_limit.per_second",
            "rate_limit.burst",
            "circuit_breaker.failure_ratio",
            "circuit_breaker.min_calls",
            "circuit_breaker.window_s",
            "circuit_breaker.open_s",
            "max_redirects",
            "max_response_bytes",
            "log_body_bytes",
            "pool_idle_timeout",
            "pool_max_idle_per_host",
        ];
        for option in options {
            for value in bad {
                if *option == "circuit_breaker.failure_ratio" && value == 1e-20 {
                    continue; // a tiny ratio is legal: "open on any failure"
                }
                let options = match option.split_once('.') {
                    Some((outer, inner)) if outer == "rate_limit" && inner != "per_second" => {
                        json!({outer: {inner: value, "per_second": 1}})
                    }
                    Some((outer, inner)) => json!({outer: {inner: value}}),
                    None => json!({*option: value}),
                };
                let message = err("https://x", options);
                assert!(message.contains(&format!("\"{option}\"")), "{option} = {value}: {message:?}");
            }
        }
        // What stays allowed.
        for ok in [json!({"timeout": 0}), json!({"timeout": 0.001}), json!({"rate_limit": {"per_second": 0.001}})] {
            assert!(ClientConfig::from_options("https://x", &ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn header_options_refuse_control_characters() {
        for (options, name) in [
            (json!({"user_agent": "a\r\nX-Injected: 1"}), "user_agent"),
            (json!({"idempotency_header": "Idem\r\nX: 1"}), "idempotency_header"),
            (json!({"idempotency_header": "Bad Name"}), "idempotency_header"),
            (json!({"headers": {"X-A": "a\r\nb"}}), "headers.X-A"),
            (json!({"headers": {"X\r\nY": "a"}}), "headers"),
            (json!({"auth": {"type": "header", "name": "X-Key\r\nX: 1", "value": "v"}}), "auth.name"),
            (json!({"auth": {"type": "header", "name": "X-Key", "value": "SECRET\r\nX: 1"}}), "auth.value"),
            (json!({"auth": {"type": "bearer", "token": "SECRET\nX: 1"}}), "auth.token"),
            (json!({"auth": {"type": "basic", "username": "a:b", "password": "p"}}), "auth.username"),
        ] {
            let message = err("https://x", options);
            assert!(message.contains(&format!("\"{name}\"")), "{name}: {message:?}");
            assert!(!message.contains("SECRET") && !message.contains('\n') && !message.contains('\r'), "{message:?}");
        }
    }

    #[test]
    fn url_messages_never_quote_a_password_or_query() {
        for (base, options) in [
            ("ftp://u:SECRETPW@x/", json!({})),
            ("https://u:SECRETPW@x/?apikey=SECRETQ", json!({})),
            ("https://x", json!({"proxy": "::u:SECRETPW@/"})),
        ] {
            let message = err(base, options);
            assert!(!message.is_empty() && !message.contains("SECRET"), "{message}");
        }
        assert!(err("https://x/?k=v", json!({})).contains("\"https://x/…\""));
    }

    #[test]
    fn credentials_feed_the_redactor() {
        let c = ClientConfig::from_options(
            "https://x",
            &json!({"auth": {"type": "query", "name": "apikey", "value": "SECRET123"}}),
        )
        .unwrap();
        assert!(c.redactor.is_secret_field("apikey"));
        assert_eq!(c.redactor.scrub_literals("x SECRET123 y"), "x [REDACTED] y");
    }
}
