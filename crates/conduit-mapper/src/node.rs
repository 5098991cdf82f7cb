//! [`Node`]: a record as the streams decode it — cheaper than `serde_json::Value`
//! (members in a `Vec` in document order, no hashing; JSON strings without escapes
//! borrowed from the parser's window instead of copied). The mapper reads it through
//! [`Input`]; [`Node::to_value`] gives JSON where one is needed.

use std::borrow::Cow;
use std::cell::RefCell;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::input::{AnyRecord, Input, Kind};
use crate::MappingError;

/// One value of a decoded record.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'a, str>),
    List(Vec<Node<'a>>),
    /// Members in document order (XML: attributes as `@name`, then child elements,
    /// then `#text`).
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl Node<'_> {
    /// The node as JSON (a repeated member keeps its last value, as in a JSON object).
    pub fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::Str(s) => Value::String(s.to_string()),
            Node::List(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Object(members) => {
                let mut map = Map::with_capacity(members.len());
                for (k, v) in members {
                    map.insert(k.to_string(), v.to_value());
                }
                Value::Object(map)
            }
        }
    }

    fn get(&self, key: &str) -> Option<&Self> {
        match self {
            // The last of repeated members, as serde_json's object would keep.
            Node::Object(members) => members.iter().rev().find(|(k, _)| k.as_ref() == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl AnyRecord for Node<'_> {
    fn to_json(&self) -> Value {
        self.to_value()
    }

    fn as_node(&self) -> Option<&Node<'_>> {
        Some(self)
    }
}

impl Input for Node<'_> {
    fn kind(&self) -> Kind<'_> {
        match self {
            Node::Null => Kind::Null,
            Node::Bool(b) => Kind::Bool(*b),
            Node::Number(n) => Kind::Number(n.clone()),
            Node::Str(s) => Kind::Str(s),
            Node::List(_) => Kind::List,
            Node::Object(_) => Kind::Object,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    fn member(&self, key: &str) -> Option<&Self> {
        match self {
            Node::Object(_) => self.get(key),
            Node::List(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
    }

    fn element(&self, i: usize) -> Option<&Self> {
        match self {
            Node::List(items) => items.get(i),
            Node::Object(_) => self.get(&i.to_string()),
            _ => None,
        }
    }

    fn items(&self) -> Vec<&Self> {
        match self {
            Node::List(items) => items.iter().collect(),
            Node::Object(members) => members.iter().map(|(_, v)| v).collect(),
            _ => Vec::new(),
        }
    }

    fn to_value(&self, _at: &str, _errors: &mut Vec<MappingError>) -> Value {
        Node::to_value(self)
    }
}

// ---------------------------------------------------------------------------
// Decoding from JSON (serde_json drives; strings borrowed when unescaped)

thread_local! {
    /// The top-level members a [`Record`] keeps (`RecordStream::keep_only`); set by
    /// the stream around each parse, because `StreamDeserializer` (which reports
    /// where a value ended) takes a type, not a seed.
    static KEEP: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Runs `f` with `keep` as the members a [`Record`] keeps.
pub(crate) fn with_keep<R>(keep: Option<&[String]>, f: impl FnOnce() -> R) -> R {
    KEEP.with(|k| *k.borrow_mut() = keep.map(<[String]>::to_vec));
    let out = f();
    KEEP.with(|k| *k.borrow_mut() = None);
    out
}

/// A record: a [`Node`] whose top-level object members not in the keep list are
/// skipped (still syntax-checked by serde_json).
pub(crate) struct Record<'a>(pub Node<'a>);

impl<'de> Deserialize<'de> for Record<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor { top: true }).map(Record)
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor { top: false })
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct KeyDe<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for KeyDe<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyDe<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyDe(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyDe(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyDe(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

struct NodeVisitor {
    /// The record itself: its members are filtered by the keep list.
    top: bool,
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(v).map_or(Node::Null, Node::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<Node<'de>>()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let filtered = self.top && KEEP.with(|k| k.borrow().is_some());
        let mut members = Vec::with_capacity(8);
        while let Some(KeyDe(key)) = map.next_key::<KeyDe<'de>>()? {
            if filtered && !KEEP.with(|k| k.borrow().as_ref().is_none_or(|keep| keep.iter().any(|k| k.as_str() == key.as_ref()))) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value = map.next_value::<Node<'de>>()?;
            members.push((key, value));
        }
        Ok(Node::Object(members))
    }
}
