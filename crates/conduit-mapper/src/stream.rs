//! Record streams: records pulled one batch at a time from a byte source
//! (`std::io::Read`) holding a JSON document, NDJSON / JSON Lines, or XML — without
//! holding the document. Memory is bounded by the largest record and the batch.
//!
//! Parsers are maintained crates, no hand-written tokenizer: `struson` (a pull
//! JSON reader; each record is deserialized into a `serde_json::Value` through its
//! serde support), `serde_json`'s `StreamDeserializer` for NDJSON, and `quick-xml`
//! (which reads UTF-8 only: the encoding its `encoding` feature finds in the XML
//! declaration, e.g. CommerceML's `windows-1251`, or a BOM, is transcoded to UTF-8 on
//! the fly by `encoding_rs_io`, chunk by chunk).
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

use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;
use serde_json::{Map, Value};
use struson::reader::{JsonReader, JsonStreamReader, ValueType};

use crate::path::{Path, Seg};

/// Records nested deeper than this fail (JSON, and XML elements).
const MAX_DEPTH: usize = 128;

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
    Ndjson(Box<dyn Iterator<Item = Result<Value, serde_json::Error>> + Send>),
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
                let reader: Box<dyn Read + Send> = Box::new(reader);
                Source::Json(Box::new(JsonSource {
                    // No path tracking: errors name the record index instead, and tracking costs an
                    // allocation per member name.
                    reader: JsonStreamReader::new_custom(
                        reader,
                        struson::reader::ReaderSettings { track_path: false, ..Default::default() },
                    ),
                    prefix: prefix.to_vec(),
                    last: last.clone(),
                    state: JsonState::Start,
                    keep: None,
                }))
            }
            StreamFormat::Ndjson => {
                if !matches!(selector, "" | "[*]") {
                    return Err(SelectorError(format!("selector \"{selector}\": an NDJSON stream takes \"\" or \"[*]\" (every line is a record)")));
                }
                let de = serde_json::Deserializer::from_reader(BufReader::with_capacity(64 * 1024, reader));
                Source::Ndjson(Box::new(de.into_iter::<Value>()))
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
                }))
            }
        };
        Ok(Self { source, delivered: 0, failed: None, done: false })
    }

    /// JSON only: decode just these top-level keys of each object record and skip the
    /// other members (still checked for syntax) — `Mapper::root_keys()` of the mapper that
    /// will read the records. Other formats ignore it.
    pub fn keep_only(&mut self, keys: Vec<String>) {
        if let Source::Json(s) = &mut self.source {
            s.keep = Some(keys);
        }
    }

    /// How many records the returned batches held.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// The next batch of up to `max` records (at least 1); an empty batch at the end.
    ///
    /// # Errors
    /// [`StreamError`] with the failing record's index; the partial batch is dropped
    /// and every later call returns the same error.
    pub fn next_batch(&mut self, max: usize) -> Result<Vec<Value>, StreamError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let max = max.max(1);
        let mut batch = Vec::with_capacity(max.min(4096));
        while batch.len() < max && !self.done {
            let index = self.delivered.saturating_add(batch.len() as u64);
            match self.next_record(index) {
                Ok(Some(v)) => batch.push(v),
                Ok(None) => self.done = true,
                Err(e) => {
                    self.failed = Some(e.clone());
                    return Err(e);
                }
            }
        }
        self.delivered = self.delivered.saturating_add(batch.len() as u64);
        Ok(batch)
    }

    fn next_record(&mut self, index: u64) -> Result<Option<Value>, StreamError> {
        match &mut self.source {
            Source::Json(s) => s.next(index),
            Source::Ndjson(it) => match it.next() {
                None => Ok(None),
                Some(Ok(v)) => Ok(Some(v)),
                Some(Err(e)) if e.is_io() => Err(fail("io", format!("the body could not be read: {e}"), index)),
                Some(Err(e)) if e.is_eof() => Err(fail("invalid_json", format!("the body ends inside a record: {e}"), index)),
                Some(Err(e)) => Err(fail("invalid_json", format!("malformed JSON line: {e}"), index)),
            },
            Source::Xml(s) => s.next(index),
        }
    }
}

fn fail(reason: &'static str, message: impl Into<String>, record: u64) -> StreamError {
    StreamError { reason, message: message.into(), record }
}

// ---------------------------------------------------------------------------
// JSON

enum JsonState {
    Start,
    /// Inside the selected array (`true`) or object (`false`, `.*` values).
    Iterating { array: bool },
    Done,
}

struct JsonSource {
    reader: JsonStreamReader<Box<dyn Read + Send>>,
    prefix: Vec<Seg>,
    last: Seg,
    state: JsonState,
    /// Only these top-level keys of an object record are decoded (`keep_only`).
    keep: Option<Vec<String>>,
}

impl JsonSource {
    fn next(&mut self, index: u64) -> Result<Option<Value>, StreamError> {
        loop {
            match self.state {
                JsonState::Done => return Ok(None),
                JsonState::Start => {
                    if !self.walk_prefix().map_err(|e| json_error(&e, index))? {
                        return Err(fail("not_found", "the selector names nothing in the document", index));
                    }
                    let ty = self.reader.peek().map_err(|e| json_error(&e, index))?;
                    match (ty, &self.last) {
                        (ValueType::Array, _) => {
                            self.reader.begin_array().map_err(|e| json_error(&e, index))?;
                            self.state = JsonState::Iterating { array: true };
                        }
                        (ValueType::Object, Seg::Wild) => {
                            self.reader.begin_object().map_err(|e| json_error(&e, index))?;
                            self.state = JsonState::Iterating { array: false };
                        }
                        (_, Seg::Each) => {
                            // `[*]` over one value: a stream of one.
                            self.state = JsonState::Done;
                            return self.read_value(index).map(Some);
                        }
                        _ => return Err(fail("not_found", "the selector's \".*\" names neither a list nor an object", index)),
                    }
                }
                JsonState::Iterating { array } => {
                    if !self.reader.has_next().map_err(|e| json_error(&e, index))? {
                        // The rest of the document is not needed.
                        self.state = JsonState::Done;
                        return Ok(None);
                    }
                    if !array {
                        self.reader.skip_name().map_err(|e| json_error(&e, index))?;
                    }
                    return self.read_value(index).map(Some);
                }
            }
        }
    }

    fn read_value(&mut self, index: u64) -> Result<Value, StreamError> {
        if self.keep.is_some() && matches!(self.reader.peek(), Ok(ValueType::Object)) {
            return self.read_kept_members(index);
        }
        self.read_whole_value(index)
    }

    fn read_kept_members(&mut self, index: u64) -> Result<Value, StreamError> {
        let err = |e: struson::reader::ReaderError| json_error(&e, index);
        self.reader.begin_object().map_err(err)?;
        let mut map = serde_json::Map::new();
        while self.reader.has_next().map_err(err)? {
            let name = self.reader.next_name_owned().map_err(err)?;
            if self.keep.as_deref().is_some_and(|keep| keep.contains(&name)) {
                let value = self.read_whole_value(index)?;
                map.insert(name, value);
            } else {
                self.reader.skip_value().map_err(err)?;
            }
        }
        self.reader.end_object().map_err(err)?;
        Ok(Value::Object(map))
    }

    fn read_whole_value(&mut self, index: u64) -> Result<Value, StreamError> {
        self.reader.deserialize_next::<Value>().map_err(|e| {
            let text = e.to_string();
            let reason = if text.contains("IO error") || text.contains("io error") { "io" } else { "invalid_json" };
            fail(reason, format!("record {index} is not valid JSON: {text}"), index)
        })
    }

    /// Walks to the selected value; `false` if a key or index is missing.
    fn walk_prefix(&mut self) -> Result<bool, struson::reader::ReaderError> {
        for seg in self.prefix.clone() {
            let found = match (&seg, self.reader.peek()?) {
                (Seg::Key(k), ValueType::Object) => {
                    self.reader.begin_object()?;
                    let mut found = false;
                    while self.reader.has_next()? {
                        if self.reader.next_name()? == k.as_str() {
                            found = true;
                            break;
                        }
                        self.reader.skip_value()?;
                    }
                    found
                }
                (Seg::Key(k), ValueType::Array) => match k.parse::<usize>() {
                    Ok(i) => self.skip_to_index(i)?,
                    Err(_) => false,
                },
                (Seg::Index(i), ValueType::Array) => self.skip_to_index(*i)?,
                (Seg::Index(i), ValueType::Object) => {
                    let key = i.to_string();
                    self.reader.begin_object()?;
                    let mut found = false;
                    while self.reader.has_next()? {
                        if self.reader.next_name()? == key {
                            found = true;
                            break;
                        }
                        self.reader.skip_value()?;
                    }
                    found
                }
                _ => false,
            };
            if !found {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn skip_to_index(&mut self, i: usize) -> Result<bool, struson::reader::ReaderError> {
        self.reader.begin_array()?;
        for _ in 0..i {
            if !self.reader.has_next()? {
                return Ok(false);
            }
            self.reader.skip_value()?;
        }
        self.reader.has_next()
    }
}

fn json_error(e: &struson::reader::ReaderError, index: u64) -> StreamError {
    match e {
        struson::reader::ReaderError::IoError { .. } => fail("io", format!("the body could not be read: {e}"), index),
        _ => fail("invalid_json", format!("malformed JSON: {e}"), index),
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

    fn next(&mut self, index: u64) -> Result<Option<Value>, StreamError> {
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
                        let reader = self.reader(index)?;
                        return read_element(reader, &start, 0, index).map(Some);
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
                        return element_value(&start, Map::new(), String::new(), index).map(Some);
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
fn read_element(reader: &mut XmlReader, start: &BytesStart<'_>, depth: usize, index: u64) -> Result<Value, StreamError> {
    if depth > MAX_DEPTH {
        return Err(fail("too_deep", format!("elements nest deeper than {MAX_DEPTH} levels"), index));
    }
    let mut children = Map::new();
    let mut text = String::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| xml_error(&e, index))?;
        match event {
            Event::Start(child) => {
                let child = child.into_owned();
                let name = child.name().0.to_string();
                let value = read_element(reader, &child, depth.saturating_add(1), index)?;
                add_child(&mut children, name, value);
            }
            Event::Empty(child) => {
                let name = child.name().0.to_string();
                let value = element_value(&child, Map::new(), String::new(), index)?;
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

fn add_child(children: &mut Map<String, Value>, name: String, value: Value) {
    match children.get_mut(&name) {
        None => {
            children.insert(name, value);
        }
        Some(Value::Array(list)) => list.push(value),
        Some(existing) => {
            let first = std::mem::take(existing);
            *existing = Value::Array(vec![first, value]);
        }
    }
}

fn element_value(start: &BytesStart<'_>, mut children: Map<String, Value>, text: String, index: u64) -> Result<Value, StreamError> {
    let mut attributes = Map::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| fail("invalid_xml", format!("malformed attribute in <{}>: {e}", start.name().0), index))?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| fail("invalid_xml", format!("malformed attribute in <{}>: {e}", start.name().0), index))?;
        attributes.insert(format!("@{}", attr.key.0), Value::String(value.into_owned()));
    }
    if attributes.is_empty() && children.is_empty() {
        return Ok(Value::String(text));
    }
    let mut out = attributes;
    out.append(&mut children);
    if !text.trim().is_empty() {
        out.insert("#text".into(), Value::String(text));
    }
    Ok(Value::Object(out))
}
