//! Closed option arrays: every PHP options array arrives here as a JSON object and is
//! read through an [`OptionReader`], which rejects unknown keys (listing the allowed
//! ones) and quotes the bad value in every type error. Keeping this in the core means
//! the rules are tested by `cargo test`, and the binding only converts arrays.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Reads one options array for one call (`what`, e.g. `"SyncQueue::push()"`).
pub struct OptionReader<'a> {
    what: &'static str,
    map: Option<&'a Map<String, Value>>,
}

/// Shows a value in an error message: JSON, cut to 80 characters.
pub fn quote(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}…")
    } else {
        text
    }
}

impl<'a> OptionReader<'a> {
    /// Accepts `null`, an empty list, or an object whose keys are all in `allowed`.
    pub fn new(what: &'static str, options: Option<&'a Value>, allowed: &[&str]) -> Result<Self> {
        let map = match options {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) if items.is_empty() => None,
            Some(Value::Object(map)) => Some(map),
            Some(other) => {
                return Err(Error::config(format!(
                    "{what}: options must be an array with string keys, got {}",
                    quote(other)
                )))
            }
        };
        if let Some(map) = map {
            if let Some((key, value)) = map.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
                return Err(Error::config(format!(
                    "{what}: unknown option \"{key}\" (value {}); allowed options are: {}",
                    quote(value),
                    allowed.join(", ")
                )));
            }
        }
        Ok(Self { what, map })
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn bad(&self, key: &str, expected: &str, value: &Value) -> Error {
        Error::config(format!("{}: option \"{key}\" must be {expected}, got {}", self.what, quote(value)))
    }

    /// A finite number within `[min, max]`.
    pub fn number(&self, key: &str, min: f64, max: f64, expected: &str) -> Result<Option<f64>> {
        let Some(value) = self.get(key) else { return Ok(None) };
        match value.as_f64() {
            Some(n) if n.is_finite() && n >= min && n <= max => Ok(Some(n)),
            _ => Err(self.bad(key, expected, value)),
        }
    }

    /// An integer within `[min, max]` (a float with no fraction is accepted).
    pub fn integer(&self, key: &str, min: i64, max: i64, expected: &str) -> Result<Option<i64>> {
        let Some(value) = self.get(key) else { return Ok(None) };
        let n = value.as_i64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64));
        match n {
            Some(n) if n >= min && n <= max => Ok(Some(n)),
            _ => Err(self.bad(key, expected, value)),
        }
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>> {
        let Some(value) = self.get(key) else { return Ok(None) };
        value.as_bool().map(Some).ok_or_else(|| self.bad(key, "true or false", value))
    }

    /// A non-empty string of at most `max_len` bytes.
    pub fn string(&self, key: &str, max_len: usize) -> Result<Option<String>> {
        let Some(value) = self.get(key) else { return Ok(None) };
        match value {
            Value::String(s) if !s.is_empty() && s.len() <= max_len => Ok(Some(s.clone())),
            Value::Number(n) => Ok(Some(n.to_string())),
            _ => Err(self.bad(key, &format!("a non-empty string of at most {max_len} bytes"), value)),
        }
    }

    /// A string or a list of strings.
    pub fn string_list(&self, key: &str, max_len: usize) -> Result<Option<Vec<String>>> {
        let Some(value) = self.get(key) else { return Ok(None) };
        let expected = format!("a string or a list of non-empty strings of at most {max_len} bytes");
        let items: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(map) => map.values().collect(),
            single => vec![single],
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(s) if !s.is_empty() && s.len() <= max_len => out.push(s.clone()),
                _ => return Err(self.bad(key, &expected, value)),
            }
        }
        Ok(Some(out))
    }

    /// The raw value, for options with their own structure.
    pub fn raw(&self, key: &str) -> Option<&'a Value> {
        self.get(key)
    }

    pub fn what(&self) -> &'static str {
        self.what
    }
}

/// Seconds (float) to whole milliseconds, rounding up so "0.0001 s" is never 0 ms
/// when the caller meant "a little".
pub fn secs_to_ms(seconds: f64) -> i64 {
    (seconds * 1000.0).ceil() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_are_rejected_with_the_allowed_list_and_the_value() {
        let options = json!({"lease_s": 5, "leese_s": "x"});
        let err = OptionReader::new("SyncQueue::claim()", Some(&options), &["lease_s", "types"]).err().unwrap();
        assert!(err.is_config());
        assert_eq!(
            err.message(),
            "SyncQueue::claim(): unknown option \"leese_s\" (value \"x\"); allowed options are: lease_s, types"
        );
    }

    #[test]
    fn type_errors_quote_the_value() {
        let options = json!({"lease_s": "soon"});
        let reader = OptionReader::new("SyncQueue::claim()", Some(&options), &["lease_s"]).unwrap();
        let err = reader.number("lease_s", 0.001, 86400.0, "a number of seconds from 0.001 to 86400").unwrap_err();
        assert_eq!(
            err.message(),
            "SyncQueue::claim(): option \"lease_s\" must be a number of seconds from 0.001 to 86400, got \"soon\""
        );
    }

    #[test]
    fn empty_list_and_null_mean_no_options() {
        for value in [json!([]), Value::Null] {
            let reader = OptionReader::new("x", Some(&value), &[]).unwrap();
            assert!(!reader.has("anything"));
        }
        assert!(OptionReader::new("x", Some(&json!([1])), &[]).is_err());
    }
}
