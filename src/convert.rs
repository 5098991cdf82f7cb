//! PHP values ↔ JSON values. Option arrays and JSON bodies cross the boundary as
//! `serde_json::Value`, so the core validates them without knowing about zvals.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

use crate::php_options::entries;

/// Deeper than any sane payload; stops self-referencing arrays from recursing forever.
const MAX_DEPTH: usize = 128;

/// Converts a PHP value to JSON: lists become arrays, other arrays objects;
/// `JsonSerializable` objects are serialized, other objects give their public properties.
///
/// # Errors
/// Names the offending `path` (e.g. `json.items.3`): NaN/INF, non-UTF-8 strings,
/// resources, closures, nesting deeper than 128.
pub fn zval_to_json(zv: &Zval, path: &str) -> Result<Value, String> {
    to_json(zv, path, 0)
}

fn to_json(zv: &Zval, path: &str, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("\"{path}\" is nested deeper than {MAX_DEPTH} levels (a recursive array?)"));
    }
    if zv.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = zv.bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = zv.long() {
        return Ok(Value::Number(n.into()));
    }
    if let Some(f) = zv.double() {
        return Number::from_f64(f).map(Value::Number).ok_or_else(|| format!("\"{path}\" is {f}, which JSON cannot hold"));
    }
    if let Some(s) = zv.zend_str() {
        return s
            .as_str()
            .map(|s| Value::String(s.to_owned()))
            .map_err(|_| format!("\"{path}\" is not valid UTF-8 (binary data belongs in the \"body\" option)"));
    }
    if let Some(ht) = zv.array() {
        return array_to_json(ht, path, depth);
    }
    if let Some(obj) = zv.object() {
        let class = obj.get_class_name().unwrap_or_default();
        if class == "Closure" {
            return Err(format!("\"{path}\" is a Closure, which has no JSON form"));
        }
        if let Ok(serialized) = obj.try_call_method("jsonSerialize", vec![]) {
            return to_json(&serialized, path, depth + 1);
        }
        let props = obj.get_properties().map_err(|_| format!("\"{path}\" is an object of class {class} without readable properties"))?;
        return object_entries_to_json(props, path, depth);
    }
    Err(format!("\"{path}\" has a type JSON cannot hold ({:?})", zv.get_type()))
}

/// A PHP array (list or map) as JSON; see [`zval_to_json`].
///
/// # Errors
/// As [`zval_to_json`].
pub fn hashtable_to_json(ht: &ZendHashTable, path: &str) -> Result<Value, String> {
    array_to_json(ht, path, 0)
}

/// An options array as a JSON object, leaving out the `skip` keys (values the
/// binding reads itself: callables, objects, binary bodies).
///
/// # Errors
/// A `ConfigException` naming the option whose value JSON cannot hold.
pub fn options_to_json(options: Option<&ZendHashTable>, skip: &[&str]) -> ext_php_rs::prelude::PhpResult<Value> {
    let mut map = Map::new();
    if let Some(ht) = options {
        for (key, value) in entries(ht) {
            let name = key
                .to_utf8()
                .ok_or_else(|| crate::exceptions::config_error(format!("Option name {} is not valid UTF-8.", key.quoted())))?;
            if skip.contains(&name.as_str()) {
                continue;
            }
            let json = zval_to_json(value, &name).map_err(|m| crate::exceptions::config_error(format!("Option {m}.")))?;
            map.insert(name, json);
        }
    }
    Ok(Value::Object(map))
}

fn array_to_json(ht: &ZendHashTable, path: &str, depth: usize) -> Result<Value, String> {
    if is_list(ht) {
        let mut items = Vec::with_capacity(ht.len());
        for (i, (_, value)) in entries(ht).into_iter().enumerate() {
            items.push(to_json(value, &format!("{path}.{i}"), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    object_entries_to_json(ht, path, depth)
}

/// `array_is_list()`: keys 0, 1, 2… in order. (ext-php-rs' `has_sequential_keys`
/// panics on a binary string key.)
pub fn is_list(ht: &ZendHashTable) -> bool {
    entries(ht).iter().enumerate().all(|(i, (key, _))| matches!(key, crate::php_options::Key::Int(k) if *k == i as i64))
}

fn object_entries_to_json(ht: &ZendHashTable, path: &str, depth: usize) -> Result<Value, String> {
    let mut map = Map::new();
    for (key, value) in entries(ht) {
        let name = key.to_utf8().ok_or_else(|| format!("\"{path}\" has a key that is not valid UTF-8: {}", key.quoted()))?;
        let child = to_json(value, &format!("{path}.{name}"), depth + 1)?;
        map.insert(name, child);
    }
    Ok(Value::Object(map))
}

/// Converts JSON to PHP the way `json_decode($s, true)` does.
pub fn json_to_zval(value: &Value) -> Zval {
    let mut zv = Zval::new();
    match value {
        Value::Null => zv.set_null(),
        Value::Bool(b) => zv.set_bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                zv.set_long(i);
            } else {
                zv.set_double(n.as_f64().unwrap_or(0.0));
            }
        }
        Value::String(s) => {
            let _ = zv.set_string(s, false);
        }
        Value::Array(items) => {
            let mut ht = ZendHashTable::with_capacity(u32::try_from(items.len()).unwrap_or(u32::MAX));
            for item in items {
                let _ = ht.push(json_to_zval(item));
            }
            zv.set_hashtable(ht);
        }
        Value::Object(map) => zv.set_hashtable(json_object_to_array(map)),
    }
    zv
}

fn json_object_to_array(map: &Map<String, Value>) -> ZBox<ZendHashTable> {
    let mut ht = ZendHashTable::with_capacity(u32::try_from(map.len()).unwrap_or(u32::MAX));
    for (k, v) in map {
        // Numeric-string keys become integer keys, as in json_decode.
        match k.parse::<i64>() {
            Ok(i) if i.to_string() == *k => {
                let _ = ht.insert_at_index(i, json_to_zval(v));
            }
            _ => {
                let _ = ht.insert(k.as_str(), json_to_zval(v));
            }
        }
    }
    ht
}

/// `[(name, value)]` → `['name' => 'value']`, joining repeated names with ", "
/// (RFC 9110 §5.3) so no value is lost.
pub fn headers_to_array(headers: &[(String, String)]) -> ZBox<ZendHashTable> {
    let mut merged: Vec<(String, String)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        match merged.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                existing.push_str(", ");
                existing.push_str(value);
            }
            None => merged.push((name, value.clone())),
        }
    }
    let mut ht = ZendHashTable::with_capacity(u32::try_from(merged.len()).unwrap_or(u32::MAX));
    for (n, v) in merged {
        let _ = ht.insert(n.as_str(), v);
    }
    ht
}

/// Binary-safe PHP string from bytes.
pub fn bytes_to_zval(bytes: &[u8]) -> Zval {
    let mut zv = Zval::new();
    zv.set_binary(bytes.to_vec());
    zv
}
