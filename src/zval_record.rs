//! Zvals read and written by the mapper directly (`conduit_mapper::Input` and
//! `Output`), so `Mapper::map()`/`mapMany()` convert neither the records to JSON nor
//! the results back: a field reads the zval it names, and the result arrays are built
//! with output keys made once per mapper (`zend_string`s whose hash is computed once).
//!
//! Strings must be UTF-8 where the spec reads them: a byte string that is not is an
//! `invalid_utf8` mapping error with its input path.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::ffi;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use serde_json::{Map, Number, Value};

use conduit_mapper::stream::Node;
use conduit_mapper::{AnyRecord, Input, Kind, MappingError, Output, Scalar};

use crate::convert::{json_to_zval, zval_to_json};
use crate::zend_table::{deref, type_of, zend_string_hash_func, MixedBuilder};

/// Arrays nested deeper than this are refused (`too_deep`), as in convert.rs.
const MAX_DEPTH: usize = 128;

/// A zval seen as a mapper input (same layout as `Zval`).
#[repr(transparent)]
pub struct PhpValue(Zval);

impl PhpValue {
    pub fn of(zv: &Zval) -> &PhpValue {
        let zv = zv.dereference();
        // SAFETY: `PhpValue` is `repr(transparent)` over `Zval`.
        unsafe { &*std::ptr::from_ref(zv).cast::<PhpValue>() }
    }

    pub fn zval(&self) -> &Zval {
        &self.0
    }
}

/// Runs `f` with a zval that points at `ht` without owning it (PHP passed the array
/// by value: it outlives the call). Typed like the engine's own zvals: an immutable
/// array (a literal, possibly in opcache's shared memory) is not refcounted, so a
/// callback taking the record never touches its refcount.
pub fn with_array_zval<R>(ht: &ZendHashTable, f: impl FnOnce(&Zval) -> R) -> R {
    use ext_php_rs::flags::ZvalTypeFlags;
    let mut zv = std::mem::ManuallyDrop::new(Zval::new());
    zv.value.arr = std::ptr::from_ref(ht).cast_mut();
    // SAFETY: reading the live array's GC header.
    let immutable = unsafe { ht.gc.u.type_info } & ffi::GC_IMMUTABLE != 0;
    zv.u1.type_info = if immutable { ZvalTypeFlags::Array.bits() } else { ZvalTypeFlags::ArrayEx.bits() };
    f(&zv)
}

/// The integer key PHP would store a numeric string key as (`"5"` → 5; `"05"`, `"-0"`,
/// `"5 "` stay strings), like `ZEND_HANDLE_NUMERIC_STR`.
pub fn numeric_key(key: &str) -> Option<i64> {
    let bytes = key.as_bytes();
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let first = *digits.first()?;
    if !first.is_ascii_digit() || (first == b'0' && (digits.len() > 1 || digits.len() != bytes.len())) {
        return None;
    }
    if digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    key.parse::<i64>().ok()
}

fn find<'a>(ht: &'a ZendHashTable, key: &str) -> Option<&'a Zval> {
    let ptr = match numeric_key(key) {
        // SAFETY: `ht` is a live table; the engine returns a pointer into it or null.
        Some(i) => unsafe { ffi::zend_hash_index_find(ht, i as ffi::zend_ulong) },
        // SAFETY: as above; the key is passed with its length.
        None => unsafe { ffi::zend_hash_str_find(ht, key.as_ptr().cast(), key.len()) },
    };
    // SAFETY: non-null pointers point at a zval of the table, which outlives `'a`.
    unsafe { ptr.as_ref() }.map(Zval::dereference)
}

/// `array_is_list()`: keys 0, 1, 2… in order.
fn is_list(ht: &ZendHashTable) -> bool {
    let mut iter = ht.iter();
    let mut i: i64 = 0;
    while let Some((key, _)) = iter.next_zval() {
        if key.long() != Some(i) {
            return false;
        }
        i = i.saturating_add(1);
    }
    true
}

impl AnyRecord for PhpValue {
    fn to_json(&self) -> Value {
        self.to_value("", &mut Vec::new())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl Input for PhpValue {
    fn is_null(&self) -> bool {
        self.0.is_null()
    }

    fn kind(&self) -> Kind<'_> {
        let zv = &self.0;
        if let Some(s) = zv.zend_str() {
            return match conduit_mapper::utf8::as_str(s.as_bytes()) {
                Some(s) => Kind::Str(s),
                None => Kind::BadStr(s.as_bytes()),
            };
        }
        if let Some(i) = zv.long() {
            return Kind::Number(i.into());
        }
        if let Some(ht) = zv.array() {
            return if is_list(ht) { Kind::List } else { Kind::Object };
        }
        if let Some(b) = zv.bool() {
            return Kind::Bool(b);
        }
        if zv.is_null() {
            return Kind::Null;
        }
        if let Some(f) = zv.double() {
            return Number::from_f64(f).map_or(Kind::Other, Kind::Number);
        }
        Kind::Other
    }

    fn member(&self, key: &str) -> Option<&Self> {
        find(self.0.array()?, key).map(PhpValue::of)
    }

    fn element(&self, i: usize) -> Option<&Self> {
        let ht = self.0.array()?;
        let i = i64::try_from(i).ok()?;
        ht.get_index(i).map(PhpValue::of)
    }

    fn items(&self) -> Vec<&Self> {
        match self.0.array() {
            Some(ht) => ht.values().map(PhpValue::of).collect(),
            None => Vec::new(),
        }
    }

    fn to_value(&self, at: &str, errors: &mut Vec<MappingError>) -> Value {
        value_to_json(&self.0, at, 0, errors)
    }
}

fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// A PHP array as JSON (a list when its keys are 0, 1, 2…), every problem reported
/// under `path`.
pub fn array_to_json(ht: &ZendHashTable, path: &str, depth: usize, errors: &mut Vec<MappingError>) -> Value {
    if depth > MAX_DEPTH {
        errors.push(MappingError::with_quoted(path, "too_deep", format!("is nested deeper than {MAX_DEPTH} levels (a recursive array?)"), None));
        return Value::Null;
    }
    // One pass: values are converted as they come; whether the array is a list
    // (keys 0, 1, 2… in order) is known at the end.
    let mut items: Vec<(String, Value)> = Vec::with_capacity(ht.len());
    let mut is_list = true;
    let mut iter = ht.iter();
    while let Some((key, v)) = iter.next_zval() {
        let name = match key.long() {
            Some(i) => {
                if is_list && usize::try_from(i).ok() != Some(items.len()) {
                    is_list = false;
                }
                i.to_string()
            }
            None => {
                is_list = false;
                match key.zend_str().map(|k| k.as_str()) {
                    Some(Ok(k)) => k.to_owned(),
                    _ => {
                        let bytes = key.zend_str().map(|k| k.as_bytes().to_vec()).unwrap_or_default();
                        errors.push(MappingError::with_quoted(path, "invalid_utf8", "has a key that is not valid UTF-8", Some(crate::php_options::quote(&bytes))));
                        continue;
                    }
                }
            }
        };
        let value = value_to_json(v, &child(path, &name), depth, errors);
        items.push((name, value));
    }
    if is_list {
        return Value::Array(items.into_iter().map(|(_, v)| v).collect());
    }
    Value::Object(items.into_iter().collect::<Map<String, Value>>())
}

/// One value at `path` as JSON (see [`array_to_json`]).
pub fn value_to_json(zv: &Zval, path: &str, depth: usize, errors: &mut Vec<MappingError>) -> Value {
    let zv = zv.dereference();
    if let Some(s) = zv.zend_str() {
        return match s.as_str() {
            Ok(s) => Value::String(s.to_owned()),
            Err(_) => {
                errors.push(MappingError::with_quoted(path, "invalid_utf8", "is not valid UTF-8", Some(crate::php_options::quote(s.as_bytes()))));
                Value::Null
            }
        };
    }
    if let Some(b) = zv.bool() {
        return Value::Bool(b);
    }
    if let Some(i) = zv.long() {
        return Value::Number(i.into());
    }
    if zv.is_null() {
        return Value::Null;
    }
    if let Some(ht) = zv.array() {
        return array_to_json(ht, path, depth.saturating_add(1), errors);
    }
    match zval_to_json(zv, path) {
        Ok(v) => v,
        Err(message) => {
            errors.push(MappingError::with_quoted(path, "invalid_type", message, None));
            Value::Null
        }
    }
}

/// An output key, made once per mapper.
pub enum OutKey {
    Str(ZBox<ZendStr>),
    /// A numeric name (`"5"`) is an integer key, as PHP stores it.
    Index(i64),
}

impl OutKey {
    pub fn new(name: &str) -> Self {
        match numeric_key(name) {
            Some(i) => OutKey::Index(i),
            // Interned (like PHP's literal keys): rows neither addref nor release it.
            None => OutKey::Str(interned_key(name).unwrap_or_else(|| ZendStr::new(name, false))),
        }
    }
}

/// A string constant of the plan (`Mapper::constant_strings`) as a `zend_string`
/// made once per mapper and shared by every result (refcounted, like a PHP literal).
pub struct ConstStr {
    /// Address and length of the plan's `str` this stands for; only compared.
    addr: usize,
    len: usize,
    zstr: ZBox<ZendStr>,
}

impl ConstStr {
    pub fn new(text: &str) -> Self {
        Self { addr: text.as_ptr() as usize, len: text.len(), zstr: ZendStr::new(text, false) }
    }
}

extern "C" {
    /// The engine's interned "" and one-byte strings (Zend/zend_string.c, `ZEND_API`;
    /// filled at startup, permanent for the process).
    static zend_empty_string: *mut ffi::zend_string;
    static zend_one_char_string: [*mut ffi::zend_string; 256];
    /// Zend/zend_hash.h (`ZEND_API`, `ZEND_FASTCALL` is the C convention on x86-64
    /// and aarch64): adds an integer key the table does not hold, without a lookup.
    pub(crate) fn zend_hash_index_add_new(ht: *mut ffi::HashTable, h: ffi::zend_ulong, data: *mut Zval) -> *mut Zval;
}

/// `IS_STR_INTERNED` (Zend/zend_types.h: the same bit as `GC_IMMUTABLE`).
const IS_STR_INTERNED: u32 = ffi::GC_IMMUTABLE;

/// A zval holding `zs` with a reference of its own: ZVAL_STR_COPY.
///
/// # Safety
/// `zs` must be a live `zend_string`.
unsafe fn str_copy_zval(zs: *mut ffi::zend_string) -> Zval {
    use ext_php_rs::flags::ZvalTypeFlags;
    let mut zv = Zval::new();
    zv.value.str_ = zs;
    // SAFETY (caller): `zs` is live; an interned string is not refcounted (its
    // refcount is never touched, as ZVAL_STR_COPY does).
    if unsafe { (*zs).gc.u.type_info } & IS_STR_INTERNED != 0 {
        zv.u1.type_info = ZvalTypeFlags::InternedStringEx.bits();
    } else {
        unsafe { (*zs).gc.refcount += 1 };
        zv.u1.type_info = ZvalTypeFlags::StringEx.bits();
    }
    zv
}

/// A PHP string zval for `s`: the engine's interned string for "" and one byte
/// (as PHP's own `(string) 5` or `'Y'`), the mapper's shared constant when `s` is one
/// borrowed as it is (same address and length: a string of its own, or a cut one,
/// cannot be at a live constant's address with its length), else a new `zend_string`.
fn string_zval(s: &str, consts: &[ConstStr]) -> Zval {
    let bytes = s.as_bytes();
    if bytes.len() <= 1 {
        // SAFETY: reading the engine's string tables, set at startup and never
        // changed; a null entry (not expected) falls through to an allocation.
        let zs = unsafe {
            match bytes.first() {
                None => zend_empty_string,
                Some(&b) => zend_one_char_string[usize::from(b)],
            }
        };
        if !zs.is_null() {
            // SAFETY: a permanent interned string.
            return unsafe { str_copy_zval(zs) };
        }
    }
    let (addr, len) = (s.as_ptr() as usize, s.len());
    if let Some(c) = consts.iter().find(|c| c.addr == addr && c.len == len) {
        // SAFETY: the constant's string lives as long as the mapper, which
        // outlives this call; the result array takes its own reference.
        return unsafe { str_copy_zval(c.zstr.as_ptr().cast_mut()) };
    }
    let mut zv = Zval::new();
    let _ = zv.set_string(s, false);
    zv
}

/// Builds PHP arrays; `keys` are the spec's output names by field id, `consts` the
/// plan's string constants.
pub struct ZvalOutput<'k> {
    pub keys: &'k [OutKey],
    pub consts: &'k [ConstStr],
}

/// Adds `value` to `ht` under `key`, which the table does not hold yet (a mapped
/// object's field names are distinct): no lookup before the append.
fn put(ht: &mut ZendHashTable, key: &OutKey, value: Zval) {
    let mut value = std::mem::ManuallyDrop::new(value);
    let slot = std::ptr::from_mut::<Zval>(&mut value);
    match key {
        // SAFETY: a live table without this key; the engine copies the zval
        // (ownership moves to the table, so ours is not dropped) and addrefs the
        // non-interned key.
        OutKey::Str(k) => unsafe {
            ffi::zend_hash_add_new(ht, k.as_ptr().cast_mut(), slot);
        },
        // SAFETY: as above.
        OutKey::Index(i) => unsafe {
            zend_hash_index_add_new(ht, *i as ffi::zend_ulong, slot);
        },
    }
}

impl Output for ZvalOutput<'_> {
    type Value = Zval;
    type Object = ZBox<ZendHashTable>;

    fn scalar(&mut self, v: Scalar<'_>) -> Zval {
        let mut zv = Zval::new();
        match v {
            Scalar::Null => zv.set_null(),
            Scalar::Bool(b) => zv.set_bool(b),
            Scalar::Number(n) => match n.as_i64() {
                Some(i) => zv.set_long(i),
                None => zv.set_double(n.as_f64().unwrap_or(0.0)),
            },
            Scalar::Str(s) => return string_zval(&s, self.consts),
            Scalar::Json(v) => return json_to_zval(v.as_ref()),
        }
        zv
    }

    fn list(&mut self, items: Vec<Zval>) -> Zval {
        let mut ht = ZendHashTable::with_capacity(u32::try_from(items.len()).unwrap_or(u32::MAX));
        for item in items {
            let _ = ht.push(item);
        }
        let mut zv = Zval::new();
        zv.set_hashtable(ht);
        zv
    }

    fn begin_object(&mut self, fields: usize) -> ZBox<ZendHashTable> {
        ZendHashTable::with_capacity(u32::try_from(fields).unwrap_or(u32::MAX))
    }

    fn set(&mut self, object: &mut ZBox<ZendHashTable>, id: usize, name: &str, value: Zval) {
        match self.keys.get(id) {
            Some(key) => put(object, key, value),
            None => put(object, &OutKey::new(name), value),
        }
    }

    fn end_object(&mut self, object: ZBox<ZendHashTable>) -> Zval {
        let mut zv = Zval::new();
        zv.set_hashtable(object);
        zv
    }
}

/// A stream record as `json_decode($json, true)` would give it (numeric-string keys
/// become integer keys; a repeated key keeps its last value).
pub fn node_to_zval(node: &Node<'_>) -> Zval {
    let mut zv = Zval::new();
    match node {
        Node::Null => zv.set_null(),
        Node::Bool(b) => zv.set_bool(*b),
        Node::Number(n) => match n.as_i64() {
            Some(i) => zv.set_long(i),
            None => zv.set_double(n.as_f64().unwrap_or(0.0)),
        },
        Node::Str(s) => {
            let _ = zv.set_string(s, false);
        }
        Node::List(items) => {
            let mut ht = ZendHashTable::with_capacity(u32::try_from(items.len()).unwrap_or(u32::MAX));
            for item in items {
                let _ = ht.push(node_to_zval(item));
            }
            zv.set_hashtable(ht);
        }
        Node::Object(members) => {
            let mut ht = ZendHashTable::with_capacity(u32::try_from(members.len()).unwrap_or(u32::MAX));
            for (k, v) in members {
                match numeric_key(k) {
                    Some(i) => {
                        let _ = ht.insert_at_index(i, node_to_zval(v));
                    }
                    None => {
                        let _ = ht.insert(k.as_ref(), node_to_zval(v));
                    }
                }
            }
            zv.set_hashtable(ht);
        }
    }
    zv
}

// ---------------------------------------------------------------------------
// The fast path: specs whose fields are all `SimpleField`s run here on the zvals,
// with keys hashed once and constants shared. Anything this path does not handle
// gives up on the record (`None`), which is then mapped by the executor: errors and
// edge cases have one implementation.

extern "C" {
    /// Zend/zend_string.h (`ZEND_API`): the current interning function (request
    /// interning, or opcache's).
    static zend_new_interned_string: Option<unsafe extern "C" fn(*mut ffi::zend_string) -> *mut ffi::zend_string>;
}

/// `key` hashed, and the engine's interned string of that text when there is one
/// (literal array keys of the script are): a lookup then matches the record's key
/// by address instead of comparing bytes.
fn interned_key(key: &str) -> Option<ZBox<ZendStr>> {
    let mut own = ZendStr::new(key, false);
    // SAFETY: our own live string; the engine stores its hash in it, so lookups
    // with it need not hash again (and the interning below does not write to it).
    unsafe { zend_string_hash_func(own.as_mut_ptr()) };
    // SAFETY: the engine's interning function (set at startup) takes our string
    // over: it returns either the interned string of equal content (releasing
    // ours) or ours, possibly interned for the request. Either lives at least as
    // long as the request, hence as the mapper; dropping the box releases it, which
    // is a no-op for an interned string.
    unsafe {
        let intern = zend_new_interned_string?;
        let zs = intern(own.into_raw().cast());
        if zs.is_null() {
            return None;
        }
        Some(ZBox::from_raw(zs.cast()))
    }
}

/// A value-map output or default, made once.
struct FastConst {
    text: Box<str>,
    zstr: ZBox<ZendStr>,
}

impl FastConst {
    fn new(text: &str) -> Self {
        Self { text: text.into(), zstr: ZendStr::new(text, false) }
    }

    fn zval(&self) -> Zval {
        // SAFETY: our own live string; the result takes a reference of its own.
        unsafe { str_copy_zval(self.zstr.as_ptr().cast_mut()) }
    }
}

struct FastMap {
    entries: Vec<(Box<str>, FastConst)>,
    default: Option<FastConst>,
    keep: bool,
}

struct FastField {
    /// The record key, its hash computed once.
    key: ZBox<ZendStr>,
    trim: bool,
    map: Option<FastMap>,
    cast: conduit_mapper::SimpleCast,
    truncate: Option<usize>,
}

/// The fields of a spec that takes the fast path.
pub struct FastPlan {
    fields: Vec<FastField>,
    /// The output key of each field, hashed, in field order (all different).
    out_keys: Vec<ZBox<ZendStr>>,
}

/// What a field's string became before it is written.
enum FastStr<'a> {
    Text(&'a str),
    Const(&'a FastConst),
}

impl FastPlan {
    /// The fast path for `plan`, when every field is simple and every output key
    /// and record key is a string key.
    pub fn new(plan: &conduit_mapper::Mapper, keys: &[OutKey]) -> Option<Self> {
        let simple = plan.simple_fields()?;
        let mut fields = Vec::with_capacity(simple.len());
        let mut out_keys = Vec::with_capacity(simple.len());
        for f in simple {
            let Some(OutKey::Str(out)) = keys.get(f.id) else { return None };
            if numeric_key(f.key).is_some() {
                return None;
            }
            let out = interned_key(out.as_str().ok()?)?;
            if out_keys.iter().any(|k: &ZBox<ZendStr>| k.as_bytes() == out.as_bytes()) {
                return None;
            }
            out_keys.push(out);
            let key = interned_key(f.key)?;
            let map = f.map.map(|m| FastMap {
                entries: m.entries.iter().map(|(k, v)| (Box::<str>::from(*k), FastConst::new(v))).collect(),
                default: m.default.map(FastConst::new),
                keep: m.keep,
            });
            fields.push(FastField { key, trim: f.trim, map, cast: f.cast, truncate: f.truncate });
        }
        Some(Self { fields, out_keys })
    }

    /// Maps `record`, or `None` to leave it to the executor.
    pub fn run(&self, record: &ZendHashTable) -> Option<Zval> {
        let mut out = MixedBuilder::new(u32::try_from(self.fields.len()).ok()?);
        for (f, key) in self.fields.iter().zip(&self.out_keys) {
            // SAFETY: a live table and our hashed key; the engine returns a pointer
            // into the table (which outlives this call) or null.
            let found = unsafe { ffi::zend_hash_find_known_hash(record, f.key.as_ptr()).as_ref() }?;
            // The output keys differ from each other (`new`): each is appended once.
            out.append(key, f.value(deref(found))?);
        }
        Some(out.into_zval())
    }
}

impl FastField {
    /// As `Field::scalar` of the executor for a string or an integer; `None`
    /// otherwise or on anything that would be an error.
    fn value(&self, zv: &Zval) -> Option<Zval> {
        let ty = u32::from(type_of(zv));
        if ty == ffi::IS_LONG {
            // SAFETY: the zval holds an integer.
            let i = unsafe { zv.value.lval };
            if self.map.is_some() {
                return None;
            }
            let mut out = Zval::new();
            match self.cast {
                conduit_mapper::SimpleCast::String => {
                    let mut buf = itoa::Buffer::new();
                    return Some(string_zval(buf.format(i), &[]));
                }
                conduit_mapper::SimpleCast::Int | conduit_mapper::SimpleCast::None => out.set_long(i),
            }
            return Some(out);
        }
        if ty != ffi::IS_STRING {
            return None;
        }
        // SAFETY: the zval holds a live string.
        let zs: &ZendStr = unsafe { &*zv.value.str_.cast::<ZendStr>() };
        let bytes = zs.as_bytes();
        // A value-map key matched byte for byte, with nothing to trim (ASCII
        // non-space at both ends): the value is UTF-8 (the key is) without checking.
        let hit = match &self.map {
            Some(map) if !self.trim || !needs_trim(bytes) => map.entries.iter().find(|(k, _)| k.as_bytes() == bytes).map(|(_, c)| c),
            _ => None,
        };
        let (input, mut s) = match hit {
            Some(c) => ("", FastStr::Const(c)),
            None => {
                let input = conduit_mapper::utf8::as_str(bytes)?;
                (input, FastStr::Text(if self.trim { trim(input) } else { input }))
            }
        };
        if let (Some(map), FastStr::Text(t)) = (&self.map, &s) {
            s = match map.entries.iter().find(|(k, _)| **k == **t) {
                Some((_, c)) => FastStr::Const(c),
                None => match (&map.default, map.keep) {
                    (Some(d), _) => FastStr::Const(d),
                    (None, true) => s,
                    (None, false) => return None,
                },
            };
        }
        if self.cast == conduit_mapper::SimpleCast::Int {
            // No map with an int cast (see `SimpleField`): `s` is text.
            let FastStr::Text(t) = s else { return None };
            let mut out = Zval::new();
            out.set_long(t.trim().parse::<i64>().ok()?);
            return Some(out);
        }
        let text = match s {
            FastStr::Const(c) => &*c.text,
            FastStr::Text(t) => t,
        };
        let mut cut = text;
        if let Some(n) = self.truncate {
            if cut.len() > n {
                if let Some((i, _)) = cut.char_indices().nth(n) {
                    cut = cut.get(..i)?;
                }
            }
        }
        Some(match s {
            FastStr::Const(c) if cut.len() == c.text.len() => c.zval(),
            // The input unchanged: the same string, one more reference (no copy).
            FastStr::Text(t) if cut.len() == input.len() && t.as_ptr() == input.as_ptr() => {
                // SAFETY: `zs` is a live string of the record.
                unsafe { str_copy_zval(std::ptr::from_ref(zs).cast_mut()) }
            }
            _ => string_zval(cut, &[]),
        })
    }
}

/// The ASCII characters `char::is_whitespace` accepts (U+0009–U+000D, U+0020).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Whether `str::trim` could remove anything: the first or last byte is not ASCII
/// or is an ASCII space (an empty string has nothing to trim).
fn needs_trim(bytes: &[u8]) -> bool {
    let edge = |b: Option<&u8>| b.is_some_and(|&b| !b.is_ascii() || is_ascii_space(b));
    edge(bytes.first()) || edge(bytes.last())
}

/// `str::trim`, ASCII spaces stripped byte by byte first (the common case); the
/// Unicode rules run only when a non-ASCII character is at an end.
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.iter().position(|&c| !is_ascii_space(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|&c| !is_ascii_space(c)).map_or(start, |i| i + 1);
    // Both ends sit next to ASCII bytes (or the string's ends): char boundaries.
    let t = s.get(start..end.max(start)).unwrap_or("");
    // A non-ASCII end: one character decoded there (`trim_start`/`trim_end` would
    // go through the pattern machinery for the same answer).
    let mut t = t;
    while let Some(c) = t.chars().next().filter(|c| !c.is_ascii() && c.is_whitespace()) {
        t = t.get(c.len_utf8()..).unwrap_or("").trim_start_matches(|c: char| c.is_whitespace());
    }
    while let Some(c) = t.chars().next_back().filter(|c| !c.is_ascii() && c.is_whitespace()) {
        t = t.len().checked_sub(c.len_utf8()).and_then(|n| t.get(..n)).unwrap_or("").trim_end_matches(|c: char| c.is_whitespace());
    }
    t
}

#[cfg(test)]
mod tests {
    #[test]
    fn trim_is_str_trim() {
        for s in ["", " ", "  a ", "\u{a0}x\u{a0}", " \u{2003} Товар №1 \u{85}", "\x0b\x0c\r\n\tq\t", "é", " é ", "a\u{a0} b"] {
            assert_eq!(super::trim(s), s.trim(), "{s:?}");
        }
    }
}
