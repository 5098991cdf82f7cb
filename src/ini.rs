//! The plumbing shared by the extension's php.ini settings (diagnostics, log spool):
//! one entry definition and one way to run an `on_modify` handler, so each setting
//! only says how its text parses and what an accepted value changes.
//!
//! Every setting is `PHP_INI_SYSTEM`: the values configure process-wide state (the
//! tracing subscriber, the spool directory) that a script must not switch mid-process.

use std::ffi::{c_int, CStr};

use ext_php_rs::error::php_error;
use ext_php_rs::ffi::{zend_ini_entry, zend_string};
use ext_php_rs::flags::{ErrorType, IniEntryPermission};
use ext_php_rs::zend::IniEntryDef;

/// What an `on_modify` handler answers: the value is taken…
const SUCCESS: c_int = 0;
/// …or refused, and PHP keeps the previous (default) value.
const FAILURE: c_int = -1;

/// The signature PHP calls an `on_modify` handler with.
pub type OnModify = unsafe extern "C" fn(
    *mut zend_ini_entry,
    *mut zend_string,
    *mut std::ffi::c_void,
    *mut std::ffi::c_void,
    *mut std::ffi::c_void,
    c_int,
) -> c_int;

/// A `PHP_INI_SYSTEM` entry whose changes go through `on_modify`.
pub const fn system_entry(name: &'static CStr, default: &'static CStr, on_modify: OnModify) -> IniEntryDef {
    let mut def = IniEntryDef::new(name, default, IniEntryPermission::System);
    def.on_modify = Some(on_modify);
    def
}

/// Runs one `on_modify` call: parses the text PHP hands over; an accepted value is
/// applied, a refused one becomes a startup warning (the parser's message, which
/// names the setting and the default kept) and PHP keeps the default. Never panics
/// and never fails startup: a bad php.ini line must not take the site down.
///
/// # Safety
/// `value` is null or a valid `zend_string` for the duration of the call.
pub unsafe fn accept<T>(value: *mut zend_string, parse: impl FnOnce(&str) -> Result<T, String>, apply: impl FnOnce(T)) -> c_int {
    // SAFETY: per the contract above.
    let text = match unsafe { value.as_ref() } {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => String::new(),
    };
    match parse(&text) {
        Ok(parsed) => {
            apply(parsed);
            SUCCESS
        }
        Err(message) => {
            php_error(&ErrorType::Warning, &message);
            FAILURE
        }
    }
}

/// Defines an `extern "C"` `on_modify` handler from a parser and an apply step
/// (see [`accept`]).
macro_rules! on_modify_handler {
    ($(#[$doc:meta])* $name:ident, $parse:expr, $apply:expr) => {
        $(#[$doc])*
        unsafe extern "C" fn $name(
            _entry: *mut ext_php_rs::ffi::zend_ini_entry,
            value: *mut ext_php_rs::ffi::zend_string,
            _arg1: *mut std::ffi::c_void,
            _arg2: *mut std::ffi::c_void,
            _arg3: *mut std::ffi::c_void,
            _stage: std::ffi::c_int,
        ) -> std::ffi::c_int {
            // SAFETY: PHP passes the new value (or null) and keeps it alive during the call.
            unsafe { $crate::ini::accept(value, $parse, $apply) }
        }
    };
}
pub(crate) use on_modify_handler;
