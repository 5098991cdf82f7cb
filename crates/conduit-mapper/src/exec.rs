//! The per-record executor, generic over the record ([`Input`]) and the result
//! ([`Output`]) so a binding can read and build its own values (PHP arrays) without a
//! JSON detour. Paths for error messages are built only when an error is recorded.

use std::borrow::Cow;

use serde_json::Value;

use crate::cast::{self, Cast};
use crate::input::{AnyRecord, Input, JsonOutput, Kind, Output, Scalar};
use crate::path::FoundIn;
use crate::plan::{Case, Field, Piece, Source, Unmapped};
use crate::{quote_bytes, CallOut, CallOutError, MapError, Mapper, MappingError, MappingErrors};

/// Where a value is: an output path (`items.2.price`) or an input path, rendered only
/// for an error.
#[derive(Clone, Copy)]
pub(crate) enum At<'a> {
    Root,
    Name(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    pub(crate) fn render(&self) -> String {
        match self {
            At::Root => String::new(),
            At::Name(parent, name) => match parent.render() {
                p if p.is_empty() => (*name).to_string(),
                p => format!("{p}.{name}"),
            },
            At::Index(parent, i) => match parent.render() {
                p if p.is_empty() => i.to_string(),
                p => format!("{p}.{i}"),
            },
        }
    }
}

/// A callback asked to stop.
pub(crate) struct Aborted;

struct Run<'h, O: Output> {
    hook: &'h mut dyn CallOut,
    out: &'h mut O,
    errors: Vec<MappingError>,
}

/// What a field produced.
enum Res<V> {
    Missing,
    Null,
    Value(V),
}

/// A field's source value before its operations.
enum Got<'r, I> {
    Missing,
    One(&'r I),
    Many(Vec<&'r I>),
    Val(Scalar<'r>),
}

fn kind_name<I: Input>(v: &I) -> &'static str {
    match v.kind() {
        Kind::Null => "null",
        Kind::Bool(_) => "a boolean",
        Kind::Number(_) => "a number",
        Kind::Str(_) | Kind::BadStr(_) => "a string",
        Kind::List => "a list",
        Kind::Object => "an object",
        Kind::Other => "a value JSON cannot hold",
    }
}

fn quote_of<I: Input>(v: &I) -> String {
    crate::quote(&v.to_value("", &mut Vec::new()))
}

/// A node as a scalar (lists and objects as JSON); a non-UTF-8 string is an error at
/// the input path `input`.
fn scalar_of<'r, I: Input>(v: &'r I, input: &At<'_>, errors: &mut Vec<MappingError>) -> Scalar<'r> {
    scalar_from(v, v.kind(), input, errors)
}

fn scalar_from<'r, I: Input>(v: &'r I, kind: Kind<'r>, input: &At<'_>, errors: &mut Vec<MappingError>) -> Scalar<'r> {
    match kind {
        Kind::Null => Scalar::Null,
        Kind::Bool(b) => Scalar::Bool(b),
        Kind::Number(n) => Scalar::Number(n),
        Kind::Str(s) => Scalar::Str(Cow::Borrowed(s)),
        Kind::BadStr(bytes) => {
            errors.push(MappingError::with_quoted(input.render(), "invalid_utf8", "is not valid UTF-8", Some(quote_bytes(bytes))));
            Scalar::Null
        }
        Kind::List | Kind::Object | Kind::Other => Scalar::owned(v.to_value(&input.render(), errors)),
    }
}

impl Mapper {
    /// Maps one record, resolving callbacks through `hook`.
    ///
    /// # Errors
    /// [`MapError::Invalid`] with every problem, or [`MapError::Aborted`] when the hook
    /// said so.
    pub fn map_with(&self, record: &Value, hook: &mut dyn CallOut) -> Result<Value, MapError> {
        self.map_into(record, hook, &mut JsonOutput)
    }

    /// Maps one record of any [`Input`] type into any [`Output`].
    ///
    /// # Errors
    /// As [`Mapper::map_with`].
    pub fn map_into<I: Input, O: Output>(&self, record: &I, hook: &mut dyn CallOut, out: &mut O) -> Result<O::Value, MapError> {
        let mut run = Run { hook, out, errors: Vec::new() };
        let value = self.map_object(record, &At::Root, &mut run).map_err(|Aborted| MapError::Aborted)?;
        if run.errors.is_empty() {
            Ok(value)
        } else {
            Err(MapError::Invalid(MappingErrors(run.errors)))
        }
    }

    fn map_object<I: Input, O: Output>(&self, record: &I, at: &At<'_>, run: &mut Run<'_, O>) -> Result<O::Value, Aborted> {
        let mut object = run.out.begin_object(self.fields.len());
        for field in &self.fields {
            let here = At::Name(at, &field.out);
            match field.run(record, &here, run)? {
                Res::Value(v) => run.out.set(&mut object, field.id, &field.out, v),
                Res::Null | Res::Missing if self.omit_null => {}
                Res::Null | Res::Missing => {
                    let null = run.out.scalar(Scalar::Null);
                    run.out.set(&mut object, field.id, &field.out, null);
                }
            }
        }
        Ok(run.out.end_object(object))
    }
}

fn emit<O: Output>(run: &mut Run<'_, O>, v: Scalar<'_>) -> Res<O::Value> {
    if v.is_null() {
        Res::Null
    } else {
        Res::Value(run.out.scalar(v))
    }
}

fn got_value<I: Input>(got: &Got<'_, I>, input: &str, errors: &mut Vec<MappingError>) -> Value {
    match got {
        Got::Missing => Value::Null,
        Got::One(v) => v.to_value(input, errors),
        Got::Many(vs) => Value::Array(vs.iter().map(|v| v.to_value(input, errors)).collect()),
        Got::Val(s) => s.to_value(),
    }
}

impl Field {
    fn input_path(&self) -> &str {
        match &self.source {
            Source::Path(p) => p.as_str(),
            _ => "",
        }
    }

    fn run<'r, I: Input, O: Output>(&'r self, record: &'r I, at: &At<'_>, run: &mut Run<'_, O>) -> Result<Res<O::Value>, Aborted> {
        if let (Source::Current, Some(sub), None) = (&self.source, &self.sub, self.callback) {
            return sub.map_object(record, at, run).map(Res::Value);
        }
        let mut got: Got<'r, I> = match &self.source {
            Source::Path(p) => match p.find_in(record) {
                FoundIn::Missing => Got::Missing,
                FoundIn::One(v) => Got::One(v),
                FoundIn::Many(v) => Got::Many(v),
            },
            Source::Current => Got::One(record),
            Source::Const(v) => Got::Val(Scalar::of(v)),
            Source::Template(pieces) => {
                let mut s = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Text(t) => s.push_str(t),
                        Piece::Value(p) => {
                            if let FoundIn::One(v) = p.find_in(record) {
                                let input = At::Name(&At::Root, p.as_str());
                                let sc = scalar_of(v, &input, &mut run.errors);
                                match sc.text() {
                                    Some(t) => s.push_str(&t),
                                    None => run.errors.push(MappingError::with_quoted(
                                        at.render(),
                                        "invalid_type",
                                        format!("template placeholder {{{}}} is not a scalar", p.as_str()),
                                        Some(sc.quote()),
                                    )),
                                }
                            }
                        }
                    }
                }
                Got::Val(Scalar::Str(Cow::Owned(s)))
            }
            Source::Concat(paths, sep) => {
                let mut parts: Vec<String> = Vec::new();
                for p in paths {
                    let input = At::Name(&At::Root, p.as_str());
                    match p.find_in(record) {
                        FoundIn::Missing => {}
                        FoundIn::One(v) if v.is_null() => {}
                        FoundIn::One(v) => {
                            let sc = scalar_of(v, &input, &mut run.errors);
                            match sc.text() {
                                Some(t) => parts.push(t.into_owned()),
                                None => run.errors.push(MappingError::with_quoted(
                                    at.render(),
                                    "invalid_type",
                                    format!("concat part {} is not a scalar", p.as_str()),
                                    Some(sc.quote()),
                                )),
                            }
                        }
                        FoundIn::Many(vs) => {
                            for v in vs {
                                if v.is_null() {
                                    continue;
                                }
                                let sc = scalar_of(v, &input, &mut run.errors);
                                if let Some(t) = sc.text() {
                                    parts.push(t.into_owned());
                                }
                            }
                        }
                    }
                }
                Got::Val(Scalar::Str(Cow::Owned(parts.join(sep))))
            }
        };
        if let Some(cb) = self.callback {
            let input = got_value(&got, self.input_path(), &mut run.errors);
            let record_arg: &dyn AnyRecord = record;
            match run.hook.call_with(cb, &input, record_arg) {
                Ok(v) => got = Got::Val(Scalar::owned(v)),
                Err(CallOutError::Abort) => return Err(Aborted),
                Err(CallOutError::Reject(msg)) => {
                    run.errors.push(MappingError::new(at.render(), "callback_failed", msg, Some(&input)));
                    return Ok(Res::Missing);
                }
            }
        }
        let missing = matches!(got, Got::Missing);
        let null = match &got {
            Got::One(v) => v.is_null(),
            Got::Val(s) => s.is_null(),
            _ => false,
        };
        if missing || null {
            if let Some(d) = &self.default {
                return Ok(emit(run, Scalar::of(d)));
            }
            if self.required {
                let (msg, value) = if missing { ("is required but missing", None) } else { ("is required but null", Some(&Value::Null)) };
                run.errors.push(MappingError::new(at.render(), "required", msg, value));
            }
            return Ok(if missing { Res::Missing } else { Res::Null });
        }
        if let Some(sub) = &self.sub {
            return self.run_sub(sub, got, at, run);
        }
        let input = At::Name(&At::Root, self.input_path());
        // A list: each element through the scalar steps.
        let list: Option<Vec<Scalar<'r>>> = match got {
            Got::One(v) => {
                let kind = v.kind();
                if kind != Kind::List {
                    let s = scalar_from(v, kind, &input, &mut run.errors);
                    let s = self.scalar(s, at, &mut run.errors);
                    return Ok(emit(run, s));
                }
                Some(
                    v.items()
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let s = scalar_of(item, &At::Index(&input, i), &mut run.errors);
                            self.scalar(s, &At::Index(at, i), &mut run.errors)
                        })
                        .collect(),
                )
            }
            Got::Many(vs) => Some(
                vs.into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let s = scalar_of(item, &At::Index(&input, i), &mut run.errors);
                        self.scalar(s, &At::Index(at, i), &mut run.errors)
                    })
                    .collect(),
            ),
            Got::Val(Scalar::Json(json)) if json.is_array() => match *json {
                Cow::Borrowed(Value::Array(items)) => {
                    Some(items.iter().enumerate().map(|(i, item)| self.scalar(Scalar::of(item), &At::Index(at, i), &mut run.errors)).collect())
                }
                Cow::Owned(Value::Array(items)) => Some(
                    items.into_iter().enumerate().map(|(i, item)| self.scalar(Scalar::owned(item), &At::Index(at, i), &mut run.errors)).collect(),
                ),
                other => {
                    let s = self.scalar(Scalar::Json(Box::new(other)), at, &mut run.errors);
                    return Ok(emit(run, s));
                }
            },
            Got::Val(s) => {
                let s = self.scalar(s, at, &mut run.errors);
                return Ok(emit(run, s));
            }
            Got::Missing => return Ok(Res::Missing),
        };
        let items = list.unwrap_or_default();
        if self.required && items.is_empty() {
            run.errors.push(MappingError::with_quoted(at.render(), "required", "is required but the list is empty", Some("[]".into())));
        }
        if let Some(sep) = &self.join {
            let text: Vec<String> = items.iter().filter(|v| !v.is_null()).filter_map(|v| v.text().map(Cow::into_owned)).collect();
            return Ok(Res::Value(run.out.scalar(Scalar::Str(Cow::Owned(text.join(sep))))));
        }
        let values: Vec<O::Value> = items.into_iter().map(|v| run.out.scalar(v)).collect();
        Ok(Res::Value(run.out.list(values)))
    }

    fn run_sub<'r, I: Input, O: Output>(&'r self, sub: &'r Mapper, got: Got<'r, I>, at: &At<'_>, run: &mut Run<'_, O>) -> Result<Res<O::Value>, Aborted> {
        match got {
            Got::One(v) => match v.kind() {
                Kind::Object => sub.map_object(v, at, run).map(Res::Value),
                Kind::List => objects(sub, v.items(), at, run).map(Res::Value),
                _ => {
                    let msg = format!("is {}, not an object or a list of objects", kind_name(v));
                    run.errors.push(MappingError::with_quoted(at.render(), "invalid_type", msg, Some(quote_of(v))));
                    Ok(Res::Null)
                }
            },
            Got::Many(vs) => objects(sub, vs, at, run).map(Res::Value),
            Got::Val(s) => {
                let value = s.into_value();
                match &value {
                    Value::Object(_) => sub.map_object(&value, at, run).map(Res::Value),
                    Value::Array(items) => objects(sub, items.iter().collect(), at, run).map(Res::Value),
                    other => {
                        let msg = format!("is {}, not an object or a list of objects", kind_name(other));
                        run.errors.push(MappingError::new(at.render(), "invalid_type", msg, Some(other)));
                        Ok(Res::Null)
                    }
                }
            }
            Got::Missing => Ok(Res::Missing),
        }
    }

    /// trim → case → map → date → cast → truncate on one value of the field.
    fn scalar<'r>(&'r self, mut v: Scalar<'r>, at: &At<'_>, errors: &mut Vec<MappingError>) -> Scalar<'r> {
        if v.is_null() {
            return v;
        }
        if v.is_object() && (self.trim || self.case.is_some() || self.map.is_some() || self.date.is_some() || self.cast.is_some() || self.truncate.is_some()) {
            errors.push(MappingError::with_quoted(at.render(), "invalid_type", "is an object, not a scalar", Some(v.quote())));
            return Scalar::Null;
        }
        if let Scalar::Str(s) = &mut v {
            if self.trim {
                match s {
                    Cow::Borrowed(b) => {
                        let b: &'r str = b;
                        *s = Cow::Borrowed(b.trim());
                    }
                    Cow::Owned(o) => {
                        let t = o.trim();
                        if t.len() != o.len() {
                            *o = t.to_string();
                        }
                    }
                }
            }
            match self.case {
                Some(Case::Lower) => *s = Cow::Owned(s.to_lowercase()),
                Some(Case::Upper) => *s = Cow::Owned(s.to_uppercase()),
                None => {}
            }
        }
        if let Some(map) = &self.map {
            let hit = match &v {
                Scalar::Bool(b) => map.lookup(if *b { "true" } else { "false" }).or_else(|| map.lookup(if *b { "1" } else { "0" })),
                other => other.text().and_then(|k| map.lookup(&k)),
            };
            v = match (hit, &map.unmapped) {
                (Some(mapped), _) => Scalar::of(mapped),
                (None, Unmapped::Keep) => v,
                (None, Unmapped::Default(d)) => Scalar::of(d),
                (None, Unmapped::Error) => {
                    let known: Vec<&str> = map.entries.keys().map(String::as_str).take(10).collect();
                    errors.push(MappingError::with_quoted(
                        at.render(),
                        "unmapped_value",
                        format!("is not in the value map (known: {})", known.join(", ")),
                        Some(v.quote()),
                    ));
                    return Scalar::Null;
                }
            };
            if v.is_null() {
                return v;
            }
        }
        if let Some(date) = &self.date {
            let value = v.to_value();
            match date.apply(&value) {
                Ok(d) => v = Scalar::owned(d),
                Err((reason, msg)) => {
                    errors.push(MappingError::new(at.render(), reason, msg, Some(&value)));
                    return Scalar::Null;
                }
            }
        }
        if let Some(c) = self.cast {
            // A string cast of a string keeps it (borrowed, not copied).
            if !(c == Cast::String && matches!(v, Scalar::Str(_))) {
                match cast::apply(c, &v) {
                    Ok(cast) => v = cast,
                    Err((reason, msg)) => {
                        errors.push(MappingError::with_quoted(at.render(), reason, msg, Some(v.quote())));
                        return Scalar::Null;
                    }
                }
            }
        }
        if let (Some(n), Scalar::Str(s)) = (self.truncate, &mut v) {
            // Fewer bytes than `n` means fewer characters: nothing to count.
            if s.len() > n {
                if let Some((i, _)) = s.char_indices().nth(n) {
                    match s {
                        Cow::Borrowed(b) => {
                            let b: &'r str = b;
                            *s = Cow::Borrowed(&b[..i]);
                        }
                        Cow::Owned(o) => o.truncate(i),
                    }
                }
            }
        }
        v
    }
}

/// A list of objects through a sub-spec; a non-object element is an error (null).
fn objects<J: Input, O: Output>(sub: &Mapper, items: Vec<&J>, at: &At<'_>, run: &mut Run<'_, O>) -> Result<O::Value, Aborted> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let here = At::Index(at, i);
        if item.kind() == Kind::Object {
            out.push(sub.map_object(item, &here, run)?);
        } else {
            let msg = format!("is {}, not an object", kind_name(item));
            run.errors.push(MappingError::with_quoted(here.render(), "invalid_type", msg, Some(quote_of(item))));
            out.push(run.out.scalar(Scalar::Null));
        }
    }
    Ok(run.out.list(out))
}
