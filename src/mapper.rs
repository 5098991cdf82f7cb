//! `Conduit\Mapper`: PHP arrays ↔ JSON values around `conduit_mapper::Mapper`; the
//! mapping language and every operation live in the core crate (docs/mapper.md).
//!
//! The one PHP-specific part is the `callback` escape hatch: the spec's callables
//! stay zvals held by this object (refcounted, never leaving the PHP thread); the
//! core sees only their index and calls back through [`conduit_mapper::CallOut`].
//! An exception thrown by a callback stays pending and stops the mapping.
//!
//! Record strings must be UTF-8 (JSON strings are): a byte string that is not is
//! reported as a `MappingException` with reason `invalid_utf8` and the input path,
//! never converted lossily.

use conduit_mapper::stream::{Node, RecordStream, StreamFormat};
use conduit_mapper::{AnyRecord, CallOut, CallOutError, MapError, Mapper, MappingError, Path};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::ClassFlags;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendCallable, ZendHashTable, Zval};
use ext_php_rs::zend::ExecutorGlobals;
use serde_json::{Map, Value};

use crate::convert::{json_to_zval, zval_to_json};
use crate::exceptions::{config_error, ConduitThrow, ExceptionClass};
use crate::php_options::{entries, ArrayReturn, Bytes, Key};
use crate::zend_table::{self, EntryKey};
use crate::zval_record::{ConstStr, FastPlan, OutKey, PhpValue, ZvalOutput};

/// `getErrors()` holds at most this many entries (the message gives the total).
const MAX_REPORTED_ERRORS: usize = 1000;

/// A compiled mapping spec (docs/mapper.md).
#[php_class]
#[php(name = "Conduit\\Mapper")]
// Final: a subclass could skip the constructor and leave the Rust object unset.
#[php(flags = ClassFlags::Final)]
pub struct PhpMapper {
    plan: Mapper,
    /// The spec's `callback` callables, by index; kept alive by this object.
    callbacks: Vec<Zval>,
    /// Per callback: whether it takes the record (a closure declaring one parameter
    /// does not, and is called with the value alone — no record array is built).
    takes_record: Vec<bool>,
    /// The record keys the spec reads (`None`: all): a JSON stream decodes only these.
    pub(crate) roots: Option<Vec<String>>,
    /// Output keys by field id, made once (the result arrays reuse them).
    pub(crate) out_keys: Vec<OutKey>,
    /// The plan's string constants (value-map outputs, defaults) as `zend_string`s
    /// made once: every result shares them instead of allocating a copy.
    pub(crate) consts: Vec<ConstStr>,
    /// The fast path, when every field is simple (see `FastPlan`).
    fast: Option<FastPlan>,
}

#[php_impl]
impl PhpMapper {
    pub fn __construct(spec: &ZendHashTable) -> PhpResult<Self> {
        let mut callbacks = Vec::new();
        let json = spec_to_json(spec, &mut callbacks)?;
        let plan = Mapper::compile(&json).map_err(|e| config_error(format!("{e}.")))?;
        let out_keys: Vec<OutKey> = plan.field_names().into_iter().map(OutKey::new).collect();
        // Addresses into `plan`'s heap strings: `plan` is never changed after this.
        let consts = plan.constant_strings().into_iter().map(ConstStr::new).collect();
        let takes_record: Vec<bool> = callbacks.iter().map(takes_record).collect();
        // A callback that is not passed the record reads only its field's source.
        let roots = plan.root_keys_with(&|cb| takes_record.get(cb).copied().unwrap_or(true));
        let fast = FastPlan::new(&plan, &out_keys);
        Ok(Self { plan, callbacks, takes_record, roots, out_keys, consts, fast })
    }

    /// Maps one record; throws `MappingException` listing every problem.
    pub fn map(&self, record: &ZendHashTable) -> PhpResult<ArrayReturn> {
        match crate::zval_record::with_array_zval(record, |zv| self.run_zval(zv)) {
            Ok(v) => Ok(ArrayReturn(v)),
            Err(Failure::Invalid(errors)) => Err(mapping_exception(&[(None, errors)], 1)),
            Err(Failure::Aborted) => Err(aborted()),
        }
    }

    /// Maps every record (keys kept); throws one `MappingException` listing the
    /// problems of all failing records, each with its `record` key.
    pub fn map_many(&self, records: &ZendHashTable) -> PhpResult<ArrayReturn> {
        let size = u32::try_from(records.len()).unwrap_or(u32::MAX);
        let mut out = if zend_table::is_dense_list(records) {
            Results::List(zend_table::ListBuilder::new(size))
        } else {
            Results::Keyed(ZendHashTable::with_capacity(size))
        };
        let mut failed: Vec<(Option<Key>, Vec<MappingError>)> = Vec::new();
        for (key, value) in zend_table::entries(records) {
            let value = zend_table::deref(value);
            let result = if u32::from(zend_table::type_of(value)) == ext_php_rs::ffi::IS_ARRAY {
                self.run_zval(value)
            } else {
                Err(Failure::Invalid(vec![MappingError::with_quoted(
                    "",
                    "invalid_type",
                    format!("is {}, not an array", crate::php_options::type_name(value)),
                    None,
                )]))
            };
            match result {
                Ok(v) if failed.is_empty() => match &mut out {
                    // A dense list's entries come with keys 0, 1, 2… in order.
                    Results::List(list) => list.push(v),
                    Results::Keyed(table) => insert(table, &key, v),
                },
                Ok(_) => {}
                Err(Failure::Invalid(errors)) => failed.push((Some(entry_key(&key)), errors)),
                Err(Failure::Aborted) => return Err(aborted()),
            }
        }
        if !failed.is_empty() {
            return Err(mapping_exception(&failed, records.len()));
        }
        Ok(ArrayReturn(match out {
            Results::List(list) => list.into_zval(),
            Results::Keyed(table) => zend_table::array_zval(table),
        }))
    }

    /// Decodes a JSON document in Rust and maps the records the selector picks
    /// (`items[*]`, `data.items`, `[*]`), so PHP never builds the decoded body.
    /// Returns the mapped records as a list.
    pub fn map_json(&self, json: Bytes<'_>, selector: Bytes<'_>) -> PhpResult<ArrayReturn> {
        let selector = crate::store::utf8_arg("Mapper::mapJson(): $selector", selector)?;
        let path = Path::parse(selector).map_err(|e| config_error(format!("Selector \"{selector}\" {e}.")))?;
        // A selector ending in its only wildcard streams: one record in memory at a
        // time instead of the whole document tree. Other selectors parse the document.
        if let Ok(mut stream) = RecordStream::new(StreamFormat::Json, selector, std::io::Cursor::new(json.0.to_vec())) {
            // Only the members the spec reads are decoded.
            if let Some(roots) = &self.roots {
                stream.keep_only(roots.clone());
            }
            return self.map_stream(stream, selector);
        }
        let document: Value = serde_json::from_slice(json.0).map_err(|e| {
            let err = MappingError::with_quoted("", "invalid_json", format!("is not valid JSON: {e}"), None);
            mapping_exception(&[(None, vec![err])], 1)
        })?;
        let Some(records) = Mapper::select(&path, &document) else {
            let err = MappingError::with_quoted(selector.to_string(), "not_found", "selects nothing in the document", None);
            return Err(mapping_exception(&[(None, vec![err])], 1));
        };
        let mut out = MappedList::new(records.len());
        for record in records {
            out.add(self, record)?;
        }
        out.finish()
    }
}

/// The output and failures of `mapJson()`, record by record.
struct MappedList {
    out: ZBox<ZendHashTable>,
    failed: Vec<(Option<Key>, Vec<MappingError>)>,
    seen: usize,
}

impl MappedList {
    fn new(capacity: usize) -> Self {
        Self { out: ZendHashTable::with_capacity(u32::try_from(capacity).unwrap_or(u32::MAX)), failed: Vec::new(), seen: 0 }
    }

    /// A stream record, mapped straight into a PHP array.
    fn add_node(&mut self, mapper: &PhpMapper, record: &Node<'_>) -> Result<(), Failure> {
        let key = Key::Int(i64::try_from(self.seen).unwrap_or(i64::MAX));
        self.seen = self.seen.saturating_add(1);
        let result = if matches!(record, Node::Object(_)) {
            mapper.run_into(record)
        } else {
            Err(Failure::Invalid(vec![MappingError::new("", "invalid_type", "is not an object", Some(&record.to_value()))]))
        };
        match result {
            Ok(v) if self.failed.is_empty() => {
                let _ = self.out.push(v);
            }
            Ok(_) => {}
            Err(Failure::Invalid(errors)) => self.failed.push((Some(key), errors)),
            Err(Failure::Aborted) => return Err(Failure::Aborted),
        }
        Ok(())
    }

    fn add(&mut self, mapper: &PhpMapper, record: &Value) -> PhpResult<()> {
        let key = Key::Int(i64::try_from(self.seen).unwrap_or(i64::MAX));
        self.seen = self.seen.saturating_add(1);
        let result = if record.is_object() {
            mapper.run_into(record)
        } else {
            Err(Failure::Invalid(vec![MappingError::new("", "invalid_type", "is not an object", Some(record))]))
        };
        match result {
            Ok(v) if self.failed.is_empty() => {
                let _ = self.out.push(v);
            }
            Ok(_) => {}
            Err(Failure::Invalid(errors)) => self.failed.push((Some(key), errors)),
            Err(Failure::Aborted) => return Err(aborted()),
        }
        Ok(())
    }

    fn finish(self) -> PhpResult<ArrayReturn> {
        if !self.failed.is_empty() {
            return Err(mapping_exception(&self.failed, self.seen));
        }
        let mut zv = Zval::new();
        zv.set_hashtable(self.out);
        Ok(ArrayReturn(zv))
    }
}

impl PhpMapper {
    fn map_stream(&self, mut stream: RecordStream, selector: &str) -> PhpResult<ArrayReturn> {
        let mut out = MappedList::new(0);
        loop {
            let mut aborted = false;
            let read = stream.next_batch_with(1000, &mut |_, node| {
                if out.add_node(self, node).is_err() {
                    aborted = true;
                }
                !aborted
            });
            if aborted {
                return Err(aborted_exception());
            }
            let read = read.map_err(|e| {
                let (path, record) = if e.reason == "not_found" { (selector.to_string(), None) } else { (String::new(), Some(Key::Int(i64::try_from(e.record).unwrap_or(i64::MAX)))) };
                let reason = if e.reason == "not_found" { "not_found" } else { "invalid_json" };
                let message = if e.reason == "not_found" { "selects nothing in the document".to_string() } else { e.message.clone() };
                let total = usize::try_from(e.record.saturating_add(1)).unwrap_or(usize::MAX);
                mapping_exception(&[(record, vec![MappingError::with_quoted(path, reason, message, None)])], total)
            })?;
            if read == 0 {
                return out.finish();
            }
        }
    }
}

pub(crate) enum Failure {
    Invalid(Vec<MappingError>),
    Aborted,
}

impl PhpMapper {
    /// Maps a PHP array straight into a PHP array.
    pub(crate) fn run_zval(&self, record: &Zval) -> Result<Zval, Failure> {
        if let (Some(fast), Some(ht)) = (&self.fast, record.dereference().array()) {
            if let Some(v) = fast.run(ht) {
                return Ok(v);
            }
        }
        let mut hook = PhpCallOut { callables: &self.callbacks, takes_record: &self.takes_record };
        let mut out = ZvalOutput { keys: &self.out_keys, consts: &self.consts };
        self.plan.map_into(PhpValue::of(record), &mut hook, &mut out).map_err(|e| match e {
            MapError::Invalid(errors) => Failure::Invalid(errors.0),
            MapError::Aborted => Failure::Aborted,
        })
    }

    /// Maps any record into a PHP array.
    pub(crate) fn run_into<I: conduit_mapper::Input>(&self, record: &I) -> Result<Zval, Failure> {
        let mut hook = PhpCallOut { callables: &self.callbacks, takes_record: &self.takes_record };
        let mut out = ZvalOutput { keys: &self.out_keys, consts: &self.consts };
        self.plan.map_into(record, &mut hook, &mut out).map_err(|e| match e {
            MapError::Invalid(errors) => Failure::Invalid(errors.0),
            MapError::Aborted => Failure::Aborted,
        })
    }
}

/// Calls the spec's PHP callables, on the PHP thread, during `map()`.
struct PhpCallOut<'a> {
    callables: &'a [Zval],
    takes_record: &'a [bool],
}

/// `ZEND_ACC_VARIADIC` (Zend/zend_compile.h).
const ZEND_ACC_VARIADIC: u32 = 1 << 14;

extern "C" {
    /// The function of a `Closure` object (Zend/zend_closures.h, `ZEND_API`).
    fn zend_get_closure_method_def(obj: *mut ext_php_rs::ffi::zend_object) -> *const ext_php_rs::ffi::zend_function;
}

/// Whether a callback can receive the record: anything but a closure that declares
/// fewer than two parameters and no variadic one.
fn takes_record(callable: &Zval) -> bool {
    let Some(obj) = callable.object() else { return true };
    if obj.get_class_name().ok().as_deref() != Some("Closure") {
        return true;
    }
    // SAFETY: `obj` is a live Closure object; the engine returns its function.
    let func = unsafe { zend_get_closure_method_def(std::ptr::from_ref(obj).cast_mut()) };
    // SAFETY: a non-null pointer to the closure's function; `common` is valid for
    // user and internal functions alike.
    match unsafe { func.as_ref() } {
        Some(f) => {
            let common = unsafe { f.common };
            common.num_args >= 2 || common.fn_flags & ZEND_ACC_VARIADIC != 0
        }
        None => true,
    }
}

impl CallOut for PhpCallOut<'_> {
    fn call(&mut self, callback: usize, value: &Value, record: &Value) -> Result<Value, CallOutError> {
        self.call_zvals(callback, value, &json_to_zval(record))
    }

    fn call_with(&mut self, callback: usize, value: &Value, record: &dyn AnyRecord) -> Result<Value, CallOutError> {
        if !self.takes_record.get(callback).copied().unwrap_or(true) {
            return self.call_args(callback, value, None);
        }
        // A PHP record goes to the callback as it is (no copy).
        if let Some(php) = record.as_any().and_then(|r| r.downcast_ref::<PhpValue>()) {
            return self.call_zvals(callback, value, &php.zval().shallow_clone());
        }
        match record.as_node() {
            Some(node) => self.call_zvals(callback, value, &crate::zval_record::node_to_zval(node)),
            None => self.call_zvals(callback, value, &json_to_zval(&record.to_json())),
        }
    }
}

impl PhpCallOut<'_> {
    fn call_zvals(&mut self, callback: usize, value: &Value, record: &Zval) -> Result<Value, CallOutError> {
        self.call_args(callback, value, Some(record))
    }

    fn call_args(&mut self, callback: usize, value: &Value, record: Option<&Zval>) -> Result<Value, CallOutError> {
        let callable = self.callables.get(callback).ok_or_else(|| CallOutError::Reject("has no such callback".into()))?;
        let callable = ZendCallable::new(callable).map_err(|_| CallOutError::Reject("callback is no longer callable".into()))?;
        let value = json_to_zval(value);
        let args: Vec<&dyn ext_php_rs::convert::IntoZvalDyn> = match record {
            Some(record) => vec![&value, record],
            None => vec![&value],
        };
        match callable.try_call(args) {
            Ok(ret) => zval_to_json(&ret, "return value").map_err(|m| CallOutError::Reject(format!("callback {m}"))),
            // The callback threw: leave the exception pending for PHP and stop.
            Err(_) if ExecutorGlobals::has_exception() => Err(CallOutError::Abort),
            Err(e) => Err(CallOutError::Reject(format!("callback failed: {e}"))),
        }
    }
}

/// The exception to return when a callback's exception is already pending (the
/// engine keeps the pending one; this one is never thrown).
pub(crate) fn aborted_exception() -> PhpException {
    aborted()
}

pub(crate) fn aborted() -> PhpException {
    PhpException::from_message("mapping stopped by an exception from a callback".to_string())
}

/// Puts `value` under the input record's key (`key` as the iterator gives it: an
/// integer or the key's own `zend_string`, reused as is — binary keys stay binary).
/// The keys come from one table, so they are distinct: added without a lookup.
/// Where `mapMany` puts its results: a list stays a packed list, built in place;
/// other keys go through the engine's hash.
enum Results {
    List(zend_table::ListBuilder),
    Keyed(ZBox<ZendHashTable>),
}

fn insert(ht: &mut ZBox<ZendHashTable>, key: &EntryKey<'_>, value: Zval) {
    let mut value = std::mem::ManuallyDrop::new(value);
    let slot = std::ptr::from_mut::<Zval>(&mut value);
    match *key {
        // SAFETY: a live table without this key; the table takes the value over.
        EntryKey::Int(i) => unsafe {
            crate::zval_record::zend_hash_index_add_new(&mut **ht, i as ext_php_rs::ffi::zend_ulong, slot);
        },
        // SAFETY: a live table without this key; the table takes the value over
        // and addrefs the key.
        EntryKey::Str(k) => unsafe {
            ext_php_rs::ffi::zend_hash_add_new(&mut **ht, std::ptr::from_ref(k).cast_mut(), slot);
        },
    }
}

/// A record's key as an error reports it.
fn entry_key(key: &EntryKey<'_>) -> Key {
    match *key {
        EntryKey::Int(i) => Key::Int(i),
        EntryKey::Str(s) => Key::Str(s.as_bytes().to_vec()),
    }
}

/// `MappingException` with every error as `['path', 'reason', 'message', 'value', 'record']`.
pub(crate) fn mapping_exception(failed: &[(Option<Key>, Vec<MappingError>)], total_records: usize) -> PhpException {
    let total_errors: usize = failed.iter().map(|(_, e)| e.len()).sum();
    let mut list = ZendHashTable::with_capacity(u32::try_from(total_errors.min(MAX_REPORTED_ERRORS)).unwrap_or(u32::MAX));
    for (record, errors) in failed {
        for e in errors {
            if list.len() >= MAX_REPORTED_ERRORS {
                break;
            }
            let mut entry = ZendHashTable::with_capacity(5);
            let _ = entry.insert("path", e.path.as_str());
            let _ = entry.insert("reason", e.reason);
            let _ = entry.insert("message", e.message.as_str());
            let mut value = Zval::new();
            match &e.value {
                Some(v) => {
                    let _ = value.set_string(v, false);
                }
                None => value.set_null(),
            }
            let _ = entry.insert("value", value);
            let mut rec = Zval::new();
            match record {
                Some(Key::Int(i)) => rec.set_long(*i),
                Some(Key::Str(s)) => {
                    let _ = rec.set_string(&String::from_utf8_lossy(s), false);
                }
                None => rec.set_null(),
            }
            let _ = entry.insert("record", rec);
            let _ = list.push(entry);
        }
    }
    let first = failed.iter().find_map(|(record, errors)| errors.first().map(|e| (record, e)));
    let mut message = match failed.len() {
        _ if failed.iter().all(|(r, _)| r.is_none()) => {
            format!("The record could not be mapped: {total_errors} error{}", plural(total_errors))
        }
        n => format!("{n} of {total_records} records could not be mapped: {total_errors} error{}", plural(total_errors)),
    };
    if let Some((record, e)) = first {
        match record {
            Some(k) => message.push_str(&format!(", first in record {}: {e}", k.quoted())),
            None => message.push_str(&format!(", first: {e}")),
        }
    }
    if total_errors > MAX_REPORTED_ERRORS {
        message.push_str(&format!(" (getErrors() lists the first {MAX_REPORTED_ERRORS})"));
    }
    message.push('.');
    ConduitThrow::new(ExceptionClass::Mapping, message).with("errors", list).into()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

// ---------------------------------------------------------------------------
// Spec: PHP array → JSON, callables taken out

fn spec_to_json(spec: &ZendHashTable, callbacks: &mut Vec<Zval>) -> PhpResult<Value> {
    let mut map = Map::new();
    for (key, value) in entries(spec) {
        let name = utf8_key(&key, "spec")?;
        let json = match (name.as_str(), value.array()) {
            ("fields", Some(fields)) => fields_to_json(fields, "fields", callbacks)?,
            _ => spec_value(value, &format!("spec.{name}"))?,
        };
        map.insert(name, json);
    }
    Ok(Value::Object(map))
}

fn fields_to_json(fields: &ZendHashTable, at: &str, callbacks: &mut Vec<Zval>) -> PhpResult<Value> {
    let mut map = Map::new();
    for (key, value) in entries(fields) {
        let name = utf8_key(&key, at)?;
        let field_at = format!("{at}.{name}");
        let json = match value.array() {
            Some(field) => field_to_json(field, &field_at, callbacks)?,
            None => spec_value(value, &field_at)?,
        };
        map.insert(name, json);
    }
    Ok(Value::Object(map))
}

fn field_to_json(field: &ZendHashTable, at: &str, callbacks: &mut Vec<Zval>) -> PhpResult<Value> {
    let mut map = Map::new();
    // The callback first: the core numbers callbacks parent-before-sub-fields.
    if let Some(cb) = field.get("callback") {
        if !cb.is_callable() {
            return Err(config_error(format!("Mapper spec \"{at}.callback\" must be a callable, {} given.", crate::php_options::type_name(cb))));
        }
        map.insert("callback".into(), Value::from(callbacks.len()));
        callbacks.push(cb.shallow_clone());
    }
    for (key, value) in entries(field) {
        let name = utf8_key(&key, at)?;
        if name == "callback" {
            continue;
        }
        let json = match (name.as_str(), value.array()) {
            ("fields", Some(sub)) => fields_to_json(sub, &format!("{at}.fields"), callbacks)?,
            _ => spec_value(value, &format!("{at}.{name}"))?,
        };
        map.insert(name, json);
    }
    Ok(Value::Object(map))
}

fn spec_value(value: &Zval, at: &str) -> PhpResult<Value> {
    zval_to_json(value, at).map_err(|m| config_error(format!("Mapper spec {m}.")))
}

fn utf8_key(key: &Key, at: &str) -> PhpResult<String> {
    key.to_utf8().ok_or_else(|| config_error(format!("Mapper spec \"{at}\" has a key that is not valid UTF-8: {}.", key.quoted())))
}
