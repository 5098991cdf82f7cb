//! Record streams: records pulled one batch at a time from a byte source
//! (`std::io::Read`) holding a JSON document, NDJSON / JSON Lines, or XML — without
//! holding the document. Memory is bounded by the largest record and the read window.
//!
//! Parsers are maintained crates, no hand-written tokenizer. JSON and NDJSON:
//! `serde_json` parses each record (and each skipped value and member name on the
//! way to the selected list) straight out of a byte window filled from the reader in
//! large reads; a value cut off by the window's end is parsed again once more bytes
//! are in (serde_json reports "EOF while parsing" for it), and the window grows to
//! hold a record of any size. Only the list's punctuation between records (`[`, `,`,
//! `]`, and `{`, `:`, `}` on the way to it) is looked at here, one byte each. Records
//! decode into [`Node`]s that borrow unescaped strings from the window. XML:
//! `quick-xml` (which reads UTF-8 only: the encoding its `encoding` feature finds in
//! the XML declaration, e.g. CommerceML's `windows-1251`, or a BOM, is transcoded to
//! UTF-8 on the fly by `encoding_rs_io`, chunk by chunk).
//!
//! Selectors:
//! - JSON: a source path ending in one wildcard — `items[*]`, `data.items[*]`,
//!   top-level `[*]`, `prices.*` (object values). `[*]` over a single object yields
//!   that object.
//! - NDJSON: `""` or `[*]` — every line's value is a record.
//! - XML: element names from the root separated by `/`
//!   (`КоммерческаяИнформация/Каталог/Товары/Товар`). Each matching element becomes an
//!   object: attributes as `@name`, child elements by name (a repeated child becomes a
//!   list — address "one or many" children with `[*]`), text (entities resolved,
//!   CDATA included, as written) as a string when the element has neither attributes
//!   nor children, else as `#text` (whitespace-only text between children dropped).
//!
//! Failures: a batch is all-or-nothing. A syntax error, an I/O error or a truncated
//! body fails [`RecordStream::next_batch`] with the index of the record that could
//! not be read; the records read so far in that batch are dropped, so a batch never
//! holds records from before and after a failure. The stream then stays failed.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;
use serde::de::IgnoredAny;
use serde_json::Value;

pub use crate::node::Node;
use crate::node::{with_keep, Record};
use crate::path::{Path, Seg};

/// Records nested deeper than this fail (XML elements; JSON: serde_json's own limit of 128).
const MAX_DEPTH: usize = 128;
/// Bytes asked of the reader per window fill (more while a record is larger).
const READ_CHUNK: usize = 256 * 1024;

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    Json,
    Ndjson,
    Xml,
}

/// Why a stream stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    /// `not_found` (the selector names nothing), `invalid_json`, `invalid_xml`,
    /// `io` (the source failed, e.g. the connection dropped), `too_deep`.
    pub reason: &'static str,
    pub message: String,
    /// Index (0-based, over the whole stream) of the record that could not be read.
    pub record: u64,
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record {}: {} ({})", self.record, self.message, self.reason)
    }
}

impl std::error::Error for StreamError {}

/// A selector that cannot be used for a format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError(pub String);

impl std::fmt::Display for SelectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SelectorError {}

enum Source {
    Json(Box<JsonSource>),
    Xml(Box<XmlSource>),
}

/// Pulls records from a byte source; see the module docs.
pub struct RecordStream {
    source: Source,
    /// Records handed out in batches so far.
    delivered: u64,
    failed: Option<StreamError>,
    done: bool,
}

impl std::fmt::Debug for RecordStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordStream").field("delivered", &self.delivered).field("done", &self.done).finish_non_exhaustive()
    }
}

impl RecordStream {
    /// A stream over `reader` with a selector for `format`.
    ///
    /// # Errors
    /// The selector does not fit the format (checked before any byte is read).
    pub fn new(format: StreamFormat, selector: &str, reader: impl Read + Send + 'static) -> Result<Self, SelectorError> {
        let source = match format {
            StreamFormat::Json => {
                let path = Path::parse(selector).map_err(|e| SelectorError(format!("selector \"{selector}\" {e}")))?;
                let segs = path.segments();
                let Some((last, prefix)) = segs.split_last() else {
                    return Err(SelectorError(format!("selector \"{selector}\" is empty")));
                };
                if !matches!(last, Seg::Wild | Seg::Each) || prefix.iter().any(|s| matches!(s, Seg::Wild | Seg::Each)) {
                    return Err(SelectorError(format!(
                        "selector \"{selector}\" must end in its only wildcard for a stream (items[*], data.items[*], [*])"
                    )));
                }
                Source::Json(Box::new(JsonSource::new(Box::new(reader), prefix.to_vec(), last.clone(), false)))
            }
            StreamFormat::Ndjson => {
                if !matches!(selector, "" | "[*]") {
                    return Err(SelectorError(format!("selector \"{selector}\": an NDJSON stream takes \"\" or \"[*]\" (every line is a record)")));
                }
                Source::Json(Box::new(JsonSource::new(Box::new(reader), Vec::new(), Seg::Each, true)))
            }
            StreamFormat::Xml => {
                let path: Vec<String> = selector.trim_matches('/').split('/').map(str::to_string).collect();
                if path.iter().any(String::is_empty) {
                    return Err(SelectorError(format!("selector \"{selector}\" must be element names separated by \"/\"")));
                }
                Source::Xml(Box::new(XmlSource {
                    raw: Some(Box::new(reader)),
                    reader: None,
                    path,
                    stack: Vec::new(),
                    seen_root: false,
                    buf: Vec::new(),
                    pool: Vec::new(),
                    keep: None,
                }))
            }
        };
        Ok(Self { source, delivered: 0, failed: None, done: false })
    }

    /// Decode just these top-level keys of each object record and skip the other
    /// members (still checked for syntax) — `Mapper::root_keys()` of the mapper that
    /// will read the records. JSON: members; XML: child elements of the record element
    /// (its attributes and text are kept). NDJSON ignores it.
    pub fn keep_only(&mut self, keys: Vec<String>) {
        match &mut self.source {
            Source::Json(s) => {
                if !s.ndjson {
                    s.keep = Some(keys);
                }
            }
            Source::Xml(s) => s.keep = Some(keys),
        }
    }

    /// How many records the returned batches held.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// The next batch of up to `max` records (at least 1) as JSON; an empty batch at the end.
    ///
    /// # Errors
    /// [`StreamError`] with the failing record's index; the partial batch is dropped
    /// and every later call returns the same error.
    pub fn next_batch(&mut self, max: usize) -> Result<Vec<Value>, StreamError> {
        let mut batch = Vec::with_capacity(max.clamp(1, 4096));
        self.next_batch_with(max, &mut |_, node| {
            batch.push(node.to_value());
            true
        })?;
        Ok(batch)
    }

    /// Reads up to `max` records (at least 1), handing each to `visit` with its index
    /// while the parser holds it; `visit` returns `false` to stop at once. Returns how
    /// many records were read (0 at the end).
    ///
    /// # Errors
    /// As [`RecordStream::next_batch`]: the caller drops what it built of this batch.
    pub fn next_batch_with(&mut self, max: usize, visit: &mut dyn FnMut(u64, &Node<'_>) -> bool) -> Result<usize, StreamError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let max = max.max(1);
        let mut read = 0usize;
        while read < max && !self.done {
            let index = self.delivered.saturating_add(read as u64);
            let step = match &mut self.source {
                Source::Json(s) => s.next(index, visit),
                Source::Xml(s) => s.next(index).map(|node| node.map(|node| visit(index, &node))),
            };
            match step {
                Ok(Some(go_on)) => {
                    read = read.saturating_add(1);
                    if !go_on {
                        break;
                    }
                }
                Ok(None) => self.done = true,
                Err(e) => {
                    self.failed = Some(e.clone());
                    return Err(e);
                }
            }
        }
        self.delivered = self.delivered.saturating_add(read as u64);
        Ok(read)
    }
}

fn fail(reason: &'static str, message: impl Into<String>, record: u64) -> StreamError {
    StreamError { reason, message: message.into(), record }
}

// ---------------------------------------------------------------------------
// JSON and NDJSON

enum JsonState {
    Start,
    /// Inside the selected array (`true`) or object (`false`, `.*` values).
    Iterating { array: bool, first: bool },
    Done,
}

/// What one parse attempt at the cursor gave.
enum Attempt<T> {
    /// The value and its length in bytes.
    Parsed(T, usize),
    /// The value runs past the window: read more and parse it again.
    More,
    Failed(String),
}

/// serde_json's message without its position (which counts from the window, not the body).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

struct JsonSource {
    reader: Box<dyn Read + Send>,
    /// Bytes read and not yet consumed start at `pos`.
    window: Vec<u8>,
    pos: usize,
    eof: bool,
    /// A read error met after some bytes came: reported once those are used up.
    pending: Option<std::io::Error>,
    prefix: Vec<Seg>,
    last: Seg,
    state: JsonState,
    ndjson: bool,
    /// Only these top-level keys of an object record are decoded (`keep_only`).
    keep: Option<Vec<String>>,
}

impl JsonSource {
    fn new(reader: Box<dyn Read + Send>, prefix: Vec<Seg>, last: Seg, ndjson: bool) -> Self {
        Self {
            reader,
            window: Vec::new(),
            pos: 0,
            eof: false,
            pending: None,
            prefix,
            last,
            state: JsonState::Start,
            ndjson,
            keep: None,
        }
    }

    /// Reads more bytes into the window (at least as many as it holds, so a big record
    /// is parsed a logarithmic number of times). `false` at the end of the body.
    fn fill(&mut self, index: u64) -> Result<bool, StreamError> {
        if let Some(e) = self.pending.take() {
            return Err(fail("io", format!("the body could not be read: {e}"), index));
        }
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.window.drain(..self.pos);
            self.pos = 0;
        }
        let kept = self.window.len();
        let want = READ_CHUNK.max(kept);
        self.window.resize(kept.saturating_add(want), 0);
        let mut filled = kept;
        while filled < self.window.len() {
            match self.reader.read(&mut self.window[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled = filled.saturating_add(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.window.truncate(filled);
                    if filled > kept {
                        self.pending = Some(e);
                        return Ok(true);
                    }
                    return Err(fail("io", format!("the body could not be read: {e}"), index));
                }
            }
        }
        self.window.truncate(filled);
        Ok(filled > kept)
    }

    /// The next byte after whitespace, not consumed (`None` at the end of the body).
    fn peek(&mut self, index: u64) -> Result<Option<u8>, StreamError> {
        loop {
            while let Some(&b) = self.window.get(self.pos) {
                if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    self.pos = self.pos.saturating_add(1);
                } else {
                    return Ok(Some(b));
                }
            }
            if !self.fill(index)? {
                return Ok(None);
            }
        }
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    fn expect(&mut self, byte: u8, index: u64, what: &str) -> Result<(), StreamError> {
        match self.peek(index)? {
            Some(b) if b == byte => {
                self.bump();
                Ok(())
            }
            Some(b) => Err(fail("invalid_json", format!("malformed JSON: expected '{}' {what}, found '{}'", char::from(byte), char::from(b)), index)),
            None => Err(fail("invalid_json", format!("the body ends where '{}' {what} was expected", char::from(byte)), index)),
        }
    }

    /// Parses one `T` at the cursor (a skipped value, a member name), reading more
    /// while it is cut off by the window.
    fn parse<T: serde::de::DeserializeOwned>(&mut self, index: u64) -> Result<T, StreamError> {
        loop {
            let slice = self.window.get(self.pos..).unwrap_or_default();
            let mut de = serde_json::Deserializer::from_slice(slice).into_iter::<T>();
            let attempt = match de.next() {
                Some(Ok(v)) => {
                    let end = de.byte_offset();
                    if end >= slice.len() && !self.eof {
                        Attempt::More
                    } else {
                        Attempt::Parsed(v, end)
                    }
                }
                Some(Err(e)) if e.is_eof() && !self.eof => Attempt::More,
                Some(Err(e)) if e.is_eof() => Attempt::Failed(format!("the body ends inside the document: {}", json_message(&e))),
                Some(Err(e)) => Attempt::Failed(format!("malformed JSON before record {index}: {}", json_message(&e))),
                None if self.eof => Attempt::Failed("the body ends inside the document".to_string()),
                None => Attempt::More,
            };
            match attempt {
                Attempt::Parsed(v, end) => {
                    self.pos = self.pos.saturating_add(end);
                    return Ok(v);
                }
                Attempt::More => {
                    if !self.fill(index)? {
                        // The end of the body: parse once more for serde_json's verdict.
                        self.eof = true;
                    }
                }
                Attempt::Failed(message) => return Err(fail("invalid_json", message, index)),
            }
        }
    }

    fn skip_value(&mut self, index: u64) -> Result<(), StreamError> {
        self.parse::<IgnoredAny>(index).map(|_| ())
    }

    fn read_key(&mut self, index: u64) -> Result<String, StreamError> {
        self.parse::<String>(index)
    }

    /// One record at the cursor, handed to `visit` while the window holds it.
    fn read_record(&mut self, index: u64, visit: &mut dyn FnMut(u64, &Node<'_>) -> bool) -> Result<bool, StreamError> {
        let keep = self.keep.take();
        let result = with_keep(keep.as_deref(), || loop {
            let slice = self.window.get(self.pos..).unwrap_or_default();
            let mut de = serde_json::Deserializer::from_slice(slice).into_iter::<Record<'_>>();
            let attempt = match de.next() {
                Some(Ok(Record(node))) => {
                    let end = de.byte_offset();
                    if end >= slice.len() && !self.eof {
                        Attempt::More
                    } else {
                        Attempt::Parsed(visit(index, &node), end)
                    }
                }
                Some(Err(e)) if e.is_eof() && !self.eof => Attempt::More,
                Some(Err(e)) if e.is_eof() => Attempt::Failed(format!("the body ends inside record {index}: {}", json_message(&e))),
                Some(Err(e)) => Attempt::Failed(format!("record {index} is not valid JSON: {}", json_message(&e))),
                None if self.eof => Attempt::Failed(format!("the body ends before record {index}")),
                None => Attempt::More,
            };
            match attempt {
                Attempt::Parsed(go_on, end) => {
                    self.pos = self.pos.saturating_add(end);
                    break Ok(go_on);
                }
                Attempt::More => match self.fill(index) {
                    Ok(true) => {}
                    Ok(false) => self.eof = true,
                    Err(e) => break Err(e),
                },
                Attempt::Failed(message) => break Err(fail("invalid_json", message, index)),
            }
        });
        self.keep = keep;
        result
    }

    /// The next record (`Some(visit's answer)`), or `None` after the last.
    fn next(&mut self, index: u64, visit: &mut dyn FnMut(u64, &Node<'_>) -> bool) -> Result<Option<bool>, StreamError> {
        if self.ndjson {
            return match self.peek(index)? {
                None => Ok(None),
                Some(_) => self.read_record(index, visit).map(Some),
            };
        }
        loop {
            match self.state {
                JsonState::Done => return Ok(None),
                JsonState::Start => {
                    if !self.walk_prefix(index)? {
                        return Err(fail("not_found", "the selector names nothing in the document", index));
                    }
                    match (self.peek(index)?, &self.last) {
                        (Some(b'['), _) => {
                            self.bump();
                            self.state = JsonState::Iterating { array: true, first: true };
                        }
                        (Some(b'{'), Seg::Wild) => {
                            self.bump();
                            self.state = JsonState::Iterating { array: false, first: true };
                        }
                        (Some(_), Seg::Each) => {
                            // `[*]` over one value: a stream of one.
                            self.state = JsonState::Done;
                            return self.read_record(index, visit).map(Some);
                        }
                        (None, _) => return Err(fail("invalid_json", "the body ends before the selected value", index)),
                        _ => return Err(fail("not_found", "the selector's \".*\" names neither a list nor an object", index)),
                    }
                }
                JsonState::Iterating { array, first } => {
                    let close = if array { b']' } else { b'}' };
                    match self.peek(index)? {
                        Some(b) if b == close => {
                            // The rest of the document is not needed.
                            self.bump();
                            self.state = JsonState::Done;
                            return Ok(None);
                        }
                        None => return Err(fail("invalid_json", format!("the body ends inside the selected list, before record {index}"), index)),
                        Some(_) => {}
                    }
                    if !first {
                        self.expect(b',', index, "between records")?;
                    }
                    self.state = JsonState::Iterating { array, first: false };
                    if !array {
                        self.read_key(index)?;
                        self.expect(b':', index, "after a member name")?;
                    }
                    return self.read_record(index, visit).map(Some);
                }
            }
        }
    }

    /// Walks to the selected value; `false` if a key or index is missing.
    fn walk_prefix(&mut self, index: u64) -> Result<bool, StreamError> {
        for seg in self.prefix.clone() {
            let found = match (&seg, self.peek(index)?) {
                (Seg::Key(k), Some(b'{')) => self.find_member(k, index)?,
                (Seg::Key(k), Some(b'[')) => match k.parse::<usize>() {
                    Ok(i) => self.find_index(i, index)?,
                    Err(_) => false,
                },
                (Seg::Index(i), Some(b'[')) => self.find_index(*i, index)?,
                (Seg::Index(i), Some(b'{')) => self.find_member(&i.to_string(), index)?,
                _ => false,
            };
            if !found {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// At `{`: moves to the value of member `key` (`false`: not there).
    fn find_member(&mut self, key: &str, index: u64) -> Result<bool, StreamError> {
        self.bump();
        if self.peek(index)? == Some(b'}') {
            return Ok(false);
        }
        loop {
            let name = self.read_key(index)?;
            self.expect(b':', index, "after a member name")?;
            if name == key {
                return Ok(true);
            }
            self.skip_value(index)?;
            match self.peek(index)? {
                Some(b',') => self.bump(),
                Some(b'}') => return Ok(false),
                _ => return Err(fail("invalid_json", "malformed JSON: expected ',' or '}' after a member", index)),
            }
        }
    }

    /// At `[`: moves to element `i` (`false`: the list is shorter).
    fn find_index(&mut self, i: usize, index: u64) -> Result<bool, StreamError> {
        self.bump();
        if self.peek(index)? == Some(b']') {
            return Ok(false);
        }
        for _ in 0..i {
            self.skip_value(index)?;
            match self.peek(index)? {
                Some(b',') => self.bump(),
                Some(b']') => return Ok(false),
                _ => return Err(fail("invalid_json", "malformed JSON: expected ',' or ']' after an element", index)),
            }
        }
        Ok(true)
    }
}

// ---------------------------------------------------------------------------
// XML

type XmlReader = quick_xml::Reader<Box<dyn BufRead + Send>>;

/// The XML declaration is looked for in at most this many leading bytes.
const DECL_SNIFF_BYTES: usize = 1024;

struct XmlSource {
    /// The body before the first read (the encoding is sniffed then).
    raw: Option<Box<dyn Read + Send>>,
    reader: Option<XmlReader>,
    seen_root: bool,
    path: Vec<String>,
    /// Names of the open elements above the cursor.
    stack: Vec<String>,
    buf: Vec<u8>,
    /// One event buffer per nesting level inside a record, reused record after record.
    pool: Vec<Vec<u8>>,
    /// Only these child elements of a record are decoded (`keep_only`).
    keep: Option<Vec<String>>,
}

/// Reads up to the end of the XML declaration, finds its encoding, and returns a
/// UTF-8 reader over the whole body (the sniffed bytes included).
fn utf8_body(mut raw: Box<dyn Read + Send>) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 256];
    while head.len() < DECL_SNIFF_BYTES && !head.windows(2).any(|w| w == b"?>") {
        let n = raw.read(&mut byte)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&byte[..n]);
        // Without a declaration at the start there is nothing to sniff.
        let start = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&head);
        if start.len() >= 5 && !start.starts_with(b"<?xml") {
            break;
        }
    }
    let declared = declared_encoding(&head);
    let body = Cursor::new(head).chain(raw);
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(declared)
        .bom_override(true)
        .build(body);
    Ok(Box::new(BufReader::with_capacity(64 * 1024, decoded)))
}

/// The encoding named by an `<?xml … encoding="…"?>` declaration in `head`, read with
/// quick-xml itself (the declaration is ASCII in every encoding it names).
fn declared_encoding(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let end = head.windows(2).position(|w| w == b"?>")?.checked_add(2)?;
    let decl = std::str::from_utf8(head.get(..end)?).ok()?;
    let mut reader = quick_xml::Reader::from_str(decl.trim_start_matches('\u{feff}'));
    match reader.read_event() {
        Ok(Event::Decl(d)) => d.encoder().filter(|e| *e != encoding_rs::UTF_8),
        _ => None,
    }
}

impl XmlSource {
    fn reader(&mut self, index: u64) -> Result<&mut XmlReader, StreamError> {
        if self.reader.is_none() {
            let raw = self.raw.take().ok_or_else(|| fail("io", "the body is gone", index))?;
            let body = utf8_body(raw).map_err(|e| fail("io", format!("the body could not be read: {e}"), index))?;
            let mut xml = quick_xml::Reader::from_reader(body);
            let config = xml.config_mut();
            // Text is kept as written (entity references split it into several events);
            // whitespace-only text between child elements is dropped in element_value.
            config.trim_text(false);
            config.expand_empty_elements = false;
            config.check_end_names = true;
            self.reader = Some(xml);
        }
        self.reader.as_mut().ok_or_else(|| fail("io", "the body is gone", index))
    }

    fn next(&mut self, index: u64) -> Result<Option<Node<'static>>, StreamError> {
        loop {
            self.buf.clear();
            let mut buf = std::mem::take(&mut self.buf);
            let reader = self.reader(index)?;
            let event = reader.read_event_into(&mut buf).map_err(|e| xml_error(&e, index))?.into_owned();
            self.buf = buf;
            if matches!(event, Event::Start(_) | Event::Empty(_)) {
                self.seen_root = true;
            }
            match event {
                Event::Start(start) => {
                    let name = start.name().0.to_string();
                    let at_record = self.stack.len().saturating_add(1) == self.path.len()
                        && self.stack.iter().zip(&self.path).all(|(a, b)| a == b)
                        && self.path.last() == Some(&name);
                    if at_record {
                        self.reader(index)?;
                        let Some(reader) = self.reader.as_mut() else {
                            return Err(fail("io", "the body is gone", index));
                        };
                        if self.pool.is_empty() {
                            self.pool = vec![Vec::new(); MAX_DEPTH.saturating_add(2)];
                        }
                        return read_element(reader, &start, 0, index, &mut self.pool, self.keep.as_deref()).map(Some);
                    }
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(fail("too_deep", format!("elements nest deeper than {MAX_DEPTH} levels"), index));
                    }
                    self.stack.push(name);
                }
                Event::Empty(start) => {
                    let name = start.name().0.to_string();
                    let at_record = self.stack.len().saturating_add(1) == self.path.len()
                        && self.stack.iter().zip(&self.path).all(|(a, b)| a == b)
                        && self.path.last() == Some(&name);
                    if at_record {
                        return element_value(&start, Vec::new(), String::new(), index).map(Some);
                    }
                }
                Event::End(_) => {
                    self.stack.pop();
                }
                Event::Eof => {
                    if !self.seen_root {
                        return Err(fail("invalid_xml", "the body has no root element", index));
                    }
                    if !self.stack.is_empty() {
                        return Err(fail("invalid_xml", format!("the body ends inside <{}>", self.stack.join("/")), index));
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }
}

fn xml_error(e: &quick_xml::Error, index: u64) -> StreamError {
    match e {
        quick_xml::Error::Io(io) => fail("io", format!("the body could not be read: {io}"), index),
        _ => fail("invalid_xml", format!("malformed XML: {e}"), index),
    }
}

/// Reads the element opened by `start` up to its end tag.
/// `pool` holds this level's event buffer first, then the deeper levels'.
/// `keep` (the record element only): the child elements to decode; the others are
/// read to their end tag (still checked) without building anything.
fn read_element(
    reader: &mut XmlReader,
    start: &BytesStart<'_>,
    depth: usize,
    index: u64,
    pool: &mut [Vec<u8>],
    keep: Option<&[String]>,
) -> Result<Node<'static>, StreamError> {
    let Some((buf, deeper)) = pool.split_first_mut().filter(|_| depth <= MAX_DEPTH) else {
        return Err(fail("too_deep", format!("elements nest deeper than {MAX_DEPTH} levels"), index));
    };
    let mut children: Vec<(Cow<'static, str>, Node<'static>)> = Vec::with_capacity(8);
    let mut text = String::new();
    loop {
        buf.clear();
        let event = reader.read_event_into(buf).map_err(|e| xml_error(&e, index))?;
        match event {
            Event::Start(child) => {
                // `child` borrows this level's buffer; the child reads into the next one.
                if keep.is_some_and(|keep| !keep.iter().any(|k| k.as_str() == child.name().as_ref())) {
                    let Some(skip_buf) = deeper.first_mut() else {
                        return Err(fail("too_deep", format!("elements nest deeper than {MAX_DEPTH} levels"), index));
                    };
                    skip_buf.clear();
                    reader.read_to_end_into(child.name(), skip_buf).map_err(|e| xml_error(&e, index))?;
                    continue;
                }
                let name = element_name(&child, index)?;
                let value = read_element(reader, &child, depth.saturating_add(1), index, deeper, None)?;
                add_child(&mut children, name, value);
            }
            Event::Empty(child) => {
                if keep.is_some_and(|keep| !keep.iter().any(|k| k.as_str() == child.name().as_ref())) {
                    continue;
                }
                let name = element_name(&child, index)?;
                let value = element_value(&child, Vec::new(), String::new(), index)?;
                add_child(&mut children, name, value);
            }
            Event::Text(t) => text.push_str(&t.xml_content(XmlVersion::Implicit1_0)),
            Event::CData(c) => text.push_str(&c.xml_content(XmlVersion::Implicit1_0)),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r.xml_content(XmlVersion::Implicit1_0)) {
                    text.push_str(s);
                } else {
                    return Err(fail("invalid_xml", format!("unknown entity &{};", r.xml_content(XmlVersion::Implicit1_0)), index));
                }
            }
            Event::End(_) => return element_value(start, children, text, index),
            Event::Eof => return Err(fail("invalid_xml", format!("the body ends inside <{}>", start.name().0), index)),
            _ => {}
        }
    }
}

/// The element's name.
fn element_name(start: &BytesStart<'_>, _index: u64) -> Result<String, StreamError> {
    Ok(start.name().as_ref().to_owned())
}

fn add_child(children: &mut Vec<(Cow<'static, str>, Node<'static>)>, name: String, value: Node<'static>) {
    match children.iter_mut().find(|(k, _)| k.as_ref() == name) {
        None => children.push((Cow::Owned(name), value)),
        Some((_, Node::List(list))) => list.push(value),
        Some((_, existing)) => {
            let first = std::mem::replace(existing, Node::Null);
            *existing = Node::List(vec![first, value]);
        }
    }
}

fn element_value(start: &BytesStart<'_>, children: Vec<(Cow<'static, str>, Node<'static>)>, text: String, index: u64) -> Result<Node<'static>, StreamError> {
    let mut members: Vec<(Cow<'static, str>, Node<'static>)> = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| fail("invalid_xml", format!("malformed attribute in <{}>: {e}", start.name().as_ref()), index))?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| fail("invalid_xml", format!("malformed attribute in <{}>: {e}", start.name().as_ref()), index))?;
        let key = format!("@{}", attr.key.as_ref());
        let value = Node::Str(Cow::Owned(value.into_owned()));
        // A repeated attribute keeps its last value, as the JSON object did.
        match members.iter_mut().find(|(k, _)| k.as_ref() == key) {
            Some((_, v)) => *v = value,
            None => members.push((Cow::Owned(key), value)),
        }
    }
    if members.is_empty() && children.is_empty() {
        return Ok(Node::Str(Cow::Owned(text)));
    }
    members.extend(children);
    if !text.trim().is_empty() {
        members.push((Cow::Borrowed("#text"), Node::Str(Cow::Owned(text))));
    }
    Ok(Node::Object(members))
}
