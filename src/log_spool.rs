//! The request-log spool settings (see conduit_store::request_log::spool):
//!
//! - `conduit.log_spool_dir`: the directory of the spool files; empty (default)
//!   means `<system temp dir>/conduit-spool`;
//! - `conduit.log_spool_max_mb`: the most megabytes all spool files in it may take
//!   together (default 64; 0 disables the spool: records then wait in memory while
//!   the database is down, as before).
//!
//! Both `PHP_INI_SYSTEM` (php.ini, `-d`): the spool belongs to the host, not a pool.
//! PHP calls the handlers at registration (MINIT) with the configured values; the
//! writers a process starts later read them.

use std::ffi::{c_int, c_void};
use std::path::PathBuf;
use std::sync::Mutex;

use conduit_store::request_log::spool::{self, SpoolConfig};
use ext_php_rs::error::php_error;
use ext_php_rs::ffi::{zend_ini_entry, zend_string};
use ext_php_rs::flags::{ErrorType, IniEntryPermission};
use ext_php_rs::zend::{IniEntryDef, IniEntryDefs};

const SUCCESS: c_int = 0;
const FAILURE: c_int = -1;

type OnModify = unsafe extern "C" fn(*mut zend_ini_entry, *mut zend_string, *mut c_void, *mut c_void, *mut c_void, c_int) -> c_int;

const fn entry(name: &'static std::ffi::CStr, default: &'static std::ffi::CStr, on_modify: OnModify) -> IniEntryDef {
    let mut def = IniEntryDef::new(name, default, IniEntryPermission::System);
    def.on_modify = Some(on_modify);
    def
}

static INI: IniEntryDefs<3> = IniEntryDefs::new([
    entry(c"conduit.log_spool_dir", c"", on_dir),
    entry(c"conduit.log_spool_max_mb", c"64", on_max_mb),
    IniEntryDef::end(),
]);

/// The settings as the handlers last accepted them.
static CURRENT: Mutex<Option<SpoolConfig>> = Mutex::new(None);

/// Registers the two settings (MINIT).
pub fn register_ini(module_number: i32) {
    IniEntryDef::register(INI.as_slice(), module_number);
}

fn update(change: impl FnOnce(&mut SpoolConfig)) {
    let mut current = CURRENT.lock().unwrap_or_else(|p| p.into_inner());
    let config = current.get_or_insert_with(SpoolConfig::default);
    change(config);
    spool::configure(config.clone());
}

/// # Safety
/// `value` is null or a valid `zend_string` for the duration of the call.
unsafe fn ini_text(value: *mut zend_string) -> String {
    // SAFETY: per the contract above.
    match unsafe { value.as_ref() } {
        Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        None => String::new(),
    }
}

/// `conduit.log_spool_dir`: empty or an absolute path.
fn parse_dir(text: &str) -> Result<PathBuf, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(SpoolConfig::default().dir);
    }
    let path = PathBuf::from(text);
    if !path.is_absolute() {
        return Err(format!("conduit.log_spool_dir must be an absolute path, got \"{text}\""));
    }
    Ok(path)
}

/// `conduit.log_spool_max_mb`: a whole number of megabytes, 0 to 1,000,000.
fn parse_max_mb(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(mb) if mb <= 1_000_000 => Ok(mb * 1024 * 1024),
        _ => Err(format!("conduit.log_spool_max_mb must be a whole number of megabytes from 0 to 1000000, got \"{}\"", text.trim())),
    }
}

unsafe extern "C" fn on_dir(
    _entry: *mut zend_ini_entry,
    value: *mut zend_string,
    _a1: *mut c_void,
    _a2: *mut c_void,
    _a3: *mut c_void,
    _stage: c_int,
) -> c_int {
    // SAFETY: PHP passes the new value (or null) and keeps it alive during the call.
    let text = unsafe { ini_text(value) };
    match parse_dir(&text) {
        Ok(dir) => {
            update(|c| c.dir = dir);
            SUCCESS
        }
        Err(message) => {
            php_error(&ErrorType::Warning, &format!("{message}; using the default (system temp dir)/conduit-spool"));
            FAILURE
        }
    }
}

unsafe extern "C" fn on_max_mb(
    _entry: *mut zend_ini_entry,
    value: *mut zend_string,
    _a1: *mut c_void,
    _a2: *mut c_void,
    _a3: *mut c_void,
    _stage: c_int,
) -> c_int {
    // SAFETY: as in on_dir.
    let text = unsafe { ini_text(value) };
    match parse_max_mb(&text) {
        Ok(max_bytes) => {
            update(|c| c.max_bytes = max_bytes);
            SUCCESS
        }
        Err(message) => {
            php_error(&ErrorType::Warning, &format!("{message}; using the default 64"));
            FAILURE
        }
    }
}

/// The phpinfo line of the spool.
pub fn describe() -> String {
    let c = spool::config();
    if c.max_bytes == 0 {
        return "disabled (conduit.log_spool_max_mb = 0): records wait in memory while the database is down".into();
    }
    format!("{}, at most {} MB", c.dir.display(), c.max_bytes / (1024 * 1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked() {
        assert_eq!(parse_dir("").unwrap(), SpoolConfig::default().dir);
        assert_eq!(parse_dir(" /var/spool/conduit ").unwrap(), PathBuf::from("/var/spool/conduit"));
        assert!(parse_dir("relative/dir").unwrap_err().contains("absolute"));
        assert_eq!(parse_max_mb("64").unwrap(), 64 << 20);
        assert_eq!(parse_max_mb("0").unwrap(), 0);
        assert!(parse_max_mb("-1").is_err());
        assert!(parse_max_mb("1.5").is_err());
    }
}
