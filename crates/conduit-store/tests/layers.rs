//! The module graph of conduit-store stays a stack of layers (docs/architecture.md,
//! "conduit-store's layers"): every `crate::…` / `super::…` path in src/**/*.rs is an
//! edge from the module that names it to the module it names, and
//! - an edge may only go to a lower layer or stay within its own module;
//! - the graph has no cycle;
//! - conduit-store does not depend on conduit-http (`cargo tree`): the crates that
//!   join them are conduit-delivery and the extension.
//!
//! Comments are not edges (a doc link to a higher layer is allowed); `#[cfg(test)]`
//! code is, because a test module is compiled into the crate like any other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top. A module belongs to the longest entry that prefixes its path.
const LAYERS: &[(&str, &[&str])] = &[
    ("foundation: the error type, the clock, option arrays, secret masking", &["error", "clock", "options", "redact"]),
    ("which database", &["dsn"]),
    ("model: plain types and pure helpers, no SQL, no policy", &["model", "delivery"]),
    ("the versioned schema", &["migrations"]),
    ("backends: every SQL statement, one module per engine", &["backend"]),
    ("the request-log writer thread and its local spool", &["request_log::writer", "request_log::spool"]),
    ("per-process connections and writers (fork safety)", &["process"]),
    ("the store handle", &["store"]),
    ("facades: SyncQueue, RequestLog, the shared-limits table", &["queue", "request_log", "shared_limits"]),
    ("the crate root (re-exports)", &[""]),
];

fn src_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read src").map(|e| e.expect("dir entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` → `a::b`, `src/a/mod.rs` → `a`, `src/lib.rs` → `` (the root).
fn module_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).expect("under src");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts.join("::")
}

/// The text without comments, string literals and char literals (so `"a // b"`,
/// `"crate::x"` or a doc link are not read as code).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == b'r' && (b[i + 1..].starts_with(b"\"") || b[i + 1..].starts_with(b"#")) && !prev_is_ident(b, i) {
            // Raw string r"…" / r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while j < b.len() && b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            if j < b.len() && b[j] == b'"' {
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                j += 1;
                while j < b.len() && !b[j..].starts_with(&close) {
                    j += 1;
                }
                i = j + close.len();
                out.push_str("\"\"");
            } else {
                out.push('r');
                i += 1;
            }
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && is_char_literal(b, i) {
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            let ch = text[i..].chars().next().expect("char boundary");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn prev_is_ident(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// `'a'`, `'\n'`, `'\u{1F600}'` are literals; `'a` (a lifetime) is not.
fn is_char_literal(b: &[u8], i: usize) -> bool {
    match b.get(i + 1) {
        Some(b'\\') => true,
        Some(_) => {
            // One (possibly multi-byte) character then a quote.
            let rest = std::str::from_utf8(&b[i + 1..]).unwrap_or("");
            let mut chars = rest.chars();
            chars.next();
            chars.next() == Some('\'')
        }
        None => false,
    }
}

/// Every path `crate::a::b…` or `super::…` names, expanded through `{…}` groups, as a
/// module path relative to the crate root.
fn referenced_paths(code: &str, module: &str) -> Vec<Vec<String>> {
    let b = code.as_bytes();
    let mut found = Vec::new();
    // Inline `mod name { … }` blocks open at this point, with the brace depth inside.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if !prev_is_ident(b, i) && code[i..].starts_with("mod ") {
            let rest = &code[i + 4..];
            let name: String = rest.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let after = rest.trim_start()[name.len()..].trim_start();
            if !name.is_empty() && after.starts_with('{') {
                // The `{` is counted when the scan reaches it.
                inline.push((name, depth + 1));
            }
        }
        let starts_path = !prev_is_ident(b, i) && (i == 0 || b[i - 1] != b':');
        if starts_path && (b[i..].starts_with(b"crate::") || b[i..].starts_with(b"super::")) {
            let base: Vec<String> = if b[i..].starts_with(b"crate::") {
                Vec::new()
            } else {
                // `super` is the parent of the innermost module here: of an inline
                // `mod tests {}` that is the file's module; of `a/b.rs` (and
                // `a/b/mod.rs`) it is `a`.
                let mut parts: Vec<String> = module.split("::").filter(|s| !s.is_empty()).map(String::from).collect();
                parts.extend(inline.iter().map(|(n, _)| n.clone()));
                parts.pop();
                parts
            };
            let mut j = i + "crate::".len();
            let mut prefix = base;
            // More `super::` hops.
            while code[j..].starts_with("super::") {
                prefix.pop();
                j += "super::".len();
            }
            let (paths, end) = parse_tree(code, j, prefix);
            found.extend(paths);
            // The group's braces are not module braces: skip them without counting.
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    found
}

/// Parses `a::b::{c, d::e}` at `at`; returns the full paths and where it ended.
fn parse_tree(code: &str, mut at: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let b = code.as_bytes();
    let skip_ws = |mut k: usize| {
        while k < b.len() && b[k].is_ascii_whitespace() {
            k += 1;
        }
        k
    };
    let mut path = prefix;
    loop {
        at = skip_ws(at);
        if at < b.len() && b[at] == b'{' {
            let mut all = Vec::new();
            at += 1;
            loop {
                at = skip_ws(at);
                if at >= b.len() {
                    return (all, at);
                }
                if b[at] == b'}' {
                    return (all, at + 1);
                }
                if b[at] == b',' {
                    at += 1;
                    continue;
                }
                let (sub, end) = parse_tree(code, at, path.clone());
                all.extend(sub);
                // Skip `as name` and anything else up to the separator.
                at = end;
                while at < b.len() && b[at] != b',' && b[at] != b'}' && b[at] != b'{' {
                    at += 1;
                }
                if at < b.len() && b[at] == b'{' {
                    return (all, at);
                }
            }
        }
        let start = at;
        while at < b.len() && (b[at].is_ascii_alphanumeric() || b[at] == b'_') {
            at += 1;
        }
        let ident = &code[start..at];
        if ident.is_empty() || ident == "self" {
            return (vec![path], at);
        }
        path.push(ident.to_string());
        if code[at..].starts_with("::") {
            at += 2;
        } else {
            return (vec![path], at);
        }
    }
}

/// The layer index and unit (the declared entry) a module path belongs to.
fn unit_of(path: &[String]) -> Option<(usize, String)> {
    let joined = path.join("::");
    let mut best: Option<(usize, &str)> = None;
    for (layer, (_, units)) in LAYERS.iter().enumerate() {
        for unit in units.iter().copied() {
            let matches = joined == unit || (!unit.is_empty() && joined.starts_with(&format!("{unit}::")));
            if matches && best.is_none_or(|(_, b)| unit.len() > b.len()) {
                best = Some((layer, unit));
            }
        }
    }
    best.map(|(layer, unit)| (layer, unit.to_string()))
}

/// A module path names a module, an item in it, or a method of an item: the unit is
/// decided by the longest declared prefix, so `crate::queue::job::Job` is `queue`
/// unless `queue::job` is declared.
struct Graph {
    /// unit → units it names, each with one file and line that shows it.
    edges: BTreeMap<String, BTreeMap<String, String>>,
    layer: BTreeMap<String, usize>,
}

fn build_graph(root: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    assert!(files.len() > 10, "found only {} files under {}", files.len(), root.display());
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut layer = BTreeMap::new();
    let top: BTreeSet<String> =
        files.iter().filter_map(|f| module_of(root, f).split("::").next().map(String::from)).filter(|m| !m.is_empty()).collect();
    // `crate::Job` names the root's re-export: follow it to the module that has it.
    let lib = code_only(&std::fs::read_to_string(root.join("lib.rs")).expect("read lib.rs"));
    let mut reexports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (at, _) in lib.match_indices("pub use ") {
        for path in parse_tree(&lib, at + "pub use ".len(), Vec::new()).0 {
            if let Some(last) = path.last() {
                reexports.insert(last.clone(), path.clone());
            }
        }
    }
    for file in &files {
        let module = module_of(root, file);
        let from_path: Vec<String> = module.split("::").filter(|s| !s.is_empty()).map(String::from).collect();
        let (from_layer, from) = unit_of(&from_path).unwrap_or_else(|| panic!("module {module} is in no layer of LAYERS"));
        layer.insert(from.clone(), from_layer);
        let text = std::fs::read_to_string(file).expect("read source");
        let code = code_only(&text);
        for mut target in referenced_paths(&code, &module) {
            if let Some(first) = target.first().filter(|f| !top.contains(*f)) {
                if let Some(real) = reexports.get(first) {
                    target = real.iter().chain(&target[1..]).cloned().collect();
                }
            }
            let Some((to_layer, to)) = unit_of(&target) else { continue };
            layer.insert(to.clone(), to_layer);
            if to != from {
                let line = text.lines().position(|l| l.contains(target.last().map_or("", String::as_str))).map_or(0, |n| n + 1);
                let rel = file.strip_prefix(root).unwrap_or(file).display().to_string();
                edges.entry(from.clone()).or_default().entry(to).or_insert_with(|| format!("src/{rel}:{line} ({})", target.join("::")));
            }
        }
    }
    Graph { edges, layer }
}

/// Edges that go up the stack, or sideways within a layer between different units.
fn upward_edges(g: &Graph) -> Vec<String> {
    let mut bad = Vec::new();
    for (from, tos) in &g.edges {
        for (to, where_) in tos {
            let (lf, lt) = (g.layer[from], g.layer[to]);
            if lt > lf {
                bad.push(format!("{from} (layer {lf}: {}) → {to} (layer {lt}: {}) at {where_}", LAYERS[lf].0, LAYERS[lt].0));
            }
        }
    }
    bad
}

/// One cycle of the graph, if any (depth-first search).
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        g: &Graph,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in g.edges.get(node).map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
            match state.get(&next).copied() {
                Some(1) => {
                    let start = stack.iter().position(|n| *n == next).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next);
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(&next, g, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    let nodes: BTreeSet<String> = g.edges.keys().cloned().collect();
    for node in nodes {
        if !state.contains_key(&node) {
            let mut stack = Vec::new();
            if let Some(c) = visit(&node, g, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn describe(g: &Graph) -> String {
    let mut text = String::new();
    for (from, tos) in &g.edges {
        for (to, where_) in tos {
            text.push_str(&format!("  {from} → {to}   {where_}\n"));
        }
    }
    text
}

#[test]
fn modules_form_layers_without_cycles() {
    let g = build_graph(&src_dir());
    let bad = upward_edges(&g);
    assert!(bad.is_empty(), "edges against the layer order:\n  {}\n\nall edges:\n{}", bad.join("\n  "), describe(&g));
    if let Some(cycle) = find_cycle(&g) {
        panic!("module cycle: {}\n\nall edges:\n{}", cycle.join(" → "), describe(&g));
    }
}

/// The checker itself: a bad edge, a cycle and a grouped `use` are caught, comments
/// and strings are not edges.
#[test]
fn the_checker_catches_bad_edges_and_cycles() {
    let dir = std::env::temp_dir().join(format!("conduit-layers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = dir.as_path();
    let write = |rel: &str, text: &str| {
        let path = src.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    for (name, text) in [
        ("lib.rs", "pub mod error; pub mod clock; pub mod options; pub mod dsn; pub mod model; pub mod backend; pub mod store; pub mod queue;"),
        ("error.rs", "pub struct Error;"),
        ("clock.rs", "// use crate::queue::Queue; is a comment\nconst S: &str = \"crate::queue::x\";\npub fn now() {}"),
        ("options.rs", "use crate::error::Error;"),
        ("dsn.rs", "/* crate::store */ use crate::error::Error;"),
        ("model/mod.rs", "pub mod job;"),
        ("model/job.rs", "use super::super::error::Error; pub struct Job<'a>(&'a str, char);\nfn c() -> char { '{' }"),
        ("backend/mod.rs", "use crate::{model::job::Job, error::{Error as E}};"),
        ("store.rs", "use crate::backend::Backend;"),
        ("queue/mod.rs", "use crate::store::Store; use crate::model::job::Job;"),
    ] {
        write(name, text);
    }
    // Padding so the "found only N files" guard holds.
    for n in 0..4 {
        write(&format!("model/extra{n}.rs"), "pub struct Extra;");
    }
    let g = build_graph(src);
    assert!(upward_edges(&g).is_empty(), "{}", describe(&g));
    assert!(find_cycle(&g).is_none(), "{}", describe(&g));
    assert!(g.edges["backend"].contains_key("model") && g.edges["backend"].contains_key("error"), "{}", describe(&g));
    assert!(!g.edges.get("clock").is_some_and(|e| e.contains_key("queue")), "comment or string read as code: {}", describe(&g));
    assert!(!g.edges.get("dsn").is_some_and(|e| e.contains_key("store")), "block comment read as code: {}", describe(&g));
    assert!(g.edges["model"].contains_key("error"), "super::super not followed: {}", describe(&g));

    // A backend calling up into the queue: against the layers, and a cycle.
    write("backend/mod.rs", "use crate::{model::job::Job, error::{Error as E}};\nfn f() { crate::queue::Queue::new(); }");
    let g = build_graph(src);
    let bad = upward_edges(&g);
    assert!(bad.len() == 1 && bad[0].starts_with("backend (layer 4"), "{bad:?}\n{}", describe(&g));
    assert_eq!(find_cycle(&g), Some(vec!["backend".into(), "queue".into(), "store".into(), "backend".into()]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn does_not_depend_on_conduit_http() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let out = std::process::Command::new(cargo)
        .args(["tree", "--offline", "--edges", "normal,build", "--prefix", "none", "--format", "{p}", "--manifest-path"])
        .arg(&manifest)
        .args(["-p", "conduit-store"])
        .output()
        .expect("run cargo tree");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.lines().any(|l| l.starts_with("conduit-store ")), "unexpected cargo tree output:\n{tree}");
    let http: Vec<&str> = tree.lines().filter(|l| l.starts_with("conduit-http ") || l.starts_with("conduit-delivery ")).collect();
    assert!(http.is_empty(), "conduit-store depends on {http:?}; the adapters between the two belong in conduit-delivery");
}
