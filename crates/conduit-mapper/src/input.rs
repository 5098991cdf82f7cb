//! What the mapper reads and writes, without fixing a representation.
//!
//! The executor walks records through [`Input`] (implemented here for
//! `serde_json::Value` and the streams' [`crate::stream::Node`]; the PHP binding
//! implements it for zvals) and builds results through [`Output`] (here: JSON values;
//! the binding builds PHP arrays directly). Scalars travel as [`Scalar`], which borrows
//! strings from the record or the plan where it can: `trim` and `truncate` slice, a
//! value map hands out its constant, so most fields copy a string once — into the
//! output.

use std::borrow::Cow;

use serde_json::{Number, Value};

use crate::MappingError;

/// What one node of a record is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(&'a str),
    /// A string that is not UTF-8 (PHP strings are bytes): an `invalid_utf8` error.
    BadStr(&'a [u8]),
    List,
    Object,
    /// Anything else (a PHP object, NaN): read through [`Input::to_value`].
    Other,
}

/// A record (or a part of one) the mapper can read.
pub trait Input: AnyRecord {
    fn kind(&self) -> Kind<'_>;
    /// `kind() == Kind::Null`, without validating a string.
    fn is_null(&self) -> bool {
        self.kind() == Kind::Null
    }
    /// The member named `key` of an object; on a list, `key` made of digits is an index.
    fn member(&self, key: &str) -> Option<&Self>;
    /// Element `i` of a list; on an object, the member named by the digits of `i`.
    fn element(&self, i: usize) -> Option<&Self>;
    /// List elements or object values, in order (empty for a scalar).
    fn items(&self) -> Vec<&Self>;
    /// The whole node as JSON; problems (non-UTF-8 strings, unsupported values) are
    /// pushed to `errors` with input paths under `at`.
    fn to_value(&self, at: &str, errors: &mut Vec<MappingError>) -> Value;
}

/// A record as a callback sees it (object-safe, so [`crate::CallOut`] stays one trait).
pub trait AnyRecord {
    /// The record as JSON (problems are dropped: the value was already checked).
    fn to_json(&self) -> Value;
    /// The record itself when it is `'static` (a binding downcasts to its own type).
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
    /// The record when it is a stream [`crate::stream::Node`] (a binding converts it
    /// to its own values directly).
    fn as_node(&self) -> Option<&crate::node::Node<'_>> {
        None
    }
}

/// One value inside the executor: a scalar (borrowed where possible) or JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    /// A list or an object that passes through (or a callback's result); boxed so
    /// the scalars the executor moves around stay small.
    Json(Box<Cow<'a, Value>>),
}

impl<'a> Scalar<'a> {
    /// Borrows `v` (scalars are unpacked).
    pub fn of(v: &'a Value) -> Self {
        match v {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Number(n) => Scalar::Number(n.clone()),
            Value::String(s) => Scalar::Str(Cow::Borrowed(s)),
            other => Scalar::Json(Box::new(Cow::Borrowed(other))),
        }
    }

    /// Takes `v` over.
    pub fn owned(v: Value) -> Scalar<'static> {
        match v {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(b),
            Value::Number(n) => Scalar::Number(n),
            Value::String(s) => Scalar::Str(Cow::Owned(s)),
            other => Scalar::Json(Box::new(Cow::Owned(other))),
        }
    }

    pub fn into_value(self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Number(n) => Value::Number(n),
            Scalar::Str(s) => Value::String(s.into_owned()),
            Scalar::Json(v) => v.into_owned(),
        }
    }

    pub fn to_value(&self) -> Value {
        self.clone().into_value()
    }

    pub fn is_null(&self) -> bool {
        match self {
            Scalar::Null => true,
            Scalar::Json(v) => v.is_null(),
            _ => false,
        }
    }

    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Scalar::Json(v) if v.is_object())
    }

    /// Text for templates, concat, join and value-map lookups (`None`: a list or object).
    pub(crate) fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Scalar::Str(s) => Some(Cow::Borrowed(s)),
            Scalar::Number(n) => Some(Cow::Owned(n.to_string())),
            Scalar::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Scalar::Null => Some(Cow::Borrowed("")),
            Scalar::Json(_) => None,
        }
    }

    /// JSON text cut for error messages.
    pub(crate) fn quote(&self) -> String {
        match self {
            Scalar::Json(v) => crate::quote(v),
            other => crate::quote(&other.to_value()),
        }
    }
}

/// Builds mapped records.
pub trait Output {
    type Value;
    type Object;
    fn scalar(&mut self, v: Scalar<'_>) -> Self::Value;
    fn list(&mut self, items: Vec<Self::Value>) -> Self::Value;
    fn begin_object(&mut self, fields: usize) -> Self::Object;
    /// `id` numbers the spec's fields (sub-spec fields included) from 0 in spec order:
    /// a builder may cache what it derives from `name`.
    fn set(&mut self, object: &mut Self::Object, id: usize, name: &str, value: Self::Value);
    fn end_object(&mut self, object: Self::Object) -> Self::Value;
}

/// Builds `serde_json::Value`s.
pub struct JsonOutput;

impl Output for JsonOutput {
    type Value = Value;
    type Object = serde_json::Map<String, Value>;

    fn scalar(&mut self, v: Scalar<'_>) -> Value {
        v.into_value()
    }

    fn list(&mut self, items: Vec<Value>) -> Value {
        Value::Array(items)
    }

    fn begin_object(&mut self, fields: usize) -> Self::Object {
        serde_json::Map::with_capacity(fields)
    }

    fn set(&mut self, object: &mut Self::Object, _id: usize, name: &str, value: Value) {
        object.insert(name.to_string(), value);
    }

    fn end_object(&mut self, object: Self::Object) -> Value {
        Value::Object(object)
    }
}

impl AnyRecord for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

impl Input for Value {
    fn kind(&self) -> Kind<'_> {
        match self {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => Kind::Number(n.clone()),
            Value::String(s) => Kind::Str(s),
            Value::Array(_) => Kind::List,
            Value::Object(_) => Kind::Object,
        }
    }

    fn member(&self, key: &str) -> Option<&Self> {
        match self {
            Value::Object(m) => m.get(key),
            Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        }
    }

    fn element(&self, i: usize) -> Option<&Self> {
        match self {
            Value::Array(a) => a.get(i),
            Value::Object(m) => m.get(&i.to_string()),
            _ => None,
        }
    }

    fn items(&self) -> Vec<&Self> {
        match self {
            Value::Array(a) => a.iter().collect(),
            Value::Object(m) => m.values().collect(),
            _ => Vec::new(),
        }
    }

    fn to_value(&self, _at: &str, _errors: &mut Vec<MappingError>) -> Value {
        self.clone()
    }
}
