//! Source paths: `a.b.c`, list indexes (`items.0`, `items[0]`), wildcards
//! (`items[*].sku`, `items.*.sku`, top-level `[*]`) and `~` escapes for keys that
//! hold the path's own punctuation: `~0` is `~`, `~1` is `.`, `~2` is `*`, `~3` is `[`,
//! `~4` is `]` (the JSON Pointer idea, RFC 6901, with one escape per special character).
//!
//! Walking into a scalar, a missing key or an index past the end gives *missing*:
//! the field's `default`/`required` rules decide what that means. A wildcard over a
//! list yields its elements, over an object its values (in order); missing branches
//! of a wildcard are left out, so `items[*].sku` is a list of the SKUs that exist.
//! The two wildcard spellings differ on a value that is not a list: `.*` iterates an
//! object's values (`prices.*`), `[*]` takes any other value as a one-element list
//! ("one or many": XML-derived records and sloppy APIs give an object where a list
//! of one was meant).

use serde_json::Value;

use crate::input::{Input, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// An object key; on a list, a key made of digits is an index.
    Key(String),
    Index(usize),
    /// `.*`: list elements or object values.
    Wild,
    /// `[*]`: list elements; any other value is a list of one.
    Each,
}

/// A compiled source path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    segs: Vec<Seg>,
    text: String,
    /// Whether a segment is a wildcard (looked up once, not per record).
    wild: bool,
}

/// What a path found in a record.
#[derive(Debug)]
pub enum Found<'a> {
    Missing,
    One(&'a Value),
    /// The path has a wildcard: every match, in document order.
    Many(Vec<&'a Value>),
}

impl Path {
    /// Parses a path.
    ///
    /// # Errors
    /// A sentence naming what is wrong (empty segment, bad index, unknown escape).
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("is empty".into());
        }
        let mut segs = Vec::new();
        for raw in text.split('.') {
            parse_segment(raw, &mut segs).map_err(|e| format!("segment \"{raw}\" {e}"))?;
        }
        let wild = segs.iter().any(|s| matches!(s, Seg::Wild | Seg::Each));
        Ok(Self { segs, text: text.to_owned(), wild })
    }

    /// The record key the path starts with (`items` for `items[*].sku`); `None` when
    /// it starts with a wildcard (it reads every key).
    pub fn root_key(&self) -> Option<String> {
        match self.segs.first()? {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(i) => Some(i.to_string()),
            Seg::Wild | Seg::Each => None,
        }
    }

    pub(crate) fn segments(&self) -> &[Seg] {
        &self.segs
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn has_wildcard(&self) -> bool {
        self.segs.iter().any(|s| matches!(s, Seg::Wild | Seg::Each))
    }

    /// Whether the part before the first wildcard names a list or an object in
    /// `root` (a selector like `items[*]` on a document without `items` is a typo,
    /// not an empty export). Paths without a wildcard: whether they resolve.
    pub fn anchor_exists(&self, root: &Value) -> bool {
        let mut cur = root;
        for seg in &self.segs {
            match seg {
                Seg::Wild => return cur.is_array() || cur.is_object(),
                Seg::Each => return true,
                _ => {}
            }
            match step(seg, cur) {
                Some(next) => cur = next,
                None => return false,
            }
        }
        true
    }

    /// Looks the path up in `root`.
    pub fn find<'a>(&self, root: &'a Value) -> Found<'a> {
        if self.has_wildcard() {
            let mut out = Vec::new();
            collect(&self.segs, root, &mut out);
            Found::Many(out)
        } else {
            let mut cur = root;
            for seg in &self.segs {
                match step(seg, cur) {
                    Some(next) => cur = next,
                    None => return Found::Missing,
                }
            }
            Found::One(cur)
        }
    }
}

/// What a path found in a record of any [`Input`] type.
#[derive(Debug)]
pub enum FoundIn<'a, I> {
    Missing,
    One(&'a I),
    Many(Vec<&'a I>),
}

impl Path {
    /// Looks the path up in any [`Input`] (same rules as [`Path::find`]).
    pub fn find_in<'a, I: Input>(&self, root: &'a I) -> FoundIn<'a, I> {
        if self.wild {
            let mut out = Vec::new();
            collect_in(&self.segs, root, &mut out);
            FoundIn::Many(out)
        } else {
            let mut cur = root;
            for seg in &self.segs {
                match step_in(seg, cur) {
                    Some(next) => cur = next,
                    None => return FoundIn::Missing,
                }
            }
            FoundIn::One(cur)
        }
    }
}

fn step_in<'a, I: Input>(seg: &Seg, cur: &'a I) -> Option<&'a I> {
    match seg {
        Seg::Key(k) => cur.member(k),
        Seg::Index(i) => cur.element(*i),
        Seg::Wild | Seg::Each => None,
    }
}

fn collect_in<'a, I: Input>(segs: &[Seg], cur: &'a I, out: &mut Vec<&'a I>) {
    let Some((first, rest)) = segs.split_first() else {
        out.push(cur);
        return;
    };
    match first {
        Seg::Wild => {
            if matches!(cur.kind(), Kind::List | Kind::Object) {
                cur.items().into_iter().for_each(|v| collect_in(rest, v, out));
            }
        }
        Seg::Each => {
            if cur.kind() == Kind::List {
                cur.items().into_iter().for_each(|v| collect_in(rest, v, out));
            } else {
                collect_in(rest, cur, out);
            }
        }
        seg => {
            if let Some(next) = step_in(seg, cur) {
                collect_in(rest, next, out);
            }
        }
    }
}

fn parse_segment(raw: &str, segs: &mut Vec<Seg>) -> Result<(), String> {
    // Trailing bracket groups: `items[0][*]`.
    let mut head = raw;
    let mut brackets = Vec::new();
    while let Some(stripped) = head.strip_suffix(']') {
        let open = stripped.rfind('[').ok_or("has a \"]\" without \"[\"")?;
        let inner = &stripped[open + 1..];
        brackets.push(match inner {
            "*" => Seg::Each,
            _ => Seg::Index(inner.parse::<usize>().map_err(|_| format!("has a bad index \"[{inner}]\" (use [N] or [*])"))?),
        });
        head = &stripped[..open];
    }
    brackets.reverse();
    if head.is_empty() {
        if brackets.is_empty() {
            return Err("is empty (two dots in a row, or a leading/trailing dot?)".into());
        }
    } else if head == "*" {
        segs.push(Seg::Wild);
    } else {
        segs.push(Seg::Key(unescape(head)?));
    }
    segs.extend(brackets);
    Ok(())
}

fn unescape(s: &str) -> Result<String, String> {
    if s.contains('[') || s.contains(']') {
        return Err("has an unescaped \"[\" or \"]\" (write them as ~3 and ~4)".into());
    }
    if s.contains('*') {
        return Err("has a \"*\" inside a key (a wildcard is a whole segment; write a literal \"*\" as ~2)".into());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('~'),
            Some('1') => out.push('.'),
            Some('2') => out.push('*'),
            Some('3') => out.push('['),
            Some('4') => out.push(']'),
            _ => return Err("has an unknown escape (only ~0 ~1 ~2 ~3 ~4)".into()),
        }
    }
    Ok(out)
}

fn step<'a>(seg: &Seg, cur: &'a Value) -> Option<&'a Value> {
    match (seg, cur) {
        (Seg::Key(k), Value::Object(m)) => m.get(k),
        (Seg::Key(k), Value::Array(a)) => k.parse::<usize>().ok().and_then(|i| a.get(i)),
        (Seg::Index(i), Value::Array(a)) => a.get(*i),
        (Seg::Index(i), Value::Object(m)) => m.get(&i.to_string()),
        _ => None,
    }
}

fn collect<'a>(segs: &[Seg], cur: &'a Value, out: &mut Vec<&'a Value>) {
    let Some((first, rest)) = segs.split_first() else {
        out.push(cur);
        return;
    };
    match first {
        Seg::Wild => match cur {
            Value::Array(a) => a.iter().for_each(|v| collect(rest, v, out)),
            Value::Object(m) => m.values().for_each(|v| collect(rest, v, out)),
            _ => {}
        },
        Seg::Each => match cur {
            Value::Array(a) => a.iter().for_each(|v| collect(rest, v, out)),
            other => collect(rest, other, out),
        },
        seg => {
            if let Some(next) = step(seg, cur) {
                collect(rest, next, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(p: &str, v: &Value) -> Option<Value> {
        match Path::parse(p).ok()?.find(v) {
            Found::One(v) => Some(v.clone()),
            Found::Many(v) => Some(Value::Array(v.into_iter().cloned().collect())),
            Found::Missing => None,
        }
    }

    #[test]
    fn dots_indexes_wildcards_escapes() {
        let v = json!({"a": {"b": [10, {"c": 1}]}, "x.y": 2, "*": 3, "t~": 4, "k[0]": 5,
            "items": [{"sku": "A"}, {"n": 1}, {"sku": "C"}], "m": {"p": {"v": 1}, "q": {"v": 2}}});
        assert_eq!(one("a.b.0", &v), Some(json!(10)));
        assert_eq!(one("a.b[1].c", &v), Some(json!(1)));
        assert_eq!(one("a.b.1.c", &v), Some(json!(1)));
        assert_eq!(one("x~1y", &v), Some(json!(2)));
        assert_eq!(one("~2", &v), Some(json!(3)));
        assert_eq!(one("t~0", &v), Some(json!(4)));
        assert_eq!(one("k~30~4", &v), Some(json!(5)));
        assert_eq!(one("items[*].sku", &v), Some(json!(["A", "C"])));
        assert_eq!(one("items.*.sku", &v), Some(json!(["A", "C"])));
        assert_eq!(one("m.*.v", &v), Some(json!([1, 2])));
        assert_eq!(one("a.b.0.c", &v), None);
        assert_eq!(one("a.b[9]", &v), None);
        assert_eq!(one("nope[*]", &v), Some(json!([])));
        assert_eq!(one("[*]", &json!([1, 2])), Some(json!([1, 2])));
        assert_eq!(one("[*][*]", &json!([[1], [2, 3]])), Some(json!([1, 2, 3])));
        // [*] takes a non-list as a list of one; .* iterates object values.
        assert_eq!(one("m[*].p.v", &v), Some(json!([1])));
        assert_eq!(one("a[*].b.0", &v), Some(json!([10])));
        assert_eq!(one("[*]", &json!({"k": 1})), Some(json!([{"k": 1}])));
        assert_eq!(one("a.*", &v), Some(json!([[10, {"c": 1}]])));
        assert_eq!(one("x~1y[*]", &v), Some(json!([2])));
    }

    #[test]
    fn bad_paths() {
        for p in ["", "a..b", ".a", "a.", "a[x]", "a[-1]", "a]", "a~9", "a*", "a[b"] {
            assert!(Path::parse(p).is_err(), "{p} should be rejected");
        }
    }
}
