//! PHP-side helpers shared by the bindings:
//! closed option arrays, binary-safe string arguments, and marking parameters
//! `#[\SensitiveParameter]`.
//!
//! Option arrays are iterated with `Iter::next_zval`, never `ZendHashTable::iter()`:
//! the latter converts each key to UTF-8 and panics on a binary key, and a panic
//! must never reach PHP.

use ext_php_rs::convert::{FromZval, IntoZval, StubLiteral};
use ext_php_rs::exception::PhpException;
use ext_php_rs::flags::DataType;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use ext_php_rs::zend::ClassEntry;

use crate::exceptions::config_error;

/// A binary-safe string argument: the bytes of the PHP string, borrowed, NUL and
/// non-UTF-8 bytes included. (`String`/`&str` arguments refuse non-UTF-8.)
#[derive(Debug, Clone, Copy)]
pub struct Bytes<'a>(pub &'a [u8]);

impl<'a> FromZval<'a> for Bytes<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.zend_str().map(|s| Bytes(s.as_bytes()))
    }
}

impl From<&'static str> for Bytes<'_> {
    fn from(value: &'static str) -> Self {
        Bytes(value.as_bytes())
    }
}

impl StubLiteral for Bytes<'_> {
    fn stub_literal(&self) -> String {
        String::from_utf8_lossy(self.0).as_ref().stub_literal()
    }
}

/// A `string` return value made from bytes: declared `string` to Reflection and
/// stubs (a bare `Zval` would be `mixed`), copied straight into a zend_string so
/// no intermediate Rust buffer holds a plaintext or key un-wiped.
pub struct StringReturn(pub Zval);

impl StringReturn {
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut zv = Zval::new();
        zv.set_zend_string(ZendStr::new(bytes, false));
        Self(zv)
    }
}

impl IntoZval for StringReturn {
    const TYPE: DataType = DataType::String;
    const NULLABLE: bool = false;

    fn set_zval(self, zv: &mut Zval, _persistent: bool) -> ext_php_rs::error::Result<()> {
        *zv = self.0;
        Ok(())
    }
}

/// An `array` return value that already is a PHP array zval (e.g. from `json_decode`).
pub struct ArrayReturn(pub Zval);

impl IntoZval for ArrayReturn {
    const TYPE: DataType = DataType::Array;
    const NULLABLE: bool = false;

    fn set_zval(self, zv: &mut Zval, _persistent: bool) -> ext_php_rs::error::Result<()> {
        *zv = self.0;
        Ok(())
    }
}

/// PHP's name for a value's type, for messages (`int given`).
pub fn type_name(zv: &Zval) -> &'static str {
    if zv.is_null() {
        "null"
    } else if zv.is_bool() {
        "bool"
    } else if zv.is_long() {
        "int"
    } else if zv.is_double() {
        "float"
    } else if zv.is_string() {
        "string"
    } else if zv.is_array() {
        "array"
    } else if zv.is_object() {
        "object"
    } else {
        "resource"
    }
}

/// Turns a core message (`option "x" must …`) into the extension's sentence
/// style (`Option "x" must ….`).
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// Quotes a PHP array key or option value for a message: printable ASCII kept,
/// the rest escaped, long values cut.
pub fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in bytes.iter().take(64) {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    if bytes.len() > 64 {
        out.push('…');
    }
    out
}

/// The entries of a PHP array as `(key, value)`, keys binary-safe: string keys
/// as bytes, integer keys as their decimal digits.
pub fn entries(ht: &ZendHashTable) -> Vec<(Key, &Zval)> {
    let mut out = Vec::with_capacity(ht.len());
    let mut iter = ht.iter();
    while let Some((key, value)) = iter.next_zval() {
        out.push((Key::from_key_zval(&key), value));
    }
    out
}

/// An array key, kept binary-safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Int(i64),
    Str(Vec<u8>),
}

impl Key {
    /// From the key zval `Iter::next_zval` yields.
    pub fn from_key_zval(zv: &Zval) -> Self {
        match zv.long() {
            Some(i) => Key::Int(i),
            None => Key::Str(
                zv.zend_str()
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default(),
            ),
        }
    }

    /// The key as text; `None` for a string key that is not UTF-8.
    pub fn to_utf8(&self) -> Option<String> {
        match self {
            Key::Int(i) => Some(i.to_string()),
            Key::Str(s) => String::from_utf8(s.clone()).ok(),
        }
    }

    pub fn quoted(&self) -> String {
        match self {
            Key::Int(i) => i.to_string(),
            Key::Str(s) => quote(s),
        }
    }
}

/// Refuses keys outside `allowed`, naming the bad key and listing the allowed ones.
pub fn reject_unknown(
    ht: &ZendHashTable,
    allowed: &[&str],
    context: &str,
) -> Result<(), PhpException> {
    for (key, _) in entries(ht) {
        let known =
            matches!(&key, Key::Str(s) if allowed.iter().any(|a| a.as_bytes() == s.as_slice()));
        if !known {
            return Err(config_error(format!(
                "Unknown option {} for {context}. Allowed options are: {}.",
                key.quoted(),
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

/// An optional string option (UTF-8, since option values are names and labels).
pub fn opt_string(ht: &ZendHashTable, name: &str) -> Result<Option<String>, PhpException> {
    match ht.get(name) {
        None => Ok(None),
        Some(zv) if zv.is_null() => Ok(None),
        Some(zv) => match zv.zend_str() {
            Some(s) => s.as_str().map(|s| Some(s.to_owned())).map_err(|_| {
                config_error(format!(
                    "Option \"{name}\" must be valid UTF-8: {} given.",
                    quote(s.as_bytes())
                ))
            }),
            None => Err(config_error(format!(
                "Option \"{name}\" must be a string, {} given.",
                type_name(zv)
            ))),
        },
    }
}

/// An optional non-negative integer option.
pub fn opt_uint(ht: &ZendHashTable, name: &str) -> Result<Option<u64>, PhpException> {
    match ht.get(name) {
        None => Ok(None),
        Some(zv) if zv.is_null() => Ok(None),
        Some(zv) => match zv.long() {
            Some(n) => u64::try_from(n).map(Some).map_err(|_| {
                config_error(format!(
                    "Option \"{name}\" must not be negative: {n} given."
                ))
            }),
            None => Err(config_error(format!(
                "Option \"{name}\" must be an int, {} given.",
                type_name(zv)
            ))),
        },
    }
}

// ---------------------------------------------------------------------------
// #[\SensitiveParameter]
// ---------------------------------------------------------------------------

extern "C" {
    // Zend/zend_attributes.h (PHP 8.2): ZEND_API, exported by every SAPI binary.
    fn zend_get_parameter_attribute_str(
        attributes: *mut ext_php_rs::ffi::HashTable,
        name: *const std::ffi::c_char,
        len: usize,
        offset: u32,
    ) -> *mut std::ffi::c_void;
    fn zend_add_attribute(
        attributes: *mut *mut ext_php_rs::ffi::HashTable,
        name: *mut ext_php_rs::ffi::zend_string,
        argc: u32,
        flags: u32,
        offset: u32,
        lineno: u32,
    ) -> *mut std::ffi::c_void;
}

/// `ZEND_ATTRIBUTE_PERSISTENT`: internal functions live in persistent memory.
const ZEND_ATTRIBUTE_PERSISTENT: u32 = 1;

/// Marks parameter `offset` (0-based) of `class::method` as `#[\SensitiveParameter]`,
/// so stack traces captured by exceptions show a `SensitiveParameterValue`
/// instead of the key material in it — as PHP does for `hash_hmac()`'s key.
///
/// ext-php-rs cannot declare parameter attributes, and a module's startup hook
/// runs before its classes exist, so the bindings call this at the top of their
/// constructors. It checks first and adds the attribute only once per class
/// registration (a SAPI that restarts the module registers fresh classes, which
/// get marked again). Runs on PHP's thread; the extension is NTS.
pub fn mark_sensitive_parameter(ce: &ClassEntry, method_lowercase: &str, offset: u32) {
    const NAME_LOWERCASE: &str = "sensitiveparameter";
    let Some(entry) = ce.function_table.get(method_lowercase) else {
        return;
    };
    // SAFETY: entries of a class's function table are IS_PTR zvals holding a
    // `zend_function*` that lives as long as the class.
    let Some(function) = (unsafe { entry.ptr::<ext_php_rs::ffi::zend_function>() }) else {
        return;
    };
    // SAFETY: `function` is valid (above). The lookup accepts a NULL table.
    let already = unsafe {
        !zend_get_parameter_attribute_str(
            (*function).common.attributes,
            NAME_LOWERCASE.as_ptr().cast(),
            NAME_LOWERCASE.len(),
            offset,
        )
        .is_null()
    };
    if already {
        return;
    }
    // Persistent and *not* interned: an interned string created during a request
    // is freed when the request ends, and the attribute outlives it.
    let name = ZendStr::new("SensitiveParameter", true);
    // SAFETY: `function` is valid; zend_add_attribute copies the name (refcount +1)
    // and allocates the table persistently, as the flag says.
    unsafe {
        let attributes = std::ptr::addr_of_mut!((*function).common.attributes);
        zend_add_attribute(
            attributes,
            name.as_ptr().cast_mut(),
            0,
            ZEND_ATTRIBUTE_PERSISTENT,
            offset + 1,
            0,
        );
    }
}
