//! Spec → plan compilation and the per-record executor.

use serde_json::{Map, Value};

use crate::cast::{Cast, Rounding};
use crate::date::{DateOp, DstRule, Format};
use crate::path::{Found, Path};
use crate::{MapError, MappingErrors, NoCallOut, SpecError};

const SPEC_KEYS: &[&str] = &["fields", "omit_null"];
const FIELD_KEYS: &[&str] = &[
    "from", "const", "template", "concat", "separator", "callback", "default", "required", "trim", "case", "map",
    "map_default", "map_keep", "date", "cast", "scale", "rounding", "truncate", "join", "fields",
];
const DATE_KEYS: &[&str] = &["in", "in_tz", "out", "out_tz", "dst"];
const CASTS: &[&str] = &["int", "float", "bool", "string", "decimal"];
/// Deeper nesting of sub-specs is refused (specs are written by hand).
const MAX_SPEC_DEPTH: usize = 32;

/// A field simple enough for a binding to run on its own values without the
/// executor (see [`Mapper::simple_fields`]): a one-key source, then
/// trim → value map (string outputs) → cast (`int`, `string` or none) → truncate.
/// A binding running it must give up on anything else in the record (a missing
/// key, a null, a non-string/non-integer value, an integer with a value map, a
/// string that is not UTF-8, a failing cast, an unmapped value with
/// `map_default` unset) and map the record through the executor instead, so every
/// error and edge case keeps its one implementation.
#[derive(Debug, Clone)]
pub struct SimpleField<'a> {
    /// The field number ([`crate::Output::set`]'s `id`).
    pub id: usize,
    /// The record key read (never made of digits only: those are list indexes).
    pub key: &'a str,
    pub trim: bool,
    pub map: Option<SimpleMap<'a>>,
    pub cast: SimpleCast,
    /// At most this many characters (Unicode scalar values).
    pub truncate: Option<usize>,
}

/// A value map whose outputs are all strings.
#[derive(Debug, Clone)]
pub struct SimpleMap<'a> {
    pub entries: Vec<(&'a str, &'a str)>,
    /// `map_default` (a string); `None` with `keep`: the value itself; `None`
    /// without: an error (a binding gives up on the record).
    pub default: Option<&'a str>,
    pub keep: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimpleCast {
    None,
    /// Strings: [`str::trim`] then an `i64` parse (as `cast: int` does).
    Int,
    /// An integer becomes its decimal text; a string stays.
    String,
}

/// A compiled spec.
#[derive(Debug, Clone)]
pub struct Mapper {
    pub(crate) fields: Vec<Field>,
    pub(crate) omit_null: bool,
    callbacks: usize,
    /// Fields of every level (sub-specs included), numbered by [`Field::id`].
    field_count: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Source {
    Path(Path),
    /// No `from` but a sub-spec: the sub-fields read the same record.
    Current,
    Const(Value),
    Template(Vec<Piece>),
    Concat(Vec<Path>, String),
}

#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Text(String),
    Value(Path),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Lower,
    Upper,
}

#[derive(Debug, Clone)]
pub(crate) enum Unmapped {
    Error,
    Keep,
    Default(Value),
}

#[derive(Debug, Clone)]
pub(crate) struct ValueMap {
    pub(crate) entries: Map<String, Value>,
    pub(crate) unmapped: Unmapped,
}

impl ValueMap {
    /// A few entries are compared in order: cheaper than hashing the key.
    pub(crate) fn lookup(&self, key: &str) -> Option<&Value> {
        if self.entries.len() <= 8 {
            self.entries.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
        } else {
            self.entries.get(key)
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// Number of the field over the whole spec (see [`crate::Output::set`]).
    pub(crate) id: usize,
    pub(crate) out: String,
    pub(crate) source: Source,
    pub(crate) callback: Option<usize>,
    pub(crate) default: Option<Value>,
    pub(crate) required: bool,
    pub(crate) trim: bool,
    pub(crate) case: Option<Case>,
    pub(crate) map: Option<ValueMap>,
    pub(crate) date: Option<DateOp>,
    pub(crate) cast: Option<Cast>,
    pub(crate) truncate: Option<usize>,
    pub(crate) join: Option<String>,
    pub(crate) sub: Option<Mapper>,
}

impl Field {
    fn simple(&self) -> Option<SimpleField<'_>> {
        let Source::Path(path) = &self.source else { return None };
        let key = match path.segments() {
            [crate::path::Seg::Key(k)] if !k.is_empty() && !k.bytes().all(|b| b.is_ascii_digit()) => k.as_str(),
            _ => return None,
        };
        if self.callback.is_some() || self.default.is_some() || self.case.is_some() || self.date.is_some() || self.join.is_some() || self.sub.is_some() {
            return None;
        }
        let cast = match self.cast {
            None => SimpleCast::None,
            Some(Cast::Int) if self.map.is_none() => SimpleCast::Int,
            Some(Cast::String) => SimpleCast::String,
            Some(_) => return None,
        };
        let map = match &self.map {
            None => None,
            // Small maps only: a binding compares entries in order.
            Some(m) if m.entries.len() <= 16 => {
                let entries = m.entries.iter().map(|(k, v)| v.as_str().map(|v| (k.as_str(), v))).collect::<Option<Vec<_>>>()?;
                let (default, keep) = match &m.unmapped {
                    Unmapped::Error => (None, false),
                    Unmapped::Keep => (None, true),
                    Unmapped::Default(Value::String(d)) => (Some(d.as_str()), false),
                    Unmapped::Default(_) => return None,
                };
                Some(SimpleMap { entries, default, keep })
            }
            Some(_) => return None,
        };
        Some(SimpleField { id: self.id, key, trim: self.trim, map, cast, truncate: self.truncate })
    }
}

fn err(path: &str, message: impl Into<String>) -> SpecError {
    SpecError { path: path.to_string(), message: message.into() }
}

fn reject_unknown(obj: &Map<String, Value>, allowed: &[&str], at: &str, what: &str) -> Result<(), SpecError> {
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(err(
                &format!("{at}.{key}"),
                format!("is not a known {what} (known: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn want_str<'a>(v: &'a Value, at: &str) -> Result<&'a str, SpecError> {
    v.as_str().ok_or_else(|| err(at, format!("must be a string, not {}", type_name(v))))
}

fn want_bool(v: &Value, at: &str) -> Result<bool, SpecError> {
    v.as_bool().ok_or_else(|| err(at, format!("must be true or false, not {}", type_name(v))))
}

fn want_path(v: &Value, at: &str) -> Result<Path, SpecError> {
    Path::parse(want_str(v, at)?).map_err(|e| err(at, format!("is not a valid path: {e}")))
}

impl Mapper {
    /// Validates and compiles a spec.
    ///
    /// # Errors
    /// The first problem, with its spec path (`fields.price.cast`).
    pub fn compile(spec: &Value) -> Result<Self, SpecError> {
        let mut callbacks = 0;
        let mut mapper = Self::compile_at(spec, "spec", 0, &mut callbacks)?;
        let mut next = 0;
        mapper.number_fields(&mut next);
        mapper.field_count = next;
        Ok(mapper)
    }

    fn number_fields(&mut self, next: &mut usize) {
        for field in &mut self.fields {
            field.id = *next;
            *next = next.saturating_add(1);
            if let Some(sub) = &mut field.sub {
                sub.number_fields(next);
            }
        }
    }

    /// How many fields the spec has at all levels ([`crate::Output::set`]'s `id`s are
    /// below this).
    pub fn field_count(&self) -> usize {
        self.field_count
    }

    /// The output names of all fields, by id.
    pub fn field_names(&self) -> Vec<&str> {
        let mut names = vec![""; self.field_count];
        self.collect_names(&mut names);
        names
    }

    fn collect_names<'a>(&'a self, names: &mut [&'a str]) {
        for field in &self.fields {
            if let Some(slot) = names.get_mut(field.id) {
                *slot = &field.out;
            }
            if let Some(sub) = &field.sub {
                sub.collect_names(names);
            }
        }
    }

    /// The string constants a mapped value can be borrowed from (value-map outputs,
    /// `map_default`, `default`, `const`), sub-specs included: a binding can build
    /// each once and recognise them by address in [`crate::Scalar::Str`] (a borrowed
    /// string pointing at one of these is that constant, unmodified when its length
    /// matches).
    pub fn constant_strings(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_constants(&mut out);
        out
    }

    fn collect_constants<'a>(&'a self, out: &mut Vec<&'a str>) {
        fn add<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            if let Value::String(s) = v {
                out.push(s);
            }
        }
        for field in &self.fields {
            if let Source::Const(v) = &field.source {
                add(v, out);
            }
            if let Some(d) = &field.default {
                add(d, out);
            }
            if let Some(map) = &field.map {
                map.entries.values().for_each(|v| add(v, out));
                if let Unmapped::Default(d) = &map.unmapped {
                    add(d, out);
                }
            }
            if let Some(sub) = &field.sub {
                sub.collect_constants(out);
            }
        }
    }

    /// Every top-level field as a [`SimpleField`], or `None` when one is not that
    /// simple (any other source or step, a callback, a default, a sub-spec).
    pub fn simple_fields(&self) -> Option<Vec<SimpleField<'_>>> {
        self.fields.iter().map(Field::simple).collect()
    }

    /// How many `callback` fields the spec has; the spec numbers them 0, 1, … (the
    /// `callback` value must be that index — the binding rewrites callables to it).
    pub fn callbacks(&self) -> usize {
        self.callbacks
    }

    fn compile_at(spec: &Value, at: &str, depth: usize, callbacks: &mut usize) -> Result<Self, SpecError> {
        if depth > MAX_SPEC_DEPTH {
            return Err(err(at, format!("nests sub-specs deeper than {MAX_SPEC_DEPTH} levels")));
        }
        let obj = spec.as_object().ok_or_else(|| err(at, format!("must be an array with a \"fields\" key, not {}", type_name(spec))))?;
        reject_unknown(obj, SPEC_KEYS, at, "spec key")?;
        let omit_null = match obj.get("omit_null") {
            Some(v) => want_bool(v, &format!("{at}.omit_null"))?,
            None => false,
        };
        let fields_at = if depth == 0 { "fields".to_string() } else { format!("{at}.fields") };
        let fields_v = obj.get("fields").ok_or_else(|| err(&fields_at, "is missing"))?;
        let fields_obj = fields_v
            .as_object()
            .ok_or_else(|| err(&fields_at, format!("must be an array of output name => field, not {}", type_name(fields_v))))?;
        if fields_obj.is_empty() {
            return Err(err(&fields_at, "is empty"));
        }
        let mut fields = Vec::with_capacity(fields_obj.len());
        for (name, fspec) in fields_obj {
            fields.push(compile_field(name, fspec, &format!("{fields_at}.{name}"), depth, callbacks)?);
        }
        let total = *callbacks;
        Ok(Self { fields, omit_null, callbacks: total, field_count: 0 })
    }

    /// The top-level record keys the spec reads, in first-use order, or `None` when
    /// it needs the whole record (a path starting with a wildcard, or a callback that
    /// receives the record). A caller converting records from another representation
    /// (PHP arrays) can convert only these keys: the result maps the same.
    pub fn root_keys(&self) -> Option<Vec<String>> {
        self.root_keys_with(&|_| true)
    }

    /// As [`Mapper::root_keys`], where `takes_record(callback)` says whether a callback
    /// receives the record (one that does not reads only its field's source).
    pub fn root_keys_with(&self, takes_record: &dyn Fn(usize) -> bool) -> Option<Vec<String>> {
        let mut keys = Vec::new();
        self.collect_roots(&mut keys, takes_record).then_some(keys)
    }

    fn collect_roots(&self, keys: &mut Vec<String>, takes_record: &dyn Fn(usize) -> bool) -> bool {
        let push = |p: &Path, keys: &mut Vec<String>| match p.root_key() {
            Some(k) => {
                if !keys.contains(&k) {
                    keys.push(k);
                }
                true
            }
            None => false,
        };
        for field in &self.fields {
            if field.callback.is_some_and(takes_record) {
                return false;
            }
            let ok = match &field.source {
                Source::Path(p) => push(p, keys),
                Source::Current => field.callback.is_none() && field.sub.as_ref().is_some_and(|sub| sub.collect_roots(keys, takes_record)),
                Source::Const(_) => true,
                Source::Template(pieces) => pieces.iter().all(|piece| match piece {
                    Piece::Text(_) => true,
                    Piece::Value(p) => push(p, keys),
                }),
                Source::Concat(paths, _) => paths.iter().all(|p| push(p, keys)),
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// Maps one record; a spec with callbacks needs [`Mapper::map_with`].
    ///
    /// # Errors
    /// Every problem of the record.
    pub fn map(&self, record: &Value) -> Result<Value, MappingErrors> {
        match self.map_with(record, &mut NoCallOut) {
            Ok(v) => Ok(v),
            Err(MapError::Invalid(e)) => Err(e),
            Err(MapError::Aborted) => Err(MappingErrors::default()),
        }
    }

    /// The records a selector picks out of a document: with a wildcard (`items[*]`,
    /// `[*]`; `[*]` over an object picks that object) every match; without one, the elements of the list it names, or the one
    /// object it names. `None` when the selector names nothing (for a wildcard:
    /// when the list or object it iterates does not exist).
    pub fn select<'a>(selector: &Path, document: &'a Value) -> Option<Vec<&'a Value>> {
        match selector.find(document) {
            Found::Missing => None,
            Found::Many(v) if v.is_empty() && !selector.anchor_exists(document) => None,
            Found::Many(v) => Some(v),
            Found::One(Value::Array(items)) => Some(items.iter().collect()),
            Found::One(v) => Some(vec![v]),
        }
    }
}

fn compile_field(name: &str, spec: &Value, at: &str, depth: usize, callbacks: &mut usize) -> Result<Field, SpecError> {
    let mut field = Field {
        id: 0,
        out: name.to_string(),
        source: Source::Current,
        callback: None,
        default: None,
        required: false,
        trim: false,
        case: None,
        map: None,
        date: None,
        cast: None,
        truncate: None,
        join: None,
        sub: None,
    };
    // Shorthand: "OUT" => "source.path".
    if let Value::String(_) = spec {
        field.source = Source::Path(want_path(spec, at)?);
        return Ok(field);
    }
    let obj = spec
        .as_object()
        .ok_or_else(|| err(at, format!("must be a source path string or an array of operations, not {}", type_name(spec))))?;
    reject_unknown(obj, FIELD_KEYS, at, "operation")?;
    let key = |k: &str| format!("{at}.{k}");

    let sources: Vec<&str> = ["from", "const", "template", "concat"].into_iter().filter(|k| obj.contains_key(*k)).collect();
    if sources.len() > 1 {
        return Err(err(at, format!("has more than one source ({}); use one", sources.join(", "))));
    }
    if let Some(v) = obj.get("from") {
        field.source = Source::Path(want_path(v, &key("from"))?);
    } else if let Some(v) = obj.get("const") {
        field.source = Source::Const(v.clone());
    } else if let Some(v) = obj.get("template") {
        field.source = Source::Template(compile_template(want_str(v, &key("template"))?, &key("template"))?);
    } else if let Some(v) = obj.get("concat") {
        let list = v.as_array().ok_or_else(|| err(&key("concat"), format!("must be a list of source paths, not {}", type_name(v))))?;
        if list.is_empty() {
            return Err(err(&key("concat"), "is empty"));
        }
        let paths = list.iter().enumerate().map(|(i, p)| want_path(p, &format!("{at}.concat.{i}"))).collect::<Result<Vec<_>, _>>()?;
        let sep = match obj.get("separator") {
            Some(s) => want_str(s, &key("separator"))?.to_string(),
            None => String::new(),
        };
        field.source = Source::Concat(paths, sep);
    } else if !obj.contains_key("fields") {
        // No source: the output name is the source path (a plain rename-less copy).
        field.source = Source::Path(Path::parse(name).map_err(|e| err(at, format!("has no \"from\" and its name is not a valid path: {e}")))?);
    }
    if obj.contains_key("separator") && !matches!(field.source, Source::Concat(..)) {
        return Err(err(&key("separator"), "only applies to \"concat\""));
    }

    if let Some(v) = obj.get("callback") {
        let expected = *callbacks;
        match v.as_u64() {
            Some(i) if usize::try_from(i).ok() == Some(expected) => field.callback = Some(expected),
            _ => return Err(err(&key("callback"), "must be a callable")),
        }
        *callbacks = expected.saturating_add(1);
    }
    if let Some(v) = obj.get("default") {
        field.default = Some(v.clone());
    }
    if let Some(v) = obj.get("required") {
        field.required = want_bool(v, &key("required"))?;
    }
    if let Some(v) = obj.get("trim") {
        field.trim = want_bool(v, &key("trim"))?;
    }
    if let Some(v) = obj.get("case") {
        field.case = Some(match want_str(v, &key("case"))? {
            "lower" => Case::Lower,
            "upper" => Case::Upper,
            other => return Err(err(&key("case"), format!("must be \"lower\" or \"upper\", not \"{other}\""))),
        });
    }
    if let Some(v) = obj.get("map") {
        let entries = v
            .as_object()
            .ok_or_else(|| err(&key("map"), format!("must be an array of source value => output value, not {}", type_name(v))))?
            .clone();
        let keep = match obj.get("map_keep") {
            Some(k) => want_bool(k, &key("map_keep"))?,
            None => false,
        };
        let unmapped = match (obj.get("map_default"), keep) {
            (Some(_), true) => return Err(err(at, "has both \"map_default\" and \"map_keep\"; use one")),
            (Some(d), false) => Unmapped::Default(d.clone()),
            (None, true) => Unmapped::Keep,
            (None, false) => Unmapped::Error,
        };
        field.map = Some(ValueMap { entries, unmapped });
    } else {
        for k in ["map_default", "map_keep"] {
            if obj.contains_key(k) {
                return Err(err(&key(k), "only applies with \"map\""));
            }
        }
    }
    if let Some(v) = obj.get("date") {
        field.date = Some(compile_date(v, &key("date"))?);
    }
    if let Some(v) = obj.get("cast") {
        let name = want_str(v, &key("cast"))?;
        if !CASTS.contains(&name) {
            return Err(err(&key("cast"), format!("is the unknown cast \"{name}\" (known: {})", CASTS.join(", "))));
        }
        field.cast = Some(match name {
            "int" => Cast::Int,
            "float" => Cast::Float,
            "bool" => Cast::Bool,
            "string" => Cast::String,
            _ => {
                let scale = match obj.get("scale") {
                    Some(s) => s
                        .as_u64()
                        .filter(|s| *s <= 28)
                        .and_then(|s| u32::try_from(s).ok())
                        .ok_or_else(|| err(&key("scale"), format!("must be an integer from 0 to 28, not {s}")))?,
                    None => 2,
                };
                let rounding = match obj.get("rounding") {
                    Some(r) => match want_str(r, &key("rounding"))? {
                        "half_up" => Rounding::HalfUp,
                        "half_even" => Rounding::HalfEven,
                        other => return Err(err(&key("rounding"), format!("must be \"half_up\" or \"half_even\", not \"{other}\""))),
                    },
                    None => Rounding::HalfUp,
                };
                Cast::Decimal { scale, rounding }
            }
        });
    }
    if !matches!(field.cast, Some(Cast::Decimal { .. })) {
        for k in ["scale", "rounding"] {
            if obj.contains_key(k) {
                return Err(err(&key(k), "only applies to \"cast\": \"decimal\""));
            }
        }
    }
    if let Some(v) = obj.get("truncate") {
        let n = v
            .as_u64()
            .filter(|n| *n > 0)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| err(&key("truncate"), format!("must be a positive integer (characters), not {v}")))?;
        field.truncate = Some(n);
    }
    if let Some(v) = obj.get("join") {
        field.join = Some(want_str(v, &key("join"))?.to_string());
    }
    if let Some(v) = obj.get("fields") {
        let sub_spec = Value::Object(Map::from_iter([("fields".to_string(), v.clone())]));
        field.sub = Some(Mapper::compile_at(&sub_spec, at, depth.saturating_add(1), callbacks)?);
        let scalar_ops = ["trim", "case", "map", "date", "cast", "truncate", "join"];
        if let Some(k) = scalar_ops.iter().find(|k| obj.contains_key(**k)) {
            return Err(err(&key(k), "cannot be combined with \"fields\" (a sub-spec builds objects)"));
        }
        if matches!(field.source, Source::Const(_) | Source::Template(_) | Source::Concat(..)) {
            return Err(err(&key("fields"), "needs \"from\" (or no source at all: the same record)"));
        }
    }
    Ok(field)
}

fn compile_template(text: &str, at: &str) -> Result<Vec<Piece>, SpecError> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(ch) => name.push(ch),
                        None => return Err(err(at, "has a \"{\" without \"}\" (write a literal brace as {{)")),
                    }
                }
                let path = Path::parse(name.trim()).map_err(|e| err(at, format!("placeholder {{{name}}} is not a valid path: {e}")))?;
                if !lit.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Value(path));
            }
            '}' => return Err(err(at, "has a \"}\" without \"{\" (write a literal brace as }})")),
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Text(lit));
    }
    Ok(pieces)
}

fn compile_date(v: &Value, at: &str) -> Result<DateOp, SpecError> {
    let obj = v.as_object().ok_or_else(|| err(at, format!("must be an array (in, in_tz, out, out_tz, dst), not {}", type_name(v))))?;
    reject_unknown(obj, DATE_KEYS, at, "date option")?;
    let fmt = |k: &str, parsing: bool| -> Result<Format, SpecError> {
        let kat = format!("{at}.{k}");
        match obj.get(k) {
            Some(f) => Format::compile(want_str(f, &kat)?, parsing).map_err(|e| err(&kat, e)),
            None => Ok(Format::Iso8601),
        }
    };
    let tz = |k: &str| -> Result<chrono_tz::Tz, SpecError> {
        let kat = format!("{at}.{k}");
        match obj.get(k) {
            Some(t) => {
                let name = want_str(t, &kat)?;
                name.parse::<chrono_tz::Tz>().map_err(|_| err(&kat, format!("\"{name}\" is not an IANA time zone (e.g. \"Europe/Moscow\", \"UTC\")")))
            }
            None => Ok(chrono_tz::UTC),
        }
    };
    let dst = match obj.get("dst") {
        Some(d) => match want_str(d, &format!("{at}.dst"))? {
            "shift" => DstRule::Shift,
            "error" => DstRule::Error,
            other => return Err(err(&format!("{at}.dst"), format!("must be \"shift\" or \"error\", not \"{other}\""))),
        },
        None => DstRule::Shift,
    };
    Ok(DateOp { input: fmt("in", true)?, in_tz: tz("in_tz")?, output: fmt("out", false)?, out_tz: tz("out_tz")?, dst })
}

