//! `/__admin/*` endpoints: configure the mock and read back what it saw.
//! Admin requests bypass recording, rate limiting, faults and scripts.

use serde::de::DeserializeOwned;
use serde_json::json;

use crate::http::{percent_decode, Body, Request, Response};
use crate::ratelimit::RateLimitSpec;
use crate::script::ScriptSpec;
use crate::state::State;

pub const PREFIX: &str = "/__admin";

pub fn is_admin(path: &str) -> bool {
    path == PREFIX || path.starts_with("/__admin/")
}

/// What the connection should do after the admin response is written.
pub enum Action {
    None,
    Shutdown,
}

pub fn handle(req: &Request, state: &State) -> (Response, Action) {
    let route = req.path.strip_prefix(PREFIX).unwrap_or("");
    let resp = match (req.method.as_str(), route) {
        ("GET", "/health") => ok(json!({"ok": true})),
        ("GET", "/requests") => requests(req, state),
        ("GET", "/stats") => stats(req, state),
        ("POST", "/reset") => {
            state.reset();
            ok(json!({"ok": true}))
        }
        ("POST", "/script") => match parse::<ScriptSpec>(req) {
            Ok(spec) => {
                let path = spec.path.clone();
                match state.scripts.install(spec) {
                    Ok(steps) => ok(json!({"ok": true, "path": path, "steps": steps})),
                    Err(e) => Response::error(400, "bad_script", &e),
                }
            }
            Err(resp) => resp,
        },
        ("GET", "/scripts") => ok(state.scripts.to_json()),
        ("POST", "/rate_limit") => match parse::<RateLimitSpec>(req) {
            Ok(spec) => match state.rate_limiter.configure(spec) {
                Ok(v) => ok(json!({"ok": true, "rate_limit": v})),
                Err(e) => Response::error(400, "bad_rate_limit", &e),
            },
            Err(resp) => resp,
        },
        ("POST", "/shutdown") => return (ok(json!({"ok": true})), Action::Shutdown),
        (
            _,
            "/health" | "/requests" | "/stats" | "/reset" | "/script" | "/scripts" | "/rate_limit"
            | "/shutdown",
        ) => Response::error(
            405,
            "method_not_allowed",
            &format!("{} {}", req.method, req.path),
        ),
        _ => Response::error(404, "unknown_admin_endpoint", &req.path),
    };
    (resp, Action::None)
}

fn ok(v: serde_json::Value) -> Response {
    Response::json(200, &v)
}

fn parse<T: DeserializeOwned>(req: &Request) -> Result<T, Response> {
    serde_json::from_slice(&req.body).map_err(|e| Response::error(400, "bad_json", &e.to_string()))
}

/// Decoded value of a query parameter (first occurrence).
fn query_param(req: &Request, key: &str) -> Option<String> {
    req.query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == key).then(|| percent_decode(v))
    })
}

fn since_seq(req: &Request) -> Result<Option<u64>, Response> {
    match query_param(req, "since_seq") {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| Response::error(400, "bad_query", "since_seq must be an integer")),
    }
}

fn requests(req: &Request, state: &State) -> Response {
    let since = match since_seq(req) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let prefix = query_param(req, "path_prefix");
    let body = state.records.to_json(prefix.as_deref(), since);
    Response {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Body::Bytes(body),
    }
}

fn stats(req: &Request, state: &State) -> Response {
    let prefix = query_param(req, "path_prefix");
    let s = state.records.stats(prefix.as_deref());
    ok(json!({
        "requests": s.requests,
        "connections_opened": state.connections_opened(),
        "max_in_flight": s.max_in_flight,
        "in_flight": s.in_flight,
    }))
}
