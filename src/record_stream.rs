//! `Conduit\RecordStream`: batches of (mapped) records read from a streamed response
//! body (`ApiClient::stream()`), docs/mapper.md "Record streams".
//!
//! The body is read on the PHP thread: every `next()` pulls one batch through
//! `conduit_mapper::stream::RecordStream`, whose reader (`conduit_http::stream::BodyReader`)
//! runs `block_on(chunk())` on the process runtime. No zval leaves the PHP thread and
//! the body never becomes one PHP string: memory is one chunk, the parser's buffer and
//! the batch.

use std::time::Duration;

use conduit_http::stream::{BodyReader, DEFAULT_IDLE_TIMEOUT};
use conduit_mapper::stream::{Node, RecordStream, StreamError, StreamFormat};
use conduit_mapper::MappingError;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::FromZval;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendClassObject, ZendHashTable, Zval};
use ext_php_rs::zend::ce;

use crate::api_client::{http_error, PhpApiClient};
use crate::convert::{headers_to_array, options_to_json};
use crate::zval_record::node_to_zval;
use crate::exceptions::{config_error, ConduitThrow, ExceptionClass};
use crate::mapper::{mapping_exception, Failure, PhpMapper};
use crate::php_options::Key;

/// `getErrors()` keeps at most this many entries (`getStats()['errors']` counts all).
const MAX_KEPT_ERRORS: usize = 1000;
/// Largest `$batch`.
const MAX_BATCH: i64 = 100_000;
/// Options of `stream()` that are not request options.
const STREAM_OPTIONS: &[&str] = &["body", "format", "fail_fast", "idle_timeout"];

/// A streamed response; `records()` turns it into an iterator of batches.
#[php_class]
#[php(name = "Conduit\\RecordStream")]
#[php(implements(ce = ce::iterator, stub = "\\Iterator"))]
#[php(flags = ext_php_rs::flags::ClassFlags::Final)]
pub struct PhpRecordStream {
    head: conduit_http::Response,
    /// The unread body until `records()` hands it to the parser.
    body: Option<BodyReader>,
    format: Option<StreamFormat>,
    fail_fast: bool,
    parser: Option<RecordStream>,
    /// The Mapper object (kept alive here); `None`: records as decoded.
    mapper: Option<Zval>,
    batch_size: usize,
    current: Option<Zval>,
    batch_index: i64,
    started: bool,
    finished: bool,
    records: u64,
    mapped: u64,
    batches: u64,
    failed_records: u64,
    errors: Vec<Zval>,
}

/// `ApiClient::stream()`.
pub fn open(client: &mut PhpApiClient, method: &str, path: &str, options: Option<&ZendHashTable>) -> PhpResult<PhpRecordStream> {
    let json = options_to_json(options, STREAM_OPTIONS)?;
    let raw_body = match options.and_then(|o| o.get("body")) {
        None => None,
        Some(zv) if zv.is_null() => None,
        Some(zv) => match zv.zend_str() {
            Some(s) => Some(s.as_bytes().to_vec()),
            None => return Err(config_error("Option \"body\" must be a string (use \"json\" for arrays).")),
        },
    };
    let spec = conduit_http::RequestSpec::from_options(method, path, &json, raw_body).map_err(|e| PhpException::from(http_error(&e)))?;
    let format = match options.and_then(|o| o.get("format")).filter(|z| !z.is_null()) {
        None => None,
        Some(zv) => Some(match zv.str() {
            Some("json") => StreamFormat::Json,
            Some("ndjson" | "jsonl") => StreamFormat::Ndjson,
            Some("xml") => StreamFormat::Xml,
            _ => return Err(config_error("Option \"format\" must be \"json\", \"ndjson\" or \"xml\" (default: from Content-Type).")),
        }),
    };
    let fail_fast = match options.and_then(|o| o.get("fail_fast")).filter(|z| !z.is_null()) {
        None => false,
        Some(zv) => zv.bool().ok_or_else(|| config_error("Option \"fail_fast\" must be a bool."))?,
    };
    let idle_timeout = match options.and_then(|o| o.get("idle_timeout")).filter(|z| !z.is_null()) {
        None => DEFAULT_IDLE_TIMEOUT,
        Some(zv) => {
            let secs = zv.double().or_else(|| zv.long().map(|l| l as f64)).filter(|s| s.is_finite() && *s >= 0.0 && *s <= 86_400.0);
            Duration::from_secs_f64(secs.ok_or_else(|| config_error("Option \"idle_timeout\" must be seconds between 0 and 86400 (0: no limit)."))?)
        }
    };
    let (head, body) = client.open_stream(&spec, idle_timeout)?;
    Ok(PhpRecordStream {
        head,
        body: Some(body),
        format,
        fail_fast,
        parser: None,
        mapper: None,
        batch_size: 500,
        current: None,
        batch_index: -1,
        started: false,
        finished: false,
        records: 0,
        mapped: 0,
        batches: 0,
        failed_records: 0,
        errors: Vec::new(),
    })
}

fn format_from_content_type(content_type: Option<&str>) -> StreamFormat {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("ndjson") || ct.contains("jsonl") || ct.contains("json-seq") || ct.contains("jsonlines") {
        StreamFormat::Ndjson
    } else if ct.contains("xml") {
        StreamFormat::Xml
    } else {
        StreamFormat::Json
    }
}

impl PhpRecordStream {
    fn stream_failure(&self, e: &StreamError) -> PhpException {
        match e.reason {
            "io" => ConduitThrow::new(
                ExceptionClass::Transport,
                format!(
                    "The stream broke after {} records had been delivered (in {} batches); record {} could not be read: {}",
                    self.records, self.batches, e.record, e.message
                ),
            )
            .with("attempts", i64::from(self.head.attempts))
            .with("recordsDelivered", i64::try_from(self.records).unwrap_or(i64::MAX))
            .into(),
            reason => {
                let path = if reason == "not_found" { "selector" } else { "" };
                let err = MappingError::with_quoted(path, reason, e.message.clone(), None);
                let key = Key::Int(i64::try_from(e.record).unwrap_or(i64::MAX));
                mapping_exception(&[(Some(key), vec![err])], usize::try_from(e.record.saturating_add(1)).unwrap_or(usize::MAX))
            }
        }
    }

    /// Reads batches until one has a record to hand out (or the end).
    fn load(&mut self) -> PhpResult<()> {
        self.current = None;
        if self.finished {
            return Ok(());
        }
        loop {
            let Some(parser) = self.parser.as_mut() else {
                return Err(config_error("Call records() before iterating a RecordStream."));
            };
            let batch_size = self.batch_size;
            let mapper = match &self.mapper {
                Some(zv) => Some(<&PhpMapper as FromZval>::from_zval(zv).ok_or_else(|| config_error("The RecordStream's mapper is gone."))?),
                None => None,
            };
            // What this batch gives; kept on `self` only when the batch is complete.
            let mut out = ZendHashTable::with_capacity(u32::try_from(batch_size.min(4096)).unwrap_or(4096));
            let mut failed: Vec<(Option<Key>, Vec<MappingError>)> = Vec::new();
            let mut skipped: Vec<(u64, Vec<MappingError>)> = Vec::new();
            let mut aborted = false;
            let read = parser.next_batch_with(batch_size, &mut |index, node| {
                let Some(mapper) = mapper else {
                    let _ = out.push(node_to_zval(node));
                    return true;
                };
                let result = if matches!(node, Node::Object(_)) {
                    mapper.run_into(node)
                } else {
                    Err(Failure::Invalid(vec![MappingError::new("", "invalid_type", "is not an object", Some(&node.to_value()))]))
                };
                match result {
                    Ok(v) => {
                        let _ = out.push(v);
                        true
                    }
                    Err(Failure::Aborted) => {
                        aborted = true;
                        false
                    }
                    Err(Failure::Invalid(errors)) => {
                        if self.fail_fast {
                            failed.push((Some(Key::Int(i64::try_from(index).unwrap_or(i64::MAX))), errors));
                        } else {
                            skipped.push((index, errors));
                        }
                        true
                    }
                }
            });
            if aborted {
                self.finished = true;
                return Err(crate::mapper::aborted());
            }
            let read = match read {
                Ok(n) => n,
                Err(e) => {
                    self.finished = true;
                    return Err(self.stream_failure(&e));
                }
            };
            if read == 0 {
                self.finished = true;
                return Ok(());
            }
            if !failed.is_empty() {
                // Nothing of this batch is delivered; the stream stops.
                self.finished = true;
                let total = usize::try_from(self.records.saturating_add(read as u64)).unwrap_or(usize::MAX);
                return Err(mapping_exception(&failed, total));
            }
            for (index, errors) in &skipped {
                self.failed_records = self.failed_records.saturating_add(1);
                for e in errors {
                    if self.errors.len() < MAX_KEPT_ERRORS {
                        self.errors.push(error_entry(e, *index));
                    }
                }
            }
            self.records = self.records.saturating_add(read as u64);
            if out.is_empty() {
                continue;
            }
            self.mapped = self.mapped.saturating_add(out.len() as u64);
            self.batches = self.batches.saturating_add(1);
            self.batch_index = self.batch_index.saturating_add(1);
            let mut zv = Zval::new();
            zv.set_hashtable(out);
            self.current = Some(zv);
            return Ok(());
        }
    }
}

fn error_entry(e: &MappingError, record: u64) -> Zval {
    let mut ht = ZendHashTable::new();
    let _ = ht.insert("path", e.path.as_str());
    let _ = ht.insert("reason", e.reason);
    let _ = ht.insert("message", e.message.as_str());
    let _ = ht.insert("value", e.value.clone());
    let _ = ht.insert("record", i64::try_from(record).unwrap_or(i64::MAX));
    let mut zv = Zval::new();
    zv.set_hashtable(ht);
    zv
}

#[php_impl]
impl PhpRecordStream {
    /// Sets what to read and returns this stream, to `foreach` over: each value is a
    /// list of up to `$batch` records (mapped when a Mapper is given), keys 0, 1, 2….
    /// A stream is read once.
    pub fn records<'a>(
        self_: &'a mut ZendClassObject<PhpRecordStream>,
        selector: String,
        mapper: Option<&Zval>,
        batch: Option<i64>,
    ) -> PhpResult<&'a mut ZendClassObject<PhpRecordStream>> {
        let batch = batch.unwrap_or(500);
        if !(1..=MAX_BATCH).contains(&batch) {
            return Err(config_error(format!("records(): $batch must be 1 to {MAX_BATCH}, {batch} given.")));
        }
        let mapper = match mapper.filter(|z| !z.is_null()) {
            None => None,
            Some(zv) => {
                if <&PhpMapper as FromZval>::from_zval(zv).is_none() {
                    return Err(config_error("records(): $mapper must be a Conduit\\Mapper or null."));
                }
                Some(zv.shallow_clone())
            }
        };
        let Some(body) = self_.body.take() else {
            return Err(config_error("records() was already called: a RecordStream is read once."));
        };
        let format = self_.format.unwrap_or_else(|| format_from_content_type(self_.head.header("content-type")));
        let mut parser = RecordStream::new(format, &selector, body).map_err(|e| config_error(format!("records(): {e}.")))?;
        // Decode only the members the mapper reads (JSON): the rest is skipped unparsed.
        if let Some(roots) = mapper.as_ref().and_then(<&PhpMapper as FromZval>::from_zval).and_then(|m| m.roots.clone()) {
            parser.keep_only(roots);
        }
        self_.parser = Some(parser);
        self_.mapper = mapper;
        self_.batch_size = usize::try_from(batch).unwrap_or(500);
        Ok(self_)
    }

    /// The next batch, or null at the end (the loop without `foreach`).
    pub fn next_batch(&mut self) -> PhpResult<Option<Zval>> {
        if !self.started {
            self.started = true;
        }
        self.load()?;
        Ok(self.current.as_ref().map(Zval::shallow_clone))
    }

    /// `Iterator`: the current batch.
    pub fn current(&self) -> Option<Zval> {
        self.current.as_ref().map(Zval::shallow_clone)
    }

    /// `Iterator`: the batch number (0, 1, 2…).
    pub fn key(&self) -> i64 {
        self.batch_index
    }

    /// `Iterator`: reads the next batch.
    pub fn next(&mut self) -> PhpResult<()> {
        self.load()
    }

    /// `Iterator`: reads the first batch; a stream cannot go back.
    pub fn rewind(&mut self) -> PhpResult<()> {
        if self.started {
            return Err(config_error("A RecordStream is read once: it cannot be rewound (foreach it once, or open a new stream)."));
        }
        self.started = true;
        self.load()
    }

    /// `Iterator`: whether a batch is there.
    pub fn valid(&self) -> bool {
        self.current.is_some()
    }

    /// `['records' => read from the body, 'mapped' => delivered, 'batches' => …,
    /// 'errors' => records skipped for mapping errors, 'bytes' => body bytes read]`.
    pub fn get_stats(&self) -> ZBox<ZendHashTable> {
        let mut ht = ZendHashTable::new();
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let _ = ht.insert("records", n(self.records));
        let _ = ht.insert("mapped", n(self.mapped));
        let _ = ht.insert("batches", n(self.batches));
        let _ = ht.insert("errors", n(self.failed_records));
        ht
    }

    /// The mapping errors of the skipped records (first 1000), each with `record`.
    pub fn get_errors(&self) -> ZBox<ZendHashTable> {
        let mut ht = ZendHashTable::with_capacity(u32::try_from(self.errors.len()).unwrap_or(u32::MAX));
        for e in &self.errors {
            let _ = ht.push(e.shallow_clone());
        }
        ht
    }

    /// Records read from the body in complete batches (mapped or skipped): the
    /// offset to resume from.
    pub fn get_records_delivered(&self) -> i64 {
        i64::try_from(self.records).unwrap_or(i64::MAX)
    }

    pub fn get_status(&self) -> i64 {
        i64::from(self.head.status)
    }

    pub fn get_headers(&self) -> ZBox<ZendHashTable> {
        headers_to_array(&self.head.headers)
    }

    pub fn get_header(&self, name: String) -> Option<String> {
        let name = name.to_ascii_lowercase();
        let values: Vec<&str> = self.head.headers.iter().filter(|(n, _)| *n == name).map(|(_, v)| v.as_str()).collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    pub fn get_attempts(&self) -> i64 {
        i64::from(self.head.attempts)
    }

    pub fn get_correlation_id(&self) -> String {
        self.head.correlation_id.clone()
    }
}
