//! Streaming responses: `ApiClient::open_stream` sends one logical request through the
//! same retry + rate-limit + breaker loop as `execute`, but a 2xx answer comes back with
//! its body unread, as a [`BodyReader`] (`std::io::Read`).
//!
//! The retry loop covers *opening* the stream only (until the status and headers
//! arrived, within the request timeout). After that every chunk must arrive within the
//! idle timeout; a connection lost mid-body is an `io::Error` for the reader's user
//! (conduit-mapper's `RecordStream` turns it into an `io` stream error with the record
//! index). `max_response_bytes` does not apply to a stream: the point is bodies larger
//! than memory, and nothing here holds more than one chunk.
//!
//! `BodyReader::read` runs `block_on(chunk())` on the process runtime, so it is meant
//! for a plain thread (PHP's), like `ApiClient::block_on`.

use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

use crate::client::{AttemptResult, Prepared};
use crate::error::{describe_chain, Error};
use crate::process::ProcessState;
use crate::record::AttemptSink;
use crate::request::RequestSpec;
use crate::response::Response;
use crate::ApiClient;

/// Where the attempt that got a 2xx leaves its unread response.
pub(crate) type StreamSlot = Mutex<Option<reqwest::Response>>;

/// Default wait for the next body chunk.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

impl ApiClient {
    /// Sends `spec` and returns the answer's head (`Response` with an empty body) and
    /// a reader over the body. Non-2xx answers are read (bounded) and become the
    /// usual errors, after the usual retries.
    ///
    /// # Errors
    /// As [`ApiClient::execute`].
    pub async fn open_stream(
        &self,
        spec: &RequestSpec,
        extra_sink: Option<&dyn AttemptSink>,
        idle_timeout: Duration,
    ) -> Result<(Response, BodyReader), Error> {
        let slot: StreamSlot = Mutex::new(None);
        let head = self.execute_inner(spec, extra_sink, Some(&slot)).await?;
        let taken = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        match taken {
            Some(resp) => Ok((
                head,
                BodyReader {
                    resp: Some(resp),
                    chunk: bytes::Bytes::new(),
                    process: self.process,
                    idle_timeout,
                    config: self.config.clone(),
                    bytes_read: 0,
                },
            )),
            // A 3xx kept as the answer (redirect not followed): its body was read.
            None => Err(Error::from_status(head)),
        }
    }
}

/// One attempt in streaming mode (called from `attempt_once`): the request timeout
/// covers the answer's head; a 2xx is parked in `slot` with its body unread.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn open_attempt(
    client: &ApiClient,
    spec: &RequestSpec,
    method: reqwest::Method,
    prepared: &Prepared,
    headers: HeaderMap,
    timeout: Duration,
    start: Instant,
    slot: &StreamSlot,
) -> Result<Response, AttemptResult> {
    // No whole-request timeout on the reqwest request (it would cover the body too):
    // the head must arrive within `timeout`, then each chunk within the idle timeout.
    let send = client.send_following_redirects(spec, method, prepared, headers, Duration::ZERO, start);
    let resp = if timeout.is_zero() {
        send.await?
    } else {
        match tokio::time::timeout(timeout.saturating_sub(start.elapsed()), send).await {
            Ok(r) => r?,
            Err(_) => return Err(client.timed_out(timeout, "waiting for the stream's response head")),
        }
    };
    if !resp.status().is_success() {
        return client.read_response(resp, &spec.method, timeout, start).await;
    }
    let head = Response {
        status: resp.status().as_u16(),
        method: spec.method.clone(),
        url: client.config.redactor.url_of(resp.url()),
        headers: resp
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: Vec::new(),
        duration: start.elapsed(),
        attempts: 1,
        correlation_id: String::new(),
    };
    *slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(resp);
    Ok(head)
}

/// The body of a streamed answer, chunk by chunk, as `std::io::Read`.
pub struct BodyReader {
    resp: Option<reqwest::Response>,
    chunk: bytes::Bytes,
    process: &'static ProcessState,
    idle_timeout: Duration,
    config: std::sync::Arc<crate::config::ClientConfig>,
    bytes_read: u64,
}

impl std::fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyReader").field("bytes_read", &self.bytes_read).finish_non_exhaustive()
    }
}

impl BodyReader {
    /// Body bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.chunk.is_empty() {
            let Some(resp) = self.resp.as_mut() else { return Ok(0) };
            let idle = self.idle_timeout;
            let next = self.process.block_on(async {
                if idle.is_zero() {
                    Ok(resp.chunk().await)
                } else {
                    tokio::time::timeout(idle, resp.chunk()).await
                }
            });
            match next {
                Ok(Ok(Some(chunk))) => self.chunk = chunk,
                Ok(Ok(None)) => {
                    self.resp = None;
                    return Ok(0);
                }
                Ok(Err(e)) => {
                    self.resp = None;
                    let e = e.without_url();
                    let chain = self.config.redactor.scrub_text(&describe_chain(&e));
                    let kind = if e.is_timeout() { std::io::ErrorKind::TimedOut } else { std::io::ErrorKind::ConnectionAborted };
                    return Err(std::io::Error::new(
                        kind,
                        format!("connection lost after {} body bytes: {chain}", self.bytes_read),
                    ));
                }
                Err(_) => {
                    self.resp = None;
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "no body data for {:.3} s (idle_timeout) after {} body bytes",
                            idle.as_secs_f64(),
                            self.bytes_read
                        ),
                    ));
                }
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        let _ = self.chunk.split_to(n);
        self.bytes_read = self.bytes_read.saturating_add(n as u64);
        Ok(n)
    }
}
