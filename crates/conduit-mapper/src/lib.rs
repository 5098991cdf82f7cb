//! `conduit-mapper` — declarative record mapping, compiled once, applied many times.
//!
//! A spec (JSON, usually a PHP array) lists output fields; each says where its value
//! comes from (a source path, a constant, a template, a concatenation) and what to do
//! with it (default, required, trim, case, value map, date conversion, cast,
//! truncate, join, a nested sub-spec). [`Mapper::compile`] validates the whole spec
//! and builds a plan: paths parsed, formats translated, time zones looked up, so
//! [`Mapper::map`] does no parsing of the spec per record. The full language is in
//! `docs/mapper.md`.
//!
//! Design notes and trade-offs:
//! - **Fixed step order** per field (source → callback → default/required → trim →
//!   case → map → date → cast → truncate → join) instead of a user-ordered pipeline:
//!   a spec reads the same whatever the key order, and validation can reject
//!   combinations up front. A field needing another order uses two fields or the
//!   callback.
//! - **Every problem of a record is reported**: a failing field records its error and
//!   mapping goes on, so one run lists all of them ([`MappingErrors`]).
//! - **No PHP here.** The one escape hatch, a per-field callback, is an index the
//!   caller resolves through [`CallOut`]; the PHP binding keeps the callables.

mod cast;
mod date;
mod exec;
pub mod input;
mod node;
mod path;
mod plan;
pub mod stream;
pub mod utf8;

pub use cast::Rounding;
pub use input::{AnyRecord, Input, JsonOutput, Kind, Output, Scalar};
pub use path::{Found, FoundIn, Path};
pub use plan::{Mapper, SimpleCast, SimpleField, SimpleMap};

use serde_json::Value;

/// Values in error messages are JSON-encoded and cut to this many characters.
pub const MAX_QUOTED_CHARS: usize = 100;

/// One problem with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    /// Output path of the field, e.g. `items.2.price` (list positions included).
    pub path: String,
    /// Stable reason code: `required`, `invalid_type`, `invalid_int`, `invalid_float`,
    /// `invalid_bool`, `invalid_decimal`, `out_of_range`, `unmapped_value`,
    /// `invalid_date`, `nonexistent_time`, `ambiguous_time`, `callback_failed`,
    /// `invalid_utf8` (binding), `invalid_json` (binding), `not_found` (selector).
    pub reason: &'static str,
    /// A sentence for humans.
    pub message: String,
    /// The offending value, JSON-encoded and cut to [`MAX_QUOTED_CHARS`] characters
    /// (`None` when the value is missing).
    pub value: Option<String>,
}

impl MappingError {
    pub fn new(path: impl Into<String>, reason: &'static str, message: impl Into<String>, value: Option<&Value>) -> Self {
        Self { path: path.into(), reason, message: message.into(), value: value.map(quote) }
    }

    /// As [`MappingError::new`] with an already quoted value.
    pub fn with_quoted(path: impl Into<String>, reason: &'static str, message: impl Into<String>, value: Option<String>) -> Self {
        Self { path: path.into(), reason, message: message.into(), value }
    }
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.value {
            Some(v) => write!(f, "{}: {} {} ({})", self.path, v, self.message, self.reason),
            None => write!(f, "{}: {} ({})", self.path, self.message, self.reason),
        }
    }
}

/// Every problem of a record, in field order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MappingErrors(pub Vec<MappingError>);

impl std::fmt::Display for MappingErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.len();
        write!(f, "{n} mapping error{}", if n == 1 { "" } else { "s" })?;
        for (i, e) in self.0.iter().take(3).enumerate() {
            write!(f, "{}{e}", if i == 0 { ": " } else { "; " })?;
        }
        if n > 3 {
            write!(f, "; …")?;
        }
        Ok(())
    }
}

impl std::error::Error for MappingErrors {}

/// Why mapping stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapError {
    /// The record has problems; all of them are listed.
    Invalid(MappingErrors),
    /// The call-out hook asked to stop (the PHP callback threw: the exception is
    /// pending on the caller's side).
    Aborted,
}

/// A spec problem found at compile time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Where in the spec, e.g. `fields.price.cast`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mapper spec \"{}\" {}", self.path, self.message)
    }
}

impl std::error::Error for SpecError {}

/// What a call-out hook can answer instead of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutError {
    /// The value is rejected: recorded as a `callback_failed` error of the field.
    Reject(String),
    /// Stop mapping at once ([`MapError::Aborted`]).
    Abort,
}

/// Resolves a field's `callback` (the spec holds only its index, see
/// [`Mapper::callbacks`]).
pub trait CallOut {
    /// `value` is the field's source value (`Null` when missing), `record` the object
    /// the field belongs to.
    ///
    /// # Errors
    /// [`CallOutError`].
    fn call(&mut self, callback: usize, value: &Value, record: &Value) -> Result<Value, CallOutError>;

    /// What the executor calls: `record` in whatever form the input has (a binding
    /// can pass its own values on without a JSON copy). By default as JSON to
    /// [`CallOut::call`].
    ///
    /// # Errors
    /// [`CallOutError`].
    fn call_with(&mut self, callback: usize, value: &Value, record: &dyn AnyRecord) -> Result<Value, CallOutError> {
        self.call(callback, value, &record.to_json())
    }
}

/// The hook used by [`Mapper::map`]: a spec with callbacks needs [`Mapper::map_with`].
pub struct NoCallOut;

impl CallOut for NoCallOut {
    fn call(&mut self, callback: usize, _value: &Value, _record: &Value) -> Result<Value, CallOutError> {
        Err(CallOutError::Reject(format!("callback #{callback} has no call-out hook (use map_with)")))
    }
}

/// JSON text of `value`, cut to [`MAX_QUOTED_CHARS`] characters with `…`.
pub fn quote(value: &Value) -> String {
    let text = value.to_string();
    cut(&text)
}

/// Bytes that are not (all) UTF-8 as a quoted string: printable ASCII as is, other
/// bytes as `\xNN`, at most 64 bytes (then `…`).
pub fn quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in bytes.iter().take(64) {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    if bytes.len() > 64 {
        out.push('…');
    }
    out
}

/// `text` cut to [`MAX_QUOTED_CHARS`] characters with `…`.
pub fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
