//! Turns per-request controls (`X-Mock-*` headers, `mock_*` query params)
//! into a `Plan`: a description of how to answer, with no I/O.

use serde::Deserialize;

use crate::http::{percent_decode, Request};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    ResetBeforeHeaders,
    ResetAfterHeaders,
    Hang,
    CloseAfterResponse,
}

impl Fault {
    fn parse(s: &str) -> Result<Fault, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reset_before_headers" => Ok(Fault::ResetBeforeHeaders),
            "reset_after_headers" => Ok(Fault::ResetAfterHeaders),
            "hang" => Ok(Fault::Hang),
            "close_after_response" => Ok(Fault::CloseAfterResponse),
            other => Err(format!("unknown fault {other:?}")),
        }
    }
}

pub enum PlanBody {
    Literal(Vec<u8>),
    Repeat(usize),
}

/// How to answer one request. Unset fields mean "default behaviour".
#[derive(Default)]
pub struct Plan {
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub body: Option<PlanBody>,
    pub slow_body_ms: Option<u64>,
    pub fault: Option<Fault>,
    /// Extra response headers; Retry-After lands here too.
    pub headers: Vec<(String, String)>,
}

impl Plan {
    /// Sets a response header, replacing an earlier one of the same name so
    /// that later layers (headers over query, script over headers) win.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }
}

/// Builds the plan from query parameters, then headers (headers win).
/// Unknown or invalid controls are an error so typos in tests fail loudly
/// instead of silently testing the default behaviour.
pub fn from_request(req: &Request) -> Result<Plan, String> {
    let mut plan = Plan::default();
    for pair in req.query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k);
        if let Some(name) = k.strip_prefix("mock_") {
            apply(
                &mut plan,
                name,
                name.strip_prefix("header_"),
                &percent_decode(v),
            )
            .map_err(|e| format!("query parameter {k}: {e}"))?;
        }
    }
    for (k, v) in &req.headers {
        if let Some(rest) = k.strip_prefix("x-mock-") {
            let name = rest.replace('-', "_");
            let header_name = rest.strip_prefix("header-").map(title_case);
            apply(&mut plan, &name, header_name.as_deref(), v)
                .map_err(|e| format!("header {k}: {e}"))?;
        }
    }
    Ok(plan)
}

/// `name` is the control in snake_case; `header_name` is set for the
/// add-a-response-header control (already in its final spelling).
fn apply(
    plan: &mut Plan,
    name: &str,
    header_name: Option<&str>,
    value: &str,
) -> Result<(), String> {
    if let Some(h) = header_name {
        if h.is_empty() || !h.bytes().all(is_token_byte) {
            return Err(format!("invalid response header name {h:?}"));
        }
        if value.bytes().any(|b| b == b'\r' || b == b'\n') {
            return Err("header value must not contain CR/LF".into());
        }
        plan.set_header(h, value);
        return Ok(());
    }
    match name {
        "latency_ms" => plan.latency_ms = number(value)?,
        "status" => plan.status = Some(status(value)?),
        "retry_after" => {
            if value.bytes().any(|b| b == b'\r' || b == b'\n') {
                return Err("value must not contain CR/LF".into());
            }
            plan.set_header("Retry-After", value);
        }
        "body_bytes" => {
            let n = usize::try_from(number(value)?).map_err(|_| "too large".to_string())?;
            plan.body = Some(PlanBody::Repeat(n));
        }
        "body" => plan.body = Some(PlanBody::Literal(value.as_bytes().to_vec())),
        "slow_body_ms" => plan.slow_body_ms = Some(number(value)?),
        "fault" => plan.fault = Some(Fault::parse(value)?),
        other => return Err(format!("unknown mock control {other:?}")),
    }
    Ok(())
}

fn number(v: &str) -> Result<u64, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("expected a non-negative integer, got {v:?}"))
}

/// Statuses outside 200..=599 would leave clients waiting for a final
/// response (1xx) or are not HTTP at all.
pub fn status(v: &str) -> Result<u16, String> {
    let n: u16 = v
        .trim()
        .parse()
        .map_err(|_| format!("expected a status code, got {v:?}"))?;
    check_status(n)
}

pub fn check_status(n: u16) -> Result<u16, String> {
    if (200..=599).contains(&n) {
        Ok(n)
    } else {
        Err(format!("status must be 200..=599, got {n}"))
    }
}

/// RFC 9110 token characters, the only ones valid in a header name.
pub fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `x-request-id` -> `X-Request-Id`: request header names arrive lowercased,
/// and the conventional spelling reads better in responses.
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = true;
    for c in s.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = c == '-';
    }
    out
}
