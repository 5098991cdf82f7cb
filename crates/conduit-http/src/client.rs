//! `ApiClient`: one logical request → attempts with retries, rate limit and breaker,
//! each attempt reported to the sinks as a redacted record.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures_util::stream::{self, StreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::circuit_breaker::CircuitBreaker;
use crate::config::{Auth, ClientConfig, Redirects};
use crate::error::{describe_chain, Error, Kind};
use crate::process;
use crate::rate_limit::RateLimiter;
use crate::record::{AttemptRecord, AttemptSink};
use crate::request::{Body, RequestSpec};
use crate::response::Response;
use crate::retry::{is_idempotent_method, AttemptOutcome, NextStep, RetryPolicy};

/// Default cap on concurrent requests in `send_many`.
pub const DEFAULT_CONCURRENCY: usize = 16;

#[derive(Clone)]
pub struct ApiClient {
    pub(crate) config: Arc<ClientConfig>,
    /// The process whose pool, limiter and breaker this client holds (see `rebind_after_fork`).
    pub(crate) process: &'static process::ProcessState,
    /// Accept, default and auth headers, validated once.
    base_headers: HeaderMap,
    http: reqwest::Client,
    retry: RetryPolicy,
    limiter: Option<Arc<RateLimiter>>,
    breaker: Option<Arc<CircuitBreaker>>,
    sinks: Vec<Arc<dyn AttemptSink>>,
}

/// What every attempt of one call sends, resolved and checked once per call
/// (headers are built per attempt, as they are moved into the request).
pub(crate) struct Prepared {
    method: reqwest::Method,
    url: url::Url,
    body: bytes::Bytes,
}

/// How one attempt ended.
pub(crate) enum AttemptResult {
    Answered(Response),
    Failed { outcome: AttemptOutcome, kind: Kind, message: String, stale_connection: bool },
}

impl ApiClient {
    /// Binds the configuration to this process's shared pool, limiter and breaker.
    ///
    /// # Errors
    /// A config error (bad CA file, proxy…) or a runtime start failure.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let state = process::current()?;
        Ok(Self {
            process: state,
            base_headers: base_headers(&config)?,
            http: state.pool_for(&config)?,
            retry: RetryPolicy::new(config.retry.clone()).map_err(Error::config)?,
            limiter: state.limiter_for(&config)?,
            breaker: state.breaker_for(&config)?,
            config: Arc::new(config),
            sinks: Vec::new(),
        })
    }

    /// Adds a receiver of attempt records (the request log).
    pub fn add_sink(&mut self, sink: Arc<dyn AttemptSink>) {
        self.sinks.push(sink);
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub fn breaker_state(&self) -> Option<&'static str> {
        self.breaker.as_ref().map(|b| b.state().as_str())
    }

    /// After a fork the inherited pool, limiter and breaker belong to the parent:
    /// their sockets and timers live in the parent's runtime. Re-resolve them in this
    /// process. Cheap (one getpid) when nothing changed; call before every use.
    ///
    /// # Errors
    /// Only if the new runtime cannot start.
    pub fn rebind_after_fork(&mut self) -> Result<(), Error> {
        if self.process.is_current() {
            return Ok(());
        }
        let state = process::current()?;
        tracing::debug!(origin = %self.config.target_key(), pid = std::process::id(), "client rebound to this process's pool after fork");
        self.http = state.pool_for(&self.config)?;
        self.limiter = state.limiter_for(&self.config)?;
        self.breaker = state.breaker_for(&self.config)?;
        self.process = state;
        Ok(())
    }

    /// Runs a future on the process runtime (for callers on a plain thread, like PHP's).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.process.block_on(future)
    }

    /// Sends one logical request. A non-2xx final answer is an `Err` carrying the response.
    pub async fn execute(&self, spec: &RequestSpec, extra_sink: Option<&dyn AttemptSink>) -> Result<Response, Error> {
        self.execute_inner(spec, extra_sink, None).await
    }

    /// `execute` with an optional slot for streaming (crate::stream): a 2xx answer's
    /// body is left unread and its reqwest response put into the slot.
    pub(crate) async fn execute_inner(
        &self,
        spec: &RequestSpec,
        extra_sink: Option<&dyn AttemptSink>,
        stream_slot: Option<&crate::stream::StreamSlot>,
    ) -> Result<Response, Error> {
        let correlation_id = new_correlation_id();
        let started = Instant::now();
        let prepared = match self.prepare(spec) {
            Ok(p) => p,
            // Nothing was sent, so no attempt record.
            Err(err) => return Err(err),
        };
        let has_key = spec.idempotency_key.is_some();
        let mut stale_retry_used = false;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let permit = match &self.breaker {
                None => None,
                Some(b) => match b.try_acquire() {
                    Ok(p) => Some(p),
                    Err(wait) => {
                        tracing::info!(
                            origin = %self.config.target_key(),
                            endpoint = %self.log_endpoint(spec),
                            retry_in_ms = wait.as_millis() as u64,
                            "circuit breaker open: request not sent"
                        );
                        let err = Error::circuit_open(&self.config.target_key(), wait).with_attempts(attempt - 1);
                        self.emit_failure(spec, &correlation_id, attempt, SystemTime::now(), 0.0, &err, extra_sink);
                        return Err(err);
                    }
                },
            };
            if let Some(limiter) = &self.limiter {
                limiter.acquire().await;
            }
            let attempt_started_at = SystemTime::now();
            // Field values are only computed when the span is enabled (info or finer).
            let span = tracing::info_span!(
                "http.attempt",
                method = %prepared.method,
                origin = %self.config.target_key(),
                endpoint = %self.log_endpoint(spec),
                attempt,
                correlation_id = %correlation_id,
            );
            let attempt_clock = Instant::now();
            let result = tracing::Instrument::instrument(
                self.attempt_once(spec, &prepared, attempt, &correlation_id, extra_sink, attempt_started_at, stream_slot),
                span.clone(),
            )
            .await;
            self.trace_attempt(&span, &result, attempt_clock.elapsed());

            let (outcome, retry_after, final_error) = match result {
                AttemptResult::Answered(mut response) => {
                    if let (Some(b), Some(p)) = (&self.breaker, permit) {
                        b.record(p, response.status >= 500);
                    }
                    response.attempts = attempt;
                    response.duration = started.elapsed();
                    response.correlation_id = correlation_id.clone();
                    if response.is_success() || (300..400).contains(&response.status) {
                        return Ok(response);
                    }
                    // The exception carries the body and headers: an API that echoes
                    // the request must not hand our credential to whoever logs it.
                    self.scrub_error_response(&mut response);
                    let retry_after = response
                        .header("retry-after")
                        .and_then(|v| crate::retry_after::parse_retry_after(v, SystemTime::now()));
                    let status = response.status;
                    let err = if status == 429 {
                        Error::rate_limited(response, retry_after, "rate limited")
                    } else {
                        Error::from_status(response)
                    };
                    (AttemptOutcome::Status(status), retry_after, err)
                }
                AttemptResult::Failed { outcome, kind, message, stale_connection } => {
                    if let (Some(b), Some(p)) = (&self.breaker, permit) {
                        b.record(p, true);
                    }
                    let repeatable = has_key || is_idempotent_method(&spec.method);
                    // A pooled connection the server closed while idle: one free retry.
                    if stale_connection && repeatable && !stale_retry_used && self.retry.config().max_attempts == 1 {
                        tracing::debug!(parent: &span, "stale pooled connection: sending once more");
                        stale_retry_used = true;
                        attempt -= 1;
                        continue;
                    }
                    let err = match kind {
                        Kind::Timeout => Error::timeout(message),
                        Kind::Config => Error::config(message),
                        _ => Error::transport(message),
                    };
                    (outcome, None, err)
                }
            };
            match self.retry.next_step(&spec.method, outcome, has_key, attempt, retry_after, started.elapsed()) {
                NextStep::RetryAfter(delay) => {
                    tracing::info!(parent: &span, delay_ms = delay.as_millis() as u64, "retrying after a delay");
                    tokio::time::sleep(delay).await
                }
                NextStep::GiveUp => {
                    tracing::debug!(parent: &span, attempts = attempt, "giving up: the failure goes to the caller");
                    return Err(final_error.with_attempts(attempt));
                }
                NextStep::WaitExceedsBudget(wait) => {
                    tracing::info!(
                        parent: &span,
                        wait_ms = wait.as_millis() as u64,
                        "giving up: the server asks to wait beyond the retry budget"
                    );
                    let response = final_error.response().cloned();
                    return Err(match response {
                        Some(r) => Error::rate_limited(
                            r,
                            Some(wait),
                            &format!("server asks to wait {:.1} s, beyond the retry budget", wait.as_secs_f64()),
                        )
                        .with_attempts(attempt),
                        None => final_error.with_attempts(attempt),
                    });
                }
            }
        }
    }

    /// The endpoint as diagnostics show it: the path without its query (where auth
    /// parameters and filters live), scrubbed of every configured credential.
    fn log_endpoint(&self, spec: &RequestSpec) -> String {
        self.config.redactor.scrub_literals(spec.path.split(['?', '#']).next().unwrap_or(""))
    }

    /// One event per attempt, inside its span: status or error kind, and duration.
    fn trace_attempt(&self, span: &tracing::Span, result: &AttemptResult, elapsed: Duration) {
        let duration_ms = (elapsed.as_secs_f64() * 10_000.0).round() / 10.0;
        match result {
            AttemptResult::Answered(response) if response.status < 400 => {
                tracing::debug!(parent: span, status = response.status, duration_ms, "attempt answered");
            }
            AttemptResult::Answered(response) => {
                tracing::info!(parent: span, status = response.status, duration_ms, "attempt answered with an error status");
            }
            AttemptResult::Failed { kind, message, .. } => {
                tracing::info!(
                    parent: span,
                    error_kind = ?kind,
                    error = %self.config.redactor.scrub_text(message),
                    duration_ms,
                    "attempt failed"
                );
            }
        }
    }

    /// Sends requests concurrently (at most `concurrency` in flight) and returns one
    /// result per request, in input order; one failure never aborts the others.
    pub async fn execute_many(
        &self,
        specs: &[RequestSpec],
        concurrency: usize,
        extra_sink: Option<&dyn AttemptSink>,
    ) -> Vec<Result<Response, Error>> {
        // Unordered completion, then put back in input order: with `buffered`, one slow
        // request (a Retry-After wait) would hold every finished one behind it and stop
        // new requests from starting, so the window would shrink to one.
        let mut indexed: Vec<(usize, Result<Response, Error>)> = stream::iter(specs.iter().enumerate())
            .map(|(i, spec)| async move { (i, self.execute(spec, extra_sink).await) })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        indexed.sort_unstable_by_key(|(i, _)| *i);
        indexed.into_iter().map(|(_, result)| result).collect()
    }

    /// Resolves `spec.path` under the base URL: scheme, host, port and base path
    /// stay fixed, so a credential configured for the base never goes elsewhere.
    fn resolve_url(&self, spec: &RequestSpec) -> Result<url::Url, Error> {
        crate::request::check_path(&spec.path)?;
        // Concatenation keeps the base path: base ".../api/v2" + "/orders" is
        // ".../api/v2/orders", where RFC 3986 joining would drop "v2". Only the
        // path and query are parsed; the base (host, IDNA) was parsed once.
        let mut url = self.config.base_url.clone();
        let (path, query) = match spec.path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (spec.path.as_str(), None),
        };
        let base_path = self.config.base_path.as_str();
        url.set_path(&format!("{base_path}/{}", path.trim_start_matches('/')));
        // Belt and braces after `check_path`: the url crate's normalisation (dot
        // segments, `%2e`) must have left the result under the base path.
        let resolved = url.path();
        let under = resolved.strip_prefix(base_path).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if !under {
            return Err(Error::config(format!(
                "Path {} would leave the base URL (it resolves to {}). A request path is always resolved under the base URL.",
                crate::options::quote_str(path),
                crate::options::quote_str(resolved)
            )));
        }
        url.set_query(query);
        if !spec.query.is_empty() || matches!(self.config.auth, Auth::Query { .. }) {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &spec.query {
                pairs.append_pair(k, v);
            }
            if let Auth::Query { name, value } = &self.config.auth {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    fn prepare(&self, spec: &RequestSpec) -> Result<Prepared, Error> {
        // A spec read back from a queue payload never went through `from_options`:
        // a bad method is refused here, never silently sent as GET.
        let method = reqwest::Method::from_bytes(spec.method.as_bytes())
            .ok()
            .filter(|m| !spec.method.is_empty() && m.as_str().bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_'))
            .ok_or_else(|| {
                Error::config(format!(
                    "HTTP method must be a token like GET or POST: {} given.",
                    crate::options::quote_str(&spec.method)
                ))
            })?;
        let url = self.resolve_url(spec)?;
        // Fails here (ConfigException) rather than on the first attempt.
        self.build_headers(spec)?;
        Ok(Prepared { method, url, body: bytes::Bytes::from(Self::body_bytes(spec)) })
    }

    fn build_headers(&self, spec: &RequestSpec) -> Result<HeaderMap, Error> {
        let mut headers = self.base_headers.clone();
        let mut put = |name: &str, value: &str| put_header(&mut headers, name, value);
        match &spec.body {
            Body::Json(_) => put("content-type", "application/json")?,
            Body::Form(_) => put("content-type", "application/x-www-form-urlencoded")?,
            Body::Raw(_) | Body::Empty => {}
        }
        for (n, v) in &spec.headers {
            put(n, v)?;
        }
        if let Some(key) = &spec.idempotency_key {
            put(&self.config.idempotency_header, key)?;
        }
        Ok(headers)
    }

    fn body_bytes(spec: &RequestSpec) -> Vec<u8> {
        match &spec.body {
            Body::Empty => Vec::new(),
            Body::Json(v) => serde_json::to_vec(v).unwrap_or_default(),
            Body::Form(pairs) => url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish().into_bytes(),
            Body::Raw(b) => b.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt_once(
        &self,
        spec: &RequestSpec,
        prepared: &Prepared,
        attempt: u32,
        correlation_id: &str,
        extra_sink: Option<&dyn AttemptSink>,
        started_at: SystemTime,
        stream_slot: Option<&crate::stream::StreamSlot>,
    ) -> AttemptResult {
        let start = Instant::now();
        let method = prepared.method.clone();
        let timeout = spec.timeout.unwrap_or(self.config.timeout);
        let headers = match self.build_headers(spec) {
            Ok(h) => h,
            Err(e) => {
                return AttemptResult::Failed {
                    outcome: AttemptOutcome::Status(0),
                    kind: Kind::Config,
                    message: e.message().to_owned(),
                    stale_connection: false,
                }
            }
        };
        // Records cost redaction work: build them only when someone listens.
        let mut record = (!self.sinks.is_empty() || extra_sink.is_some())
            .then(|| self.new_record(spec, &prepared.url, &headers, &prepared.body, attempt, correlation_id, started_at));
        self.process.requests_sent.fetch_add(1, Ordering::Relaxed);
        let result = match stream_slot {
            Some(slot) => crate::stream::open_attempt(self, spec, method, prepared, headers, timeout, start, slot).await,
            None => match self.send_following_redirects(spec, method, prepared, headers, timeout, start).await {
                Ok(resp) => self.read_response(resp, &spec.method, timeout, start).await,
                Err(failed) => Err(failed),
            },
        };
        let result = match result {
            Ok(response) => AttemptResult::Answered(response),
            Err(failed) => failed,
        };
        if let Some(mut record) = record.take() {
            record.duration_ms = start.elapsed().as_secs_f64() * 1000.0;
            self.complete_record(&mut record, &result);
            self.emit(record, extra_sink);
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn new_record(
        &self,
        spec: &RequestSpec,
        url: &url::Url,
        headers: &HeaderMap,
        body: &[u8],
        attempt: u32,
        correlation_id: &str,
        started_at: SystemTime,
    ) -> AttemptRecord {
        let sent_headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        AttemptRecord {
            started_at,
            method: spec.method.clone(),
            url: self.config.redactor.url(url.as_str()),
            endpoint: spec.path.split('?').next().unwrap_or("").to_owned(),
            request_headers: self.config.redactor.headers(&sent_headers),
            request_body: self.config.redactor.body(body, self.config.log_body_bytes),
            status: None,
            response_headers: Vec::new(),
            response_body: String::new(),
            duration_ms: 0.0,
            attempt,
            error_class: None,
            error_message: None,
            correlation_id: correlation_id.to_owned(),
            job_id: spec.job_id,
        }
    }

    fn complete_record(&self, record: &mut AttemptRecord, result: &AttemptResult) {
        match result {
            AttemptResult::Answered(response) => {
                record.status = Some(response.status);
                record.response_headers = self.config.redactor.headers(&response.headers);
                record.response_body = self.config.redactor.body(&response.body, self.config.log_body_bytes);
                if !response.is_success() {
                    let class = if response.status == 429 { "RateLimitException" } else { "ApiException" };
                    record.error_class = Some(class.into());
                    record.error_message = Some(format!("HTTP {}", response.status));
                }
            }
            AttemptResult::Failed { kind, message, .. } => {
                record.error_class =
                    Some(if *kind == Kind::Timeout { "TimeoutException" } else { "TransportException" }.into());
                record.error_message = Some(self.config.redactor.scrub_literals(message));
            }
        }
    }

    /// Sends the request and follows redirects as `redirects`/`max_redirects` allow.
    ///
    /// Redirects are followed here rather than by reqwest so that leaving the base
    /// origin is a decision, not an accident: with `same-origin` (the default) a
    /// redirect elsewhere is not followed and its 3xx is the answer; with `any` it is
    /// followed with only `Accept` (no auth header, no Basic/Bearer, no custom or
    /// `redact_headers` header, no auth query parameter, never a `Referer`), and a
    /// 307/308 that would re-send the body to the other origin is not followed.
    pub(crate) async fn send_following_redirects(
        &self,
        spec: &RequestSpec,
        method: reqwest::Method,
        prepared: &Prepared,
        headers: HeaderMap,
        timeout: Duration,
        start: Instant,
    ) -> Result<reqwest::Response, AttemptResult> {
        let follow = self.config.redirects != Redirects::None && self.config.max_redirects > 0;
        let mut method = method;
        // `None` on the first hop: the prepared URL, cloned once per attempt.
        let mut next_url: Option<url::Url> = None;
        let mut headers = Some(headers);
        let mut body = (!prepared.body.is_empty()).then(|| prepared.body.clone());
        let mut left_origin = false;
        let mut without_body = false;
        let mut hops = 0;
        loop {
            // The first hop moves the headers built for this attempt; a redirect hop
            // builds them again (all of them on the base origin, only Accept elsewhere).
            let hop_headers = match headers.take() {
                Some(h) => h,
                None if left_origin => {
                    let mut only_accept = HeaderMap::new();
                    only_accept.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
                    only_accept
                }
                None => {
                    let mut h = self.build_headers(spec).unwrap_or_default();
                    if without_body {
                        h.remove(reqwest::header::CONTENT_TYPE);
                    }
                    h
                }
            };
            let hop_url = next_url.take().unwrap_or_else(|| prepared.url.clone());
            let mut request = self.http.request(method.clone(), hop_url).headers(hop_headers);
            if !timeout.is_zero() {
                let left = timeout.saturating_sub(start.elapsed());
                if left.is_zero() {
                    return Err(self.timed_out(timeout, "while following redirects"));
                }
                request = request.timeout(left);
            }
            if let Some(b) = &body {
                request = request.body(b.clone());
            }
            let resp = request.send().await.map_err(|e| self.classify(e, timeout))?;
            let status = resp.status().as_u16();
            if !follow || !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return Ok(resp);
            }
            let next = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|location| resp.url().join(location).ok());
            let Some(mut next) = next.filter(|n| matches!(n.scheme(), "http" | "https")) else {
                return Ok(resp);
            };
            if hops >= self.config.max_redirects {
                return Err(AttemptResult::Failed {
                    outcome: AttemptOutcome::Status(0),
                    kind: Kind::Transport,
                    message: format!(
                        "too many redirects: more than {} (max_redirects), last one to {}",
                        self.config.max_redirects,
                        self.config.redactor.url_of(&next)
                    ),
                    stale_connection: false,
                });
            }
            let cross_origin = next.origin() != self.config.base_url.origin();
            if !cross_origin && !left_origin && next.password().is_none() && self.config.base_url.password().is_some() {
                // reqwest took the base URL's userinfo off the URL it reports; on the
                // base origin the userinfo credential goes along, as the headers do.
                let _ = next.set_username(self.config.base_url.username());
                let _ = next.set_password(self.config.base_url.password());
            }
            let keeps_body = matches!(status, 307 | 308);
            if cross_origin {
                if self.config.redirects == Redirects::SameOrigin || (keeps_body && body.is_some()) {
                    return Ok(resp);
                }
                if let Auth::Query { name, .. } = &self.config.auth {
                    strip_query_param(&mut next, name);
                }
                left_origin = true;
            }
            // 303 always, and 301/302 after a POST, continue as a GET without a body.
            if (status == 303 && method != reqwest::Method::HEAD)
                || (matches!(status, 301 | 302) && method == reqwest::Method::POST)
            {
                method = reqwest::Method::GET;
                body = None;
                without_body = true;
            }
            drop(resp);
            hops += 1;
            next_url = Some(next);
        }
    }

    /// Replaces the credential literals in an error response's body and headers
    /// (and every configured secret header) before the response becomes an exception.
    fn scrub_error_response(&self, response: &mut Response) {
        let redactor = &self.config.redactor;
        if let Some(body) = redactor.scrub_literal_bytes(&response.body) {
            response.body = body;
        }
        response.headers = redactor.headers(&response.headers);
    }

    pub(crate) fn timed_out(&self, timeout: Duration, when: &str) -> AttemptResult {
        AttemptResult::Failed {
            outcome: AttemptOutcome::Timeout,
            kind: Kind::Timeout,
            message: format!("no complete answer within {:.3} s ({when})", timeout.as_secs_f64()),
            stale_connection: false,
        }
    }

    /// The one place a reqwest error becomes a message: reqwest's text quotes the
    /// full URL (query auth parameter, userinfo) and a source may quote more, so
    /// the URL is dropped and the rest scrubbed of every credential.
    pub(crate) fn classify(&self, e: reqwest::Error, timeout: Duration) -> AttemptResult {
        let e = e.without_url();
        let chain = self.config.redactor.scrub_text(&describe_chain(&e));
        classify(&e, chain, timeout)
    }

    pub(crate) async fn read_response(
        &self,
        mut resp: reqwest::Response,
        method: &str,
        timeout: Duration,
        start: Instant,
    ) -> Result<Response, AttemptResult> {
        let status = resp.status().as_u16();
        let url = self.config.redactor.url_of(resp.url());
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let limit = self.config.max_response_bytes;
        if resp.content_length().is_some_and(|len| len > limit) {
            return Err(too_large(limit));
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if (body.len() + chunk.len()) as u64 > limit {
                        return Err(too_large(limit));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.classify(e, timeout)),
            }
        }
        Ok(Response {
            status,
            method: method.to_owned(),
            url,
            headers,
            body,
            duration: start.elapsed(),
            attempts: 1,
            correlation_id: String::new(),
        })
    }

    fn emit(&self, record: AttemptRecord, extra_sink: Option<&dyn AttemptSink>) {
        for sink in &self.sinks {
            sink.record(record.clone());
        }
        if let Some(sink) = extra_sink {
            sink.record(record);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_failure(
        &self,
        spec: &RequestSpec,
        correlation_id: &str,
        attempt: u32,
        started_at: SystemTime,
        duration_ms: f64,
        err: &Error,
        extra_sink: Option<&dyn AttemptSink>,
    ) {
        if self.sinks.is_empty() && extra_sink.is_none() {
            return;
        }
        let url = self.resolve_url(spec).map(|u| self.config.redactor.url(u.as_str())).unwrap_or_default();
        self.emit(
            AttemptRecord {
                started_at,
                method: spec.method.clone(),
                url,
                endpoint: spec.path.split('?').next().unwrap_or("").to_owned(),
                request_headers: Vec::new(),
                request_body: String::new(),
                status: None,
                response_headers: Vec::new(),
                response_body: String::new(),
                duration_ms,
                attempt,
                error_class: Some(err.php_class().into()),
                error_message: Some(err.message().to_owned()),
                correlation_id: correlation_id.to_owned(),
                job_id: spec.job_id,
            },
            extra_sink,
        );
    }
}

fn put_header(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), Error> {
    let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::config(format!("invalid header name \"{name}\"")))?;
    let v = HeaderValue::from_str(value).map_err(|_| Error::config(format!("invalid value for header \"{name}\"")))?;
    headers.insert(n, v);
    Ok(())
}

/// Headers every request of a client carries; later `put`s override them.
fn base_headers(config: &ClientConfig) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    put_header(&mut headers, "accept", "application/json")?;
    for (n, v) in &config.default_headers {
        put_header(&mut headers, n, v)?;
    }
    match &config.auth {
        Auth::Bearer { token } => put_header(&mut headers, "authorization", &format!("Bearer {token}"))?,
        Auth::Basic { username, password } => {
            use base64::Engine as _;
            let creds = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
            put_header(&mut headers, "authorization", &format!("Basic {creds}"))?;
        }
        Auth::Header { name, value } => put_header(&mut headers, name, value)?,
        Auth::None | Auth::Query { .. } => {}
    }
    Ok(headers)
}

fn too_large(limit: u64) -> AttemptResult {
    AttemptResult::Failed {
        // The server answered; asking again would return the same oversized body.
        outcome: AttemptOutcome::Status(0),
        kind: Kind::Transport,
        message: format!("response body exceeds max_response_bytes ({limit} bytes); reading stopped there"),
        stale_connection: false,
    }
}

/// Removes every `name=…` pair from `url`'s query (the auth parameter on its way
/// to another origin).
fn strip_query_param(url: &mut url::Url, name: &str) {
    if !url.query_pairs().any(|(k, _)| k == name) {
        return;
    }
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}

/// `chain` is the error's already scrubbed description.
fn classify(e: &reqwest::Error, chain: String, timeout: Duration) -> AttemptResult {
    let stale_connection = chain.contains("connection closed before message completed");
    if e.is_connect() {
        let kind = if e.is_timeout() { Kind::Timeout } else { Kind::Transport };
        return AttemptResult::Failed {
            outcome: AttemptOutcome::NotSent,
            kind,
            message: format!("could not connect: {chain}"),
            stale_connection: false,
        };
    }
    if e.is_timeout() {
        return AttemptResult::Failed {
            outcome: AttemptOutcome::Timeout,
            kind: Kind::Timeout,
            message: format!("no complete answer within {:.3} s: {chain}", timeout.as_secs_f64()),
            stale_connection: false,
        };
    }
    if e.is_redirect() {
        return AttemptResult::Failed {
            outcome: AttemptOutcome::Status(0),
            kind: Kind::Transport,
            message: format!("redirect failed: {chain}"),
            stale_connection: false,
        };
    }
    AttemptResult::Failed {
        outcome: AttemptOutcome::SentButNoAnswer,
        kind: Kind::Transport,
        message: format!("request failed after sending: {chain}"),
        stale_connection,
    }
}

fn new_correlation_id() -> String {
    let n: u64 = rand::random();
    format!("{n:016x}")
}
