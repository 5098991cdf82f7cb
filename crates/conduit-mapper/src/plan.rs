//! Spec → plan compilation and the per-record executor.

use serde_json::{Map, Value};

use crate::cast::{self, Cast, Rounding};
use crate::date::{DateOp, DstRule, Format};
use crate::path::{Found, Path};
use crate::{CallOut, CallOutError, MapError, MappingError, MappingErrors, NoCallOut, SpecError};

const SPEC_KEYS: &[&str] = &["fields", "omit_null"];
const FIELD_KEYS: &[&str] = &[
    "from", "const", "template", "concat", "separator", "callback", "default", "required", "trim", "case", "map",
    "map_default", "map_keep", "date", "cast", "scale", "rounding", "truncate", "join", "fields",
];
const DATE_KEYS: &[&str] = &["in", "in_tz", "out", "out_tz", "dst"];
const CASTS: &[&str] = &["int", "float", "bool", "string", "decimal"];
/// Deeper nesting of sub-specs is refused (specs are written by hand).
const MAX_SPEC_DEPTH: usize = 32;

/// A compiled spec.
#[derive(Debug, Clone)]
pub struct Mapper {
    fields: Vec<Field>,
    omit_null: bool,
    callbacks: usize,
}

#[derive(Debug, Clone)]
enum Source {
    Path(Path),
    /// No `from` but a sub-spec: the sub-fields read the same record.
    Current,
    Const(Value),
    Template(Vec<Piece>),
    Concat(Vec<Path>, String),
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Value(Path),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Lower,
    Upper,
}

#[derive(Debug, Clone)]
enum Unmapped {
    Error,
    Keep,
    Default(Value),
}

#[derive(Debug, Clone)]
struct ValueMap {
    entries: Map<String, Value>,
    unmapped: Unmapped,
}

#[derive(Debug, Clone)]
struct Field {
    out: String,
    source: Source,
    callback: Option<usize>,
    default: Option<Value>,
    required: bool,
    trim: bool,
    case: Option<Case>,
    map: Option<ValueMap>,
    date: Option<DateOp>,
    cast: Option<Cast>,
    truncate: Option<usize>,
    join: Option<String>,
    sub: Option<Mapper>,
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
        Self::compile_at(spec, "spec", 0, &mut callbacks)
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
        Ok(Self { fields, omit_null, callbacks: total })
    }

    /// The top-level record keys the spec reads, in first-use order, or `None` when
    /// it needs the whole record (a path starting with a wildcard, or a callback that
    /// receives the record). A caller converting records from another representation
    /// (PHP arrays) can convert only these keys: the result maps the same.
    pub fn root_keys(&self) -> Option<Vec<String>> {
        let mut keys = Vec::new();
        self.collect_roots(&mut keys).then_some(keys)
    }

    fn collect_roots(&self, keys: &mut Vec<String>) -> bool {
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
            if field.callback.is_some() {
                return false;
            }
            let ok = match &field.source {
                Source::Path(p) => push(p, keys),
                Source::Current => field.sub.as_ref().is_some_and(|sub| sub.collect_roots(keys)),
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

    /// Maps one record, resolving callbacks through `hook`.
    ///
    /// # Errors
    /// [`MapError::Invalid`] with every problem, or [`MapError::Aborted`] when the hook
    /// said so.
    pub fn map_with(&self, record: &Value, hook: &mut dyn CallOut) -> Result<Value, MapError> {
        let mut errors = Vec::new();
        let out = self.map_object(record, "", hook, &mut errors)?;
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(MapError::Invalid(MappingErrors(errors)))
        }
    }

    fn map_object(&self, record: &Value, prefix: &str, hook: &mut dyn CallOut, errors: &mut Vec<MappingError>) -> Result<Value, MapError> {
        let mut out = Map::with_capacity(self.fields.len());
        for field in &self.fields {
            let path = if prefix.is_empty() { field.out.clone() } else { format!("{prefix}.{}", field.out) };
            let value = field.run(record, &path, hook, errors)?;
            match value {
                Some(Value::Null) | None if self.omit_null => {}
                Some(v) => {
                    out.insert(field.out.clone(), v);
                }
                None => {
                    out.insert(field.out.clone(), Value::Null);
                }
            }
        }
        Ok(Value::Object(out))
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

/// Text of a scalar for templates, concat, join and value-map lookups.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "true" } else { "false" }.to_string()),
        Value::Null => Some(String::new()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

fn found_value(found: Found<'_>) -> Option<Value> {
    match found {
        Found::Missing => None,
        Found::One(v) => Some(v.clone()),
        Found::Many(v) => Some(Value::Array(v.into_iter().cloned().collect())),
    }
}

impl Field {
    /// The field's output value (`None`: missing, written as null unless omitted).
    fn run(&self, record: &Value, path: &str, hook: &mut dyn CallOut, errors: &mut Vec<MappingError>) -> Result<Option<Value>, MapError> {
        if let (Source::Current, Some(sub)) = (&self.source, &self.sub) {
            if self.callback.is_none() {
                return sub.map_object(record, path, hook, errors).map(Some);
            }
        }
        let mut value = match &self.source {
            Source::Path(p) => found_value(p.find(record)),
            Source::Current => Some(record.clone()),
            Source::Const(v) => Some(v.clone()),
            Source::Template(pieces) => {
                let mut s = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Text(t) => s.push_str(t),
                        Piece::Value(p) => {
                            if let Found::One(v) = p.find(record) {
                                match scalar_text(v) {
                                    Some(t) => s.push_str(&t),
                                    None => errors.push(MappingError::new(path, "invalid_type", format!("template placeholder {{{}}} is not a scalar", p.as_str()), Some(v))),
                                }
                            }
                        }
                    }
                }
                Some(Value::String(s))
            }
            Source::Concat(paths, sep) => {
                let mut parts = Vec::new();
                for p in paths {
                    match p.find(record) {
                        Found::One(Value::Null) | Found::Missing => {}
                        Found::One(v) => match scalar_text(v) {
                            Some(t) => parts.push(t),
                            None => errors.push(MappingError::new(path, "invalid_type", format!("concat part {} is not a scalar", p.as_str()), Some(v))),
                        },
                        Found::Many(vs) => parts.extend(vs.into_iter().filter(|v| !v.is_null()).filter_map(scalar_text)),
                    }
                }
                Some(Value::String(parts.join(sep)))
            }
        };
        if let Some(cb) = self.callback {
            let input = value.take().unwrap_or(Value::Null);
            match hook.call(cb, &input, record) {
                Ok(v) => value = Some(v),
                Err(CallOutError::Abort) => return Err(MapError::Aborted),
                Err(CallOutError::Reject(msg)) => {
                    errors.push(MappingError::new(path, "callback_failed", msg, Some(&input)));
                    return Ok(None);
                }
            }
        }
        let value = match value {
            None | Some(Value::Null) => {
                if let Some(d) = &self.default {
                    return Ok(Some(d.clone()));
                }
                if self.required {
                    let msg = if value.is_none() { "is required but missing" } else { "is required but null" };
                    errors.push(MappingError::new(path, "required", msg, value.as_ref()));
                }
                return Ok(value);
            }
            Some(v) => v,
        };
        if let Some(sub) = &self.sub {
            return self.run_sub(sub, value, path, hook, errors).map(Some);
        }
        let out = match value {
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(self.scalar(item, &format!("{path}.{i}"), errors));
                }
                Value::Array(out)
            }
            v => self.scalar(v, path, errors),
        };
        if self.required {
            if let Value::Array(items) = &out {
                if items.is_empty() {
                    errors.push(MappingError::new(path, "required", "is required but the list is empty", Some(&out)));
                }
            }
        }
        Ok(Some(match (&self.join, out) {
            (Some(sep), Value::Array(items)) => {
                Value::String(items.iter().filter(|v| !v.is_null()).filter_map(scalar_text).collect::<Vec<_>>().join(sep))
            }
            (_, v) => v,
        }))
    }

    fn run_sub(&self, sub: &Mapper, value: Value, path: &str, hook: &mut dyn CallOut, errors: &mut Vec<MappingError>) -> Result<Value, MapError> {
        match value {
            Value::Object(_) => sub.map_object(&value, path, hook, errors),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{path}.{i}");
                    if item.is_object() {
                        out.push(sub.map_object(item, &at, hook, errors)?);
                    } else {
                        errors.push(MappingError::new(at, "invalid_type", format!("is {}, not an object", type_name(item)), Some(item)));
                        out.push(Value::Null);
                    }
                }
                Ok(Value::Array(out))
            }
            other => {
                errors.push(MappingError::new(path, "invalid_type", format!("is {}, not an object or a list of objects", type_name(&other)), Some(&other)));
                Ok(Value::Null)
            }
        }
    }

    /// trim → case → map → date → cast → truncate on one value of the field.
    fn scalar(&self, mut v: Value, path: &str, errors: &mut Vec<MappingError>) -> Value {
        if v.is_null() {
            return v;
        }
        if v.is_object() && (self.trim || self.case.is_some() || self.map.is_some() || self.date.is_some() || self.cast.is_some() || self.truncate.is_some()) {
            errors.push(MappingError::new(path, "invalid_type", "is an object, not a scalar", Some(&v)));
            return Value::Null;
        }
        if let Value::String(s) = &mut v {
            if self.trim {
                let t = s.trim();
                if t.len() != s.len() {
                    *s = t.to_string();
                }
            }
            match self.case {
                Some(Case::Lower) => *s = s.to_lowercase(),
                Some(Case::Upper) => *s = s.to_uppercase(),
                None => {}
            }
        }
        if let Some(map) = &self.map {
            let hit = match &v {
                Value::Bool(b) => map.entries.get(if *b { "true" } else { "false" }).or_else(|| map.entries.get(if *b { "1" } else { "0" })),
                other => scalar_text(other).and_then(|k| map.entries.get(&k)),
            };
            v = match (hit, &map.unmapped) {
                (Some(mapped), _) => mapped.clone(),
                (None, Unmapped::Keep) => v,
                (None, Unmapped::Default(d)) => d.clone(),
                (None, Unmapped::Error) => {
                    let known: Vec<&str> = map.entries.keys().map(String::as_str).take(10).collect();
                    errors.push(MappingError::new(path, "unmapped_value", format!("is not in the value map (known: {})", known.join(", ")), Some(&v)));
                    return Value::Null;
                }
            };
            if v.is_null() {
                return v;
            }
        }
        if let Some(date) = &self.date {
            match date.apply(&v) {
                Ok(d) => v = d,
                Err((reason, msg)) => {
                    errors.push(MappingError::new(path, reason, msg, Some(&v)));
                    return Value::Null;
                }
            }
        }
        if let Some(c) = self.cast {
            match cast::apply(c, &v) {
                Ok(c) => v = c,
                Err((reason, msg)) => {
                    errors.push(MappingError::new(path, reason, msg, Some(&v)));
                    return Value::Null;
                }
            }
        }
        if let (Some(n), Value::String(s)) = (self.truncate, &mut v) {
            if let Some((i, _)) = s.char_indices().nth(n) {
                s.truncate(i);
            }
        }
        v
    }
}
