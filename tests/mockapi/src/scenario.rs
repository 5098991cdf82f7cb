//! Answers one non-admin request: record it, apply the rate limit, build the
//! plan (controls + script step) and carry it out, faults included.

use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::controls::{self, Fault, Plan, PlanBody};
use crate::http::{write_body_range, Body, Request, Response};
use crate::record::InFlight;
use crate::state::State;

/// A hung request is abandoned after this, so a forgotten client can't pin
/// a task forever.
const HANG_LIMIT: Duration = Duration::from_secs(120);
/// The body of reset_after_headers claims this many bytes...
const TRUNCATED_CLAIM: usize = 1000;
/// ...but only this many are sent before the RST.
const TRUNCATED_SENT: usize = 10;
/// Pause between the partial body and the RST: an RST discards unsent data,
/// so without it the client might never see the headers it is meant to see.
const RESET_AFTER_HEADERS_PAUSE: Duration = Duration::from_millis(50);
const SLOW_BODY_CHUNKS: usize = 10;

/// What the connection loop should do after a request.
pub enum After {
    KeepAlive,
    /// Graceful close (FIN, then drain).
    Close,
    /// Drop the socket now; for resets SO_LINGER 0 is already set so the
    /// drop sends RST.
    Drop,
}

pub async fn handle(stream: &mut TcpStream, req: Request, conn_id: u64, state: &State) -> After {
    let mut flight = state.records.arrive(&req, conn_id);
    let head_only = req.method.eq_ignore_ascii_case("HEAD");
    let close = req.wants_close();

    if let Err(secs) = state.rate_limiter.check(&req.path) {
        let mut resp = Response::json(429, &json!({"error": "rate_limited"}));
        resp.headers.push(("Retry-After".into(), secs.to_string()));
        return send(stream, &resp, head_only, close, &mut flight).await;
    }

    let mut plan = match controls::from_request(&req) {
        Ok(p) => p,
        Err(e) => {
            let resp = Response::error(400, "bad_mock_control", &e);
            return send(stream, &resp, head_only, close, &mut flight).await;
        }
    };
    if let Some(step) = state.scripts.next_step(&req.method, &req.path) {
        step.apply_to(&mut plan);
    }

    if plan.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(plan.latency_ms)).await;
    }

    match plan.fault {
        Some(Fault::ResetBeforeHeaders) => {
            let _ = stream.set_zero_linger();
            return After::Drop;
        }
        Some(Fault::Hang) => {
            hang(stream).await;
            return After::Drop;
        }
        _ => {}
    }

    // The ERP endpoints (erp.rs), unless a control or script step set the answer.
    if crate::erp::is_erp(&req.path) && plan.status.is_none() && plan.body.is_none() && plan.fault.is_none() {
        return match crate::erp::handle(stream, &req, close || head_only).await {
            crate::erp::Outcome::Done(resp) => send(stream, &resp, head_only, close, &mut flight).await,
            crate::erp::Outcome::Streamed(Some(keep)) => {
                flight.status = Some(200);
                if keep {
                    After::KeepAlive
                } else {
                    After::Close
                }
            }
            crate::erp::Outcome::Streamed(None) => After::Drop,
        };
    }

    let resp = build_response(&plan, &req, conn_id, flight.seq);

    if plan.fault == Some(Fault::ResetAfterHeaders) {
        let head = resp.head_bytes(Some(TRUNCATED_CLAIM), false);
        let mut partial = resp
            .body
            .slice(0, resp.body.len().min(TRUNCATED_SENT))
            .into_owned();
        partial.resize(TRUNCATED_SENT, b'x');
        if stream.write_all(&head).await.is_ok() && stream.write_all(&partial).await.is_ok() {
            tokio::time::sleep(RESET_AFTER_HEADERS_PAUSE).await;
        }
        let _ = stream.set_zero_linger();
        return After::Drop;
    }

    let written = match plan.slow_body_ms {
        Some(ms) if !head_only && resp.status_allows_body() => {
            write_slowly(stream, &resp, close, Duration::from_millis(ms)).await
        }
        _ => resp.write_to(stream, head_only, close).await,
    };
    if written.is_err() {
        return After::Drop;
    }
    flight.status = Some(resp.status);
    if plan.fault == Some(Fault::CloseAfterResponse) || close {
        After::Close
    } else {
        After::KeepAlive
    }
}

async fn send(
    stream: &mut TcpStream,
    resp: &Response,
    head_only: bool,
    close: bool,
    flight: &mut InFlight<'_>,
) -> After {
    if resp.write_to(stream, head_only, close).await.is_err() {
        return After::Drop;
    }
    flight.status = Some(resp.status);
    if close {
        After::Close
    } else {
        After::KeepAlive
    }
}

fn build_response(plan: &Plan, req: &Request, conn_id: u64, seq: u64) -> Response {
    let body = match &plan.body {
        Some(PlanBody::Literal(b)) => Body::Bytes(b.clone()),
        Some(PlanBody::Repeat(n)) => Body::Repeat(*n),
        None => Body::Bytes(echo(req, conn_id, seq).to_string().into_bytes()),
    };
    let mut headers: Vec<(String, String)> = Vec::with_capacity(plan.headers.len() + 3);
    if !plan
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    // Lets tests correlate any response (even non-echo bodies) with its record.
    headers.push(("X-Mock-Seq".into(), seq.to_string()));
    headers.push(("X-Mock-Connection-Id".into(), conn_id.to_string()));
    for (n, v) in &plan.headers {
        // Framing headers are ours; letting scripts override them would
        // corrupt the connection in ways no fault mode intends.
        let reserved = ["content-length", "transfer-encoding", "connection"]
            .iter()
            .any(|r| n.eq_ignore_ascii_case(r));
        if !reserved {
            headers.push((n.clone(), v.clone()));
        }
    }
    Response {
        status: plan.status.unwrap_or(200),
        headers,
        body,
    }
}

/// The default body: everything a test might want to assert about what it sent.
pub fn echo(req: &Request, conn_id: u64, seq: u64) -> Value {
    let headers: Map<String, Value> = req
        .joined_headers()
        .into_iter()
        .map(|(n, v)| (n, Value::String(v)))
        .collect();
    json!({
        "method": req.method,
        "path": req.path,
        "query": req.query,
        "headers": headers,
        "body": String::from_utf8_lossy(&req.body),
        "connection_id": conn_id,
        "seq": seq,
    })
}

/// Headers at once, then the body in 10 pieces with `gap` before each, so
/// the full body takes about 10 x gap to arrive.
async fn write_slowly(
    stream: &mut TcpStream,
    resp: &Response,
    close: bool,
    gap: Duration,
) -> std::io::Result<()> {
    let len = resp.body.len();
    stream.write_all(&resp.head_bytes(Some(len), close)).await?;
    for i in 0..SLOW_BODY_CHUNKS {
        tokio::time::sleep(gap).await;
        let (start, end) = (chunk_edge(len, i), chunk_edge(len, i + 1));
        if end > start {
            write_body_range(stream, &resp.body, start, end).await?;
        }
    }
    Ok(())
}

/// Offset of the i-th of 10 equal slices of `len` (u128 so no overflow).
fn chunk_edge(len: usize, i: usize) -> usize {
    (len as u128 * i as u128 / SLOW_BODY_CHUNKS as u128) as usize
}

/// Never answers; waits for the client to give up (EOF/error) or the limit.
async fn hang(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(HANG_LIMIT, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
}
