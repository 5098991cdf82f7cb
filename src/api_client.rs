//! `Conduit\ApiClient` and `Conduit\Response`: argument conversion and error mapping
//! over `conduit_http::ApiClient`; all behaviour lives in the core crate.

use std::sync::{Arc, Mutex};

use conduit_http::{AttemptRecord, AttemptSink, ClientConfig, RequestSpec};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendCallable, ZendHashTable, Zval};

use crate::convert::{bytes_to_zval, headers_to_array, json_to_zval, options_to_json};
use crate::exceptions::{config_error, ConduitThrow, ExceptionClass};
use crate::php_options::{entries, Bytes};
use crate::store::utf8_arg;

/// Where attempt records go besides the request log: a PHP callable, called once
/// per attempt after the call returns (PHP code can't run on the I/O threads).
struct CollectingSink(Mutex<Vec<AttemptRecord>>);

impl AttemptSink for CollectingSink {
    fn record(&self, record: AttemptRecord) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(record);
    }
}

#[php_class]
#[php(name = "Conduit\\ApiClient")]
pub struct PhpApiClient {
    client: conduit_http::ApiClient,
    /// The `log` callable, kept alive by this object.
    log_callable: Option<Zval>,
}

/// Maps a core error to the exception tree (see DESIGN.md "Exceptions").
pub fn http_error(e: &conduit_http::Error) -> ConduitThrow {
    let class = match e.kind() {
        conduit_http::ErrorKind::Config => ExceptionClass::Config,
        conduit_http::ErrorKind::RateLimited => ExceptionClass::RateLimit,
        conduit_http::ErrorKind::Status => ExceptionClass::Api,
        conduit_http::ErrorKind::Timeout => ExceptionClass::Timeout,
        conduit_http::ErrorKind::CircuitOpen => ExceptionClass::CircuitOpen,
        conduit_http::ErrorKind::NotSent | conduit_http::ErrorKind::Transport | conduit_http::ErrorKind::Other => {
            ExceptionClass::Transport
        }
    };
    let mut throw = ConduitThrow::new(class, e.message()).with("attempts", i64::from(e.attempts()));
    if let Some(response) = e.response() {
        throw = throw
            .code(i64::from(response.status))
            .with("statusCode", i64::from(response.status))
            .with("responseBody", bytes_to_zval(&response.body))
            .with("responseHeaders", headers_to_array(&response.headers));
    }
    if let Some(wait) = e.retry_after() {
        throw = throw.with("retryAfter", wait.as_secs_f64());
    }
    throw
}

type SharedStore = Option<Arc<dyn conduit_http::shared::SharedLimitBackend>>;

/// The client options as JSON, with `rate_limit.store` and `circuit_breaker.store`
/// (a `Conduit\Store`, not JSON) taken out and replaced by `true`; anything else
/// there is a ConfigException naming the option.
fn options_with_stores(options: Option<&ZendHashTable>) -> PhpResult<(serde_json::Value, (SharedStore, SharedStore))> {
    let mut json = options_to_json(options, &["log", "rate_limit", "circuit_breaker"])?;
    let mut stores: [SharedStore; 2] = [None, None];
    for (i, name) in ["rate_limit", "circuit_breaker"].into_iter().enumerate() {
        let Some(value) = options.and_then(|o| o.get(name)) else { continue };
        let converted = match value.array() {
            Some(ht) => {
                let mut map = serde_json::Map::new();
                for (key, item) in entries(ht) {
                    let Some(k) = key.to_utf8() else {
                        return Err(config_error(format!("Option \"{name}\" has a key that is not valid UTF-8.")));
                    };
                    if k == "store" && !item.is_null() {
                        match crate::store::shared_limits_of(item) {
                            Some(store) => stores[i] = Some(store),
                            None => {
                                return Err(config_error(format!(
                                    "Option \"{name}.store\" must be a Conduit\\Store: {} given.",
                                    crate::php_options::type_name(item)
                                )))
                            }
                        }
                        map.insert(k, serde_json::Value::Bool(true));
                        continue;
                    }
                    let v = crate::convert::zval_to_json(item, &format!("{name}.{k}"))
                        .map_err(|m| config_error(format!("Option {m}.")))?;
                    map.insert(k, v);
                }
                serde_json::Value::Object(map)
            }
            // Not an array: let the option reader report it with its usual message.
            None => crate::convert::zval_to_json(value, name).map_err(|m| config_error(format!("Option {m}.")))?,
        };
        if let serde_json::Value::Object(m) = &mut json {
            m.insert(name.to_owned(), converted);
        }
    }
    let [rl, cb] = stores;
    Ok((json, (rl, cb)))
}

/// Reads a request's options; `body` is taken as raw bytes (binary-safe).
fn request_spec(method: &str, path: &str, options: Option<&ZendHashTable>) -> PhpResult<RequestSpec> {
    let json = options_to_json(options, &["body"])?;
    let raw_body = match options.and_then(|o| o.get("body")) {
        None => None,
        Some(zv) if zv.is_null() => None,
        Some(zv) => match zv.zend_str() {
            Some(s) => Some(s.as_bytes().to_vec()),
            None => return Err(config_error("Option \"body\" must be a string (use \"json\" for arrays).")),
        },
    };
    RequestSpec::from_options(method, path, &json, raw_body).map_err(|e| http_error(&e).into())
}

fn record_to_array(r: &AttemptRecord) -> PhpResult<ZBox<ZendHashTable>> {
    let mut ht = ZendHashTable::new();
    let created_at = r.started_at.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    ht.insert("created_at", created_at)?;
    ht.insert("method", r.method.as_str())?;
    ht.insert("url", r.url.as_str())?;
    ht.insert("endpoint", r.endpoint.as_str())?;
    ht.insert("request_headers", headers_to_array(&r.request_headers))?;
    ht.insert("request_body", r.request_body.as_str())?;
    ht.insert("status", r.status.map(i64::from))?;
    ht.insert("response_headers", headers_to_array(&r.response_headers))?;
    ht.insert("response_body", r.response_body.as_str())?;
    ht.insert("duration_ms", r.duration_ms)?;
    ht.insert("attempt", i64::from(r.attempt))?;
    ht.insert("error_class", r.error_class.as_deref().map(|c| format!("Conduit\\{c}")))?;
    ht.insert("error_message", r.error_message.clone())?;
    ht.insert("correlation_id", r.correlation_id.as_str())?;
    ht.insert("job_id", r.job_id)?;
    Ok(ht)
}

impl PhpApiClient {
    /// The core client, for other bindings that send through it (`SyncQueue::runDeliveries`).
    pub(crate) fn core_mut(&mut self) -> &mut conduit_http::ApiClient {
        &mut self.client
    }

    /// Runs `f` with a collecting sink when a callable logger is set, then feeds the
    /// records to it in order. An exception from the logger wins over the result.
    fn with_log<T>(&self, f: impl FnOnce(Option<&dyn AttemptSink>) -> T) -> PhpResult<T> {
        let Some(callable) = &self.log_callable else { return Ok(f(None)) };
        let sink = CollectingSink(Mutex::new(Vec::new()));
        let out = f(Some(&sink));
        let records = sink.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let callable = ZendCallable::new(callable).map_err(|_| config_error("Option \"log\" is no longer callable."))?;
        for record in &records {
            let arr = record_to_array(record)?;
            callable.try_call(vec![&arr])?;
        }
        Ok(out)
    }

    /// Opens a streamed request for `RecordStream` (record_stream.rs): the retry loop
    /// covers opening; the body is read later, batch by batch.
    pub(crate) fn open_stream(
        &mut self,
        spec: &RequestSpec,
        idle_timeout: std::time::Duration,
    ) -> PhpResult<(conduit_http::Response, conduit_http::stream::BodyReader)> {
        self.client.rebind_after_fork().map_err(|e| PhpException::from(http_error(&e)))?;
        let client = &self.client;
        let result = self.with_log(|sink| client.block_on(client.open_stream(spec, sink, idle_timeout)))?;
        result.map_err(|e| http_error(&e).into())
    }

    fn execute(&mut self, spec: &RequestSpec) -> PhpResult<conduit_http::Response> {
        self.client.rebind_after_fork().map_err(|e| PhpException::from(http_error(&e)))?;
        let client = &self.client;
        let result = self.with_log(|sink| client.block_on(client.execute(spec, sink)))?;
        result.map_err(|e| http_error(&e).into())
    }
}

/// `$method` and `$path` of a call as text: PHP strings may hold any bytes, and one
/// that is not UTF-8 is a ConfigException naming the argument, not a TypeError.
fn method_and_path<'a>(call: &str, method: Bytes<'a>, path: Bytes<'a>) -> PhpResult<(&'a str, &'a str)> {
    Ok((
        utf8_arg(&format!("ApiClient::{call}(): $method"), method)?,
        utf8_arg(&format!("ApiClient::{call}(): $path"), path)?,
    ))
}

#[php_impl]
impl PhpApiClient {
    pub const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    /// @throws ConfigException on any invalid option.
    pub fn __construct(baseUrl: Bytes<'_>, options: Option<&ZendHashTable>) -> PhpResult<Self> {
        let base_url = utf8_arg("ApiClient::__construct(): $baseUrl", baseUrl)?;
        let (json, stores) = options_with_stores(options)?;
        let mut config = ClientConfig::from_options(base_url, &json).map_err(|e| PhpException::from(http_error(&e)))?;
        if let (Some(rl), Some(store)) = (config.rate_limit.as_mut(), stores.0) {
            rl.backend = Some(conduit_http::shared::BackendHandle(store));
        }
        if let (Some(cb), Some(store)) = (config.circuit_breaker.as_mut(), stores.1) {
            cb.backend = Some(conduit_http::shared::BackendHandle(store));
        }
        let mut log_callable = None;
        let mut store_sink: Option<Arc<dyn AttemptSink>> = None;
        if let Some(log) = options.and_then(|o| o.get("log")).filter(|z| !z.is_null()) {
            if let Some(sink) = crate::store_sink::attempt_sink_from_zval(log)? {
                store_sink = Some(sink);
            } else if log.is_callable() {
                log_callable = Some(log.shallow_clone());
            } else {
                return Err(config_error(
                    "Option \"log\" must be a callable or a Conduit\\Store: the given value is neither.",
                ));
            }
        }
        config.default_headers.retain(|(n, _)| !n.is_empty());
        let mut client = conduit_http::ApiClient::new(config).map_err(|e| PhpException::from(http_error(&e)))?;
        if let Some(sink) = store_sink {
            client.add_sink(sink);
        }
        Ok(Self { client, log_callable })
    }

    /// Sends a request and returns the decoded JSON body (arrays for objects).
    /// @throws ApiException|TransportException|CircuitOpenException|ConfigException
    pub fn request(&mut self, method: Bytes<'_>, path: Bytes<'_>, options: Option<&ZendHashTable>) -> PhpResult<Zval> {
        let (method, path) = method_and_path("request", method, path)?;
        let spec = request_spec(method, path, options)?;
        let response = self.execute(&spec)?;
        match response.json() {
            Ok(value) => Ok(json_to_zval(&value)),
            Err(message) => {
                // Like every error response, scrubbed of the client's credentials.
                let redactor = &self.client.config().redactor;
                let body = redactor.scrub_literal_bytes(&response.body);
                let mut throw = ConduitThrow::new(ExceptionClass::Api, format!("HTTP {} from {} {}: {message}", response.status, response.method, response.url))
                    .code(i64::from(response.status))
                    .with("statusCode", i64::from(response.status))
                    .with("responseBody", bytes_to_zval(body.as_deref().unwrap_or(&response.body)))
                    .with("responseHeaders", headers_to_array(&redactor.headers(&response.headers)));
                throw = throw.with("attempts", i64::from(response.attempts));
                Err(throw.into())
            }
        }
    }

    /// Sends a request and returns a `RecordStream` over its body, unread (docs/mapper.md).
    /// Options: the request options plus `format`, `fail_fast`, `idle_timeout`.
    pub fn stream(&mut self, method: Bytes<'_>, path: Bytes<'_>, options: Option<&ZendHashTable>) -> PhpResult<crate::record_stream::PhpRecordStream> {
        let (method, path) = method_and_path("stream", method, path)?;
        crate::record_stream::open(self, method, path, options)
    }

    /// Sends a request and returns the whole response.
    pub fn send(&mut self, method: Bytes<'_>, path: Bytes<'_>, options: Option<&ZendHashTable>) -> PhpResult<PhpResponse> {
        let (method, path) = method_and_path("send", method, path)?;
        let spec = request_spec(method, path, options)?;
        self.execute(&spec).map(PhpResponse)
    }

    /// Sends requests concurrently; returns, in input order, a Response or the
    /// exception object for each. Requests: `[method, path, options?]` or
    /// `['method' => …, 'path' => …, 'options' => […]]`. Options: `concurrency` (default 16).
    pub fn send_many(&mut self, requests: &ZendHashTable, options: Option<&ZendHashTable>) -> PhpResult<ZBox<ZendHashTable>> {
        let mut concurrency = conduit_http::DEFAULT_CONCURRENCY;
        if let Some(o) = options {
            for (key, value) in entries(o) {
                match key.to_utf8().unwrap_or_default().as_str() {
                    "concurrency" => match value.long() {
                        Some(n @ 1..=10_000) => concurrency = usize::try_from(n).unwrap_or(1),
                        _ => {
                            let given = match (value.long(), value.double(), value.str()) {
                                (Some(n), _, _) => n.to_string(),
                                (_, Some(f), _) => f.to_string(),
                                (_, _, Some(s)) => s.to_owned(),
                                _ => crate::php_options::type_name(value).to_owned(),
                            };
                            return Err(config_error(format!(
                                "Option \"concurrency\" must be an integer from 1 to 10000: {} given.",
                                crate::php_options::quote(given.as_bytes())
                            )));
                        }
                    },
                    _ => {
                        return Err(config_error(format!(
                            "Unknown option {} for sendMany. Allowed options are: concurrency.",
                            key.quoted()
                        )))
                    }
                }
            }
        }
        let mut specs = Vec::with_capacity(requests.len());
        for (index, (_, entry)) in entries(requests).into_iter().enumerate() {
            specs.push(request_from_entry(entry, index)?);
        }
        self.client.rebind_after_fork().map_err(|e| PhpException::from(http_error(&e)))?;
        let client = &self.client;
        let results = self.with_log(|sink| client.block_on(client.execute_many(&specs, concurrency, sink)))?;
        let mut out = ZendHashTable::with_capacity(u32::try_from(results.len()).unwrap_or(u32::MAX));
        for result in results {
            match result {
                Ok(response) => {
                    let obj = PhpResponse(response).into_zval(false)?;
                    out.push(obj)?;
                }
                Err(e) => out.push(http_error(&e).into_exception_zval())?,
            }
        }
        Ok(out)
    }

    /// The base URL, a password in its userinfo masked as in `Response::getUrl()`.
    pub fn get_base_url(&self) -> String {
        let config = self.client.config();
        config.redactor.url_of(&config.base_url)
    }

    /// "closed", "open", "half_open", or null without a circuit breaker.
    pub fn get_circuit_state(&self) -> Option<&'static str> {
        self.client.breaker_state()
    }
}

fn request_from_entry(entry: &Zval, index: usize) -> PhpResult<RequestSpec> {
    let bad = || config_error(format!("Request #{index} must be [method, path, options?] or ['method' => …, 'path' => …, 'options' => […]]."));
    let ht = entry.array().ok_or_else(bad)?;
    let (method, path, options) = if crate::convert::is_list(ht) {
        (ht.get_index(0), ht.get_index(1), ht.get_index(2))
    } else {
        (ht.get("method"), ht.get("path"), ht.get("options"))
    };
    let method = method.and_then(Zval::str).ok_or_else(bad)?;
    let path = path.and_then(Zval::str).ok_or_else(bad)?;
    let options = match options {
        None => None,
        Some(z) if z.is_null() => None,
        Some(z) => Some(z.array().ok_or_else(bad)?),
    };
    request_spec(method, path, options)
}

#[php_class]
#[php(name = "Conduit\\Response")]
pub struct PhpResponse(pub conduit_http::Response);

#[php_impl]
impl PhpResponse {
    pub fn get_status(&self) -> i64 {
        i64::from(self.0.status)
    }
    pub fn is_success(&self) -> bool {
        self.0.is_success()
    }
    /// Header names lowercased; repeated headers joined with ", ".
    pub fn get_headers(&self) -> ZBox<ZendHashTable> {
        headers_to_array(&self.0.headers)
    }
    pub fn get_header(&self, name: Bytes<'_>) -> Option<String> {
        // A name that is not UTF-8 cannot match a header (they are stored as text).
        let name = std::str::from_utf8(name.0).ok()?.to_ascii_lowercase();
        let values: Vec<&str> = self.0.headers.iter().filter(|(n, _)| *n == name).map(|(_, v)| v.as_str()).collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
    /// The raw body bytes (a binary-safe string; declared `: string` like the stubs).
    pub fn get_body(&self) -> ext_php_rs::binary::Binary<u8> {
        ext_php_rs::binary::Binary::from(self.0.body.to_vec())
    }
    /// The body decoded like json_decode($body, true); null for an empty body.
    /// @throws ApiException when the body is not JSON.
    pub fn json(&self) -> PhpResult<Zval> {
        self.0.json().map(|v| json_to_zval(&v)).map_err(|m| {
            ConduitThrow::new(ExceptionClass::Api, m)
                .with("statusCode", i64::from(self.0.status))
                .with("responseBody", bytes_to_zval(&self.0.body))
                .into()
        })
    }
    /// Seconds from the first attempt's start to the end, waits included.
    pub fn get_duration(&self) -> f64 {
        self.0.duration.as_secs_f64()
    }
    pub fn get_attempts(&self) -> i64 {
        i64::from(self.0.attempts)
    }
    pub fn get_url(&self) -> String {
        self.0.url.clone()
    }
    pub fn get_correlation_id(&self) -> String {
        self.0.correlation_id.clone()
    }
    /// `$mapper->mapJson($this->getBody(), $selector)` without copying the body to PHP.
    pub fn map(&self, mapper: &crate::mapper::PhpMapper, selector: Bytes<'_>) -> PhpResult<crate::php_options::ArrayReturn> {
        mapper.map_json(crate::php_options::Bytes(&self.0.body), selector)
    }
}
