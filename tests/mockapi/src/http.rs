//! HTTP/1.x wire handling: reading one request at a time off a connection
//! (headers via `httparse`, bodies by Content-Length or chunked) and
//! serialising responses. Nothing here knows about mock behaviours.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Request heads larger than this are rejected; real clients never get close,
/// and the cap keeps a garbage-spewing peer from growing the buffer forever.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Upper bound on a request body; big enough for any upload test we run.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// Max headers per request (httparse needs a fixed-size slot array).
const MAX_HEADERS: usize = 128;
/// A chunk-size or trailer line longer than this is treated as malformed.
const MAX_CHUNK_LINE: usize = 4096;
const READ_CHUNK: usize = 16 * 1024;

/// One fully read request. Header names are lowercased so lookups and the
/// recorded/echoed header maps are case-insensitive by construction.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// Path without the query string (what scripts and filters match on).
    pub path: String,
    /// Raw query string without the leading '?', empty if absent.
    pub query: String,
    /// Minor HTTP version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub version_minor: u8,
    /// (lowercased name, value) in arrival order, duplicates preserved.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Whether the client asked for the connection to end after this exchange.
    pub fn wants_close(&self) -> bool {
        let tokens = |v: &str, t: &str| v.split(',').any(|p| p.trim().eq_ignore_ascii_case(t));
        let conn: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n == "connection")
            .map(|(_, v)| v.as_str())
            .collect();
        if conn.iter().any(|v| tokens(v, "close")) {
            return true;
        }
        // HTTP/1.0 is close-by-default unless keep-alive is requested.
        self.version_minor == 0 && !conn.iter().any(|v| tokens(v, "keep-alive"))
    }

    /// Header names and values with repeated names joined by ", ", in order
    /// of first appearance. Used for both the echo and the request record.
    pub fn joined_headers(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::with_capacity(self.headers.len());
        for (n, v) in &self.headers {
            match out.iter_mut().find(|(on, _)| on == n) {
                Some((_, ov)) => {
                    ov.push_str(", ");
                    ov.push_str(v);
                }
                None => out.push((n.clone(), v.clone())),
            }
        }
        out
    }
}

/// Why a request could not be read. Protocol errors get an error response;
/// I/O errors and EOF just end the connection.
#[derive(Debug)]
pub enum ReadError {
    Malformed(String),
    HeadTooLarge,
    BodyTooLarge,
    /// Peer closed or the socket failed mid-request: nobody to answer.
    Io,
}

impl ReadError {
    /// Status and message for the error response, if one should be sent.
    pub fn response(&self) -> Option<(u16, String)> {
        match self {
            ReadError::Malformed(m) => Some((400, m.clone())),
            ReadError::HeadTooLarge => Some((431, "request head too large".into())),
            ReadError::BodyTooLarge => Some((413, "request body too large".into())),
            ReadError::Io => None,
        }
    }
}

enum Framing {
    Length(usize),
    Chunked,
}

/// Per-connection read buffer. Bytes past the end of one request (pipelining)
/// stay buffered for the next call.
pub struct RequestReader {
    buf: Vec<u8>,
}

impl RequestReader {
    pub fn new() -> Self {
        RequestReader {
            buf: Vec::with_capacity(READ_CHUNK),
        }
    }

    /// Appends whatever the socket has; returns false on EOF.
    async fn fill<S: AsyncRead + Unpin>(&mut self, s: &mut S) -> Result<bool, ReadError> {
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        match s.read(&mut self.buf[old..]).await {
            Ok(n) => {
                self.buf.truncate(old + n);
                Ok(n > 0)
            }
            Err(_) => {
                self.buf.truncate(old);
                Err(ReadError::Io)
            }
        }
    }

    /// Reads the next request. `Ok(None)` means the peer closed cleanly
    /// between requests. Writes `100 Continue` itself when the client asks,
    /// because some clients (curl, PHP) stall for a second otherwise.
    pub async fn next_request<S>(&mut self, s: &mut S) -> Result<Option<Request>, ReadError>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        // Head.
        let (mut req, head_len, framing, expect_continue) = loop {
            if !self.buf.is_empty() {
                if let Some(parsed) = parse_head(&self.buf)? {
                    break parsed;
                }
                if self.buf.len() > MAX_HEAD_BYTES {
                    return Err(ReadError::HeadTooLarge);
                }
            }
            if !self.fill(s).await? {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(ReadError::Io)
                };
            }
        };
        self.buf.drain(..head_len);

        // Only ask for the body if the client hasn't started sending it.
        let mut need_continue = expect_continue && self.buf.is_empty();

        match framing {
            Framing::Length(n) => {
                while self.buf.len() < n {
                    if need_continue {
                        need_continue = false;
                        write_continue(s).await?;
                    }
                    if !self.fill(s).await? {
                        return Err(ReadError::Io);
                    }
                }
                req.body = self.buf.drain(..n).collect();
            }
            Framing::Chunked => {
                let mut dec = ChunkedDecoder::default();
                loop {
                    if dec.advance(&self.buf)? {
                        break;
                    }
                    if need_continue {
                        need_continue = false;
                        write_continue(s).await?;
                    }
                    if !self.fill(s).await? {
                        return Err(ReadError::Io);
                    }
                }
                self.buf.drain(..dec.pos);
                req.body = dec.body;
            }
        }
        // Don't let one big upload pin a large buffer for the connection's life.
        if self.buf.is_empty() && self.buf.capacity() > 4 * READ_CHUNK {
            self.buf = Vec::with_capacity(READ_CHUNK);
        }
        Ok(Some(req))
    }
}

async fn write_continue<S: AsyncWrite + Unpin>(s: &mut S) -> Result<(), ReadError> {
    s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
        .await
        .map_err(|_| ReadError::Io)
}

type Head = (Request, usize, Framing, bool);

fn parse_head(buf: &[u8]) -> Result<Option<Head>, ReadError> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut p = httparse::Request::new(&mut slots);
    let head_len = match p.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(ReadError::HeadTooLarge),
        Err(e) => return Err(ReadError::Malformed(format!("malformed request: {e}"))),
    };
    let method = p.method.unwrap_or_default().to_string();
    let target = p.path.unwrap_or_default();
    let version_minor = p.version.unwrap_or(1);
    let headers: Vec<(String, String)> = p
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();

    let (path, query) = split_target(target)?;

    let mut chunked = false;
    let mut length: Option<usize> = None;
    for (n, v) in &headers {
        if n == "transfer-encoding" {
            // Only "chunked" (as the final coding) is something we can frame.
            let last = v.rsplit(',').next().unwrap_or("").trim();
            if !last.eq_ignore_ascii_case("chunked") {
                return Err(ReadError::Malformed(format!(
                    "unsupported transfer-encoding: {v}"
                )));
            }
            chunked = true;
        } else if n == "content-length" {
            let parsed: usize = v
                .parse()
                .map_err(|_| ReadError::Malformed(format!("bad content-length: {v}")))?;
            if length.is_some_and(|l| l != parsed) {
                return Err(ReadError::Malformed(
                    "conflicting content-length headers".into(),
                ));
            }
            length = Some(parsed);
        }
    }
    // RFC 9112 §6.3: chunked wins over Content-Length.
    let framing = if chunked {
        Framing::Chunked
    } else {
        let n = length.unwrap_or(0);
        if n > MAX_BODY_BYTES {
            return Err(ReadError::BodyTooLarge);
        }
        Framing::Length(n)
    };
    let expect_continue = headers
        .iter()
        .any(|(n, v)| n == "expect" && v.eq_ignore_ascii_case("100-continue"));

    let req = Request {
        method,
        path,
        query,
        version_minor,
        headers,
        body: Vec::new(),
    };
    Ok(Some((req, head_len, framing, expect_continue)))
}

/// Splits a request target into (path, raw query). Absolute-form targets
/// (proxy style, `http://host/p?q`) are reduced to their path.
fn split_target(target: &str) -> Result<(String, String), ReadError> {
    let mut t = target;
    if let Some(rest) = t
        .strip_prefix("http://")
        .or_else(|| t.strip_prefix("https://"))
    {
        t = match rest.find('/') {
            Some(i) => &rest[i..],
            None => "/",
        };
    }
    if !t.starts_with('/') && t != "*" {
        return Err(ReadError::Malformed(format!(
            "unsupported request target: {target}"
        )));
    }
    let t = t.split('#').next().unwrap_or(t);
    Ok(match t.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (t.to_string(), String::new()),
    })
}

#[derive(Default)]
enum ChunkState {
    #[default]
    Size,
    Data(usize),
    DataEnd,
    Trailers,
}

/// Incremental chunked-body decoder over the connection buffer, so a large
/// chunked upload is decoded in one pass instead of re-scanned per read.
#[derive(Default)]
struct ChunkedDecoder {
    /// Bytes of the buffer consumed so far.
    pos: usize,
    body: Vec<u8>,
    state: ChunkState,
}

impl ChunkedDecoder {
    /// Consumes what it can from `buf`; Ok(true) once the body is complete.
    fn advance(&mut self, buf: &[u8]) -> Result<bool, ReadError> {
        loop {
            let avail = &buf[self.pos..];
            match self.state {
                ChunkState::Size => {
                    let Some(line) = take_line(avail)? else {
                        return Ok(false);
                    };
                    let text = std::str::from_utf8(&avail[..line])
                        .map_err(|_| ReadError::Malformed("bad chunk size".into()))?;
                    let hex = text.split(';').next().unwrap_or("").trim();
                    let size = usize::from_str_radix(hex, 16)
                        .map_err(|_| ReadError::Malformed(format!("bad chunk size: {hex:?}")))?;
                    self.pos += line + 2;
                    if size == 0 {
                        self.state = ChunkState::Trailers;
                    } else {
                        if self.body.len().saturating_add(size) > MAX_BODY_BYTES {
                            return Err(ReadError::BodyTooLarge);
                        }
                        self.state = ChunkState::Data(size);
                    }
                }
                ChunkState::Data(rem) => {
                    if avail.is_empty() {
                        return Ok(false);
                    }
                    let n = rem.min(avail.len());
                    self.body.extend_from_slice(&avail[..n]);
                    self.pos += n;
                    self.state = if n == rem {
                        ChunkState::DataEnd
                    } else {
                        ChunkState::Data(rem - n)
                    };
                }
                ChunkState::DataEnd => {
                    if avail.len() < 2 {
                        return Ok(false);
                    }
                    if &avail[..2] != b"\r\n" {
                        return Err(ReadError::Malformed("missing CRLF after chunk".into()));
                    }
                    self.pos += 2;
                    self.state = ChunkState::Size;
                }
                ChunkState::Trailers => {
                    let Some(line) = take_line(avail)? else {
                        return Ok(false);
                    };
                    self.pos += line + 2;
                    if line == 0 {
                        return Ok(true);
                    }
                    // Trailer fields are accepted and ignored.
                }
            }
        }
    }
}

/// Length of the first CRLF-terminated line (excluding CRLF), if complete.
fn take_line(avail: &[u8]) -> Result<Option<usize>, ReadError> {
    match avail.windows(2).position(|w| w == b"\r\n") {
        Some(i) => Ok(Some(i)),
        None if avail.len() > MAX_CHUNK_LINE => {
            Err(ReadError::Malformed("chunk line too long".into()))
        }
        None => Ok(None),
    }
}

/// A response body. `Repeat` avoids materialising huge 'x' bodies in memory.
pub enum Body {
    Bytes(Vec<u8>),
    Repeat(usize),
}

impl Body {
    pub fn len(&self) -> usize {
        match self {
            Body::Bytes(b) => b.len(),
            Body::Repeat(n) => *n,
        }
    }

    /// Bytes `[start, end)` of the body.
    pub fn slice(&self, start: usize, end: usize) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Body::Bytes(b) => std::borrow::Cow::Borrowed(&b[start..end]),
            Body::Repeat(_) => std::borrow::Cow::Owned(vec![b'x'; end - start]),
        }
    }
}

pub struct Response {
    pub status: u16,
    /// Extra headers (Content-Type included); Content-Length and Connection
    /// are added by `head_bytes` and must not be in here.
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Body::Bytes(value.to_string().into_bytes()),
        }
    }

    pub fn error(status: u16, error: &str, detail: &str) -> Self {
        Self::json(
            status,
            &serde_json::json!({"error": error, "detail": detail}),
        )
    }

    /// RFC 9110: 1xx/204/304 carry no body (and 1xx/204 no Content-Length).
    pub fn status_allows_body(&self) -> bool {
        !(self.status < 200 || self.status == 204 || self.status == 304)
    }

    /// Status line and headers. `content_length` is what we announce, which
    /// the reset_after_headers fault deliberately sets to a lie.
    pub fn head_bytes(&self, content_length: Option<usize>, close: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(b"HTTP/1.1 ");
        out.extend_from_slice(self.status.to_string().as_bytes());
        out.push(b' ');
        out.extend_from_slice(reason(self.status).as_bytes());
        out.extend_from_slice(b"\r\n");
        for (n, v) in &self.headers {
            push_header(&mut out, n, v);
        }
        if let Some(n) = content_length {
            push_header(&mut out, "Content-Length", &n.to_string());
        }
        if close {
            push_header(&mut out, "Connection", "close");
        }
        out.extend_from_slice(b"\r\n");
        out
    }

    /// Writes the whole response. Small bodies go out in the same write as
    /// the head so each exchange is one syscall on the hot path.
    pub async fn write_to<S: AsyncWrite + Unpin>(
        &self,
        s: &mut S,
        head_only: bool,
        close: bool,
    ) -> io::Result<()> {
        let with_body = self.status_allows_body();
        let cl = if self.status < 200 || self.status == 204 {
            None
        } else {
            Some(if with_body { self.body.len() } else { 0 })
        };
        let mut out = self.head_bytes(cl, close);
        if head_only || !with_body {
            return s.write_all(&out).await;
        }
        match &self.body {
            Body::Bytes(b) if b.len() <= 64 * 1024 => {
                out.extend_from_slice(b);
                s.write_all(&out).await
            }
            body => {
                s.write_all(&out).await?;
                write_body_range(s, body, 0, body.len()).await
            }
        }
    }
}

/// Writes body bytes `[start, end)` in bounded pieces.
pub async fn write_body_range<S: AsyncWrite + Unpin>(
    s: &mut S,
    body: &Body,
    start: usize,
    end: usize,
) -> io::Result<()> {
    const PIECE: usize = 64 * 1024;
    match body {
        Body::Bytes(b) => s.write_all(&b[start..end]).await,
        Body::Repeat(_) => {
            let piece = [b'x'; PIECE];
            let mut left = end - start;
            while left > 0 {
                let n = left.min(PIECE);
                s.write_all(&piece[..n]).await?;
                left -= n;
            }
            Ok(())
        }
    }
}

fn push_header(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Decodes `%XX` escapes and '+' (form encoding) in a query component.
/// Invalid escapes are kept literally: the mock should be lenient here.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
