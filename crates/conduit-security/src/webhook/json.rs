//! Checking that a verified body is JSON and picking out the event type and id.
//!
//! This pass validates the whole document but builds nothing except the two
//! strings it looks for: the payload itself is decoded later, by whoever needs
//! it (the PHP binding hands the raw body to PHP's own `json_decode`, so PHP code
//! gets exactly the arrays it would get from `json_decode($body, true)`).

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::{Reason, VerifyError};

/// What the verifier needs from the body.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Inspected {
    pub(crate) event_type: Option<String>,
    pub(crate) id: Option<String>,
}

/// Validates `body` as a JSON object or array; for an object, reads the first of
/// `type_fields` that holds a string and `id_field` (string or integer).
pub(crate) fn inspect(
    body: &[u8],
    type_fields: &[Box<str>],
    id_field: Option<&str>,
) -> Result<Inspected, VerifyError> {
    // serde_json skips ignored strings without checking their UTF-8, and PHP's
    // json_decode refuses invalid UTF-8 anywhere: check the whole body up front so
    // every body that verifies also decodes.
    let text = std::str::from_utf8(body).map_err(|e| {
        VerifyError::new(
            Reason::MalformedJson,
            format!(
                "body is not valid JSON: invalid UTF-8 at byte {}",
                e.valid_up_to()
            ),
        )
    })?;
    check_depth(text.as_bytes())?;
    let mut de = serde_json::Deserializer::from_str(text);
    let found = Seed {
        type_fields,
        id_field,
    }
    .deserialize(&mut de)
    .map_err(json_error)?;
    de.end().map_err(json_error)?;
    Ok(found)
}

/// The deepest nesting json_decode accepts at its default depth of 512
/// (`PHP_JSON_PARSER_DEFAULT_DEPTH`; it counts one more than the brackets, so 511
/// nested arrays/objects decode and 512 do not). `verify()` refuses anything
/// deeper, so every body that verifies can be decoded by `getPayload()`.
pub(crate) const MAX_DEPTH: usize = 511;

/// Refuses nesting deeper than [`MAX_DEPTH`] arrays/objects, in one pass over the
/// bytes (brackets inside strings do not count). Syntax is left to the parser.
fn check_depth(body: &[u8]) -> Result<(), VerifyError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(VerifyError::new(
                        Reason::MalformedJson,
                        format!("body nests arrays/objects deeper than {MAX_DEPTH} levels (json_decode's depth limit of 512)"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn json_error(err: serde_json::Error) -> VerifyError {
    use serde_json::error::Category;
    // serde's own messages can quote body content at length; say where instead.
    let message = match err.classify() {
        Category::Eof => "body is not valid JSON: it ends early".to_owned(),
        Category::Syntax | Category::Io => {
            format!(
                "body is not valid JSON (syntax error at line {}, column {})",
                err.line(),
                err.column()
            )
        }
        Category::Data => "body must be a JSON object or array".to_owned(),
    };
    VerifyError::new(Reason::MalformedJson, message)
}

struct Seed<'f> {
    type_fields: &'f [Box<str>],
    id_field: Option<&'f str>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Inspected;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Inspected, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Inspected;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Inspected, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Inspected::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Inspected, A::Error> {
        // The candidate type fields in priority order; the first holding a string wins.
        let mut types: Vec<Option<String>> = vec![None; self.type_fields.len()];
        let mut id = None;
        while let Some(key) = map.next_key_seed(KeySeed {
            type_fields: self.type_fields,
            id_field: self.id_field,
        })? {
            match key {
                Key::Type(index) => {
                    // Later duplicates replace earlier ones, as in PHP's json_decode.
                    types[index] = map
                        .next_value::<Scalar>()?
                        .0
                        .filter(|s| s.kind == ScalarKind::String)
                        .map(|s| s.text);
                }
                Key::Id => id = map.next_value::<Scalar>()?.0.map(|s| s.text),
                Key::TypeAndId(index) => {
                    let value = map.next_value::<Scalar>()?.0;
                    types[index] = value
                        .clone()
                        .filter(|s| s.kind == ScalarKind::String)
                        .map(|s| s.text);
                    id = value.map(|s| s.text);
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Inspected {
            event_type: types.into_iter().flatten().next(),
            id,
        })
    }
}

enum Key {
    Type(usize),
    Id,
    TypeAndId(usize),
    Other,
}

struct KeySeed<'f> {
    type_fields: &'f [Box<str>],
    id_field: Option<&'f str>,
}

impl KeySeed<'_> {
    fn classify(&self, key: &str) -> Key {
        let type_index = self.type_fields.iter().position(|f| &**f == key);
        match (type_index, self.id_field == Some(key)) {
            (Some(i), true) => Key::TypeAndId(i),
            (Some(i), false) => Key::Type(i),
            (None, true) => Key::Id,
            (None, false) => Key::Other,
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(self.classify(key))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScalarKind {
    String,
    Integer,
}

#[derive(Clone)]
struct ScalarText {
    kind: ScalarKind,
    text: String,
}

/// A string or integer as text; any other JSON value (validated, then dropped) as `None`.
struct Scalar(Option<ScalarText>);

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(Some(ScalarText {
            kind: ScalarKind::String,
            text: v.to_owned(),
        })))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(Some(ScalarText {
            kind: ScalarKind::Integer,
            text: v.to_string(),
        })))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(Some(ScalarText {
            kind: ScalarKind::Integer,
            text: v.to_string(),
        })))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(names: &[&str]) -> Vec<Box<str>> {
        names.iter().map(|n| Box::<str>::from(*n)).collect()
    }

    #[test]
    fn picks_type_in_priority_order() {
        let f = fields(&["type", "event"]);
        let got = inspect(br#"{"event":"b","type":"a"}"#, &f, None).unwrap();
        assert_eq!(got.event_type.as_deref(), Some("a"));
        let got = inspect(br#"{"event":"b","type":5}"#, &f, None).unwrap();
        assert_eq!(
            got.event_type.as_deref(),
            Some("b"),
            "a non-string type falls back"
        );
        let got = inspect(br#"{"x":{"type":"nested"}}"#, &f, None).unwrap();
        assert_eq!(got.event_type, None, "only top-level fields count");
    }

    #[test]
    fn reads_id_as_string_or_integer() {
        let f = fields(&["type"]);
        assert_eq!(
            inspect(br#"{"id":"evt_1"}"#, &f, Some("id"))
                .unwrap()
                .id
                .as_deref(),
            Some("evt_1")
        );
        assert_eq!(
            inspect(br#"{"id":42}"#, &f, Some("id"))
                .unwrap()
                .id
                .as_deref(),
            Some("42")
        );
        assert_eq!(inspect(br#"{"id":1.5}"#, &f, Some("id")).unwrap().id, None);
        assert_eq!(inspect(br#"{"id":"x"}"#, &f, None).unwrap().id, None);
    }

    #[test]
    fn escaped_keys_and_values_are_decoded() {
        let f = fields(&["type"]);
        let got = inspect(br#"{"t\u0079pe":"a\u00e9"}"#, &f, None).unwrap();
        assert_eq!(got.event_type.as_deref(), Some("a\u{e9}"));
    }

    #[test]
    fn arrays_pass_scalars_and_garbage_fail() {
        let f = fields(&["type"]);
        assert_eq!(
            inspect(b"[1,2,{\"type\":\"x\"}]", &f, None).unwrap(),
            Inspected::default()
        );
        for bad in [
            &b"\"str\""[..],
            b"42",
            b"null",
            b"",
            b"{",
            b"{}x",
            b"{\"a\":}",
            b"\xff",
            b"{\"a\":\"\xff\"}",
        ] {
            let err = inspect(bad, &f, None).unwrap_err();
            assert_eq!(
                err.reason(),
                Reason::MalformedJson,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(
            inspect(b" {} \n", &f, None).is_ok(),
            "surrounding whitespace is JSON"
        );
    }

    #[test]
    fn messages_do_not_quote_the_body() {
        let f = fields(&["type"]);
        let err = inspect(b"\"secret-looking-value\"", &f, None).unwrap_err();
        assert!(
            !err.message().contains("secret-looking"),
            "{}",
            err.message()
        );
    }
}
