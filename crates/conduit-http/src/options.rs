//! Reading option arrays (PHP arrays arrive as JSON values) with closed key sets.
//!
//! Every reader knows its allowed keys: an unknown key is an error that lists them,
//! and a wrong type or value is an error that names the option and quotes the value,
//! so a typo in a settings page never silently becomes a default.

use serde_json::{Map, Value};

use crate::error::Error;

pub struct OptionReader<'a> {
    /// Dotted path for messages: "" at top level, "retry." inside `retry`.
    prefix: String,
    map: &'a Map<String, Value>,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

/// Quotes a value for a message: at most 60 characters, control characters escaped
/// (a CR/LF in an option must not forge a second log line).
pub fn quote(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    quote_str(&text)
}

/// [`quote`] for text.
pub fn quote_str(text: &str) -> String {
    let mut out = String::from("\"");
    for (count, c) in text.chars().enumerate() {
        if count == 60 {
            out.push('…');
            break;
        }
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl<'a> OptionReader<'a> {
    /// `value` must be an object (a PHP associative array) or empty; `what` names the
    /// thing being configured in the unknown-key message.
    pub fn new(value: &'a Value, prefix: &str, what: &str, allowed: &[&str]) -> Result<Self, Error> {
        let map = match value {
            Value::Object(map) => map,
            Value::Null => &*EMPTY,
            Value::Array(items) if items.is_empty() => &*EMPTY,
            other => {
                let name = prefix.trim_end_matches('.');
                return Err(Error::config(format!(
                    "Option \"{name}\" must be an associative array: {} given.",
                    quote(other)
                )));
            }
        };
        let unknown: Vec<&str> = map.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
        if !unknown.is_empty() {
            return Err(Error::config(format!(
                "Unknown option{} \"{}{}\" for {what}. Allowed options are: {}.",
                if unknown.len() > 1 { "s" } else { "" },
                prefix,
                unknown.join("\", \""),
                allowed.join(", ")
            )));
        }
        Ok(Self { prefix: prefix.to_owned(), map })
    }

    fn name(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn invalid(&self, key: &str, expected: &str, value: &Value) -> Error {
        Error::config(format!("Option \"{}\" must be {expected}: {} given.", self.name(key), quote(value)))
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A number ≥ 0 (int or float).
    pub fn non_negative_f64(&self, key: &str) -> Result<Option<f64>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
            _ => Err(self.invalid(key, "a non-negative number", v)),
        }
    }

    /// A number > 0.
    pub fn positive_f64(&self, key: &str) -> Result<Option<f64>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.as_f64() {
            Some(n) if n.is_finite() && n > 0.0 => Ok(Some(n)),
            _ => Err(self.invalid(key, "a positive number", v)),
        }
    }

    /// A number in `min..=max` (NaN, INF and everything outside refused).
    pub fn number_in(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.as_f64() {
            Some(n) if n.is_finite() && (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(self.invalid(key, &format!("a number from {min} to {max}"), v)),
        }
    }

    /// Seconds in `min..=max`, or 0 meaning "none".
    pub fn seconds_or_zero(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.as_f64() {
            Some(n) if n == 0.0 || (n.is_finite() && (min..=max).contains(&n)) => Ok(Some(n.abs())),
            _ => Err(self.invalid(key, &format!("0 (none) or a number of seconds from {min} to {max}"), v)),
        }
    }

    /// A string usable as an HTTP header name.
    pub fn header_name(&self, key: &str) -> Result<Option<&'a str>, Error> {
        let Some(name) = self.non_empty_string(key)? else { return Ok(None) };
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(Error::config(format!(
                "Option \"{}\" must be a valid HTTP header name (a token: no spaces, CR, LF or other control characters): {} given.",
                self.name(key),
                quote_str(name)
            )));
        }
        Ok(Some(name))
    }

    /// A string usable as an HTTP header value. `secret` values are never quoted.
    pub fn header_value(&self, key: &str, secret: bool) -> Result<Option<&'a str>, Error> {
        let Some(value) = self.string(key)? else { return Ok(None) };
        if let Some(problem) = header_value_problem(value) {
            let given = if secret { String::from("the value is not quoted, it may be a secret") } else { format!("{} given", quote_str(value)) };
            return Err(Error::config(format!("Option \"{}\" must be a valid HTTP header value ({problem}): {given}.", self.name(key))));
        }
        Ok(Some(value))
    }

    /// A whole number in `min..=max`.
    pub fn int_in(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match v.as_u64() {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(self.invalid(key, &format!("an integer from {min} to {max}"), v)),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        v.as_bool().map(Some).ok_or_else(|| self.invalid(key, "a boolean", v))
    }

    pub fn string(&self, key: &str) -> Result<Option<&'a str>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        v.as_str().map(Some).ok_or_else(|| self.invalid(key, "a string", v))
    }

    pub fn non_empty_string(&self, key: &str) -> Result<Option<&'a str>, Error> {
        match self.string(key)? {
            Some("") => Err(Error::config(format!("Option \"{}\" must not be empty.", self.name(key)))),
            other => Ok(other),
        }
    }

    pub fn required_string(&self, key: &str) -> Result<&'a str, Error> {
        self.non_empty_string(key)?
            .ok_or_else(|| Error::config(format!("Option \"{}\" is required.", self.name(key))))
    }

    /// A list of strings.
    pub fn string_list(&self, key: &str) -> Result<Option<Vec<String>>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let items: Option<Vec<String>> = match v {
            Value::Array(items) => items.iter().map(|i| i.as_str().map(str::to_owned)).collect(),
            Value::Object(map) => map.values().map(|i| i.as_str().map(str::to_owned)).collect(),
            _ => None,
        };
        items.map(Some).ok_or_else(|| self.invalid(key, "a list of strings", v))
    }

    /// A `name => scalar` map (headers, query parameters); scalars become strings.
    pub fn string_map(&self, key: &str) -> Result<Option<Vec<(String, String)>>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let map = match v {
            Value::Object(map) => map,
            Value::Array(items) if items.is_empty() => return Ok(Some(Vec::new())),
            _ => return Err(self.invalid(key, "an array of name => value", v)),
        };
        let mut out = Vec::with_capacity(map.len());
        for (name, value) in map {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
                Value::Array(items) => {
                    // Repeated query parameter or header: name[]=a&name[]=b semantics.
                    for item in items {
                        match item {
                            Value::String(s) => out.push((name.clone(), s.clone())),
                            Value::Number(n) => out.push((name.clone(), n.to_string())),
                            other => return Err(self.invalid(&format!("{key}.{name}"), "a scalar", other)),
                        }
                    }
                    continue;
                }
                other => return Err(self.invalid(&format!("{key}.{name}"), "a scalar", other)),
            };
            out.push((name.clone(), text));
        }
        Ok(Some(out))
    }

    /// A nested option array with its own closed key set.
    pub fn nested(&self, key: &str, what: &str, allowed: &[&str]) -> Result<Option<OptionReader<'a>>, Error> {
        let Some(v) = self.get(key) else { return Ok(None) };
        OptionReader::new(v, &format!("{}{key}.", self.prefix), what, allowed).map(Some)
    }
}

/// Why `value` cannot be an HTTP header value, if it cannot.
pub fn header_value_problem(value: &str) -> Option<&'static str> {
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Some("no CR, LF or NUL");
    }
    if reqwest::header::HeaderValue::from_str(value).is_err() {
        return Some("visible ASCII only, no control characters");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_keys_are_listed_with_the_allowed_ones() {
        let v = json!({"timeout": 1, "timout": 2});
        let err = OptionReader::new(&v, "", "Conduit\\ApiClient", &["timeout", "retry"]).err().unwrap();
        assert_eq!(
            err.message(),
            "Unknown option \"timout\" for Conduit\\ApiClient. Allowed options are: timeout, retry."
        );
    }

    #[test]
    fn wrong_values_name_the_option_and_quote_the_value() {
        let v = json!({"retry": {"max_attempts": -1}, "timeout": "fast"});
        let r = OptionReader::new(&v, "", "x", &["retry", "timeout"]).unwrap();
        assert_eq!(
            r.non_negative_f64("timeout").err().unwrap().message(),
            "Option \"timeout\" must be a non-negative number: \"fast\" given."
        );
        let retry = r.nested("retry", "retry", &["max_attempts"]).unwrap().unwrap();
        assert_eq!(
            retry.int_in("max_attempts", 1, 100).err().unwrap().message(),
            "Option \"retry.max_attempts\" must be an integer from 1 to 100: \"-1\" given."
        );
    }

    #[test]
    fn empty_php_array_is_an_empty_map() {
        let v = json!([]);
        let r = OptionReader::new(&v, "", "x", &[]).unwrap();
        assert!(!r.has("anything"));
        assert!(OptionReader::new(&json!([1]), "", "x", &[]).is_err());
    }

    #[test]
    fn string_maps_accept_scalars_and_lists() {
        let v = json!({"query": {"page": 2, "tag": ["a", "b"], "on": true}});
        let r = OptionReader::new(&v, "", "x", &["query"]).unwrap();
        let q = r.string_map("query").unwrap().unwrap();
        assert_eq!(
            q,
            vec![
                ("page".into(), "2".into()),
                ("tag".into(), "a".into()),
                ("tag".into(), "b".into()),
                ("on".into(), "1".into())
            ]
        );
        let bad = json!({"query": {"x": {"y": 1}}});
        assert!(OptionReader::new(&bad, "", "x", &["query"]).unwrap().string_map("query").is_err());
    }
}
